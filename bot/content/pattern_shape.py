"""The shape of a pattern's text: its alternatives, its lookarounds, its unbounded repeats.

Her messages are screened by RE2, which takes linear time but reads no lookaround, and by
Python's `re` only where a lookaround must be confirmed (`bot.core.safety.engine`). Python's
engine backtracks: a repeat without an upper bound (`*`, `+`, `{2,}`) beside another can take
seconds on a long message, so the content check (`checks.screened_patterns`) refuses one
wherever Python runs a pattern over her text. This module reads the text of a valid Python
pattern for both; it never matches anything.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

LOOKAROUNDS = ("(?<!", "(?<=", "(?!", "(?=")
_TOKEN = re.compile(
    r"""
    (?P<escape>\\(?:N\{[^}]*\}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.))
    |(?P<class>\[\^?\]?(?:\\.|[^\]\\])*\])
    |(?P<whole>\(\?(?:\#[^)]*|P=\w+|[aiLmsux-]+)\))
    |(?P<open>\((?:\?(?:[:=!]|<[=!]|P<\w+>|[aiLmsux-]+:|\([^)]*\)))?)
    |(?P<close>\))
    |(?P<bar>\|)
    |(?P<anchor>[\^$])
    |(?P<quantifier>(?:[*+?]|\{(?:\d+(?:,\d*)?|,\d*)\})[?+]?)
    |(?P<char>[^\\\[\](){}|^$*+?.]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ASSERTIONS = frozenset(("\\b", "\\B", "\\A", "\\Z"))
_QUANTIFIER = re.compile(r"[*+?]|\{(?:\d+(?:,\d*)?|,\d*)\}")
_UNBOUNDED = re.compile(r"[*+]|\{\d*,\}")
_UNBOUNDED_AT_END = re.compile(r"(?P<kind>[*+]|\{\d*,\})(?P<lazy>[?+])?$")


class Token(NamedTuple):
    """One piece of a pattern's text: plain characters (a run of them, or `.`), an escape,
    class, quantifier, `|`, anchor, group opening (`(`, `(?:`, `(?<!`...) or closing, or
    something read whole (a comment, inline flags, a reference to a named group)."""

    start: int
    end: int
    kind: str
    """char, escape, class, quantifier, bar, anchor, open, close or whole."""


@functools.lru_cache(maxsize=4096)
def tokens(pattern: str) -> tuple[Token, ...]:
    """The pattern's tokens, in order, without nesting: a group is its `open`, its inside and
    its `close`. Kept for the patterns of the content (the engine and the content check read
    each several times), never for her text."""
    found = []
    new = tuple.__new__  # a NamedTuple's own constructor is many times slower
    for match in _TOKEN.finditer(pattern):
        start, end = match.span()
        kind = match.lastgroup or "char"
        if kind == "escape" and match.group() in _ASSERTIONS:
            kind = "anchor"
        elif kind == "char" and end - start > 1 and _QUANTIFIER.match(pattern, end):
            # A run of plain characters: a quantifier after it repeats its last one only.
            found.append(new(Token, (start, end - 1, kind)))
            start = end - 1
        found.append(new(Token, (start, end, kind)))
    return tuple(found)


def _groups(pattern: str) -> dict[int, int]:
    """Where each group opens -> where its `)` ends."""
    opened: list[int] = []
    found: dict[int, int] = {}
    for token in tokens(pattern):
        if token.kind == "open":
            opened.append(token.start)
        elif token.kind == "close":
            found[opened.pop()] = token.end
    return found


def alternatives(pattern: str) -> list[str]:
    """The pattern's top-level alternatives (the `|` outside any group or class)."""
    bars, depth = [], 0
    for token in tokens(pattern):
        depth += (token.kind == "open") - (token.kind == "close")
        if token.kind == "bar" and depth == 0:
            bars.append(token.start)
    return [pattern[a + 1 : b] for a, b in zip([-1, *bars], [*bars, len(pattern)], strict=True)]


def _lookaround_spans(pattern: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost lookaround group, its `)` included."""
    if "(?" not in pattern:
        return []
    groups = _groups(pattern)
    spans: list[tuple[int, int]] = []
    for token in tokens(pattern):
        inside = spans and token.start < spans[-1][1]
        if token.kind == "open" and pattern.startswith(LOOKAROUNDS, token.start) and not inside:
            spans.append((token.start, groups[token.start]))
    return spans


def has_lookaround(pattern: str) -> bool:
    return "(?" in pattern and bool(_lookaround_spans(pattern))


def without_lookarounds(pattern: str) -> str:
    """The pattern with every lookaround taken out: it matches wherever the pattern does (a
    lookaround only ever refuses a match) and sometimes where the pattern does not."""
    out, at = [], 0
    for start, end in _lookaround_spans(pattern):
        out.append(pattern[at:start])
        at = end
    out.append(pattern[at:])
    return "".join(out)


def unbounded_repeats(pattern: str) -> list[str]:
    """Each repeat without an upper bound (`*`, `+`, `{n,}`, lazy or not), written with what it
    repeats: `["\\w*", "[^.!?]*"]`."""
    opened: list[int] = []
    atom = 0
    found = []
    for token in tokens(pattern):
        if token.kind == "open":
            opened.append(token.start)
        elif token.kind == "close":
            atom = opened.pop()
        elif token.kind == "quantifier":
            if _UNBOUNDED.match(pattern, token.start):
                found.append(pattern[atom : token.end])
        elif token.kind in ("char", "escape", "class", "whole"):
            atom = token.start
    return found


def confirmed_by_python(pattern: str, *, anywhere: bool) -> bool:
    """Whether the screen's engine runs this pattern with Python's `re`: it has a lookaround
    that RE2 cannot stand in for. `anywhere`: only whether it matches somewhere counts (a
    crisis rule's alternative), so a refusal of the whole text at its start is RE2's too."""
    if not has_lookaround(pattern) or trailing_refusal(pattern) is not None:
        return False
    return not (anywhere and leading_refusal(pattern) is not None)


def bounded_example(repeat: str, most: int = 30) -> str:
    """`repeat` (as `unbounded_repeats` writes it) with an upper bound: `\\w*` -> `\\w{0,30}`."""
    found = _UNBOUNDED_AT_END.search(repeat)
    if found is None:
        return repeat
    least = {"*": "0", "+": "1"}.get(found["kind"][0]) or found["kind"][1:-2] or "0"
    return f"{repeat[: found.start()]}{{{least},{most}}}{found['lazy'] or ''}"


def trailing_refusal(pattern: str) -> tuple[str, str] | None:
    """A pattern that ends in a refusal of plain text, `P(?! on purpose\\b)`, read as two
    patterns without a lookaround: P, and what may follow P instead (here the end of the text,
    or text that differs from " on purpose" somewhere, or goes on with a letter after it). P
    then the second matches where the pattern does, and P's part of that match is the
    pattern's match. None for any other pattern."""
    spans = _lookaround_spans(pattern)
    if len(spans) != 1 or not pattern.startswith("(?!", spans[0][0]):
        return None
    start, end = spans[0]
    if any(t.kind != "anchor" for t in tokens(pattern[end:])):
        return None  # only word boundaries and anchors may follow it (they hold at P's end)
    refused, boundary = _plain_text(pattern[start + 3 : end - 1])
    if not refused:
        return None
    instead = [
        re.escape(refused[:i]) + rf"(?:\z|[^{_in_class(ch)}])" for i, ch in enumerate(refused)
    ]
    if boundary:
        after = r"\w" if re.fullmatch(r"\w", refused[-1], re.ASCII) else r"(?:\z|\W)"
        instead.append(re.escape(refused) + after)
    return pattern[:start] + pattern[end:], "|".join(instead)


def leading_refusal(pattern: str) -> tuple[str, str] | None:
    """A pattern that starts by refusing a text, `^(?!.*\\bdog\\b).*\\bbite marks\\b`, read
    as two anchored patterns without a lookaround: what must not match at the start of the text,
    and what must. None for any other pattern."""
    spans = _lookaround_spans(pattern)
    if len(spans) != 1 or spans[0][0] != 1 or not pattern.startswith("^(?!"):
        return None
    end = spans[0][1]
    return "^" + pattern[4 : end - 1], "^" + pattern[end:]


def _plain_text(pattern: str) -> tuple[str, bool]:
    """The text a pattern of plain characters matches and whether a `\\b` ends it; ("", False)
    when it is anything else."""
    found = tokens(pattern)
    boundary = bool(found) and pattern[found[-1].start : found[-1].end] == "\\b"
    text = []
    for token in found[:-1] if boundary else found:
        piece = pattern[token.start : token.end]
        if token.kind == "char" and piece != ".":
            text.append(piece)
        elif token.kind == "escape" and len(piece) == 2 and not piece[1].isalnum():
            text.append(piece[1])
        else:
            return "", False
    return "".join(text), boundary


def _in_class(character: str) -> str:
    return "\\" + character if character in "\\]^-[" else character


def can_match(pattern: str, characters: str) -> bool:
    """Whether any of these characters could be part of a match (read generously: each
    character, escape and class is asked alone; lookarounds match nothing)."""
    bare = without_lookarounds(pattern)
    for token in tokens(bare):
        piece = bare[token.start : token.end]
        if token.kind == "char" and len(piece) > 1:
            if any(ch in piece for ch in characters):
                return True
        elif token.kind in ("char", "escape", "class"):
            atom = re.compile(piece, re.ASCII)
            if any(atom.fullmatch(ch) for ch in characters):
                return True
    return False


def can_match_nothing(pattern: str) -> bool:
    """Whether the pattern might match an empty stretch of text somewhere (read generously:
    word boundaries, anchors and lookarounds are taken to hold)."""
    bare = without_lookarounds(pattern)
    kept = "".join(bare[t.start : t.end] for t in tokens(bare) if t.kind != "anchor")
    return re.fullmatch(kept, "") is not None
