"""The crisis screen over everything she types: explainable rules, and a small model beside them.

An alarm from either half shows her the resources (`crisis`). The rules in
`content/safety.yaml` are explainable patterns (an alarm names its rule); the
model (`model`) reads what no pattern spelled out (an alarm names the n-grams
that raised it). `python -m bot safety eval` measures both on the labelled sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content import Content
from bot.content.safety import Safety
from bot.core.safety import model as screen_model
from bot.core.safety import patterns as screen_patterns

MODEL = "model"
"""The category and rule of an alarm the model raised."""

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_SPACES = re.compile(r"\s+")
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_MIXED = re.compile(r"[a-z0-9@$]*[a-z][a-z0-9@$]*")
_LEETY = re.compile(r"[a-z][0134@$]|[0134@$][a-z]")
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(am|pm|st|nd|rd|th|s|k|m|x|h|hrs?|mins?|yo|yrs?|kg|mg|ml|km|lbs?|ft|cm|mm|p)"
)


@dataclass(frozen=True)
class Alarm:
    """Why a message was taken as a crisis: the rule group and the rule that matched, or
    `model` and the n-grams that raised the model's score, with their contributions.

    An alarm holds words of her message: it is for the eval and the tests, never for a log."""

    category: str
    rule: str
    ngrams: tuple[tuple[str, float], ...] = ()

    def why(self) -> str:
        if self.rule != MODEL:
            return f"{self.category}/{self.rule}"
        grams = ", ".join(f"{gram!r} {weight:+.2f}" for gram, weight in self.ngrams)
        return f"model: {grams}"


def prepare(text: str, stretched: int = 2) -> str:
    """Lower-case, straight quotes, single spaces, stretched letters ("pleeease") cut down to
    `stretched` of them: two keeps "neeed" a "need", one makes "pleeease" a "please"."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return _STRETCHED.sub(r"\1" * stretched, _SPACES.sub(" ", text)).strip()


_COMPILED: dict[int, tuple[Safety, tuple[tuple[re.Pattern[str], ...], ...]]] = {}


def _compiled(rules: Safety) -> tuple[tuple[re.Pattern[str], ...], ...]:
    """The benign phrases and the crisis rules compiled once more for speed (ASCII word
    boundaries, a first-letter check; see `patterns`): the same matches on her prepared
    message, found in a fraction of the time on a long one. Kept per content in use."""
    found = _COMPILED.get(id(rules))
    if found is None or found[0] is not rules:
        fast = (
            tuple(screen_patterns.compile_fast(p.pattern) for p in rules.benign),
            tuple(screen_patterns.compile_fast(r.pattern.pattern) for r in rules.rules),
        )
        found = _COMPILED[id(rules)] = (rules, fast)
    return found[1]


def _blanked(content: Content, prepared: str) -> str:
    for benign in _compiled(content.safety)[0]:
        prepared = benign.sub(" ", prepared)
    return prepared


def blank(content: Content, text: str) -> str:
    """Her message prepared, with the figures of speech ("dead set") blanked out: what the
    model reads, and the first reading the rules try."""
    return _blanked(content, prepare(text))


def _unleet(word: re.Match[str]) -> str:
    """ "k1ll" and "mys3lf" read as letters; "3am" and "2nd" stay as they are."""
    token = word.group(0)
    if _NUMBER_WITH_UNIT.fullmatch(token):
        return token
    return token.translate(_LEET)


def _readings(content: Content, text: str) -> list[str]:
    """Her message blanked as typed, with stretched letters cut to one ("pleeease"), and with
    digits read as letters ("k1ll"): the first is what the model reads."""
    prepared = dict.fromkeys((prepare(text), prepare(text, stretched=1)))
    readings = [_blanked(content, p) for p in prepared]
    unleet = [_MIXED.sub(_unleet, r) for r in readings if _LEETY.search(r)]
    return list(dict.fromkeys([*readings, *unleet]))


def _match(content: Content, readings: list[str]) -> Alarm | None:
    patterns = _compiled(content.safety)[1]
    for reading in readings:
        for rule, pattern in zip(content.safety.rules, patterns, strict=True):
            if pattern.search(reading):
                return Alarm(rule.category, rule.id)
    return None


def rule_alarm(content: Content, text: str) -> Alarm | None:
    """The first crisis rule her message matches, in any of its readings."""
    return _match(content, _readings(content, text))


def screen(content: Content, text: str, model: screen_model.Model | None = None) -> Alarm | None:
    """An alarm if a crisis rule matches her message or the model (the packaged one unless
    another is given) reads it as a crisis; None if neither does."""
    readings = _readings(content, text)
    alarm = _match(content, readings)
    if alarm is not None:
        return alarm
    model = model or screen_model.packaged()
    if model is None:
        return None
    verdict = model.read(readings[0])
    return Alarm(MODEL, MODEL, verdict.ngrams) if verdict.fired else None
