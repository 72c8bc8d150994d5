"""The crisis screen's patterns matched in time linear in her message: RE2 first, Python after.

Python's `re` backtracks: two unbounded repeats in a row took seconds of processor time on one
long message, and every user waited. RE2 (google-re2) takes linear time and reads every rule
at once (an `re2.Set`: one pass over her message says which rules can match), but it has no
lookarounds. So a pattern without one is decided by RE2 alone, and one with a lookaround is
taken apart: RE2 finds where the pattern without its lookarounds starts (a superset of where
the whole pattern does) and Python's `re` confirms the whole pattern at each of those places
only. The content check (`bot.content.screened`) keeps every repeat Python may run here
bounded, so each confirmation is short and the whole stays linear.

Matches are exactly those of Python's `re` with `re.ASCII` (ASCII word boundaries, `\\w`,
`\\d`, `\\s`), which is how the screen always read its patterns, on a prepared reading
(`screen.prepare`): single spaces, no line break (RE2's `$` ignores a final line break and
its `\\s` no vertical tab, which a prepared reading never holds). A lone surrogate, which UTF-8
cannot hold, reaches RE2 as U+FFFD; no pattern names either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import AnyStr

import re2

from bot.content import pattern_shape

_SET_MEMORY = 32 << 20
"""RE2's budget for a pattern set: its program and the states of its automaton, built as
messages need them and dropped when they no longer fit (a long-running bot meets every kind
of text, and a budget of 256 MB filled up with states after a few hundred long messages).
The crisis rules need about 12 MB to compile; when a set outgrows its budget, it doubles."""
_MOST_MEMORY = 256 << 20
_MEMORY = 8 << 20
"""RE2's budget for one pattern (its default)."""
_SURROGATES = re.compile("[\ud800-\udfff]")
_LEAD_BYTE = bytes(0 if 0x80 <= b < 0xC0 else 1 for b in range(256))
"""1 for a byte that starts a character in UTF-8, 0 for one that continues it."""


def _options(capture: bool = False, memory: int | None = None) -> re2.Options:
    options = re2.Options()
    options.max_mem = memory or _MEMORY
    options.never_capture = not capture  # mostly only where a match starts and ends is read
    return options


class Text:
    """One reading of her message, as Python and RE2 each read it: the text and its UTF-8
    bytes. Where a character is not ASCII the offsets differ; they are counted from the last
    pair worked out, so a scan from left to right counts each character once."""

    __slots__ = ("_known", "_text", "ascii", "data", "exact")

    def __init__(self, text: str | None, data: bytes | None = None) -> None:
        self._text = text
        self.exact = True
        """Whether the bytes decode to the text (they do unless it holds a lone surrogate)."""
        if data is None:
            assert text is not None
            try:
                data = text.encode()
            except UnicodeEncodeError:
                data, self.exact = _SURROGATES.sub("\ufffd", text).encode(), False
        self.data = data
        self.ascii = data.isascii()
        """Whether offsets in the text and in the bytes are the same."""
        self._known = (0, 0)
        """A character index and the byte offset where that character starts."""

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.data.decode()
        return self._text

    def char(self, byte: int) -> int:
        """The index of the character that starts at `byte`."""
        if self.ascii:
            return byte
        char, at = self._known if self._known[1] <= byte else (0, 0)
        char += len(self.data[at:byte].decode())
        self._known = (char, byte)
        return char

    def byte(self, char: int) -> int:
        """Where the character at index `char` starts in the bytes."""
        if self.ascii:
            return char
        at, byte = self._known if self._known[0] <= char else (0, 0)
        # A lone surrogate takes three bytes either way, as U+FFFD does in `data`.
        byte += len(self.text[at:char].encode("utf-8", "surrogatepass"))
        self._known = (char, byte)
        return byte

    def after(self, byte: int) -> int:
        """Where the character that starts at `byte` ends."""
        end = byte + 1
        while end < len(self.data) and not _LEAD_BYTE[self.data[end]]:
            end += 1
        return end


@dataclass(frozen=True)
class _Confirmed:
    """A pattern with a lookaround: RE2 without the lookarounds finds where it may start,
    Python's `re` confirms each start."""

    starts: re2._Regexp
    exact: re.Pattern[str]

    @classmethod
    def of(cls, pattern: str) -> _Confirmed:
        starts = re2.compile(pattern_shape.without_lookarounds(pattern), _options())
        return cls(starts, re.compile(pattern, re.ASCII))

    def matches(self, text: Text, at: int = 0) -> Sequence[int] | None:
        """The (start, end) in characters of the first match from byte `at`, or None."""
        while (found := self.starts.search(text.data, at)) is not None:
            start = text.char(found.start())
            exact = self.exact.match(text.text, start)
            if exact is not None:
                return exact.span()
            at = text.after(found.start())
        return None


def linear(pattern: str) -> re2._Regexp:
    """A pattern without lookarounds or references, searched in linear time (`.search(text)`
    is a match or None, as with `re`)."""
    return re2.compile(pattern, _options())


def _set(patterns: Sequence[str], memory: int | None = None) -> re2.Set:
    """The patterns as one set, in the smallest budget (from `memory`, doubling) it fits."""
    memory = memory or _SET_MEMORY
    found = re2.Set.SearchSet(_options(memory=memory))
    for pattern in patterns:
        found.Add(pattern)
    try:
        found.Compile()
    except re2.error:
        if memory >= _MOST_MEMORY:
            raise
        return _set(patterns, memory * 2)
    return found


class _Refused:
    """A pattern that starts by refusing a text (`pattern_shape.leading_refusal`): it matches
    where the set found what must match, unless RE2 finds the refused text."""

    def __init__(self, refused: str) -> None:
        self.refused = re2.compile(refused, _options())

    def matches(self, text: Text) -> bool:
        return self.refused.search(text.data) is None


class Rules:
    """Patterns of which only whether each matches anywhere counts (the crisis rules): every
    one that matches, found in one RE2 pass and a few confirmations.

    A rule matches where any of its alternatives does. The alternatives without a lookaround,
    or with only a refusal of plain text at their end, make one entry of the set that decides
    the rule alone; one that starts by refusing a text needs one more RE2 search; each other
    alternative with a lookaround is an entry whose matches Python's `re` confirms."""

    def __init__(self, patterns: Sequence[str]) -> None:
        entries: list[str] = []
        self._entries: list[tuple[int, _Confirmed | _Refused | None]] = []
        """For each entry of the set: its rule, and how to confirm it (None: RE2 decides)."""
        for rule, pattern in enumerate(patterns):
            plain, checked = [], []
            for part in pattern_shape.alternatives(pattern):
                if pattern_shape.confirmed_by_python(part, anywhere=True):
                    checked.append((pattern_shape.without_lookarounds(part), _Confirmed.of(part)))
                elif (leading := pattern_shape.leading_refusal(part)) is not None:
                    checked.append((leading[1], _Refused(leading[0])))
                elif (refusal := pattern_shape.trailing_refusal(part)) is not None:
                    plain.append(f"(?:{refusal[0]})(?:{refusal[1]})")
                else:
                    plain.append(part)
            if plain:
                entries.append("|".join(plain))
                self._entries.append((rule, None))
            for entry, confirm in checked:
                entries.append(entry)
                self._entries.append((rule, confirm))
        self._set = _set(entries)

    def python_runs(self) -> list[str]:
        """The alternatives Python's `re` confirms: each must bound every repeat."""
        return [c.exact.pattern for _, c in self._entries if isinstance(c, _Confirmed)]

    @staticmethod
    def _holds(confirm: _Confirmed | _Refused | None, text: Text) -> bool:
        if confirm is None:
            return True
        if isinstance(confirm, _Refused):
            return confirm.matches(text)
        return confirm.matches(text) is not None

    def first(self, text: Text) -> int | None:
        """The index of the first rule that matches somewhere in `text`, or None."""
        # Entries were added rule by rule, so in entry order their rules come in order.
        for entry in sorted(self._set.Match(text.data) or ()):
            rule, confirm = self._entries[entry]
            if self._holds(confirm, text):
                return rule
        return None

    def matching(self, text: Text) -> set[int]:
        """The indices of the rules that match somewhere in `text`."""
        found: set[int] = set()
        for entry in sorted(self._set.Match(text.data) or ()):
            rule, confirm = self._entries[entry]
            if rule not in found and self._holds(confirm, text):
                found.add(rule)
        return found


class _Blank:
    """One figure of speech, replaced by a space wherever it occurs, as `re.sub` would.

    RE2 finds it alone when it has no lookaround, or only a refusal of plain text at its end
    (`(?! on purpose\\b)`, see `pattern_shape.trailing_refusal`); otherwise RE2 finds where
    it may start and Python's `re` confirms."""

    def __init__(self, pattern: str) -> None:
        if pattern_shape.can_match_nothing(pattern):
            raise ValueError(f"{pattern!r} can match nothing, and would put spaces between words")
        self.plain = self.refusing = self.confirmed = None
        if pattern_shape.confirmed_by_python(pattern, anywhere=False):
            self.confirmed = _Confirmed.of(pattern)
        elif (refusal := pattern_shape.trailing_refusal(pattern)) is not None:
            # The pattern is group 1; what follows it only shows the refusal does not hold.
            self.refusing = re2.compile(f"({refusal[0]})(?:{refusal[1]})", _options(True))
        else:
            self.plain = re2.compile(pattern, _options())

    def spans(self, reading: Text) -> list[Sequence[int]]:
        """Where it matches, in bytes: left to right, not overlapping, none empty."""
        if self.plain is not None:
            return [m.span() for m in self.plain.finditer(reading.data)]
        found: list[Sequence[int]] = []
        at = 0
        if self.refusing is not None:
            while (match := self.refusing.search(reading.data, at)) is not None:
                found.append(match.span(1))
                at = found[-1][1]
            return found
        assert self.confirmed is not None
        while (span := self.confirmed.matches(reading, at)) is not None:
            start, at = reading.byte(span[0]), reading.byte(span[1])
            found.append((start, at))
        return found


class Blanks:
    """Figures of speech blanked one after the other, in order, as the screen always did.

    A pattern set says which can occur, so only those run. Blanking one can make room for a
    later one, so after each change the set is asked again where the text changed: when no
    phrase can match a full stop (`.`, `!` or `?`), a new match lies in the sentence of a
    change; otherwise the set reads the whole text again."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self._blanks = [_Blank(p) for p in patterns]
        bare = [pattern_shape.without_lookarounds(p) for p in patterns]
        self._set = _set(bare)
        self._in_sentences = not any(pattern_shape.can_match(p, ".!?") for p in bare)

    def python_runs(self) -> list[str]:
        """The phrases Python's `re` confirms: each must bound every repeat."""
        return [b.confirmed.exact.pattern for b in self._blanks if b.confirmed is not None]

    def _can_occur(self, data: bytes, spaces: Sequence[int]) -> set[int]:
        """The phrases that may match text that changed (a space put in) at `spaces`."""
        if not self._in_sentences:
            return set(self._set.Match(data) or ())
        around = set()
        for space in spaces:
            # The sentence, and one character either side for a word boundary at its ends.
            start = max(data.rfind(end, 0, space) for end in _SENTENCE_ENDS)
            after = [i for i in (data.find(end, space) for end in _SENTENCE_ENDS) if i >= 0]
            around.add((max(start, 0), min(after, default=len(data)) + 1))
        found: set[int] = set()
        for start, end in around:
            found.update(self._set.Match(data[start:end]) or ())
        return found

    def blank(self, text: str) -> str:
        reading = Text(text)
        candidates = set(self._set.Match(reading.data) or ())
        index = -1
        while later := [i for i in candidates if i > index]:
            index = min(later)
            spans = self._blanks[index].spans(reading)
            if not spans:
                continue
            data, spaces = _replaced(reading.data, spans, b" ")
            if reading.exact:
                reading = Text(None, data)
            else:
                chars = [(reading.char(start), reading.char(end)) for start, end in spans]
                reading = Text(_replaced(reading.text, chars, " ")[0])
            candidates |= self._can_occur(reading.data, spaces)
        return reading.text


_SENTENCE_ENDS = (b".", b"!", b"?")


def _replaced(
    text: AnyStr, spans: Sequence[Sequence[int]], space: AnyStr
) -> tuple[AnyStr, list[int]]:
    """The text with each span replaced by a space, and where those spaces are."""
    pieces, spaces, at, removed = [], [], 0, 0
    for start, end in spans:
        pieces += (text[at:start], space)
        spaces.append(start - removed)
        removed += end - start - 1
        at = end
    pieces.append(text[at:])
    return space[:0].join(pieces), spaces
