"""The crisis screen's engine finds what Python's `re` finds, in time linear in her message.

RE2 matches every rule and figure of speech; Python's `re` confirms only the alternatives with a
lookaround RE2 cannot stand in for, and those bound every repeat. The answers are compared with
Python's `re` on the patterns as written (with `re.ASCII`, as the screen always read them): on
every labelled message outside the held-out batch, and on adversarial text. How long anything
takes is the benchmark's business (`python -m bench screen`), never a test's.
"""

from __future__ import annotations

import functools
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content import Content, load_content, pattern_shape
from bot.core.safety import engine
from bot.core.safety import reading as graded
from bot.core.safety import screen as safety
from bot.evals import screen as safety_eval
from bot.evals import screen_timing

REFERENCE_LONGEST = 600
"""Python's `re` reads the adversarial text too, as the reference: kept short enough that its
own backtracking (two unbounded repeats in a row) stays quick."""


@functools.cache
def labelled_texts() -> list[str]:
    """Every labelled message outside the held-out `fourth` batch, which no test reads."""
    texts = []
    for path in (*safety_eval.LEGACY_SETS, *safety_eval.category_sets()):
        for message in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            if message.get("split") != screen_timing.HELD_OUT:
                texts.append(str(message["text"]))
    return texts


class Python:
    """The screen as Python's `re` read it, pattern by pattern: the reference."""

    SPACES = re.compile(r"\s+")
    STRETCHED = re.compile(r"([a-z])\1{2,}")
    MIXED = re.compile(r"[a-z0-9@$]*[a-z][a-z0-9@$]*")
    LEETY = re.compile(r"[a-z][0134@$]|[0134@$][a-z]")
    LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
    UNIT = re.compile(
        r"\d+(am|pm|st|nd|rd|th|s|k|m|x|h|hrs?|mins?|yo|yrs?|kg|mg|ml|km|lbs?|ft|cm|mm|p)"
    )

    def __init__(self, content: Content) -> None:
        self.rules = [re.compile(r.pattern.pattern, re.ASCII) for r in content.safety.rules]
        self.benign = [re.compile(p.pattern, re.ASCII) for p in content.safety.benign]

    def prepare(self, text: str, stretched: int = 2) -> str:
        text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
        return self.STRETCHED.sub(r"\1" * stretched, self.SPACES.sub(" ", text)).strip()

    def blank(self, prepared: str) -> str:
        for phrase in self.benign:
            prepared = phrase.sub(" ", prepared)
        return prepared

    def unleet(self, word: re.Match[str]) -> str:
        token = word.group(0)
        return token if self.UNIT.fullmatch(token) else token.translate(self.LEET)

    def readings(self, text: str) -> list[str]:
        prepared = dict.fromkeys((self.prepare(text), self.prepare(text, stretched=1)))
        read = [self.blank(p) for p in prepared]
        unleet = [self.MIXED.sub(self.unleet, r) for r in read if self.LEETY.search(r)]
        return list(dict.fromkeys([*read, *unleet]))

    def matching(self, reading: str) -> set[int]:
        return {i for i, rule in enumerate(self.rules) if rule.search(reading)}

    def first(self, text: str) -> int | None:
        for reading in self.readings(text):
            for i, rule in enumerate(self.rules):
                if rule.search(reading):
                    return i
        return None


@pytest.fixture(scope="module")
def python(content: Content) -> Python:
    return Python(content)


Matching = list[st.SearchStrategy[str]]


@functools.cache
def shipped() -> tuple[Content, Python, list[str], Matching, Matching]:
    """The content, its reference, and pieces and patterns to build text from, for the fuzz
    test (not fixtures: a failing example would print all of the content)."""
    content = load_content()
    patterns = [r.pattern.pattern for r in content.safety.rules]
    parts = [part for p in patterns for part in pattern_shape.alternatives(p)]

    def matching(patterns: list[str]) -> Matching:
        bare = [pattern_shape.without_lookarounds(p) for p in patterns]
        return [st.from_regex(p, fullmatch=True) for p in bare]

    benign = matching([p.pattern for p in content.safety.benign])
    return content, Python(content), pieces(content), matching(parts), benign


def indices(content: Content, alarms: tuple[safety.Alarm, ...]) -> list[int]:
    ids = [r.id for r in content.safety.rules]
    return [ids.index(a.rule) for a in alarms]


def test_on_every_labelled_message_the_engine_finds_what_pythons_engine_finds(
    content: Content, python: Python
) -> None:
    engines = safety.engines(content.safety)
    differ = []
    for text in labelled_texts():
        prepared = python.prepare(text)
        blanked = python.blank(prepared)
        if engines.blanks.blank(prepared) != blanked:
            differ.append(("benign", text))
        for reading in (prepared, blanked):
            if engines.rules.matching(engine.Text(reading)) != python.matching(reading):
                differ.append(("rules", text))

    assert len(labelled_texts()) > 3_000
    assert differ == []


# Pieces of the rules and phrases, and what makes a message slow or odd to read: no full stop,
# stretched letters and digits (more readings), apostrophes, other scripts, emoji, a lone
# surrogate (JSON can carry one; UTF-8 cannot).
ODD = [
    "now", "hit", "he", "me", "my", "the kids", "nooow", "hiiit", "k1ll", "mys3lf", "3am", "2nd",
    "1", "a1", "@", "$", "dead set", "killing me", "on purpose", "from", "again", "\U0001f642",
    "\u00e9t\u00e9", "\u0645\u0631\u062d\u0628\u0627", "\u4f60\u597d", "\ud800", "\u2019",
    "don't", "I'M", "HE HIT ME", "aaaa", "____", "0", "'", " ", "  ", "\n", "\t", ".", "!", "?",
    ",", ";",
]  # fmt: skip


def pieces(content: Content) -> list[str]:
    """Literal pieces of every rule and figure of speech, and the odd ones."""
    found = list(screen_timing.adversarial(content, mixes=0))  # the benchmark's own pieces
    patterns = [r.pattern.pattern for r in content.safety.rules]
    patterns += [p.pattern for p in content.safety.benign]
    literal = re.compile(r"[a-z][a-z' ]{2,}[a-z]")
    words = [m.group() for p in patterns for m in literal.finditer(p)]
    return sorted(set(words)) + ODD + [text[:40] for _, text in found]


def adversarial_text(known: list[str], rules: Matching, benign: Matching) -> st.SearchStrategy[str]:
    """Pieces, text a rule or phrase (less its lookarounds) matches, and noise, joined and
    perhaps repeated."""
    piece = (
        st.integers(0, len(known) - 1).map(known.__getitem__)
        | st.integers(0, len(rules) - 1).flatmap(rules.__getitem__)
        | st.integers(0, len(benign) - 1).flatmap(benign.__getitem__)
        | st.text(max_size=6)
    )
    gap = st.sampled_from(["", " ", " ", " ", ". ", ", ", "\n", "'", "  "])
    joined = st.lists(st.tuples(piece, gap), max_size=30).map(
        lambda parts: "".join(a + b for a, b in parts)
    )
    repeated = st.tuples(joined, st.integers(1, 40)).map(lambda pair: pair[0] * pair[1])
    return (joined | repeated).map(lambda text: text[:REFERENCE_LONGEST])


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_on_adversarial_text_the_screen_reads_and_matches_as_pythons_engine_does(
    data: st.DataObject,
) -> None:
    content, python, known, rules, benign = shipped()
    text = data.draw(adversarial_text(known, rules, benign))
    engines = safety.engines(content.safety)

    readings = safety.readings(content, text)

    assert readings == python.readings(text)
    for stretched in (1, 2):
        prepared = safety.prepare(text, stretched)
        assert prepared == python.prepare(text, stretched)
        assert engines.blanks.blank(prepared) == python.blank(prepared)
    found = {i for r in readings for i in python.matching(r)}
    assert indices(content, safety.rule_alarms(content, text)) == sorted(found)
    first = safety.rule_alarm(content, text)
    assert (first and indices(content, (first,))[0]) == python.first(text)


@pytest.mark.parametrize("kind", ["now_hit", "now_hit_stretched_leet", "digits", "letter_digit"])
def test_the_slowest_inputs_the_benchmark_tries_are_screened_like_any_other(
    content: Content, kind: str
) -> None:
    text = dict(screen_timing.adversarial(content, mixes=0))[kind]

    alarms = safety.rule_alarms(content, text)
    first = safety.rule_alarm(content, text)

    assert len(text) == screen_timing.LONGEST
    assert (first is None) == (alarms == ())
    assert first is None or first in alarms
    graded.read(content, text)


def test_no_pattern_pythons_engine_runs_over_her_text_repeats_without_bound(
    content: Content,
) -> None:
    engines = safety.engines(content.safety)
    confirmed = engines.rules.python_runs() + engines.blanks.python_runs()
    elsewhere = [p.pattern for g in content.heard.groups for p in g.patterns]
    elsewhere += [r.pattern.pattern for d in content.drafts.patterns for r in d.rules]
    elsewhere += [p.pattern for d in content.drafts.patterns for p in d.benign]

    unbounded = [p for p in confirmed + elsewhere if pattern_shape.unbounded_repeats(p)]

    assert len(confirmed) > 40  # the lookarounds RE2 cannot stand in for are still there
    assert unbounded == []


def test_rule_alarms_names_each_rule_that_matches_once_in_the_order_of_the_rules(
    content: Content,
) -> None:
    message = "He hit me again and he has a gun. Sometimes I just want to die, he hit me."

    alarms = safety.rule_alarms(content, message)
    order = indices(content, alarms)

    assert len(alarms) >= 3
    assert order == sorted(set(order))
    assert {a.category for a in alarms} >= {"violence", "suicide"}
    assert safety.rule_alarm(content, message) == alarms[0]
    assert graded.read(content, message).why[: len(alarms)] == alarms


def test_a_rule_found_only_with_digits_read_as_letters_is_named_too(content: Content) -> None:
    plain = safety.rule_alarms(content, "he said he would k1ll me")

    assert plain
    assert safety.rule_alarms(content, "we booked the 3am train") == ()


def test_a_message_no_rule_matches_has_no_rule_alarm(content: Content) -> None:
    message = "We talked about the school holidays and who keeps the car."

    assert safety.rule_alarms(content, message) == ()
    assert safety.rule_alarm(content, message) is None
