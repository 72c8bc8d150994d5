"""What check-ins look like: the set-up questions, the check-in message, times in her zone.

Renderers only: each turns content and a little state into a `Reply` or a
string. The handlers in `setup`, `manage` and `answers` decide; `bot.core.asks`
uses the set-up questions to show her where she is.
"""

from __future__ import annotations

from datetime import datetime

from bot.content import Content
from bot.core import schedule
from bot.core.checkins import spread
from bot.core.checkins.records import URGE, Delivery, Snapshot
from bot.core.inputs import Action
from bot.core.replies import Button, Reply, answered, rows
from bot.core.schedule import Plan
from bot.core.state import Setup

# Button actions. Set-up steps carry their stage so a tap on an old question is known.
SETUP, DECLINE, CADENCE, WEEKDAY, TIME, ZONE, CLOCK = (
    "ci_setup",
    "ci_no",
    "ci_cadence",
    "ci_weekday",
    "ci_time",
    "ci_zone",
    "ci_clock",
)
DISCREET, COVER, DISCREET_SET = "ci_discreet", "ci_cover", "ci_discreet_set"
"""Set-up: discreet or not (`arg` yes/no), its neutral line (`arg` cover id); /checkins' toggle."""
SETUP_ACTIONS = frozenset({SETUP, DECLINE, CADENCE, WEEKDAY, TIME, ZONE, CLOCK, DISCREET, COVER})
PAUSE, PAUSE_FOR, STOP, KEEP_PLAN = "ci_pause", "ci_pause_for", "ci_stop", "ci_keep"
MOVE = "ci_move"
"""Her time was crowded and she took the quieter one offered (`arg` HH:MM)."""
MANAGE_ACTIONS = frozenset({PAUSE, PAUSE_FOR, STOP, KEEP_PLAN, DISCREET_SET, MOVE})
MOOD, DID, NOTE, OPEN_CHECKIN, FOLD_CHECKIN = "mood", "did", "note", "ci_open", "ci_fold"
"""A check-in's buttons: how she is, her yes or no to its question, a note, open a discreet
one, and fold an opened one back behind its neutral line ("Hide")."""
ANSWER_ACTIONS = frozenset({MOOD, DID, NOTE, OPEN_CHECKIN, FOLD_CHECKIN})
WEEK, OPEN = "week", "open"
COMMANDS = frozenset({"checkins", "pause", "resume", "stop"})


def when(content: Content, instant: datetime, zone: str) -> str:
    """`Tuesday 19:30` in her zone."""
    at = schedule.local(instant, zone)
    return f"{content.checkins.weekdays[at.weekday()]} {at:%H:%M}"


def joined(*sentences: str | None) -> str:
    """Sentences of one message, the empty ones left out."""
    return " ".join(s for s in sentences if s)


def confirmed(content: Content, due: datetime, zone: str) -> str:
    """`All set. Next check-in: around Tuesday 21:00 (Europe/Berlin).` and how far around: the
    window the sender keeps (`spread`) is told at set-up, not discovered."""
    c = content.checkins
    minutes = int(spread.WINDOW.total_seconds() // 60)
    return joined(
        c.confirmed.format(when=when(content, due, zone), zone=zone),
        c.around.format(minutes=minutes),
    )


def lately(content: Content, snap: Snapshot) -> str | None:
    """How far from her time her check-ins have lately gone out (None: none has yet)."""
    if snap.late_seconds is None:
        return None
    minutes = round(snap.late_seconds / 60)
    c = content.checkins
    return c.lately.format(minutes=minutes) if minutes >= 2 else c.lately_on_time


def describe(content: Content, plan: Plan) -> str:
    """`every Tuesday at 19:30`."""
    cadence = content.checkins.cadence(plan.cadence)
    assert cadence is not None  # content check: every cadence has a text
    weekday = content.checkins.weekdays[plan.weekday] if plan.weekday is not None else ""
    return cadence.describe.format(time=f"{plan.hour:02d}:{plan.minute:02d}", weekday=weekday)


def offer(content: Content) -> Reply:
    c = content.checkins
    buttons = ((Button(c.offer_yes, Action(SETUP)), Button(c.offer_no, Action(DECLINE))),)
    return Reply(text=c.offer, buttons=buttons)


def setup_question(content: Content, setup: Setup) -> Reply:
    """The set-up question for the stage she is at, with its buttons."""
    c = content.checkins
    if setup.stage == "cadence":
        cadences = [Button(x.label, Action(CADENCE, x.id)) for x in c.cadences]
        return Reply(text=c.ask_cadence, buttons=rows(cadences, 1))
    if setup.stage == "weekday":
        days = [Button(d, Action(WEEKDAY, str(i))) for i, d in enumerate(c.weekdays)]
        return Reply(text=c.ask_weekday, buttons=rows(days, 3))
    if setup.stage == "time":
        hours = [Button(f"{h:02d}:{m:02d}", Action(TIME, f"{h:02d}:{m:02d}")) for h, m in c.hours]
        return Reply(text=c.ask_time, buttons=rows(hours, 4))
    if setup.stage == "zone":
        zones = [Button(z.label, Action(ZONE, z.id)) for z in c.zones]
        zones.append(Button(c.zone_from_clock, Action(CLOCK)))
        return Reply(text=c.ask_zone, buttons=rows(zones, 2))
    if setup.stage == "discreet":
        choices = [
            Button(c.discreet_yes, Action(DISCREET, "yes")),
            Button(c.discreet_no, Action(DISCREET, "no")),
        ]
        return Reply(text=c.ask_discreet, buttons=rows(choices, 1))
    if setup.stage == "cover":
        covers = [Button(x.label, Action(COVER, x.id)) for x in c.covers]
        return Reply(text=c.ask_cover, buttons=rows(covers, 1))
    return Reply(text=c.ask_clock)


def setup_answered(content: Content, stage: str, answer: str) -> str:
    return answered(content, setup_question(content, Setup(stage)).text, answer)


def pause_question(content: Content) -> Reply:
    c = content.checkins
    buttons = (
        (
            Button(c.pause_week_label, Action(PAUSE_FOR, WEEK)),
            Button(c.pause_open_label, Action(PAUSE_FOR, OPEN)),
        ),
    )
    return Reply(text=c.ask_pause, buttons=buttons)


def encouragement_text(content: Content, encouragement: str) -> str:
    return next((e.text for e in content.encouragements if e.id == encouragement), "")


def cover_message(content: Content, checkin_id: int, cover: str | None) -> Reply:
    """A discreet check-in as it first arrives: a neutral line, and "Open"."""
    c = content.checkins
    line = c.cover(cover) or c.covers[0]
    return Reply(
        text=line.text, buttons=((Button(c.open_label, Action(OPEN_CHECKIN, str(checkin_id))),),)
    )


def checkin_message(
    content: Content, checkin_id: int, encouragement: str, *, opened: bool = False
) -> Reply:
    """The check-in: the encouragement, then how she is holding up, with a button per level;
    `opened` from behind a neutral line, with "Hide" to fold it back."""
    c = content.checkins
    text = encouragement_text(content, encouragement)
    buttons = tuple((Button(m.label, Action(MOOD, f"{checkin_id}:{m.value}")),) for m in c.moods)
    if opened:
        buttons = (*buttons, hide_button(content, checkin_id))
    body = f"{text}\n\n{c.checkin_mood}" if text else c.checkin_mood
    return Reply(text=body, buttons=buttons, kind="checkin")


def hide_button(content: Content, checkin_id: int) -> tuple[Button, ...]:
    """The row under an opened discreet check-in that folds it back behind its line."""
    return (Button(content.checkins.fold_label, Action(FOLD_CHECKIN, str(checkin_id))),)


def delivery_message(content: Content, delivery: Delivery) -> tuple[Reply, bool]:
    """What a queued delivery shows, and whether it goes without a sound: for a woman whose
    messages are discreet (as her setting is now, not as it was when it was queued), a neutral
    line that opens in place, silently; else the check-back after /urge, or the check-in."""
    from bot.core.moments import urge  # the check-back's wording lives with /urge

    if delivery.cover:
        return cover_message(content, delivery.id, delivery.cover), True
    if delivery.kind == URGE:
        return urge.check_back(content, delivery.id), False
    return checkin_message(content, delivery.id, delivery.encouragement), False
