"""Benchmarks: `python -m bot bench checkins`.

Figures, not tests: they depend on the machine, so they are printed (and
quoted in the README), never asserted. Each run builds its own throwaway
database in a temporary folder and removes it afterwards.

checkins: with N schedules in SQLite (100,000 and 1,000,000 by default),
- how long one claim of 500 due rows takes (the indexed query, queuing 500
  deliveries and moving 500 schedules on, in one transaction), median of 5;
- the whole process's memory (resident set size) once the claims are done;
- the send rate through the real throttle against a fake Bot that accepts
  every message at once (it must stay at or under 30 a second, above 27).
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.content import Content

CLAIM = 500
CLAIMS = 5
SENDS = 300
CHUNK = 50_000


def due_query_ms(path: Path, now: datetime) -> float:
    """The bare indexed range scan for 500 due rows, median of 5, for comparison with a claim."""
    db = sqlite3.connect(path)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    took = []
    for _ in range(5):
        started = time.perf_counter()
        db.execute(
            "SELECT user_id FROM schedules WHERE next_due_at <= ? ORDER BY next_due_at LIMIT ?",
            (stamp, CLAIM),
        ).fetchall()
        took.append(time.perf_counter() - started)
    plan = " ".join(
        str(r[-1])
        for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT user_id FROM schedules WHERE next_due_at <= ? "
            "ORDER BY next_due_at LIMIT 500",
            (stamp,),
        )
    )
    db.close()
    assert "ix_schedules_next_due_at" in plan, plan
    return statistics.median(took) * 1000


def rss_mib() -> float:
    """This process's resident memory now, from /proc (Linux), else its peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _progress(label: str, done: int, total: int) -> None:
    """One line that updates in place, so a long fill shows it is moving."""
    if sys.stderr.isatty():
        end = "\n" if done >= total else ""
        print(f"\r  {label}: {done:,}/{total:,}", end=end, file=sys.stderr, flush=True)


def fill(path: Path, count: int, now: datetime, due: int) -> None:
    """`count` users with daily schedules; `due` of them due now, the rest later today."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    rng = random.Random(7)
    state = json.dumps({"v": 1, "profile": {"how_said": ["calm"], "firmness": ["wavering"]}})
    for start in range(0, count, CHUNK):
        ids = range(start + 1, min(start + CHUNK, count) + 1)
        db.executemany(
            "INSERT INTO users (user_id, chat_id, state, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(i, i, state, stamp, stamp) for i in ids],
        )
        rows = []
        for i in ids:
            ahead = timedelta(seconds=-60 if i <= due else rng.randrange(60, 86_400))
            when = (now + ahead).strftime("%Y-%m-%d %H:%M:%S.%f")
            rows.append((i, i, "daily", 20, 0, "Europe/Berlin", when, 1, "[]", stamp, stamp))
        db.executemany(
            "INSERT INTO schedules (user_id, chat_id, cadence, hour, minute, zone, "
            "next_due_at, active, seen, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.commit()
        _progress(f"{count:,} schedules", ids[-1], count)
    db.close()


@dataclass
class InstantBot:
    """Accepts every message at once; remembers when each was sent."""

    times: list[float]

    async def send_message(self, chat_id: int, text: str, **_: Any) -> Any:
        self.times.append(time.monotonic())
        return type("Sent", (), {"message_id": len(self.times)})()


async def _claims_and_sends(content: Content, url: Any, now: datetime) -> dict[str, float]:
    from bot.db.store import open_store
    from bot.telegram.dispatcher import Dispatcher
    from bot.telegram.throttle import Throttle

    store = open_store(url)
    bot = InstantBot([])
    dispatcher = Dispatcher(
        content, store, bot, Throttle(), clock=lambda: now, batch=CLAIM, rng=random.Random(1)
    )
    try:
        took = []
        for _ in range(CLAIMS):
            started = time.perf_counter()
            claimed = await dispatcher.claim()
            took.append(time.perf_counter() - started)
            assert claimed == CLAIM, claimed
        memory = rss_mib()
        sent_before = len(bot.times)
        started = time.monotonic()
        while len(bot.times) - sent_before < SENDS:
            batch = await store.waiting(now, 50)
            for delivery in batch:
                if len(bot.times) - sent_before >= SENDS:
                    break
                await dispatcher.deliver(delivery)
                _progress("sending", len(bot.times) - sent_before, SENDS)
        elapsed = bot.times[-1] - bot.times[0]
        busiest = max(sum(1 for t in bot.times if start <= t < start + 1.0) for start in bot.times)
    finally:
        await store.close()
    return {
        "claim_ms": statistics.median(took) * 1000,
        "claim_ms_max": max(took) * 1000,
        "rss_mib": memory,
        "rate": (len(bot.times) - 1) / elapsed,
        "busiest_second": busiest,
        "elapsed_s": time.monotonic() - started,
    }


def checkins(content: Content, sizes: list[int], out: Callable[[str], None] = print) -> int:
    """Run the check-in benchmark for each size; print one block of figures per size."""
    from bot.db.migrate import upgrade
    from bot.db.url import normalize

    now = datetime.now(UTC).replace(microsecond=0)
    out(f"# check-ins: claim {CLAIM} due rows (median of {CLAIMS}), memory, send rate")
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bot-bench-") as folder:
            path = Path(folder) / "bench.sqlite3"
            url = normalize(f"sqlite:///{path}")
            upgrade(url)
            started = time.perf_counter()
            fill(path, size, now, due=CLAIM * CLAIMS + SENDS)
            filled = time.perf_counter() - started
            query = due_query_ms(path, now)
            figures = asyncio.run(_claims_and_sends(content, url, now))
        out(f"schedules {size}")
        out(f"  fill_s {filled:.1f}")
        out(f"  due_query_500_ms {query:.2f}")
        out(f"  claim_500_ms {figures['claim_ms']:.1f} (max {figures['claim_ms_max']:.1f})")
        out(f"  rss_mib {figures['rss_mib']:.0f}")
        out(f"  send_rate_per_s {figures['rate']:.2f}")
        out(f"  busiest_second {figures['busiest_second']:.0f}")
    return 0
