"""safety.yaml: the crisis screen's rules, the figures of speech it ignores, and the
phrases no message may contain (the bot never pressures her to keep talking)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import PrivateAttr

from bot.content.fields import ContentModel, Id, Pattern

CRISIS_CATEGORIES = ("violence", "threat", "fear", "self_harm", "suicide")
Category = Literal["violence", "threat", "fear", "self_harm", "suicide"]


Band = Literal["alarm", "ask"]
"""How sure a rule's match is: `alarm` shows the resources at once; `ask` asks her first."""


class RuleSpec(ContentModel):
    id: Id
    pattern: Pattern
    band: Band = "alarm"


class CrisisRule(ContentModel):
    """One explainable rule: a match names its id and category."""

    id: str
    category: str
    pattern: re.Pattern[str]
    band: Band = "alarm"


class Safety(ContentModel):
    crisis: dict[Category, tuple[RuleSpec, ...]]
    benign: tuple[Pattern, ...]
    pressure: tuple[Pattern, ...]

    _rules: tuple[CrisisRule, ...] = PrivateAttr(default=())

    @property
    def rules(self) -> tuple[CrisisRule, ...]:
        """Every crisis rule in category order, as the screen tries them."""
        return self._rules

    def model_post_init(self, context: object) -> None:
        self._rules = tuple(
            CrisisRule(id=spec.id, category=category, pattern=spec.pattern, band=spec.band)
            for category in CRISIS_CATEGORIES
            for spec in self.crisis.get(category, ())  # type: ignore[call-overload]
        )
