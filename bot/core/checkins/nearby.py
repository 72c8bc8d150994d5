"""A quieter time nearby, offered when the window she was told about cannot be kept.

At about 30 messages a second the window of half an hour either side of her
time holds some 97,000 check-ins (`spread.HEADROOM` of the rate). When more
are due around the time she just chose, the set-up says so and offers the
nearest time that is quieter; "Leave as is" keeps hers. The service counts
what is due around each time (one indexed count each); what is said, and
when, is decided here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.content import Content
from bot.core import schedule
from bot.core.checkins import spread, wording
from bot.core.checkins.records import ScheduleWrite, Snapshot
from bot.core.checkins.wording import KEEP_PLAN, MOVE
from bot.core.inputs import Action
from bot.core.replies import Button, Reply

FREE_PER_SECOND = 30
"""Telegram's free rate: the window is judged at it, whatever paid broadcasts would add."""
QUIETER = 0.8
"""A time offered instead is at most this full, so it stays quiet for a while."""
STEPS = (30, -30, 60, -60, 90, -90, 120, -120)
"""Minutes from her time to try, nearest first, later before earlier."""


def capacity(window: timedelta = spread.WINDOW) -> int:
    """Check-ins the window around one time can hold at the free rate."""
    return int(2 * window.total_seconds() * FREE_PER_SECOND * spread.HEADROOM)


def checked(write: ScheduleWrite | None) -> datetime | None:
    """The slot to check when `write` sets a time she just chose (set-up, or a time she
    moved to); None for any other change (pause, resume, stop, discreet on or off)."""
    if write is None or not (write.cancel_pending and write.active):
        return None
    if write.paused_until is not None:
        return None
    return write.next_due_at


def candidates(due: datetime) -> list[datetime]:
    """Slots near `due` to offer instead, nearest first."""
    return [due + timedelta(minutes=m) for m in STEPS]


def offer(content: Content, plan: schedule.Plan, due: datetime, nearby: datetime) -> Reply:
    """Her time is crowded: say so, and offer `nearby` (or leave it as it is)."""
    c = content.checkins
    zone = plan.zone
    mine = f"{plan.hour:02d}:{plan.minute:02d}"
    other = f"{schedule.local(nearby, zone):%H:%M}"
    minutes = int(spread.WINDOW.total_seconds() // 60)
    text = c.crowded.format(time=mine, minutes=minutes, nearby=other)
    buttons = (
        (
            Button(c.move_label.format(nearby=other), Action(MOVE, other)),
            Button(c.keep_label, Action(KEEP_PLAN)),
        ),
    )
    return Reply(text=text, buttons=buttons)


def moved(
    content: Content, snap: Snapshot, arg: str, now: datetime
) -> tuple[Reply, ScheduleWrite] | None:
    """She took the time offered: her plan at that time, and the confirmation."""
    clock = schedule.parse_clock(arg)
    if clock is None:
        return None
    plan = replace(snap.plan, hour=clock[0], minute=clock[1])
    due = schedule.next_due(plan, now)
    write = ScheduleWrite(plan, due, cancel_pending=True, cover=snap.cover)
    return Reply(text=wording.confirmed(content, due, plan.zone)), write
