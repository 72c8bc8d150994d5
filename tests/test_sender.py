"""The check-in sender against a real database and a fake Bot.

Every test moves a fake clock instead of waiting, and looks at what she would
notice: how many check-ins reached her chat, when the next one is due, and
whether her schedule is still on.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import URL
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.content import Content
from bot.core.checkins.records import ScheduleWrite
from bot.core.schedule import DAILY, Plan
from bot.db.database import Database
from bot.db.queue import CheckinQueue
from bot.telegram.sender import MAX_ATTEMPTS, CheckinSender
from bot.telegram.throttle import Throttle
from tests.dbcheck import forget, plant, rows

T0 = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)


class Crash(BaseException):
    """The process dies: nothing after this point runs (not even `except Exception`)."""


@dataclass
class Sent:
    message_id: int
    chat_id: int
    text: str
    markup: Any


@dataclass
class FakeBot:
    """Accepts every message at once, unless told to fail the next ones."""

    sent: list[Sent] = field(default_factory=list)
    failures: list[BaseException | Callable[[], BaseException]] = field(default_factory=list)
    crash_after_accepting: bool = False

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Sent:
        if self.failures:
            failure = self.failures.pop(0)
            raise failure() if callable(failure) else failure
        message = Sent(len(self.sent) + 1, chat_id, text, kwargs.get("reply_markup"))
        self.sent.append(message)
        if self.crash_after_accepting:
            raise Crash
        return message


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


class FastThrottle(Throttle):
    """The real throttle on a fake monotonic clock, so tests never sleep."""

    def __init__(self) -> None:
        self.t = 0.0
        self.slept = 0.0

        async def sleep(seconds: float) -> None:
            self.t += seconds
            self.slept += seconds

        super().__init__(clock=lambda: self.t, sleep=sleep)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot() -> FakeBot:
    return FakeBot()


def make_sender(content: Content, db: Database, bot: FakeBot, clock: Clock) -> CheckinSender:
    return CheckinSender(content, db.queue, bot, FastThrottle(), clock=clock, rng=random.Random(1))


async def plan_for(db: Database, user_id: int, due: datetime, hour: int = 19) -> None:
    """Her daily plan at `hour`:00 UTC, next due at `due`, stored as the bot stores it."""
    plan = Plan(DAILY, hour, 0, "UTC")
    await plant(db, user_id, due, write=ScheduleWrite(plan, due))


def next_due(db_url: URL, user_id: int) -> str | None:
    return rows(db_url, f"SELECT next_due_at FROM schedules WHERE user_id = {user_id}")[0][0]


def statuses(db_url: URL) -> list[str]:
    return [r[0] for r in rows(db_url, "SELECT status FROM checkins ORDER BY id")]


# ---- claim, send, advance -----------------------------------------------------------


async def test_a_due_check_in_is_sent_once_and_the_schedule_moves_on(
    content: Content, db: Database, bot: FakeBot, clock: Clock, db_url: URL
) -> None:
    await plan_for(db, 1, T0)
    d = make_sender(content, db, bot, clock)
    assert await d.tick() == 1
    assert await d.tick() == 0

    assert [s.chat_id for s in bot.sent] == [1]
    assert content.checkins.checkin_mood in bot.sent[0].text
    assert next_due(db_url, 1).startswith("2026-11-25 19:00")  # type: ignore[union-attr]
    assert statuses(db_url) == ["sent"]


async def test_nothing_is_sent_before_it_is_due(
    content: Content, db: Database, bot: FakeBot, clock: Clock
) -> None:
    await plan_for(db, 1, T0 + timedelta(minutes=1))
    d = make_sender(content, db, bot, clock)
    await d.tick()
    assert bot.sent == []
    clock.now += timedelta(minutes=1)
    await d.tick()
    assert len(bot.sent) == 1


async def test_a_crash_between_send_and_commit_never_sends_it_twice(
    content: Content, db: Database, bot: FakeBot, clock: Clock, db_url: URL
) -> None:
    await plan_for(db, 1, T0)
    bot.crash_after_accepting = True
    with pytest.raises(Crash):
        await make_sender(content, db, bot, clock).tick()
    assert len(bot.sent) == 1

    # The process starts again.
    bot.crash_after_accepting = False
    again = make_sender(content, db, bot, clock)
    assert await again.store.recover() == 1
    await again.tick()
    clock.now += timedelta(hours=1)
    await again.tick()

    assert len(bot.sent) == 1
    assert statuses(db_url) == ["unknown"]
    assert next_due(db_url, 1).startswith("2026-11-25 19:00")  # type: ignore[union-attr]


async def test_a_crash_after_claiming_loses_nothing(
    content: Content, db: Database, bot: FakeBot, clock: Clock, db_url: URL
) -> None:
    await plan_for(db, 1, T0)
    await make_sender(content, db, bot, clock).claim()  # then the process dies
    assert bot.sent == []

    again = make_sender(content, db, bot, clock)
    await again.store.recover()
    await again.tick()
    assert len(bot.sent) == 1
    assert statuses(db_url) == ["sent"]


async def test_after_downtime_one_catch_up_not_one_per_missed_slot(
    content: Content, db: Database, bot: FakeBot, clock: Clock, db_url: URL
) -> None:
    await plan_for(db, 1, T0)
    clock.now = T0 + timedelta(days=3, hours=23, minutes=59)  # back at 18:59, days later
    d = make_sender(content, db, bot, clock)
    await d.tick()
    await d.tick()
    assert len(bot.sent) == 1
    # Not a second one a minute later at 19:00: the next is tomorrow's.
    assert next_due(db_url, 1).startswith("2026-11-29 19:00")  # type: ignore[union-attr]
    clock.now += timedelta(minutes=2)
    await d.tick()
    assert len(bot.sent) == 1


async def test_claims_take_batches_and_memory_holds_one_batch(
    content: Content, db: Database, bot: FakeBot, clock: Clock
) -> None:
    for user in range(1, 8):
        await plan_for(db, user, T0)
    d = CheckinSender(content, db.queue, bot, FastThrottle(), clock=clock, batch=3)
    assert await d.claim() == 3
    assert await d.claim() == 3
    assert await d.claim() == 1
    await d.drain()
    assert sorted(s.chat_id for s in bot.sent) == list(range(1, 8))


async def test_check_ins_rotate_without_repeats(
    content: Content, db: Database, bot: FakeBot, clock: Clock
) -> None:
    await plan_for(db, 1, T0)
    d = make_sender(content, db, bot, clock)
    for _ in range(10):
        await d.tick()
        clock.now += timedelta(days=1)
    texts = [s.text for s in bot.sent]
    assert len(texts) == 10
    assert len(set(texts)) == 10


# ---- Telegram's errors ----------------------------------------------------------------


async def test_retry_after_waits_as_long_as_telegram_asks_then_sends(
    content: Content, db: Database, bot: FakeBot, clock: Clock, db_url: URL
) -> None:
    await plan_for(db, 1, T0)
    bot.failures = [RetryAfter(timedelta(seconds=12))]
    d = make_sender(content, db, bot, clock)
    await d.tick()
    assert bot.sent == []
    assert statuses(db_url) == ["pending"]
    assert isinstance(d.throttle, FastThrottle)
    d.throttle.t += 0.001
    clock.now += timedelta(seconds=11)
    await d.tick()
    assert bot.sent == []  # not before the 12 seconds are up
    clock.now += timedelta(seconds=1)
    await d.tick()
    assert len(bot.sent) == 1
    assert d.throttle.slept >= 11.9  # her chat was held for as long as Telegram asked


async def test_a_flood_wait_for_one_check_in_chat_does_not_hold_the_others(
    content: Content, db: Database, bot: FakeBot, clock: Clock, db_url: URL
) -> None:
    for user in (1, 2, 3):
        await plan_for(db, user, T0)
    bot.failures = [RetryAfter(timedelta(seconds=12))]
    d = make_sender(content, db, bot, clock)
    await d.tick()

    assert [s.chat_id for s in bot.sent] == [2, 3]
    assert isinstance(d.throttle, FastThrottle)
    assert d.throttle.slept < 12
    assert statuses(db_url) == ["pending", "sent", "sent"]


async def test_forbidden_switches_her_schedule_off(
    content: Content, db: Database, bot: FakeBot, clock: Clock, db_url: URL
) -> None:
    await plan_for(db, 1, T0)
    bot.failures = [Forbidden("Forbidden: bot was blocked by the user")]
    d = make_sender(content, db, bot, clock)
    await d.tick()
    assert rows(db_url, "SELECT active, next_due_at FROM schedules") == [(0, None)]
    clock.now += timedelta(days=2)
    await d.tick()
    assert bot.sent == []
    assert statuses(db_url) == ["failed"]


@pytest.mark.parametrize("error", [TimedOut, lambda: NetworkError("connection reset")])
async def test_timeouts_retry_later_without_losing_the_slot(
    content: Content,
    db: Database,
    bot: FakeBot,
    clock: Clock,
    db_url: URL,
    error: Callable[[], BaseException],
) -> None:
    await plan_for(db, 1, T0)
    bot.failures = [error, error]
    d = make_sender(content, db, bot, clock)
    await d.tick()
    clock.now += timedelta(seconds=30)
    await d.tick()
    assert bot.sent == []
    clock.now += timedelta(minutes=1)
    await d.tick()
    assert len(bot.sent) == 1
    assert rows(db_url, "SELECT status, attempts FROM checkins") == [("sent", 3)]


async def test_a_check_in_that_keeps_failing_is_given_up_after_a_few_tries(
    content: Content, db: Database, bot: FakeBot, clock: Clock, db_url: URL
) -> None:
    await plan_for(db, 1, T0)
    bot.failures = [TimedOut() for _ in range(MAX_ATTEMPTS)]
    d = make_sender(content, db, bot, clock)
    for _ in range(MAX_ATTEMPTS + 2):
        await d.tick()
        clock.now += timedelta(minutes=10)
    assert statuses(db_url)[0] == "failed"
    assert rows(db_url, "SELECT active FROM schedules") == [(1,)]  # tomorrow's still comes


async def test_bad_request_is_logged_without_text_and_the_slot_moves_on(
    content: Content,
    db: Database,
    bot: FakeBot,
    clock: Clock,
    db_url: URL,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await plan_for(db, 1, T0)
    bot.failures = [BadRequest("Bad Request: chat not found")]
    d = make_sender(content, db, bot, clock)
    await d.tick()
    assert statuses(db_url) == ["failed"]
    assert next_due(db_url, 1).startswith("2026-11-25 19:00")  # type: ignore[union-attr]
    assert "BadRequest" in caplog.text
    assert "chat not found" not in caplog.text


# ---- her choices win ----------------------------------------------------------------


async def test_stopping_after_a_claim_cancels_what_was_queued(
    content: Content, db: Database, bot: FakeBot, clock: Clock, db_url: URL
) -> None:
    await plan_for(db, 1, T0)
    d = make_sender(content, db, bot, clock)
    await d.claim()
    plan = Plan(DAILY, 19, 0, "UTC")
    stop = ScheduleWrite(plan, None, active=False, cancel_pending=True)
    await plant(db, 1, clock.now, write=stop)
    await d.drain()
    assert bot.sent == []
    assert statuses(db_url) == ["cancelled"]


async def test_forget_removes_schedules_and_check_ins(
    content: Content, db: Database, bot: FakeBot, clock: Clock, db_url: URL
) -> None:
    await plan_for(db, 1, T0)
    await plan_for(db, 2, T0)
    await make_sender(content, db, bot, clock).tick()
    await forget(db, 1, clock.now)
    assert rows(db_url, "SELECT user_id FROM schedules") == [(2,)]
    assert rows(db_url, "SELECT user_id FROM checkins") == [(2,)]


# ---- the loop -----------------------------------------------------------------------


async def test_the_loop_runs_rounds_and_stops_when_asked(
    content: Content, db: Database, bot: FakeBot, clock: Clock
) -> None:
    await plan_for(db, 1, T0)
    d = CheckinSender(content, db.queue, bot, Throttle(), clock=clock, poll_seconds=0.05)
    d.start()
    for _ in range(100):
        if bot.sent:
            break
        await asyncio.sleep(0.01)
    await d.stop()
    assert len(bot.sent) == 1


class FlakyQueue:
    """The real check-in queue, except that its first `failures` calls to `method` fail as a
    locked database does."""

    def __init__(self, store: CheckinQueue, method: str, failures: int) -> None:
        self._store, self._method, self._failures = store, method, failures
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._store, name)
        if name != self._method:
            return real

        async def flaky(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls <= self._failures:
                raise sqlite3.OperationalError("database is locked")
            return await real(*args, **kwargs)

        return flaky


@pytest.mark.parametrize("method", ["recover", "claim_due"])
async def test_the_sender_survives_a_locked_database_at_start_and_in_rounds_with_backoff(
    content: Content,
    db: Database,
    bot: FakeBot,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    method: str,
) -> None:
    await plan_for(db, 1, T0)
    flaky = FlakyQueue(db.queue, method, failures=4)
    pauses: list[float] = []

    async def pause(seconds: float) -> None:  # the loop's wait between rounds, on a fake clock
        pauses.append(seconds)
        if bot.sent:
            d._stop.set()
        await asyncio.sleep(0)

    d = CheckinSender(content, flaky, bot, Throttle(), clock=clock, poll_seconds=30, pause=pause)  # type: ignore[arg-type]
    d.start()
    await asyncio.wait_for(d._task, 5)  # type: ignore[arg-type]

    assert len(bot.sent) == 1
    assert pauses[:4] == [30, 60, 120, 240]  # backing off, doubling from the poll period
    assert pauses[4] == 30  # recovered: back to the poll period
    assert caplog.text.count("check-in round failed") == 4
    assert "OperationalError" in caplog.text


async def test_the_backoff_stops_at_five_minutes(
    content: Content, db: Database, bot: FakeBot, clock: Clock
) -> None:
    flaky = FlakyQueue(db.queue, "recover", failures=9)
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 9:
            d._stop.set()
        await asyncio.sleep(0)

    d = CheckinSender(content, flaky, bot, Throttle(), clock=clock, poll_seconds=30, pause=pause)  # type: ignore[arg-type]
    d.start()
    await asyncio.wait_for(d._task, 5)  # type: ignore[arg-type]

    assert pauses == [30, 60, 120, 240, 300, 300, 300, 300, 300]


async def test_the_sender_says_it_is_alive_once_a_minute_at_debug(
    content: Content, db: Database, bot: FakeBot, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.telegram.sender")
    d = CheckinSender(content, db.queue, bot, Throttle(), clock=clock, poll_seconds=0.001)

    d.start()
    for _ in range(6):  # three minutes in half-minute steps, many rounds in each
        await asyncio.sleep(0.05)
        clock.now += timedelta(seconds=30)
    await d.stop()

    alive = [r for r in caplog.records if "alive" in r.getMessage()]
    assert len(alive) in (3, 4)  # at 0, 60, 120 (and 180) seconds
    assert all(r.levelno == logging.DEBUG for r in alive)


async def test_memory_is_flat_in_the_number_of_schedules(
    content: Content, db: Database, bot: FakeBot, clock: Clock
) -> None:
    """The sender keeps no per-user state: what it holds is one batch."""
    d = CheckinSender(content, db.queue, bot, FastThrottle(), clock=clock, batch=5)
    for user in range(1, 21):
        await plan_for(db, user, T0)
    await d.tick()
    assert not [v for v in vars(d).values() if isinstance(v, dict | list | set)]


async def test_the_throttle_never_lets_more_than_30_through_in_any_second() -> None:
    throttle = FastThrottle()
    times = []
    for chat in range(200):
        await throttle.acquire(chat, urgent=False)
        times.append(throttle.t)
    for i in range(len(times) - 30):
        assert times[i + 30] - times[i] >= 1.0 - 1e-9
    # Evenly spaced at 30 a second, not in bursts.
    assert times[-1] == pytest.approx(199 / 30)


async def test_a_check_in_waits_a_second_after_anything_sent_to_her_chat() -> None:
    throttle = FastThrottle()
    await throttle.acquire(5)  # a reply to her
    await throttle.acquire(5, urgent=False)
    assert throttle.t >= 1.0


async def test_a_chat_just_written_to_does_not_hold_up_the_others(
    content: Content, db: Database, bot: FakeBot, clock: Clock
) -> None:
    for user in (1, 2, 3):
        await plan_for(db, user, T0)
    d = make_sender(content, db, bot, clock)
    await d.throttle.acquire(1)  # she was just sent a reply
    await d.tick()
    assert [s.chat_id for s in bot.sent] == [2, 3, 1]


async def test_a_check_in_in_flight_while_she_confirms_forget_leaves_no_row_and_is_deleted(
    content: Content, db: Database, clock: Clock, db_url: URL
) -> None:
    await plan_for(db, 1, T0)
    deleted: list[tuple[int, int]] = []

    class ForgetsMidSend(FakeBot):
        async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Sent:
            # She confirms /forget while Telegram has the check-in.
            await forget(db, 1, clock.now)
            return await super().send_message(chat_id, text, **kwargs)

        async def delete_message(self, chat_id: int, message_id: int) -> bool:
            deleted.append((chat_id, message_id))
            return True

    bot = ForgetsMidSend()
    await make_sender(content, db, bot, clock).tick()

    assert len(bot.sent) == 1
    assert deleted == [(1, bot.sent[0].message_id)]  # the message she asked to be rid of
    for table in ("users", "schedules", "checkins", "chat_messages"):
        assert rows(db_url, f"SELECT count(*) FROM {table}") == [(0,)], table
