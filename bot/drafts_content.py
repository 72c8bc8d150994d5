"""`content/drafts.yaml` as validated objects: the patterns `/draft` looks for, and its texts.

Loaded with pydantic so that a coach's slip (a rule that does not compile, a missing text, a
placeholder left in a calmer shape) stops the bot at start with the file and the key named.
`bot.drafts` runs these rules over her draft; `bot.drafts_eval` measures them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from bot.content import DEFAULT_CONTENT_DIR, MAX_TEXT, ContentError

FILE = "drafts.yaml"
MAX_NAME = 40
"""A pattern's name heads one point of the reply: a few plain words."""

QUOTE_PLACEHOLDER = "{words}"
"""The one placeholder content may use: her own words, quoted back to her."""


class DraftsContentError(ContentError):
    """drafts.yaml cannot be used; the message names the file and the key."""


def _compile(value: object) -> re.Pattern[str]:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a regular expression")
    try:
        pattern = re.compile(value.strip())
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression: {exc}") from None
    # A rule that matches nothing at all would flag every draft she writes.
    if pattern.fullmatch(""):
        raise ValueError("matches an empty message; it would flag every draft")
    return pattern


def _plain(text: str) -> str:
    """A text shown as is: present, short enough for one Telegram message, no placeholder."""
    text = text.strip()
    if not text:
        raise ValueError("is empty")
    if len(text) > MAX_TEXT:
        raise ValueError(f"is {len(text)} characters; keep it under {MAX_TEXT}")
    if "{" in text or "}" in text:
        raise ValueError("has a brace; this text is shown as is and takes no placeholders")
    return text


def _quoting(text: str) -> str:
    """A text that quotes her words back: exactly one {words} and nothing else to fill."""
    text = text.strip()
    if text.count(QUOTE_PLACEHOLDER) != 1:
        raise ValueError(f"must contain {QUOTE_PLACEHOLDER} once")
    _plain(text.replace(QUOTE_PLACEHOLDER, ""))
    return text


Regex = Annotated[re.Pattern[str], BeforeValidator(_compile)]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
Text = Annotated[str, AfterValidator(_plain)]
Name = Annotated[str, StringConstraints(max_length=MAX_NAME), AfterValidator(_plain)]
QuotingText = Annotated[str, AfterValidator(_quoting)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rule(_Model):
    """One explainable rule: a regular expression over her draft, lower-cased."""

    id: Ident
    pattern: Regex


class Pattern(_Model):
    """Something in a draft that may land badly, why, and a calmer shape to use instead."""

    id: Ident
    name: Name
    why: Text
    instead: Text
    rules: tuple[Rule, ...] = Field(min_length=1)
    benign: tuple[Regex, ...] = ()
    """Innocent phrases that share the rules' words ("no rush"), blanked out before they run."""

    @field_validator("rules")
    @classmethod
    def _rule_ids_unique(cls, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        _unique([r.id for r in rules])
        return rules


class Texts(_Model):
    """What `/draft` says around the findings, and instead of them when there are none."""

    intro: Text
    nothing_stands_out: Text
    safety_first: Text
    you_wrote: QuotingText
    instead_label: Text


class Drafts(_Model):
    """Everything `/draft` needs from content: its texts and the patterns, in reading order."""

    texts: Texts
    patterns: tuple[Pattern, ...] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _pattern_ids_unique(cls, patterns: tuple[Pattern, ...]) -> tuple[Pattern, ...]:
        _unique([p.id for p in patterns])
        return patterns

    def pattern(self, pattern_id: str) -> Pattern:
        """The pattern named `pattern_id` (a KeyError for an id this content does not have)."""
        for pattern in self.patterns:
            if pattern.id == pattern_id:
                return pattern
        raise KeyError(pattern_id)


def _unique(ids: Sequence[str]) -> None:
    twice = sorted(i for i, n in Counter(ids).items() if n > 1)
    if twice:
        raise ValueError(f"duplicate ids {twice}")


def _key(raw: Any, loc: Sequence[int | str]) -> str:
    """`patterns[begging].rules[please_stay].pattern`: list items named by their id if any."""
    key, node = "", raw
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = item.get("id") if isinstance(item, dict) else None
            key += f"[{name}]" if isinstance(name, str) else f"[{part}]"
            node = item
        else:
            key += f".{part}" if key else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return key or "(top level)"


def parse(raw: Any) -> Drafts:
    """Validate already-read YAML; a DraftsContentError names the first key that is wrong."""
    try:
        return Drafts.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise DraftsContentError(f"{FILE}: {_key(raw, first['loc'])}: {message}{more}") from None


def load_drafts(directory: Path = DEFAULT_CONTENT_DIR) -> Drafts:
    """Read and validate `directory/drafts.yaml`."""
    path = directory / FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DraftsContentError(f"{FILE}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise DraftsContentError(f"{FILE}: not valid YAML{where}") from None
    return parse(raw)
