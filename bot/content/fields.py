"""The kinds of value a content file holds, each validated where it is declared.

A field says what it is (`Text`, `Label`, `Id`, `Filled` with `fills("question", "answer")`,
`Words`, `Pattern`) and the checks come with the type: length limits, plain
ids that fit in callback data, placeholders the code fills and nothing else,
synonyms that YAML's yes/no trap has turned into booleans. `errors.py` turns
a failure into "file: key: problem" for the coach.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

MAX_TEXT = 3500
"""Longest single text; leaves room under Telegram's 4096 for a title."""
MAX_LABEL = 40
"""Button labels stay short enough to read on a phone."""
MAX_TITLE = 120
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
"""Ids are short and plain so they fit in 64 bytes of callback data."""


class ContentModel(BaseModel):
    """Every content model: read-only, and a key it does not know is an error (a typo).

    Not pydantic's strict mode, which refuses YAML's lists for tuples; texts refuse
    booleans themselves (`_text_only`) and numbers are `StrictInt` where it matters.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")


def _text_only(value: Any) -> Any:
    """YAML reads bare yes/no/on/off as booleans; insist on text so "no" stays "no"."""
    if isinstance(value, bool):
        raise ValueError("expected text (put quotes around yes, no, on, off)")
    if isinstance(value, int | float):
        return str(value)
    return value


def _stripped(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("is empty")
        if len(value) > limit:
            raise ValueError(f"is {len(value)} characters long; at most {limit}")
        return value

    return AfterValidator(check)


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise ValueError(f"has a brace the bot cannot fill ({exc})") from None


def _exactly(names: tuple[str, ...]) -> AfterValidator:
    """Every placeholder the code fills must be there, and nothing it cannot fill.

    A stray brace would otherwise load fine and break her conversation at the
    moment the text is shown.
    """

    def check(value: str) -> str:
        found = _placeholders(value)
        for name in names:
            if name not in found:
                raise ValueError(f"must contain {{{name}}}")
        extra = found - set(names)
        if extra:
            if not names:
                raise ValueError("has a brace; this text is shown as is and takes no placeholders")
            allowed = ", ".join(f"{{{n}}}" for n in names)
            raise ValueError(
                f"has a placeholder the bot cannot fill ({sorted(extra)}); use only {allowed}"
            )
        return value

    return AfterValidator(check)


Text = Annotated[str, BeforeValidator(_text_only), _stripped(MAX_TEXT), _exactly(())]
"""A message or part of one, shown as is (no placeholders)."""
Title = Annotated[str, BeforeValidator(_text_only), _stripped(MAX_TITLE), _exactly(())]
Label = Annotated[str, BeforeValidator(_text_only), _stripped(MAX_LABEL), _exactly(())]
"""A button's label."""
Name = Annotated[str, BeforeValidator(_text_only), _stripped(60), _exactly(())]
"""A short name (of a tactic, a country, a helpline)."""
Contact = Annotated[str, BeforeValidator(_text_only), _stripped(200), _exactly(())]
Word = Annotated[str, BeforeValidator(_text_only)]
"""One word or phrase of a list (a synonym, a situation); never a YAML boolean."""
Filled = Annotated[str, BeforeValidator(_text_only), _stripped(MAX_TEXT)]
"""A text the code fills in; declare its placeholders with `fills`:
`answered: Annotated[Filled, fills("question", "answer")]`."""
FilledLabel = Annotated[str, BeforeValidator(_text_only), _stripped(MAX_LABEL)]


def fills(*names: str) -> AfterValidator:
    """The placeholders the code fills in this text: each must be there, and no other."""
    return _exactly(names)


def _plain_id(value: str) -> str:
    if not _ID.match(value) or len(value) > 30:
        raise ValueError(f"{value!r} is not a plain id (a-z, 0-9, _)")
    return value


Id = Annotated[str, BeforeValidator(_text_only), _stripped(30), AfterValidator(_plain_id)]


def _compile(value: Any) -> re.Pattern[str]:
    if isinstance(value, re.Pattern):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a regular expression")
    try:
        return re.compile(value.strip())
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression: {exc}") from None


Pattern = Annotated[re.Pattern[str], BeforeValidator(_compile)]
"""A regular expression, compiled once at load."""
