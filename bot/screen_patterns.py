"""The patterns of `content/safety.yaml` compiled for speed: the same matches, found sooner.

Python's regex engine tries every alternative of a rule at every position of her message; on a
4,096-character message that is most of the screen's time. Most rules are alternatives that each
start at a word boundary with one of a few known letters, so `bot.safety` compiles them as
"a word starting with one of these letters, then the alternatives": the engine rejects most
positions with one check. A pattern whose first letters cannot be read off safely is compiled
as written. `tests/test_screen.py` checks both forms agree on every labelled message.
"""

from __future__ import annotations

import re

_LOOKAROUND = ("(?<!", "(?<=", "(?!", "(?=")


def compile_fast(pattern: str) -> re.Pattern[str]:
    """`pattern` with ASCII word boundaries, and with a first-letter check in front when every
    top-level alternative starts at a word boundary with a letter or digit we can name."""
    alternatives = split_alternatives(pattern)
    letters: set[str] = set()
    for alternative in alternatives:
        first = first_letters(alternative) if alternative.startswith(r"\b") else None
        if not first:
            return re.compile(pattern, re.ASCII)
        letters |= first
    body = "|".join(alternative[2:] for alternative in alternatives)
    return re.compile(rf"\b(?=[{''.join(sorted(letters))}])(?:{body})", re.ASCII)


def split_alternatives(pattern: str) -> list[str]:
    """The pattern's top-level alternatives (the `|` outside any group or class)."""
    out, start, depth, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i) + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def first_letters(pattern: str) -> set[str] | None:
    """The letters or digits any match of `pattern` starts with, or None when that cannot be
    told for sure (a class, an escape, an optional first part, an empty alternative)."""
    i = 0
    while True:
        if pattern.startswith(r"\b", i):
            i += 2
        elif pattern.startswith(_LOOKAROUND, i):
            i = _group_end(pattern, i) + 1
        else:
            break
    if i >= len(pattern):
        return None
    ch = pattern[i]
    if ch.isascii() and ch.isalnum():
        return None if _optional(pattern, i + 1) else {ch}
    if ch != "(":
        return None
    end = _group_end(pattern, i)
    inner = pattern[i + 1 : end]
    if inner.startswith("?:"):
        inner = inner[2:]
    elif inner.startswith("?"):
        return None
    if _optional(pattern, end + 1):
        return None
    letters: set[str] = set()
    for alternative in split_alternatives(inner):
        first = first_letters(alternative)
        if not first:
            return None
        letters |= first
    return letters


def _optional(pattern: str, i: int) -> bool:
    return pattern.startswith(("?", "*", "{0,"), i)


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
    depth = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i) + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced group in {pattern!r}")
