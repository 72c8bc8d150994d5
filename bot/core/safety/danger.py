"""The short danger check, offered after "Not sure": yes/no questions on the strongest signs.

The questions come from `content/safety_plan.yaml` (Danger Assessment, DASH).
She can skip any, or all. Nothing is scored or shown as a verdict on him: any
"yes" says plainly that the sign is linked to serious danger and puts the
helplines first, and she stays on the safety path whatever she answers.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core import asks
from bot.core.asks import DANGER_ANSWER, DANGER_NOT_NOW, DANGER_START, danger_question
from bot.core.inputs import Action, Input
from bot.core.replies import Reply, answered
from bot.core.state import DangerCheck, State, graver
from bot.core.turn import Outcome


def _done(content: Content, state: State, found: bool) -> Outcome:
    """The check is over: what it found, then the questions waiting (held) where she left them."""
    check = content.safety_plan.danger_check
    after = replace(state, overlay=None)
    if found:
        after = replace(after, unsafe=graver(after.unsafe, "danger"))
        return Outcome(
            after, (Reply(text=check.any_yes, kind="resources"), *asks.held(content, after))
        )
    return Outcome(after, (Reply(text=check.all_clear), asks.go_on(content)))


def handle(content: Content, state: State, event: Input) -> Outcome:
    """Her input while the check is offered or under way."""
    overlay = state.overlay
    assert isinstance(overlay, DangerCheck)  # the router sends only danger-check mode here
    check = content.safety_plan.danger_check
    if isinstance(event, Action) and event.name == DANGER_NOT_NOW and overlay.index < 0:
        after = replace(state, overlay=None)
        return Outcome(after, (Reply(text=check.skipped), asks.go_on(content)), settle=check.offer)
    if isinstance(event, Action) and event.name == DANGER_START and overlay.index < 0:
        started = replace(state, overlay=DangerCheck(0))
        return Outcome(started, (danger_question(content, 0),), settle=check.offer)
    if isinstance(event, Action) and event.name == DANGER_ANSWER:
        index, _, said = event.arg.partition(":")
        if index == str(overlay.index) and said in ("yes", "no", "skip"):
            label = {"yes": check.yes_label, "no": check.no_label, "skip": check.skip_label}[said]
            settle = answered(content, check.questions[overlay.index].text, label)
            found = overlay.found or said == "yes"
            following = overlay.index + 1
            if following >= len(check.questions):
                return replace(_done(content, state, found), settle=settle)
            moved = replace(state, overlay=DangerCheck(following, found))
            return Outcome(moved, (danger_question(content, following),), settle=settle)
    return Outcome(state, asks.prompt(content, state))
