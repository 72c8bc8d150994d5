"""Reading a pattern's text: its alternatives, lookarounds, unbounded repeats, and the two
refusals RE2 can stand in for. Each reading is checked against what Python's `re` does with the
pattern itself."""

from __future__ import annotations

import re

import pytest

from bot.content import pattern_shape


@pytest.mark.parametrize(
    ("pattern", "parts"),
    [
        (r"\bhit me|\b(punch|kick) me", [r"\bhit me", r"\b(punch|kick) me"]),
        (r"[|]a|b\|c|(?:d|e)", ["[|]a", r"b\|c", "(?:d|e)"]),
        (r"(?#a|b)x|y", ["(?#a|b)x", "y"]),
        ("plain", ["plain"]),
    ],
)
def test_a_pattern_splits_into_its_top_level_alternatives_only(
    pattern: str, parts: list[str]
) -> None:
    assert pattern_shape.alternatives(pattern) == parts
    assert "|".join(parts) == pattern


@pytest.mark.parametrize(
    ("pattern", "repeats"),
    [
        (r"\bhe\b[^.!?]*\bhit\w+", [r"[^.!?]*", r"\w+"]),
        (r"(such |a )*burden", ["(such |a )*"]),
        (r"a{2,}b{,}c{1,3}d{,4}", ["a{2,}", "b{,}"]),
        (r"\s*?x\d+?", [r"\s*?", r"\d+?"]),
        (r"\bx\{2,\}[*+]\*", []),
        (r"\b\w{0,30}[^.!?]{0,120}(?!\s{1,9}y)", []),
    ],
)
def test_every_repeat_without_an_upper_bound_is_found_with_what_it_repeats(
    pattern: str, repeats: list[str]
) -> None:
    re.compile(pattern)

    assert pattern_shape.unbounded_repeats(pattern) == repeats


def test_an_unbounded_repeat_is_shown_bounded() -> None:
    examples = {r"\w*": r"\w{0,30}", "[^.!?]+": "[^.!?]{1,30}", "(a|b){2,}": "(a|b){2,30}"}

    assert {r: pattern_shape.bounded_example(r) for r in examples} == examples


@pytest.mark.parametrize(
    ("pattern", "without"),
    [
        (r"\bhe (chok)\w{0,9}(?! on| up)\b", r"\bhe (chok)\w{0,9}\b"),
        (r"(?<!not )(?<!never )\bsafe\b", r"\bsafe\b"),
        (r"^(?!.*\b(dog|cat)\b).*\bbite", r"^.*\bbite"),
        (r"a(?=b(?!c))d", "ad"),
        (r"[(?!]x", r"[(?!]x"),
    ],
)
def test_lookarounds_are_taken_out_and_the_rest_matches_wherever_the_pattern_did(
    pattern: str, without: str
) -> None:
    assert pattern_shape.has_lookaround(pattern) == (pattern != without)
    assert pattern_shape.without_lookarounds(pattern) == without
    for text in ("he choked on", "not safe", "a dog bite", "abd acd ad", "(x"):
        for found in re.finditer(pattern, text):
            assert re.compile(without).match(text, found.start())


REFUSALS = [
    r"\bcut(ting|s)? (me|him) off(?! from\b)\b",
    r"\b(burn(ed)?) my (hand|arm) on the (oven|hob)( door)?\b(?! on purpose\b)",
    r"\bnever (hurt|harm) (me|you)\b(?! again\b)",
    r"\bdone\b(?!\.\.\.)",
]


@pytest.mark.parametrize("pattern", REFUSALS)
@pytest.mark.parametrize(
    "text",
    [
        "he cut me off from his family",
        "he cut me off fromage",
        "he cut him off",
        "i burned my hand on the oven door on purpose",
        "i burned my hand on the oven door on purposely so",
        "i burned my arm on the hob",
        "he'd never hurt me again. he'd never hurt you",
        "he'd never hurt me agai",
        "i'm done... done",
        "done.. done",
    ],
)
def test_a_refusal_of_plain_text_at_the_end_reads_as_what_may_follow_instead(
    pattern: str, text: str
) -> None:
    body, instead = pattern_shape.trailing_refusal(pattern) or ("", "")
    spans = [m.span() for m in re.finditer(pattern, text, re.ASCII)]

    read, at = [], 0
    instead = instead.replace(r"\z", r"\Z")  # RE2's end of the text, as Python 3.11 spells it
    joined = re.compile(f"({body})(?:{instead})", re.ASCII)
    while (found := joined.search(text, at)) is not None:
        read.append(found.span(1))
        at = found.end(1)

    assert read == spans


@pytest.mark.parametrize(
    "pattern", [r"a(?!b|c)", r"a(?=b)", r"a(?! \w)", r"(?!b)a", r"a(?!b)c", r"a(?!b)(?!c)"]
)
def test_only_a_single_refusal_of_plain_text_at_the_very_end_is_read_so(pattern: str) -> None:
    assert pattern_shape.trailing_refusal(pattern) is None


def test_a_refusal_of_the_whole_text_at_the_start_reads_as_two_anchored_patterns() -> None:
    pattern = r"^(?!.*\b(dog|cat)\b).*\bbite marks? on my (arm|leg)\b"
    refused, wanted = pattern_shape.leading_refusal(pattern) or ("", "")

    for text in ("bite marks on my arm", "the dog left bite marks on my leg", "bite mark on my"):
        expected = re.search(pattern, text) is not None
        assert (not re.search(refused, text) and bool(re.search(wanted, text))) == expected
    assert pattern_shape.leading_refusal(r"\b(?!x)y") is None
    assert pattern_shape.leading_refusal(r"^(?!x)y(?!z)") is None


def test_which_patterns_python_confirms() -> None:
    assert not pattern_shape.confirmed_by_python(r"\bhit me\b", anywhere=True)
    assert not pattern_shape.confirmed_by_python(r"\bhit me\b(?! up\b)", anywhere=False)
    assert pattern_shape.confirmed_by_python(r"(?<!not )\bsafe\b", anywhere=True)
    assert not pattern_shape.confirmed_by_python(r"^(?!.*dog).*bite", anywhere=True)
    assert pattern_shape.confirmed_by_python(r"^(?!.*dog).*bite", anywhere=False)


@pytest.mark.parametrize(
    ("pattern", "nothing"),
    [(r"\bdead (set|tired)\b", False), (r"\b(x)?\b", True), (r"(?!a)\s*", True), (r"a|", True)],
)
def test_a_pattern_that_could_match_nothing_is_told_apart(pattern: str, nothing: bool) -> None:
    assert pattern_shape.can_match_nothing(pattern) == nothing


def test_what_characters_a_pattern_could_consume_is_read_from_its_pieces() -> None:
    assert pattern_shape.can_match(r"\ba.b", ".")
    assert pattern_shape.can_match(r"\W", "!")
    assert not pattern_shape.can_match(r"\b[^.!?]{0,9}x\b(?=.)", ".!?")
    assert not pattern_shape.can_match(r"\bhe said\b", ".!?")
