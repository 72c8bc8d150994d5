"""`/draft`: what in a message she means to send him may land badly, and a calmer shape.

Pure: the patterns and every word of the reply come from `content/drafts.yaml` (loaded by
`bot.content.drafts`); `bot.evals.drafts` measures the rules on a labelled set. The adapter runs
the crisis screen first and never stores or logs the draft: a Finding quotes
her words, so its repr leaves them out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

from bot.content.drafts import QUOTE_PLACEHOLDER, Drafts

MAX_QUOTE = 80
"""Longest quote of her words in a reply; a long draft is cut at a word with an ellipsis."""

CLAUSE_REACH = 24
"""A quote grows to its whole clause when the clause ends within this many characters, so
she reads "I can't live without you" rather than the rule's "live without you"."""
_CLAUSE_ENDS = ".!?\n"

_STRAIGHT = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'}
)


@dataclass(frozen=True)
class Finding:
    """A pattern seen in her draft: which rule raised it, and where, so it can be quoted."""

    pattern: str
    rule: str
    start: int
    end: int
    quote: str = field(repr=False)
    """Her own words (text[start:end]); kept out of repr so a stray log line cannot carry them."""


@dataclass(frozen=True)
class Prepared:
    """Her draft as the rules read it, and where each of its characters came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original draft behind `text[start:end]`."""
        return self.starts[start], self.ends[end - 1]


def prepare(text: str) -> Prepared:
    """Lower-case, straight quotes, a letter stretched three times or more read once
    ("pleeease" is "please"), keeping the way back to her characters for quoting."""
    chars: list[tuple[str, int]] = [
        (c, i) for i, original in enumerate(text) for c in original.translate(_STRAIGHT).lower()
    ]
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for char, run in groupby(chars, key=lambda pair: pair[0]):
        where = [i for _, i in run]
        if char.isalpha() and len(where) >= 3:
            out.append(char)
            starts.append(where[0])
            ends.append(where[-1] + 1)
            continue
        out.extend(char * len(where))
        starts.extend(where)
        ends.extend(i + 1 for i in where)
    return Prepared("".join(out), tuple(starts), tuple(ends))


def _blank(text: str, benign: Sequence[re.Pattern[str]]) -> str:
    """Innocent phrases replaced by spaces of the same length, so spans still line up."""
    for phrase in benign:
        text = phrase.sub(lambda m: " " * len(m.group()), text)
    return text


def check(rules: Drafts, text: str) -> list[Finding]:
    """Every pattern her draft shows, once each, in the order they appear in her text.

    Each finding quotes the earliest words that raised its pattern; a pattern's innocent
    phrases (its `benign` list) are blanked out before its rules run. A finding in the words
    of a pattern that `explains` it gives way: "Only contact me about the kids from now on" is
    a clear limit, not a promise she may not keep.
    """
    prepared = prepare(text)
    findings: list[Finding] = []
    explaining: list[tuple[tuple[str, ...], int, int]] = []
    for pattern in rules.patterns:
        seen = _blank(prepared.text, pattern.benign)
        matches = [
            (match.start(), match.end(), rule.id)
            for rule in pattern.rules
            if (match := rule.pattern.search(seen)) and match.end() > match.start()
        ]
        if not matches:
            continue
        first, last, rule_id = min(matches)
        start, end = _clause(text, *prepared.span(first, last))
        findings.append(Finding(pattern.id, rule_id, start, end, text[start:end]))
        if pattern.explains:
            explaining += [
                (pattern.explains, *_sentence(text, *prepared.span(m.start(), m.end())))
                for rule in pattern.rules
                for m in rule.pattern.finditer(seen)
                if m.end() > m.start()
            ]
    kept = [
        f
        for f in findings
        if not any(f.pattern in ids and a < f.end and f.start < b for ids, a, b in explaining)
    ]
    return sorted(kept, key=lambda f: f.start)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole sentence (or line) around `text[start:end]`."""
    while start > 0 and text[start - 1] not in _CLAUSE_ENDS:
        start -= 1
    while end < len(text) and text[end] not in _CLAUSE_ENDS:
        end += 1
    return start, end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Without the spaces and punctuation at its edges, unless punctuation is all there is."""
    words_start, words_end = start, end
    while words_start < words_end and not text[words_start].isalnum():
        words_start += 1
    while words_end > words_start and (
        text[words_end - 1].isspace() or text[words_end - 1] in ",;:"
    ):
        words_end -= 1
    if words_start < words_end:
        return words_start, words_end
    while end - start > 1 and text[start].isspace():
        start += 1
    while end - start > 1 and text[end - 1].isspace():
        end -= 1
    return start, end


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The rule's words widened to the clause around them when its ends are near: the words
    she wrote, whole."""
    start, end = _trim(text, start, end)
    before = start
    while before > 0 and start - before < CLAUSE_REACH and text[before - 1] not in _CLAUSE_ENDS:
        before -= 1
    if before == 0 or text[before - 1] in _CLAUSE_ENDS:
        start = before
    after = end
    while after < len(text) and after - end < CLAUSE_REACH and text[after] not in _CLAUSE_ENDS:
        after += 1
    if after == len(text) or text[after] in _CLAUSE_ENDS:
        end = after
    return _trim(text, start, end)


def _shorten(quote: str) -> str:
    if len(quote) <= MAX_QUOTE:
        return quote
    cut = quote[:MAX_QUOTE].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "\u2026"


def summary(rules: Drafts, findings: Sequence[Finding], *, safety_path: bool = False) -> str:
    """The first screen: on the safety path her safety first; then each pattern named with
    her own words that raised it, or plainly that nothing stands out. Only her words are
    quoted; the rest is content's, filled with nothing."""
    t = rules.texts
    parts = [t.safety_first] if safety_path else []
    if not findings:
        parts.append(t.nothing_stands_out)
        return "\n\n".join(parts)
    if not safety_path and any(not rules.pattern(f.pattern).affirms for f in findings):
        parts.append(t.intro)  # how it may come across to him: not the question on this path
    named = []
    for finding in findings:
        quoted = t.you_wrote.replace(QUOTE_PLACEHOLDER, _shorten(finding.quote))
        named.append(f"• {rules.pattern(finding.pattern).name}: {quoted}")
    parts.append("\n".join(named))
    return "\n\n".join(parts)


def explained(rules: Drafts, pattern_id: str, *, safety_path: bool = False) -> str:
    """One pattern, a screen of its own: on the coaching path why it may land badly and a
    calmer shape (none for a boundary, good as it is, or for self-blame, never echoed); on the
    safety path words about her, never a shape that moves her toward him."""
    pattern = rules.pattern(pattern_id)
    if safety_path:
        return pattern.safe
    if pattern.instead:
        return f"{pattern.why}\n\n{rules.texts.instead_label} {pattern.instead}"
    return pattern.why


def reply(rules: Drafts, findings: Sequence[Finding], *, safety_path: bool = False) -> str:
    """Everything she reads about a draft, the summary and then each pattern, as one text."""
    parts = [summary(rules, findings, safety_path=safety_path)]
    parts += [
        f"{rules.pattern(f.pattern).name}\n{explained(rules, f.pattern, safety_path=safety_path)}"
        for f in findings
    ]
    return "\n\n".join(parts)
