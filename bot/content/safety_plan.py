"""safety_plan.yaml: the danger check, the way back off the safety path, and the words
that move her toward him (which the safety path never shows)."""

from __future__ import annotations

from bot.content.fields import ContentModel, Id, Label, Pattern, Text


class DangerQuestion(ContentModel):
    id: Id
    text: Text


class DangerCheck(ContentModel):
    offer: Text
    start_label: Label
    skip_all_label: Label
    skipped: Text
    yes_label: Label
    no_label: Label
    skip_label: Label
    questions: tuple[DangerQuestion, ...]
    any_yes: Text
    all_clear: Text
    go_on: Text


class WayBack(ContentModel):
    label: Label
    asked: Text
    still_unsafe: Text
    back: Text
    stays: Text


class SafetyPlan(ContentModel):
    danger_check: DangerCheck
    toward_him: tuple[Pattern, ...]
    way_back: WayBack
