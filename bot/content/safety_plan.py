"""safety_plan.yaml: the danger check, the way back off the safety path, and the words
that move her toward him (which the safety path never shows)."""

from __future__ import annotations

from typing import Annotated

from bot.content.fields import ContentModel, Filled, Id, Label, Pattern, Text, fills


class DangerQuestion(ContentModel):
    id: Id
    text: Text
    named: Text
    """The sign in a few words, as the bot names it back to her later ("that he has ...")."""
    heard: Text
    """One kind line straight after her "yes", before the next question."""


class DangerCheck(ContentModel):
    offer: Text
    start_label: Label
    skip_all_label: Label
    skipped: Text
    yes_label: Label
    no_label: Label
    skip_label: Label
    questions: tuple[DangerQuestion, ...]
    one_sign: Text
    some_signs: Text
    all_clear: Text
    go_on: Text

    def question(self, sign: str) -> DangerQuestion | None:
        return next((q for q in self.questions if q.id == sign), None)


class WayBack(ContentModel):
    label: Label
    asked: Text
    still_unsafe: Text
    back: Text
    back_signs: Annotated[Filled, fills("signs")]
    back_alarm: Text
    stays: Text
    stays_no_plan: Text


class SafetyPlan(ContentModel):
    danger_check: DangerCheck
    toward_him: tuple[Pattern, ...]
    measured_by_him: tuple[Pattern, ...]
    confronting: tuple[Pattern, ...]
    way_back: WayBack
