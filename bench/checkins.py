"""`bench checkins`: the check-in sender with 100,000 and 1,000,000 schedules.

For each size, in a throwaway SQLite file holding what finished assessments
leave (whole stored states with varied profiles, daily, every-other-day and
weekly plans in six zones, `seen` lists, the pool key her turn keeps on her
schedule row), with the due rows spread over the whole table as real slots are:
- insert: the bulk fill of users and schedules;
- due_query: the bare indexed range scan for 500 due rows, median of 5;
- claim_first: the first claim of a fresh process, which warms up (zones
  loaded, pages read) and reads every row's stored state, since the process
  has made no decision yet under today's rules (see `CheckinQueue.claim_due`);
- claim: one `CheckinSender.claim` of 500 due rows (the query, choosing each
  encouragement and next slot, queuing 500 deliveries and moving 500
  schedules, one transaction), median of 5 after the first;
- claim_decide: the part of a claim spent in the sender's `decide`
  (her pool from its key, picking the encouragement, the next slot), median of 5;
- advance: the UPDATE that moves a claim's 500 schedules on, alone, median of 5;
- peak_rss: the peak resident memory of a fresh process that opens the store
  and does the claims and advances, so the fill does not count (VmHWM; see
  `common.peak_rss_mib` for why not `ru_maxrss` in a child);
- per_user: what one more schedule costs that process, from its peak at this
  size against the peak at 10,000 schedules.

`bench checkins` then measures python-telegram-bot's JobQueue with one job
per user at the smallest size (at most 100,000: `bench.jobqueue`), for comparison.

The fill is plain SQL on `sqlite3`, here and not in the bot: the bot never
needs to write a million schedules at once.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench._bot import (
    CheckinQueue,
    CheckinSender,
    Claimed,
    Content,
    Due,
    State,
    Throttle,
    advance_alone,
    open_database,
    pool_key,
    rules,
    sqlite_url,
)
from bench.common import (
    Out,
    figure,
    median,
    note,
    peak_rss_mib,
    progress,
    run_child,
    temp_database,
)

CLAIM = 500
REPEATS = 5
DUE = CLAIM * (1 + 2 * REPEATS)
"""Due rows for a warm-up claim, the timed claims and the claims whose decisions are timed."""
CHUNK = 50_000
BASE = 10_000
"""The small database the memory of each size is compared with."""

ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
)
STAMP = "%Y-%m-%d %H:%M:%S.%f"


def states(content: Content, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """`count` stored conversation states of women who finished the assessment, as JSON,
    each with the pool key her turn keeps on her schedule row."""
    found = []
    for _ in range(count):
        profile: dict[str, tuple[str, ...]] = {}
        for step in content.steps:
            safe = [a.id for a in step.answers if not a.resources_first]
            if step.multi:
                profile[step.id] = tuple(a for a in safe if rng.random() < 0.3)
            else:
                profile[step.id] = (rng.choice(safe),)
        country = rng.choice([c.code for c in content.resources.countries] + [None])
        state = State(profile=profile, welcomed=True, country=country)
        found.append((json.dumps(state.to_dict()), pool_key(content, profile)))
    return found


def fill(content: Content, path: Path, count: int, now: datetime, due: int) -> None:
    """`count` women with schedules; `due` of them, spread over the table, due now."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")  # a bulk load; the bot itself runs synchronous=NORMAL
    rng = random.Random(7)
    stamp = now.strftime(STAMP)
    stored = states(content, 200, rng)
    ids = [e.id for e in content.encouragements]
    under = rules(content)
    due_now = set(rng.sample(range(1, count + 1), due))
    for start in range(0, count, CHUNK):
        block = range(start + 1, min(start + CHUNK, count) + 1)
        hers = {i: rng.choice(stored) for i in block}
        db.executemany(
            "INSERT INTO users (user_id, chat_id, state, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(i, i, hers[i][0], stamp, stamp) for i in block],
        )
        db.executemany(
            "INSERT INTO schedules (user_id, chat_id, cadence, hour, minute, zone, weekday, "
            "anchor, next_due_at, active, seen, pool, pool_rules, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
            [_schedule(i, i in due_now, now, rng, ids, (hers[i][1], under), stamp) for i in block],
        )
        db.commit()
        progress(f"{count:,} schedules", block[-1], count)
    db.close()
    # On disk before the claims: written with synchronous=OFF, the fill would otherwise be
    # flushed by the first checkpoint a claim runs (hundreds of ms that are not the claim's).
    with path.open("rb+") as written:
        os.fsync(written.fileno())


def _schedule(
    user_id: int,
    due: bool,
    now: datetime,
    rng: random.Random,
    ids: list[str],
    pool: tuple[str, str],
    stamp: str,
) -> tuple[Any, ...]:
    cadence = rng.choices(("daily", "every_other_day", "weekly"), (6, 2, 2))[0]
    weekday = rng.randrange(7) if cadence == "weekly" else None
    anchor = (date(2026, 11, 1) + timedelta(days=rng.randrange(2))).isoformat()
    ahead = timedelta(seconds=-60 if due else rng.randrange(60, 7 * 86_400))
    seen = json.dumps(rng.sample(ids, rng.randrange(6)))
    return (
        user_id,
        user_id,
        cadence,
        rng.randrange(6, 23),
        rng.choice((0, 15, 30, 45)),
        rng.choice(ZONES),
        weekday,
        anchor if cadence == "every_other_day" else None,
        (now + ahead).strftime(STAMP),
        seen,
        *pool,
        stamp,
        stamp,
    )


def due_query_ms(path: Path, now: datetime) -> float:
    """The bare indexed range scan for 500 due rows, median of 5, for comparison with a claim."""
    db = sqlite3.connect(path)
    stamp = now.strftime(STAMP)
    query = "SELECT user_id FROM schedules WHERE next_due_at <= ? ORDER BY next_due_at LIMIT ?"
    took = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        db.execute(query, (stamp, CLAIM)).fetchall()
        took.append(time.perf_counter() - started)
    plan = " ".join(str(r[-1]) for r in db.execute(f"EXPLAIN QUERY PLAN {query}", (stamp, CLAIM)))
    db.close()
    if "ix_schedules_next_due_at" not in plan:
        raise RuntimeError(f"the due query does not use its index: {plan}")
    return median(took) * 1000


def claims(content: Content, database: str, now: str, count: int) -> dict[str, Any]:
    """In a fresh process: the claims and advances, and that process's peak memory."""
    return asyncio.run(_claims(content, Path(database), datetime.fromisoformat(now), count))


async def _claims(content: Content, path: Path, now: datetime, count: int) -> dict[str, Any]:
    db = open_database(sqlite_url(path))
    sender = CheckinSender(
        content, db.queue, None, Throttle(), clock=lambda: now, batch=CLAIM, rng=random.Random(1)
    )
    first_ms: list[float] = []
    claim_ms: list[float] = []
    decide_ms: list[float] = []
    advance_ms: list[float] = []

    async def claim(took: list[float]) -> None:
        started = time.perf_counter()
        claimed = await sender.claim()
        took.append((time.perf_counter() - started) * 1000)
        if claimed != CLAIM:
            raise RuntimeError(f"claimed {claimed} rows, not {CLAIM}")

    try:
        await claim(first_ms)  # warm: as in a bot that has been running
        for _ in range(REPEATS):
            await claim(claim_ms)
        _time_decisions(db.queue, decide_ms)
        for _ in range(REPEATS):
            await claim([])
        rng = random.Random(3)
        for _ in range(REPEATS):
            later = now + timedelta(days=1)
            moved = [
                {
                    "user_id": user,
                    "next_due_at": later,
                    "seen": ["e1", "e2"],
                    "asked": None,
                    "pool": "drifting",
                    "pool_rules": None,
                    "now": now,
                }
                for user in rng.sample(range(1, count + 1), CLAIM)
            ]
            advance_ms.append(await advance_alone(db.queue, moved) * 1000)
    finally:
        await db.close()
    return {
        "first_ms": first_ms,
        "claim_ms": claim_ms,
        "decide_ms": decide_ms,
        "advance_ms": advance_ms,
        "peak_rss_mib": peak_rss_mib(),
    }


def _time_decisions(queue: CheckinQueue, took: list[float]) -> None:
    """From now on, note how long a claim spends in the sender's `decide`, row by row."""
    claim_due = queue.claim_due

    async def timed(
        now: datetime, limit: int, decide: Callable[[Due], Claimed], **which: Any
    ) -> int:
        spent = 0.0

        def decide_timed(due: Due) -> Claimed:
            nonlocal spent
            started = time.perf_counter()
            try:
                return decide(due)
            finally:
                spent += time.perf_counter() - started

        claimed: int = await claim_due(now, limit, decide_timed, **which)
        if claimed:  # the safety path's own claim, empty here, is not a claim to time
            took.append(spent * 1000)
        return claimed

    queue.claim_due = timed  # type: ignore[method-assign]


def measure(content: Content, sizes: list[int], out: Out = print) -> int:
    """Print the figures for each size."""
    now = datetime.now(UTC).replace(microsecond=0)
    peaks: dict[int, float] = {}
    for size in sorted({min(BASE, *sizes), *sizes}):
        with temp_database() as (path, _):
            started = time.perf_counter()
            fill(content, path, size, now, due=DUE)
            inserted = time.perf_counter() - started
            query = due_query_ms(path, now)
            note(f"claims in a fresh process, {size:,} schedules")
            found = run_child("checkins", database=str(path), now=now.isoformat(), count=size)
        peaks[size] = found["peak_rss_mib"]
        if size not in sizes:
            continue  # only the baseline for the memory per user
        base = min(peaks)
        name = f"checkins.{size}"
        figure(out, f"{name}.insert.s", inserted, "s")
        figure(out, f"{name}.due_query.ms", query, "ms", 2)
        figure(out, f"{name}.claim_first.ms", found["first_ms"][0], "ms")
        figure(out, f"{name}.claim.ms", median(found["claim_ms"]), "ms")
        figure(out, f"{name}.claim_decide.ms", median(found["decide_ms"]), "ms")
        figure(out, f"{name}.advance.ms", median(found["advance_ms"]), "ms", 2)
        figure(out, f"{name}.peak_rss.mib", found["peak_rss_mib"], "MiB")
        if size > base:
            per_user = (peaks[size] - peaks[base]) * 2**20 / (size - base)
            figure(out, f"{name}.per_user.bytes", per_user, "bytes")
    return 0
