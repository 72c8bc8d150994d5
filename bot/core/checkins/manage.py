"""/checkins, /pause, /resume, /stop and their buttons: seeing and changing her schedule.

Each answer re-asks what she was in the middle of, so managing check-ins never
loses her place in the questions.
"""

from __future__ import annotations

from bot.content import Content
from bot.core import asks, schedule
from bot.core.checkins import nearby, setup, wording
from bot.core.checkins.records import ScheduleWrite, Snapshot
from bot.core.checkins.wording import (
    DISCREET_SET,
    KEEP_PLAN,
    MOVE,
    OPEN,
    PAUSE,
    PAUSE_FOR,
    SETUP,
    STOP,
    WEEK,
)
from bot.core.inputs import Action
from bot.core.replies import Button, Reply, answered, rows
from bot.core.state import State
from bot.core.turn import Context, Outcome


def _show(
    content: Content,
    state: State,
    *replies: Reply,
    settle: str | None = None,
    write: ScheduleWrite | None = None,
) -> Outcome:
    return Outcome(state, asks.then_prompt(content, state, replies), settle=settle, write=write)


def _status(content: Content, snap: Snapshot) -> Reply:
    c = content.checkins
    plan, zone = wording.describe(content, snap.plan), snap.plan.zone
    buttons = [Button(c.change_label, Action(SETUP))]
    if snap.next_due_at is not None and snap.paused_until is None:
        due = wording.when(content, snap.next_due_at, zone)
        text = wording.joined(
            c.status.format(plan=plan, zone=zone, when=due), wording.lately(content, snap)
        )
        buttons.append(Button(c.pause_label, Action(PAUSE)))
    elif snap.next_due_at is not None:
        due = wording.when(content, snap.next_due_at, zone)
        text = c.paused_week.format(when=due, zone=zone)
    else:
        text = c.status_paused_open.format(plan=plan, zone=zone)
    if snap.cover:
        buttons.append(Button(c.discreet_off_label, Action(DISCREET_SET, "off")))
    else:
        buttons.append(Button(c.discreet_on_label, Action(DISCREET_SET, "on")))
    buttons += [Button(c.stop_label, Action(STOP)), Button(c.keep_label, Action(KEEP_PLAN))]
    return Reply(text=text, buttons=rows(buttons, 2))


def _stop(content: Content, state: State, snap: Snapshot) -> Outcome:
    write = ScheduleWrite(snap.plan, None, active=False, cancel_pending=True, cover=snap.cover)
    return _show(content, state, Reply(text=content.checkins.stopped), write=write)


def command(content: Content, state: State, name: str, ctx: Context) -> Outcome:
    """/checkins (set up, or see and change), /pause, /resume, /stop."""
    c = content.checkins
    snap = ctx.schedule
    if name == "checkins":
        if snap is None or not snap.active:
            return setup.begin(content, state)
        shown = state.settled() if state.setup else state
        return _show(content, shown, _status(content, snap))
    if snap is None or not snap.active:
        return _show(content, state, Reply(text=c.nothing_to_change))
    if name == "pause":
        return _show(content, state, wording.pause_question(content))
    if name == "stop":
        return _stop(content, state, snap)
    if not snap.paused:  # resume
        assert snap.next_due_at is not None
        due = wording.when(content, snap.next_due_at, snap.plan.zone)
        return _show(content, state, Reply(text=c.not_paused.format(when=due, zone=snap.plan.zone)))
    nxt = schedule.next_due(snap.plan, ctx.now)
    text = c.resumed.format(when=wording.when(content, nxt, snap.plan.zone), zone=snap.plan.zone)
    write = ScheduleWrite(snap.plan, nxt, cover=snap.cover)
    return _show(content, state, Reply(text=text), write=write)


def button(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    """Pause (for a week, or until she resumes), stop, or leave as is; None when stale."""
    c = content.checkins
    snap = ctx.schedule
    if snap is None or not snap.active:
        return _show(content, state, Reply(text=c.nothing_to_change))
    if action.name == KEEP_PLAN:
        return _show(content, state, settle=c.kept_as_is)
    if action.name == STOP:
        return _stop(content, state, snap)
    if action.name == PAUSE:
        return _show(content, state, wording.pause_question(content))
    if action.name == MOVE:
        taken = nearby.moved(content, snap, action.arg, ctx.now)
        if taken is None:
            return None
        reply, write = taken
        return _show(content, state, settle=reply.text, write=write)  # the offer, answered
    if action.name == DISCREET_SET and action.arg in ("on", "off"):
        cover = (snap.cover or c.covers[0].id) if action.arg == "on" else None
        write = ScheduleWrite(
            snap.plan, snap.next_due_at, snap.paused_until, snap.active, cover=cover
        )
        said = c.discreet_on if cover else c.discreet_off
        return _show(content, state, Reply(text=said), write=write)
    if action.name != PAUSE_FOR:
        return None
    if action.arg == WEEK:
        until = ctx.now + schedule.PAUSE_WEEK
        due = schedule.first_due(snap.plan, ctx.now, until)
        zone = snap.plan.zone
        text = c.paused_week.format(when=wording.when(content, due, zone), zone=zone)
        return _show(
            content,
            state,
            Reply(text=text),
            settle=answered(content, c.ask_pause, c.pause_week_label),
            write=ScheduleWrite(
                snap.plan, due, paused_until=until, cancel_pending=True, cover=snap.cover
            ),
        )
    if action.arg == OPEN:
        return _show(
            content,
            state,
            Reply(text=c.paused_open),
            settle=answered(content, c.ask_pause, c.pause_open_label),
            write=ScheduleWrite(snap.plan, None, cancel_pending=True, cover=snap.cover),
        )
    return None
