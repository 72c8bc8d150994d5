"""What check-ins look like: the set-up questions, the check-in message, times in her zone.

Renderers only: each turns content and a little state into a `Reply` or a
string. The handlers in `setup`, `manage` and `answers` decide; `bot.core.asks`
uses the set-up questions to show her where she is.
"""

from __future__ import annotations

from datetime import datetime

from bot.content import Content
from bot.core import schedule
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
SETUP_ACTIONS = frozenset({SETUP, DECLINE, CADENCE, WEEKDAY, TIME, ZONE, CLOCK})
PAUSE, PAUSE_FOR, STOP, KEEP_PLAN = "ci_pause", "ci_pause_for", "ci_stop", "ci_keep"
MANAGE_ACTIONS = frozenset({PAUSE, PAUSE_FOR, STOP, KEEP_PLAN})
MOOD, KEPT, NOTE = "mood", "kept", "note"
ANSWER_ACTIONS = frozenset({MOOD, KEPT, NOTE})
WEEK, OPEN = "week", "open"
COMMANDS = frozenset({"checkins", "pause", "resume", "stop"})


def when(content: Content, instant: datetime, zone: str) -> str:
    """`Tuesday 19:30` in her zone."""
    at = schedule.local(instant, zone)
    return f"{content.checkins.weekdays[at.weekday()]} {at:%H:%M}"


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


def checkin_message(content: Content, checkin_id: int, encouragement: str) -> Reply:
    """The check-in: the encouragement, then how she is holding up, with a button per level."""
    c = content.checkins
    text = encouragement_text(content, encouragement)
    buttons = tuple((Button(m.label, Action(MOOD, f"{checkin_id}:{m.value}")),) for m in c.moods)
    body = f"{text}\n\n{c.checkin_mood}" if text else c.checkin_mood
    return Reply(text=body, buttons=buttons, kind="checkin")
