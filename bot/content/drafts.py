"""drafts.yaml: the patterns `/draft` looks for in a message she means to send him, and its texts.

A rule that does not compile, or that would match an empty message (and so flag
every draft), a missing text, or a placeholder left in a calmer shape stops the
bot at start with the file and the key named. `bot.core.drafts` runs the rules
over her draft; `bot.evals.drafts` measures them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from bot.content.fields import ContentModel, Filled, Id, Label, Pattern, Text, fills

QUOTE_PLACEHOLDER = "{words}"
"""The one placeholder content may use: her own words, quoted back to her."""


def _not_empty_match(pattern: re.Pattern[str]) -> re.Pattern[str]:
    # A rule that matches nothing at all would flag every draft she writes.
    if pattern.fullmatch(""):
        raise ValueError("matches an empty message; it would flag every draft")
    return pattern


def _unique(ids: Sequence[str]) -> None:
    twice = sorted(i for i, n in Counter(ids).items() if n > 1)
    if twice:
        raise ValueError(f"duplicate ids {twice}")


class Rule(ContentModel):
    """One explainable rule: a regular expression over her draft, lower-cased."""

    id: Id
    pattern: Annotated[Pattern, AfterValidator(_not_empty_match)]


class DraftPattern(ContentModel):
    """Something in a draft that may land badly, why, and a calmer shape to use instead."""

    id: Id
    name: Label
    why: Text
    instead: Text | None = None
    """A calmer shape, on the coaching path; none for what she should not change (a boundary)
    or must never hear echoed (self-blame)."""
    safe: Text
    """What she reads instead of `why` and `instead` on the safety path: about her, and never
    a shape that moves her toward him."""
    affirms: bool = False
    """A good thing to see (a clear boundary): named as such, not as something to change."""
    explains: tuple[Id, ...] = ()
    """Patterns whose findings in this one's words give way to it."""
    rules: tuple[Rule, ...] = Field(min_length=1)
    benign: tuple[Pattern, ...] = ()
    """Innocent phrases that share the rules' words ("no rush"), blanked out before they run."""

    @field_validator("rules")
    @classmethod
    def _rule_ids_unique(cls, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        _unique([r.id for r in rules])
        return rules


class DraftTexts(ContentModel):
    """What `/draft` says around the findings, and instead of them when there are none."""

    ask: Text
    again_label: Label
    intro: Text
    nothing_stands_out: Text
    safety_first: Text
    you_wrote: Annotated[Filled, fills("words")]
    instead_label: Label
    crisis_stop: Text
    """After resources for a draft that raised a crisis: a kind word, and nothing after it."""


class Drafts(ContentModel):
    """Everything `/draft` needs from content: its texts and the patterns, in reading order."""

    texts: DraftTexts
    patterns: tuple[DraftPattern, ...] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _pattern_ids_unique(cls, patterns: tuple[DraftPattern, ...]) -> tuple[DraftPattern, ...]:
        _unique([p.id for p in patterns])
        return patterns

    def pattern(self, pattern_id: str) -> DraftPattern:
        """The pattern named `pattern_id` (a KeyError for an id this content does not have)."""
        for pattern in self.patterns:
            if pattern.id == pattern_id:
                return pattern
        raise KeyError(pattern_id)
