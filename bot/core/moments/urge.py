"""/urge: the pull to reach him right now. Write it here first, or wait a little.

A pause queues one check-back through the same queue as check-ins (exactly
once, and it survives a restart). Whether she waited is counted only when she
says so herself, by the check-back's buttons.
"""

from __future__ import annotations

from datetime import timedelta

from bot.content import Content
from bot.core import asks
from bot.core.checkins.records import URGE, Later, Record
from bot.core.inputs import Action, number
from bot.core.moments import draft
from bot.core.replies import Button, Reply, answered
from bot.core.state import State
from bot.core.turn import Context, Outcome

URGE_NOW, WRITE, WAIT, AFTER = "urge", "urge_write", "urge_wait", "urge_after"
"""Buttons: the urge itself (on her plan), write it here first, wait N minutes, and the
check-back's answers (`arg` "<delivery id>:waited|still|sent")."""
ACTIONS = frozenset({URGE_NOW, WRITE, WAIT, AFTER})


def offer(content: Content) -> Reply:
    u = content.moments.urge
    buttons = [(Button(u.write_label, Action(WRITE)),)]
    buttons += [(Button(u.pause_label.format(minutes=m), Action(WAIT, str(m))),) for m in u.pauses]
    return Reply(text=u.intro, buttons=tuple(buttons))


def begin(content: Content, state: State) -> Outcome:
    return Outcome(state, asks.then_prompt(content, state, (offer(content),)))


def check_back(content: Content, delivery_id: int) -> Reply:
    """The one message when the pause is up (sent by the check-in sender)."""
    u = content.moments.urge
    buttons = tuple(
        (Button(label, Action(AFTER, f"{delivery_id}:{said}")),)
        for label, said in (
            (u.waited_label, "waited"),
            (u.still_label, "still"),
            (u.sent_label, "sent"),
        )
    )
    return Reply(text=u.check_back, buttons=buttons, kind="checkin")


def button(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    """Her answer to the offer or to the check-back; None for a tap that makes no sense."""
    u = content.moments.urge
    if action.name == URGE_NOW:
        return begin(content, state)
    if action.name == WRITE:
        return draft.begin(content, state)
    if action.name == WAIT:
        minutes = number(action.arg)
        if minutes is None or minutes not in u.pauses:
            return None
        said = Reply(text=u.waiting.format(minutes=minutes))
        label = u.pause_label.format(minutes=minutes)
        return Outcome(
            state,
            asks.then_prompt(content, state, (said,)),
            settle=answered(content, u.intro, label),
            later=Later(URGE, ctx.now + timedelta(minutes=minutes)),
        )
    found = ctx.checkin
    _, _, said = action.arg.partition(":")
    if found is None or found.kind != URGE or said not in ("waited", "still", "sent"):
        return None
    label = {"waited": u.waited_label, "still": u.still_label, "sent": u.sent_label}[said]
    settle = answered(content, u.check_back, label)
    if said == "still":
        going = draft.begin(content, state)
        return Outcome(going.state, (Reply(text=u.still), *going.replies), settle=settle)
    reply = Reply(text=u.waited if said == "waited" else u.sent)
    record = Record(found.id, did=said == "waited")
    return Outcome(state, asks.then_prompt(content, state, (reply,)), settle=settle, record=record)
