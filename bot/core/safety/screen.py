"""The crisis screen's rules over everything she types, and her message as the screen reads it.

The rules in `content/safety.yaml` are explainable patterns (an alarm names its rule), matched
in time linear in her message by `engine`, on each of its readings (as typed, stretched letters
cut, digits read as letters). The graded reading (`reading`) puts them beside the model's heads
(`heads`), which read what no pattern spelled out; `python -m bot safety eval` measures both on
the labelled sets.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from bot.content import Content
from bot.content.safety import Safety
from bot.core.safety import engine

MODEL = "model"
"""The category and rule of an alarm the model raised."""

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_TRIPLED = engine.linear("|".join(letter * 3 for letter in string.ascii_lowercase))
"""Whether `_STRETCHED` has anything to do, found in a fraction of its time."""
_MIXED = re.compile(r"[a-z0-9@$]+")
"""A run of letters, digits, `@` and `$` (`_unleet` leaves one without a letter as it is: a
pattern that insisted on the letter took time quadratic in a long run of digits)."""
_LETTER = re.compile(r"[a-z]")
_LEETY = engine.linear(r"[a-z][0134@$]|[0134@$][a-z]")
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
        if MODEL not in (self.category, self.rule):
            return f"{self.category}/{self.rule}"
        grams = ", ".join(f"{gram!r} {weight:+.2f}" for gram, weight in self.ngrams)
        head = f" ({self.rule})" if self.rule != MODEL else ""
        return f"model{head}: {grams}"


def _lowered(text: str) -> str:
    """Lower-case, straight quotes, single spaces (any run of white space, line breaks
    included, is one space), no space at either end."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").lower().split())


def prepare(text: str, stretched: int = 2) -> str:
    """Lower-case, straight quotes, single spaces, stretched letters ("pleeease") cut down to
    `stretched` of them: two keeps "neeed" a "need", one makes "pleeease" a "please"."""
    return _stretched(_lowered(text), stretched)


def _stretched(lowered: str, stretched: int) -> str:
    return _STRETCHED.sub(r"\1" * stretched, lowered)


@dataclass(frozen=True)
class Engines:
    """The benign phrases and the crisis rules of one content, compiled for `engine`."""

    safety: Safety
    blanks: engine.Blanks
    rules: engine.Rules


_ENGINES: dict[int, Engines] = {}


def engines(rules: Safety) -> Engines:
    """`Engines` for this content's patterns, compiled once per content in use."""
    found = _ENGINES.get(id(rules))
    if found is None or found.safety is not rules:
        found = _ENGINES[id(rules)] = Engines(
            rules,
            engine.Blanks([p.pattern for p in rules.benign]),
            engine.Rules([r.pattern.pattern for r in rules.rules]),
        )
    return found


def blank(content: Content, text: str) -> str:
    """Her message prepared, with the figures of speech ("dead set") blanked out: what the
    model reads, and the first reading the rules try."""
    return engines(content.safety).blanks.blank(prepare(text))


def _unleet(word: re.Match[str]) -> str:
    """ "k1ll" and "mys3lf" read as letters; "3am" and "2nd" stay as they are, and so does a
    run of digits with no letter in it."""
    token = word.group(0)
    if not _LETTER.search(token) or _NUMBER_WITH_UNIT.fullmatch(token):
        return token
    return token.translate(_LEET)


def readings(content: Content, text: str) -> list[str]:
    """Her message blanked as typed, with stretched letters cut to one ("pleeease"), and with
    digits read as letters ("k1ll"): the first is what the model reads."""
    lowered = _lowered(text)
    prepared = [lowered]
    if _TRIPLED.search(lowered):
        prepared = list(dict.fromkeys((_stretched(lowered, 2), _stretched(lowered, 1))))
    blanks = engines(content.safety).blanks
    blanked = [blanks.blank(p) for p in prepared]
    unleet = [_MIXED.sub(_unleet, r) for r in blanked if _LEETY.search(r)]
    return list(dict.fromkeys([*blanked, *unleet]))


def _alarm(content: Content, index: int) -> Alarm:
    rule = content.safety.rules[index]
    return Alarm(rule.category, rule.id)


def _first(content: Content, read: list[str]) -> Alarm | None:
    """The first rule that matches in the first reading any rule matches, as the rules were
    always tried."""
    rules = engines(content.safety).rules
    for reading in read:
        first = rules.first(engine.Text(reading))
        if first is not None:
            return _alarm(content, first)
    return None


def rule_alarms(content: Content, text: str) -> tuple[Alarm, ...]:
    """Every crisis rule her message matches, in any of its readings, each once, in the order
    of `content.safety.rules`."""
    return read_rules(content, text)[0]


def read_rules(content: Content, text: str) -> tuple[tuple[Alarm, ...], str]:
    """`rule_alarms`, and the reading the model reads (her message blanked as typed), worked
    out once for both."""
    rules = engines(content.safety).rules
    found: set[int] = set()
    read = readings(content, text)
    for reading in read:
        found |= rules.matching(engine.Text(reading))
    return tuple(_alarm(content, index) for index in sorted(found)), read[0]


def rule_alarm(content: Content, text: str) -> Alarm | None:
    """The first crisis rule her message matches: in the first of its readings that any rule
    matches, the first rule in order (almost always the first of `rule_alarms`)."""
    return _first(content, readings(content, text))
