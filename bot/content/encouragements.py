"""encouragements.yaml: the short notes a check-in carries, tagged by situation and theme."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, field_validator

from bot.content.fields import ContentModel, Id, Text

MAX_ENCOURAGEMENT = 400
MIN_ENCOURAGEMENTS = 40
Situation = Literal["any", "safety", "volatile", "drifting", "shut_out", "dead_set", "wavering"]
"""`any`; `safety`, for the safety path only; or her case or one of her exceptions (plan.yaml)."""


def _short(value: str) -> str:
    if len(value) > MAX_ENCOURAGEMENT:
        raise ValueError(f"is {len(value)} characters long; at most {MAX_ENCOURAGEMENT}")
    return value


class Encouragement(ContentModel):
    id: Id
    situations: frozenset[Situation] = frozenset({"any"})
    theme: Id
    text: Annotated[Text, AfterValidator(_short)]
    coaching_only: bool = False
    """Moves her toward him: never sent on the safety path."""
    confronts: bool = False
    """Has her stand up to him: never sent once danger from him is on record."""

    @field_validator("situations")
    @classmethod
    def _some(cls, value: frozenset[str]) -> frozenset[str]:
        return value or frozenset({"any"})


class Encouragements(ContentModel):
    messages: tuple[Encouragement, ...]

    @field_validator("messages")
    @classmethod
    def _enough(cls, value: tuple[Encouragement, ...]) -> tuple[Encouragement, ...]:
        if len(value) < MIN_ENCOURAGEMENTS:
            raise ValueError(f"has {len(value)} messages; at least {MIN_ENCOURAGEMENTS}")
        return value
