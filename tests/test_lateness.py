"""Her hour, kept: a busy minute goes out within the window she was told at set-up.

The real sender, claims and deliveries on a fake clock shared by the sender
and its throttle, so nothing sleeps. Telegram's rate is lowered to a few
messages a second, so a hundred women at one minute make the crowd a million
make at 30 a second (`python -m bench lateness` measures the real thing).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import URL

from bot.config import Settings
from bot.content import Content
from bot.core.checkins import nearby, rotation, spread
from bot.core.checkins.records import ScheduleWrite
from bot.core.inputs import Command, Text
from bot.core.schedule import DAILY, Plan
from bot.db.database import Database
from bot.service import Service
from bot.telegram.sender import CheckinSender
from bot.telegram.throttle import Throttle
from tests.dbcheck import execute, plant, rows

T0 = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
CROWD = 60


@dataclass
class Time:
    """One fake clock for the sender (instants) and its throttle (seconds)."""

    seconds: float = 0.0

    def now(self) -> datetime:
        return T0 - timedelta(minutes=5) + timedelta(seconds=self.seconds)

    def mono(self) -> float:
        return self.seconds

    async def sleep(self, seconds: float) -> None:
        self.seconds += max(0.0, seconds)
        await asyncio.sleep(0)


@dataclass
class Phone:
    """Telegram as far as these tests go: when each chat got its check-in, and with what."""

    time: Time
    sent: dict[int, datetime] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    flags: list[bool] = field(default_factory=list)

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        self.sent[chat_id] = self.time.now()
        self.order.append(chat_id)
        self.flags.append("allow_paid_broadcast" in kwargs)
        return type("Sent", (), {"message_id": len(self.order)})()


async def crowd(db: Database, count: int, due: datetime = T0, first: int = 1) -> None:
    """`count` women whose daily check-in is due at `due`."""
    plan = Plan(DAILY, due.hour, due.minute, "UTC")
    for user in range(first, first + count):
        await plant(db, user, due, write=ScheduleWrite(plan, due))


async def send_all(
    content: Content,
    db: Database,
    phone: Phone,
    per_second: int,
    expected: int,
    **options: Any,
) -> None:
    """Run the sender's loop until `expected` check-ins are out."""
    time = phone.time
    done = asyncio.Event()

    async def pause(seconds: float) -> None:
        await time.sleep(seconds)
        if len(phone.sent) >= expected or time.seconds > 3600:
            done.set()

    throttle = Throttle(per_second, clock=time.mono, sleep=time.sleep)
    sender = CheckinSender(
        content,
        db.queue,
        phone,
        throttle,
        clock=time.now,
        rng=random.Random(1),
        pause=pause,
        **options,
    )
    sender.start()
    await asyncio.wait_for(done.wait(), 20)
    await sender.stop()


async def test_a_busy_minute_goes_out_around_her_time_within_the_window_she_was_told(
    content: Content, db: Database
) -> None:
    await crowd(db, CROWD)
    phone = Phone(Time())

    await send_all(content, db, phone, per_second=1, expected=CROWD)

    offsets = [(at - T0).total_seconds() for at in phone.sent.values()]
    assert len(offsets) == CROWD
    assert all(abs(o) <= spread.WINDOW.total_seconds() for o in offsets)
    # A minute's worth at this rate takes over a minute: it started early, and the last
    # went out about as long after her time as the first went before it.
    assert min(offsets) < 0
    assert max(offsets) < CROWD / 0.9 - 20  # sent from the minute on: ~67 s late


async def test_a_quiet_minute_is_never_sent_early(content: Content, db: Database) -> None:
    await crowd(db, 5)
    phone = Phone(Time())

    await send_all(content, db, phone, per_second=30, expected=5)

    assert min(phone.sent.values()) >= T0


async def test_the_safety_paths_check_ins_go_out_first_never_late(
    content: Content, db: Database, db_url: URL
) -> None:
    await crowd(db, CROWD)
    safe_now, safe_later = CROWD + 1, CROWD + 2
    await crowd(db, 1, T0, first=safe_now)
    await crowd(db, 1, T0 + timedelta(seconds=20), first=safe_later)
    on_safety_path = f"pool = 'safety', pool_rules = '{rotation.rules(content)}'"
    execute(db_url, f"UPDATE schedules SET {on_safety_path} WHERE user_id > {CROWD}")
    phone = Phone(Time())

    await send_all(content, db, phone, per_second=1, expected=CROWD + 2)

    # The crowd started early, but hers did not: it went at her time, ahead of those left.
    assert T0 <= phone.sent[safe_now] < T0 + timedelta(seconds=5)
    later = T0 + timedelta(seconds=20)
    assert later <= phone.sent[safe_later] < later + timedelta(seconds=8)
    assert max(phone.sent.values()) > phone.sent[safe_later]  # the crowd was still going


async def test_paid_broadcasts_are_asked_for_only_when_on_and_only_beyond_the_free_rate(
    content: Content, db: Database
) -> None:
    await crowd(db, 40)
    free, paid = Phone(Time()), Phone(Time())

    await send_all(content, db, free, per_second=30, expected=40)
    await crowd(db, 40, T0 + timedelta(days=2), first=101)
    paid.time.seconds = 2 * 86_400.0
    await send_all(content, db, paid, per_second=1000, expected=40, paid=True)

    assert not any(free.flags)
    assert paid.flags[:30] == [False] * 30  # the free 30 a second carry no fee
    assert all(paid.flags[30:])
    assert max(paid.sent.values()) - min(paid.sent.values()) < timedelta(seconds=1)


def test_paid_broadcasts_are_off_unless_switched_on() -> None:
    assert not Settings.from_env({}).allow_paid_broadcast
    paid = Settings.from_env({"ALLOW_PAID_BROADCAST": "on"})
    assert paid.allow_paid_broadcast
    assert paid.checkin_sends_per_second == 1000


async def test_checkins_shows_her_how_late_they_have_been(content: Content, db: Database) -> None:
    c = content.checkins
    await crowd(db, 1)
    phone = Phone(Time(seconds=5 * 60 + 12 * 60))  # the sender was down: 12 minutes late
    await send_all(content, db, phone, per_second=30, expected=1)

    shown = await Service(content, db, clock=phone.time.now).handle(1, 1, Command("checkins"))

    status = next(r.text for r in shown.replies if c.change_label in _labels(r))
    assert c.lately.format(minutes=12) in status
    assert "around" in status


def _labels(reply: Any) -> list[str]:
    return [b.label for row in reply.buttons for b in row]


async def test_a_crowded_time_gets_a_quieter_one_offered_and_she_can_take_it(
    content: Content, db: Database, db_url: URL, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = content.checkins
    monkeypatch.setattr(nearby, "capacity", lambda: 3)  # a window that holds three
    await crowd(db, 5)  # five already at 19:00
    service = Service(content, db, clock=lambda: T0 - timedelta(hours=2))
    await plant(db, 9, T0 - timedelta(hours=2))

    shown = await service.handle(9, 9, Command("checkins"))
    shown = await press(service, shown, next(x.label for x in c.cadences if x.id == DAILY))
    for typed in ("19:00", "UTC"):
        shown = await service.handle(9, 9, Text(typed))
    shown = await press(service, shown, c.discreet_no)

    assert shown.shows[-1].text == c.crowded.format(time="19:00", minutes=30, nearby="18:30")
    await press(service, shown, c.move_label.format(nearby="18:30"))
    assert rows(db_url, "SELECT hour, minute FROM schedules WHERE user_id = 9") == [(18, 30)]


async def press(service: Service, shown: Any, label: str) -> Any:
    """She presses the button labelled `label` under the last message that has it."""
    for reply in reversed(shown.shows):
        for button in (b for row in getattr(reply, "buttons", ()) for b in row):
            if button.label == label:
                return await service.handle(9, 9, button.input)
    raise AssertionError(f"no button {label!r}")


def test_a_crowd_goes_early_only_within_the_window_and_never_without_one() -> None:
    now = T0 - timedelta(minutes=10)
    counts = [0] * 10 + [40_000] + [0] * 79  # 40,000 at 19:00: some 25 minutes of sending

    spread_out = spread.plan(now, now, counts, 0, 30)
    held = spread.plan(now, now, counts, 0, 30, timedelta(0))

    assert spread_out.until > T0  # started about 12 minutes before 19:00
    assert spread_out.late <= spread.WINDOW.total_seconds()
    assert held.until == now  # without a window: from 19:00 on
    assert held.wake == T0
