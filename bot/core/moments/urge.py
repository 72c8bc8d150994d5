"""/urge (and /moment): a hard moment. What it offers depends on what she has told the bot.

On the coaching path it is the pull to reach him right now: write it here
first, or wait a little. A pause queues one check-back through the same queue as
check-ins (exactly once, it survives a restart, and it is discreet when her
messages are). Whether she waited is counted only when she says so herself.

On the safety path nothing here is about him: the offer is her safe person, an
advocate, or a helpline, never a pause before contacting him.
"""

from __future__ import annotations

from datetime import timedelta

from bot.content import Content
from bot.core import asks
from bot.core.checkins.records import URGE, Later, Record
from bot.core.inputs import Action, number
from bot.core.moments import draft
from bot.core.replies import Button, Reply, answered
from bot.core.safety.follow import default_cover
from bot.core.safety.resources import HIM, resources
from bot.core.safety.told import Told
from bot.core.state import State
from bot.core.turn import Context, Outcome

URGE_NOW, WRITE, WAIT, AFTER = "urge", "urge_write", "urge_wait", "urge_after"
"""Buttons: the urge itself (on her plan), write it here first, wait N minutes, and the
check-back's answers (`arg` "<delivery id>:waited|still|sent")."""
SAFE_PERSON, ADVOCATE, HELPLINE = "moment_person", "moment_advocate", "moment_line"
"""Buttons of a hard moment on the safety path."""
ACTIONS = frozenset({URGE_NOW, WRITE, WAIT, AFTER, SAFE_PERSON, ADVOCATE, HELPLINE})


def offer(content: Content, state: State) -> Reply:
    """What a hard moment offers her, by what she has told the bot."""
    if Told.of(state).unsafe:
        m = content.moments.moment
        choices = ((m.safe_person_label, SAFE_PERSON), (m.advocate_label, ADVOCATE))
        buttons = [(Button(label, Action(name)),) for label, name in choices]
        buttons.append((Button(m.helpline_label, Action(HELPLINE)),))
        return Reply(text=m.intro, buttons=tuple(buttons))
    u = content.moments.urge
    rows = [(Button(u.write_label, Action(WRITE)),)]
    rows += [(Button(u.pause_label.format(minutes=m), Action(WAIT, str(m))),) for m in u.pauses]
    return Reply(text=u.intro, buttons=tuple(rows))


def label(content: Content, state: State) -> str:
    """The plan's button for a hard moment: on the safety path it says nothing about him."""
    moments = content.moments
    return moments.moment_label if Told.of(state).unsafe else moments.urge_label


def begin(content: Content, state: State) -> Outcome:
    return Outcome(state, asks.then_prompt(content, state, (offer(content, state),)))


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


def _safety_button(content: Content, state: State, action: Action) -> Outcome | None:
    """Her choice in a hard moment on the safety path; None for a button of the other path."""
    m = content.moments.moment
    lines = resources(content, state.country, HIM)
    if action.name == SAFE_PERSON:
        said: tuple[Reply, ...] = (Reply(text=m.safe_person),)
    elif action.name == ADVOCATE:
        said = (Reply(text=m.advocate), lines)
    elif action.name == HELPLINE:
        said = (lines,)
    else:
        return None
    return Outcome(state, asks.then_prompt(content, state, said))


def button(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    """Her answer to the offer or to the check-back; None for a tap that makes no sense."""
    u = content.moments.urge
    if action.name == URGE_NOW:
        return begin(content, state)
    if action.name in (SAFE_PERSON, ADVOCATE, HELPLINE):
        return _safety_button(content, state, action)
    if action.name == WRITE:
        return draft.begin(content, state)
    if action.name == WAIT:
        minutes = number(action.arg)
        if minutes is None or minutes not in u.pauses or Told.of(state).unsafe:
            return None
        said = Reply(text=u.waiting.format(minutes=minutes))
        label_ = u.pause_label.format(minutes=minutes)
        cover = default_cover(content) if Told.of(state).discreet else None
        return Outcome(
            state,
            asks.then_prompt(content, state, (said,)),
            settle=answered(content, u.intro, label_),
            later=Later(URGE, ctx.now + timedelta(minutes=minutes), cover),
        )
    found = ctx.checkin
    _, _, said_ = action.arg.partition(":")
    if found is None or found.kind != URGE or said_ not in ("waited", "still", "sent"):
        return None
    answer = {"waited": u.waited_label, "still": u.still_label, "sent": u.sent_label}[said_]
    settle = answered(content, u.check_back, answer)
    if said_ == "still":
        going = draft.begin(content, state)
        return Outcome(going.state, (Reply(text=u.still), *going.replies), settle=settle)
    reply = Reply(text=u.waited if said_ == "waited" else u.sent)
    record = Record(found.id, did=said_ == "waited")
    return Outcome(state, asks.then_prompt(content, state, (reply,)), settle=settle, record=record)
