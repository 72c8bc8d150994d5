"""`bench lateness`: how late she hears from the bot, hour by hour, with a million schedules.

Women choose their hour the way people do, so the load is far from even. The
spread stated here, for 1,000,000 daily schedules (every one due on the day
measured, the busiest day there can be), in six zones (London 20%, Berlin
25%, New York 20%, Los Angeles 10%, India 15%, Sydney 10%):

- 35% between 20:00 and 22:00 local, 25% between 07:00 and 09:00, the rest
  even over the other hours;
- 60% on the hour (the set-up's buttons are whole hours), 15% at half past,
  10% at a quarter past or to, 15% at any minute;
- 8% on the safety path (discreet, her pool `safety`).

The day is 2026-11-16 (no clock changes anywhere in it). The real
`CheckinSender`, claim and send path (`CheckinQueue`, `Deliveries`, the shared
`Throttle`) runs in a process of its own against `Telegram`, an emulator of the
Bot API's sending limits (30 messages a second for the bot, 1,000 with paid
broadcasts, one a second a chat: a send over a limit is refused with a flood
wait), on a virtual clock: every wait is skipped, but the sender's own work
still takes its real time, so the figures hold only if the sender keeps up.

Printed, for each run (`unspread`: no window, each minute sent from its time on;
`spread`: the window of `spread.WINDOW`; `paid`: the window and paid broadcasts):
- per UTC hour of the slot she chose: p50, p95, p99 and the worst lateness, in
  minutes (negative: early), the earliest, and the slots of that hour;
- safety: p95 and worst lateness of the safety path's check-ins, in seconds;
- messages a second over the day, the busiest second, sends refused, and sends
  that carried `allow_paid_broadcast` (each paid for);
- own_ms: the sender's real time per message (its ceiling is 1000 / own_ms a second);
- peak_rss: the sending process's peak memory (the fill does not count).
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import sqlite3
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram.error import RetryAfter

from bench._bot import (
    WINDOW,
    CheckinSender,
    Content,
    State,
    Throttle,
    open_database,
    pool_key,
    rules,
    sqlite_url,
)
from bench.checkins import STAMP, states
from bench.common import (
    Out,
    figure,
    note,
    peak_rss_mib,
    percentile,
    progress,
    run_child,
    temp_database,
)

SCHEDULES = 1_000_000
DAY = datetime(2026, 11, 16, tzinfo=UTC)
LEAD = timedelta(minutes=45)
"""The sender starts this long before the day, so the day's first slots can go out early."""
LAST = timedelta(hours=30)
"""The run ends once every slot of the day is out, or at the latest this long after it began."""
ZONES = {
    "Europe/London": 0.20,
    "Europe/Berlin": 0.25,
    "America/New_York": 0.20,
    "America/Los_Angeles": 0.10,
    "Asia/Kolkata": 0.15,
    "Australia/Sydney": 0.10,
}
EVENING, MORNING = (20, 21), (7, 8)
SAFETY = 0.08
CHUNK = 50_000
TIDY = 2.0
RUNS = (
    ("unspread", False, False),
    ("spread", True, False),
    ("paid", True, True),
)
"""(name, spread over the window, paid broadcasts)."""


def _hour(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.35:
        return rng.choice(EVENING)
    if r < 0.60:
        return rng.choice(MORNING)
    return rng.choice([h for h in range(24) if h not in EVENING + MORNING])


def _minute(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.60:
        return 0
    if r < 0.75:
        return 30
    if r < 0.85:
        return rng.choice((15, 45))
    return rng.randrange(60)


@cache
def slot(zone: str, hour: int, minute: int) -> datetime:
    """The instant of `hour:minute` in `zone` that falls on the measured (UTC) day."""
    where = ZoneInfo(zone)
    day = DAY.astimezone(where).date() - timedelta(days=1)
    for ahead in range(3):
        at = datetime.combine(day + timedelta(days=ahead), clock_time(hour, minute), where)
        if DAY <= at.astimezone(UTC) < DAY + timedelta(days=1):
            return at.astimezone(UTC)
    raise AssertionError(f"no slot of {hour:02d}:{minute:02d} {zone} on {DAY:%Y-%m-%d}")


def fill(content: Content, path: Path, count: int) -> None:
    """`count` women with daily schedules, each due once on the measured day."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")  # a bulk load; the bot itself runs synchronous=NORMAL
    rng = random.Random(5)
    stamp = DAY.strftime(STAMP)
    coaching = states(content, 200, rng)
    safe_state = State(profile={}, welcomed=True, unsafe="no")
    safety = (json.dumps(safe_state.to_dict()), pool_key(content, {}, "no"))
    under = rules(content)
    cover = content.checkins.covers[0].id
    zones, weights = list(ZONES), list(ZONES.values())
    for start in range(0, count, CHUNK):
        block = range(start + 1, min(start + CHUNK, count) + 1)
        hers = {i: safety if rng.random() < SAFETY else rng.choice(coaching) for i in block}
        db.executemany(
            "INSERT INTO users (user_id, chat_id, state, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(i, i, hers[i][0], stamp, stamp) for i in block],
        )
        rows = []
        for i in block:
            zone = rng.choices(zones, weights)[0]
            hour, minute = _hour(rng), _minute(rng)
            due = slot(zone, hour, minute).strftime(STAMP)
            hidden = cover if hers[i] is safety else None
            rows.append(
                (i, i, hour, minute, zone, due, "[]", hers[i][1], under, hidden, stamp, stamp)
            )
        db.executemany(
            "INSERT INTO schedules (user_id, chat_id, cadence, hour, minute, zone, weekday, "
            "anchor, next_due_at, active, seen, pool, pool_rules, cover, created_at, updated_at) "
            "VALUES (?, ?, 'daily', ?, ?, ?, NULL, NULL, ?, 1, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.commit()
        progress(f"{count:,} schedules", block[-1], count)
    db.close()


class VirtualClock:
    """Seconds that skip every wait and keep the real time of the work in between.

    `tidy` runs every `TIDY` real seconds, at a wait (no transaction open): with the waits
    skipped the sender writes without a pause, and SQLite's log, which the bot folds in
    between writes, would grow by gigabytes.
    """

    def __init__(self, tidy: Callable[[], object] | None = None) -> None:
        self._base = time.perf_counter()
        self.skipped = 0.0
        self._tidy = tidy
        self._tidy_at = self._base + TIDY

    def __call__(self) -> float:
        return time.perf_counter() - self._base + self.skipped

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.skipped += seconds
        if self._tidy is not None and time.perf_counter() >= self._tidy_at:
            self._tidy()
            self._tidy_at = time.perf_counter() + TIDY
        await asyncio.sleep(0)


@dataclass
class Telegram:
    """The Bot API's sending limits on the virtual clock: over one, a send is refused with a
    flood wait, as Telegram refuses it."""

    clock: VirtualClock
    sent: int = 0
    refused: int = 0
    paid: int = 0
    busiest: int = 0
    first: float | None = None
    last: float = 0.0
    _window: deque[tuple[float, int]] = field(default_factory=deque)
    _chats: dict[int, int] = field(default_factory=dict)
    _second: int = -1
    _in_second: int = 0

    async def send_message(
        self, chat_id: int, text: str, *, allow_paid_broadcast: bool = False, **_: Any
    ) -> Any:
        now = self.clock()
        while self._window and self._window[0][0] <= now - 1.0:
            _, gone = self._window.popleft()
            if self._chats[gone] == 1:
                del self._chats[gone]
            else:
                self._chats[gone] -= 1
        limit = 1000 if allow_paid_broadcast else 30
        if len(self._window) >= limit or chat_id in self._chats:
            self.refused += 1
            raise RetryAfter(timedelta(seconds=1))
        self._window.append((now, chat_id))
        self._chats[chat_id] = self._chats.get(chat_id, 0) + 1
        self.sent += 1
        self.paid += allow_paid_broadcast
        self.first = now if self.first is None else self.first
        self.last = now
        second = int(now)
        self._in_second = self._in_second + 1 if second == self._second else 1
        self._second = second
        self.busiest = max(self.busiest, self._in_second)
        return type("Sent", (), {"message_id": self.sent})()


def send_day(content: Content, database: str, spread: bool, paid: bool) -> dict[str, Any]:
    """In a fresh process: the sender's day against the emulator; what Telegram saw."""
    return asyncio.run(_send_day(content, Path(database), spread, paid))


async def _send_day(content: Content, path: Path, spread: bool, paid: bool) -> dict[str, Any]:
    check = sqlite3.connect(path)
    clock = VirtualClock(lambda: check.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
    start = DAY - LEAD
    telegram = Telegram(clock)
    db = open_database(sqlite_url(path))
    end = (DAY + timedelta(days=1)).strftime(STAMP)
    finished = asyncio.Event()
    options: dict[str, Any] = sender_options(spread, paid)
    throttle = Throttle(options.pop("per_second"), clock=clock, sleep=clock.sleep)

    def now() -> datetime:
        return start + timedelta(seconds=clock())

    async def pause(seconds: float) -> None:
        await clock.sleep(seconds)
        progress("virtual minutes", int(clock() // 60), int(LAST.total_seconds() // 60))
        if (
            now() >= DAY + timedelta(days=1) and _day_done(check, end)
        ) or clock() >= LAST.total_seconds():
            finished.set()

    sender = CheckinSender(
        content,
        db.queue,
        telegram,
        throttle,
        clock=now,
        rng=random.Random(1),
        pause=pause,
        **options,
    )
    real = time.perf_counter()
    try:
        sender.start()
        await finished.wait()
        await sender.stop()
    finally:
        await db.close()
        check.close()
    return {
        "sent": telegram.sent,
        "refused": telegram.refused,
        "paid": telegram.paid,
        "busiest": telegram.busiest,
        "span_s": telegram.last - (telegram.first or 0.0),
        "real_s": time.perf_counter() - real,
        "peak_rss_mib": peak_rss_mib(),
    }


def sender_options(spread: bool, paid: bool) -> dict[str, Any]:
    """The sender's and throttle's settings for a run: `unspread` is the sender without a
    window (nothing goes early, each minute from its time on); `paid` sends up to 1,000 a
    second, as `ALLOW_PAID_BROADCAST=on` does."""
    return {
        "per_second": 1000 if paid else 30,
        "window": WINDOW if spread else timedelta(0),
        "paid": paid,
    }


def _day_done(check: sqlite3.Connection, end: str) -> bool:
    """Every slot of the day claimed and out (no longer pending)."""
    waiting = check.execute(
        "SELECT count(*) FROM checkins WHERE status = 'pending' AND due_at < ?", (end,)
    ).fetchone()[0]
    due = check.execute("SELECT count(*) FROM schedules WHERE next_due_at < ?", (end,)).fetchone()[
        0
    ]
    return waiting == 0 and due == 0


def lateness(path: Path) -> tuple[dict[int, list[float]], list[float], int]:
    """Seconds late of each slot of the day, by the UTC hour she chose; the safety path's;
    and how many never went out."""
    db = sqlite3.connect(path)
    start, end = DAY.strftime(STAMP), (DAY + timedelta(days=1)).strftime(STAMP)
    rows = db.execute(
        "SELECT CAST(strftime('%H', c.due_at) AS INTEGER), "
        "(julianday(c.sent_at) - julianday(c.due_at)) * 86400.0, s.pool = 'safety' "
        "FROM checkins c JOIN schedules s ON s.user_id = c.user_id "
        "WHERE c.kind = 'checkin' AND c.due_at >= ? AND c.due_at < ?",
        (start, end),
    )
    hours: dict[int, list[float]] = defaultdict(list)
    safety: list[float] = []
    unsent = 0
    for hour, late, safe in rows:
        if late is None:
            unsent += 1
            continue
        hours[hour].append(late)
        if safe:
            safety.append(late)
    db.close()
    return hours, safety, unsent


def measure(content: Content, out: Out = print, *, count: int = SCHEDULES) -> int:
    """Fill once, then each run on a copy of the filled file; print the figures."""
    with temp_database() as (filled, _):
        note(f"filling {count:,} schedules")
        fill(content, filled, count)
        for name, spread, paid in RUNS:
            copy = filled.with_name(f"{name}.sqlite3")
            shutil.copy(filled, copy)
            note(f"run {name}: a day of check-ins on a virtual clock")
            found = run_child("lateness", database=str(copy), spread=spread, paid=paid)
            hours, safety, unsent = lateness(copy)
            _report(out, f"lateness.{name}", found, hours, safety, unsent)
            copy.unlink()
    return 0


def _report(
    out: Out,
    name: str,
    found: dict[str, Any],
    hours: dict[int, list[float]],
    safety: list[float],
    unsent: int,
) -> None:
    for hour in range(24):
        late = hours.get(hour)
        if not late:
            continue
        at = f"{name}.h{hour:02d}"
        figure(out, f"{at}.slots", len(late), "slots", 0)
        for p in (50, 95, 99):
            figure(out, f"{at}.p{p}.min", percentile(late, p) / 60, "min")
        figure(out, f"{at}.worst.min", max(late) / 60, "min")
        figure(out, f"{at}.earliest.min", min(late) / 60, "min")
    if safety:
        figure(out, f"{name}.safety.p95.s", percentile(safety, 95), "s")
        figure(out, f"{name}.safety.worst.s", max(safety), "s")
    figure(out, f"{name}.unsent", unsent, "slots", 0)
    figure(out, f"{name}.messages", found["sent"], "messages", 0)
    span = found["span_s"] or 1.0
    figure(out, f"{name}.per_s", found["sent"] / span, "messages/s", 2)
    figure(out, f"{name}.busiest_second", found["busiest"], "messages", 0)
    figure(out, f"{name}.refused", found["refused"], "sends", 0)
    figure(out, f"{name}.paid", found["paid"], "messages", 0)
    figure(out, f"{name}.own_ms", found["real_s"] * 1000 / max(1, found["sent"]), "ms", 3)
    figure(out, f"{name}.peak_rss.mib", found["peak_rss_mib"], "MiB")
