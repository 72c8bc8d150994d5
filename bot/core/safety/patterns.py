"""The patterns of `content/safety.yaml` compiled for speed: the same matches, found sooner.

Python's regex engine tries every alternative of a rule at every position of her message; on a
4,096-character message that is most of the screen's time. Most rules are alternatives that each
start at a word boundary with one of a few known letters, so `screen` compiles them as
"a word starting with one of these letters, then the alternatives": the engine rejects most
positions with one check. A pattern whose first letters cannot be read off safely is compiled
as written. `tests/test_screen.py` checks both forms agree on every labelled message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_LOOKAROUND = ("(?<!", "(?<=", "(?!", "(?=")


def compile_fast(pattern: str) -> re.Pattern[str]:
    """`pattern` with ASCII word boundaries, and with a first-letter check in front when every
    top-level alternative starts at a word boundary (or the start of the message) with a letter
    or digit we can name."""
    letters: set[str] = set()
    for alternative in split_alternatives(pattern):
        first = first_letters(alternative) if _anchored(alternative) else None
        if not first:
            return re.compile(pattern, re.ASCII)
        letters |= first
    return re.compile(rf"\b(?=[{''.join(sorted(letters))}])(?:{pattern})", re.ASCII)


def _anchored(alternative: str) -> bool:
    """Whether it starts, after any lookbehind or lookahead, at `\b` or `^`: then the outer
    `\b` holds wherever the alternative can match."""
    i = 0
    while alternative.startswith(_LOOKAROUND, i):
        i = _group_end(alternative, i) + 1
    return alternative.startswith((r"\b", "^"), i)


def _structure(pattern: str, i: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth after it) of each character from `i` that can shape the
    pattern: escapes and character classes are stepped over whole."""
    depth = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i) + 1
            continue
        depth += (ch == "(") - (ch == ")")
        yield i, ch, depth
        i += 1


def split_alternatives(pattern: str) -> list[str]:
    """The pattern's top-level alternatives (the `|` outside any group or class)."""
    bars = [i for i, ch, depth in _structure(pattern) if ch == "|" and depth == 0]
    return [pattern[a + 1 : b] for a, b in zip([-1, *bars], [*bars, len(pattern)], strict=True)]


def first_letters(pattern: str) -> set[str] | None:
    """The letters or digits any match of `pattern` starts with, or None when that cannot be
    told for sure (a class, an escape, an empty alternative, nothing after an optional part)."""
    i = 0
    while True:
        if pattern.startswith(r"\b", i):
            i += 2
        elif pattern.startswith("^", i):
            i += 1
        elif pattern.startswith(_LOOKAROUND, i):
            i = _group_end(pattern, i) + 1
        else:
            break
    if i >= len(pattern):
        return None
    ch = pattern[i]
    if ch.isascii() and ch.isalnum():
        letters, after = {ch}, i + 1
    elif ch == "(":
        end = _group_end(pattern, i)
        inner = pattern[i + 1 : end]
        if inner.startswith("?:"):
            inner = inner[2:]
        elif inner.startswith("?"):
            return None
        letters = set()
        for alternative in split_alternatives(inner):
            first = first_letters(alternative)
            if not first:
                return None
            letters |= first
        after = end + 1
    else:
        return None
    skipped = _skip_optional(pattern, after)
    if skipped is None:
        return letters
    # The first part may be absent: the match can also start with what follows it.
    rest = first_letters(pattern[skipped:])
    return None if rest is None else letters | rest


def _skip_optional(pattern: str, i: int) -> int | None:
    """Where the pattern goes on after a quantifier at `i` that allows zero repeats (`?`, `*`,
    `{0,n}`, lazy or not); None if there is none."""
    if pattern.startswith(("?", "*"), i):
        i += 1
    elif pattern.startswith("{0,", i):
        i = pattern.index("}", i) + 1
    else:
        return None
    return i + 1 if pattern.startswith("?", i) else i


def _class_end(pattern: str, i: int) -> int:
    """Index of the `]` closing the class that opens at `i`."""
    i += 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def _group_end(pattern: str, i: int) -> int:
    """Index of the `)` closing the group that opens at `i`."""
    for j, ch, depth in _structure(pattern, i):
        if ch == ")" and depth == 0:
            return j
    raise ValueError(f"unbalanced group in {pattern!r}")
