"""The short danger check, offered after "Not sure": yes/no questions on the strongest signs.

The questions come from `content/safety_plan.yaml` (Danger Assessment, DASH).
She can skip any, or all. Nothing is scored or shown as a verdict on him. A
"yes" is heard at once, with one kind line before the next question, and the
sign is kept on her state for good (only /forget clears it), so every feature
knows it (`safety.told`). The closing words fit how many signs she named.
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


def _done(content: Content, state: State, named: tuple[str, ...]) -> Outcome:
    """The check is over: what it found, then the questions waiting (held) where she left them."""
    check = content.safety_plan.danger_check
    after = replace(state, overlay=None)
    if named:
        after = replace(after, unsafe=graver(after.unsafe, "danger"))
        said = check.one_sign if len(named) == 1 else check.some_signs
        return Outcome(after, (Reply(text=said, kind="resources"), *asks.held(content, after)))
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
            asked = check.questions[overlay.index]
            settle = answered(content, asked.text, label)
            named, heard = overlay.named, ()
            if said == "yes":
                named = (*named, asked.id)
                # Kept at once: a sign she named is never lost, even if she stops here.
                signs = state.signs if asked.id in state.signs else (*state.signs, asked.id)
                state = replace(state, signs=signs)
                heard = (Reply(text=asked.heard),)
            following = overlay.index + 1
            if following >= len(check.questions):
                done = _done(content, state, named)
                return replace(done, replies=(*heard, *done.replies), settle=settle)
            moved = replace(state, overlay=DangerCheck(following, named))
            return Outcome(moved, (*heard, danger_question(content, following)), settle=settle)
    return Outcome(state, asks.prompt(content, state))
