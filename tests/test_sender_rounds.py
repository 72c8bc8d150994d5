"""The sender goes round the chats, holds her delivery by her id too, and keeps check-backs few
and timely.

Against a real database with a fake Bot and the real throttle on a fake clock
(see `tests/test_sender.py`), the stories are what she (and the others) would notice:
a check-in of hers arriving after /forget, another woman's check-back that never
comes, or fifty women waiting minutes for one woman's backlog.
"""

from __future__ import annotations

import itertools
import logging
import random
from datetime import timedelta
from typing import Any, cast

import pytest
from sqlalchemy.engine import URL

from bot.content import Content
from bot.core.checkins.records import URGE, Delivery, Later
from bot.db.database import Database
from bot.db.queue import CheckinQueue
from bot.db.turns import Decision
from bot.telegram.sender import CheckinSender
from tests.dbcheck import execute, forget, instant, plant, rows
from tests.test_sender import T0, Clock, FakeBot, FastThrottle, Sent, plan_for


async def check_back(db: Database, user_id: int, due: Any) -> None:
    """She chose to wait out the urge: her check-back is queued for `due`, in her turn."""
    later = Later(URGE, due)
    await db.turns.turn(
        user_id,
        user_id,
        lambda s, p, c: Decision(s if s is not None else {"v": 1}, None, later=later),
        None,
        T0,
    )


class Racing:
    """The real queue, except that once, right after the sender has read what is ready, she
    is forgotten and another woman (`other`) asks for a check-back."""

    def __init__(self, db: Database, her: int, other: int, clock: Clock) -> None:
        self._db, self._her, self._other, self._clock = db, her, other, clock
        self.raced = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db.queue, name)

    async def waiting(self, now: Any, limit: int) -> list[Delivery]:
        ready = await self._db.queue.waiting(now, limit)
        if ready and not self.raced:
            self.raced = True
            await forget(self._db, self._her, self._clock.now)  # her row was the newest
            await check_back(self._db, self._other, self._clock.now + timedelta(minutes=10))
        return ready


async def test_a_check_in_read_just_before_forget_is_never_sent_nor_eats_another_womans(
    content: Content, db: Database, db_url: URL
) -> None:
    clock, bot = Clock(), FakeBot()
    await plant(db, 2, T0)  # the other woman, with nothing queued yet
    await plan_for(db, 1, T0)
    racing = Racing(db, her=1, other=2, clock=clock)
    queue = cast(CheckinQueue, racing)
    sender = CheckinSender(content, queue, bot, FastThrottle(), clock=clock, rng=random.Random(1))

    await sender.tick()  # reads her check-in; she is forgotten; the other asks to be checked on
    assert racing.raced
    assert bot.sent == []  # nothing went to her chat after /forget
    assert rows(db_url, "SELECT user_id, kind, status FROM checkins") == [(2, URGE, "pending")]

    clock.now += timedelta(minutes=10)
    await sender.tick()
    assert [s.chat_id for s in bot.sent] == [2]  # the other woman's check-back came
    assert rows(db_url, "SELECT user_id, status FROM checkins") == [(2, "sent")]


async def test_the_id_of_a_deleted_newest_check_in_is_never_given_to_another(
    db: Database, db_url: URL
) -> None:
    await check_back(db, 1, T0)
    [(first,)] = rows(db_url, "SELECT id FROM checkins")
    await forget(db, 1, T0)

    await check_back(db, 2, T0)

    [(second,)] = rows(db_url, "SELECT id FROM checkins")
    assert second > first


class Timed(FakeBot):
    """Keeps when (on the throttle's clock) each message went out."""

    def __init__(self, throttle: FastThrottle) -> None:
        super().__init__()
        self.throttle = throttle
        self.at: list[tuple[int, float]] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Sent:
        self.at.append((chat_id, self.throttle.t))
        return await super().send_message(chat_id, text, **kwargs)


def backlog(db_url: URL, user_id: int, count: int) -> None:
    """`count` deliveries waiting in one chat, older than anyone else's (however they came:
    an upgraded database, a bug, a burst of presses before the rule of one)."""
    values = ", ".join(
        f"({user_id}, {user_id}, {instant(db_url, T0 - timedelta(seconds=n))}, "
        f"'{URGE}', '', 'pending', 0)"
        for n in range(count, 0, -1)
    )
    execute(
        db_url,
        "INSERT INTO checkins (user_id, chat_id, due_at, kind, encouragement, status, attempts)"
        f" VALUES {values}",
    )


async def test_one_womans_300_check_backs_never_hold_up_fifty_others_check_ins(
    content: Content, db: Database, db_url: URL
) -> None:
    clock, throttle = Clock(), FastThrottle()
    bot = Timed(throttle)
    await plant(db, 1, T0)
    backlog(db_url, 1, 300)
    for user in range(2, 52):
        await plan_for(db, user, T0)
    sender = CheckinSender(content, db.queue, bot, throttle, clock=clock, rng=random.Random(1))

    await sender.tick()

    others = [t for chat, t in bot.at if chat != 1]
    assert len(others) == 50
    assert max(others) < 2.5  # about 50 / 30 s of sending, not minutes behind her backlog
    hers = [t for chat, t in bot.at if chat == 1]
    assert min(b - a for a, b in itertools.pairwise(hers)) >= 1.0 - 1e-9  # 1 a second


async def test_a_new_urge_replaces_the_check_back_still_waiting(
    content: Content, db: Database, db_url: URL
) -> None:
    await check_back(db, 1, T0 + timedelta(minutes=10))
    await check_back(db, 1, T0 + timedelta(minutes=20))

    assert rows(db_url, "SELECT status FROM checkins ORDER BY id") == [("cancelled",), ("pending",)]


async def test_a_check_back_more_than_an_hour_late_is_dropped_with_a_log_line(
    content: Content, db: Database, db_url: URL, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.telegram.sender")
    clock, bot = Clock(), FakeBot()
    await check_back(db, 1, T0)
    await check_back(db, 2, T0 + timedelta(minutes=50))
    clock.now = T0 + timedelta(hours=1, minutes=5)  # the bot was down until now
    sender = CheckinSender(content, db.queue, bot, FastThrottle(), clock=clock)

    await sender.tick()

    assert [s.chat_id for s in bot.sent] == [2]  # 15 minutes late still helps; 65 does not
    assert rows(db_url, "SELECT user_id, status FROM checkins ORDER BY user_id") == [
        (1, "expired"),
        (2, "sent"),
    ]
    dropped = [r.getMessage() for r in caplog.records if "late" in r.getMessage()]
    assert dropped == ["1 check-backs more than an hour late were dropped"]
