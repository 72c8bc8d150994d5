"""The design the sender replaces: python-telegram-bot's JobQueue, one job per user.

In a process of its own, a running JobQueue is given one `run_repeating` job
a day per user, each at a random time of day: the resident memory that adds
(`per_user`), the peak of that process, and how long scheduling them took.
Then as many again under `tracemalloc`, for the bytes Python itself allocated
per job (`traced_per_user`); tracing costs memory of its own, so it comes
after the resident figures are taken. Needs APScheduler
(`pip install -e '.[bench]'`); without it the comparison is skipped with a note.
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import random
import sys
import time
import tracemalloc
from typing import TYPE_CHECKING, Any

from bench.common import Out, figure, note, peak_rss_mib, rss_mib, run_child
from bench.offline import TOKEN, InstantRequest

if TYPE_CHECKING:
    from telegram.ext import JobQueue

DAY = 86_400.0
MOST = 100_000
"""Jobs at most: a million JobQueue jobs take gigabytes and most of an hour to schedule,
which measures nothing more than 100,000 do."""


def available() -> bool:
    return importlib.util.find_spec("apscheduler") is not None


def measure(count: int, out: Out = print) -> None:
    if not available():
        print(
            "jobqueue: APScheduler is not installed (pip install -e '.[bench]'); "
            "the JobQueue comparison is skipped",
            file=sys.stderr,
        )
        return
    note(f"JobQueue with {count:,} jobs, in a fresh process")
    found = run_child("jobqueue", count=count)
    name = f"jobqueue.{count}"
    figure(out, f"{name}.schedule.s", found["seconds"], "s")
    figure(out, f"{name}.peak_rss.mib", found["peak_rss_mib"], "MiB")
    figure(out, f"{name}.per_user.bytes", found["resident_bytes"] / count, "bytes")
    figure(out, f"{name}.traced_per_user.bytes", found["traced_bytes"] / count, "bytes")


async def checkin(context: Any) -> None:
    """What each job would run; never called here (the first runs are a minute away or more)."""


def jobs(count: int) -> dict[str, Any]:
    """In a fresh process: schedule `count` jobs twice; what they added and how long it took."""
    return asyncio.run(_jobs(count))


async def _jobs(count: int) -> dict[str, Any]:
    from telegram.ext import ApplicationBuilder

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(InstantRequest())
        .get_updates_request(InstantRequest())
        .build()
    )
    queue = app.job_queue
    assert queue is not None
    await app.initialize()
    await app.start()
    try:
        rng = random.Random(5)
        gc.collect()
        before = rss_mib()
        started = time.perf_counter()
        await _schedule(queue, range(1, count + 1), rng)
        seconds = time.perf_counter() - started
        gc.collect()
        resident = (rss_mib() - before) * 2**20
        peak = peak_rss_mib()
        tracemalloc.start()
        traced_before = tracemalloc.get_traced_memory()[0]
        await _schedule(queue, range(count + 1, 2 * count + 1), rng)
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0] - traced_before
        tracemalloc.stop()
        scheduled = len(queue.jobs())
    finally:
        await app.stop()
        await app.shutdown()
    if scheduled != 2 * count:
        raise RuntimeError(f"the JobQueue holds {scheduled} jobs, not {2 * count}")
    return {
        "seconds": seconds,
        "resident_bytes": resident,
        "traced_bytes": traced,
        "peak_rss_mib": peak,
    }


async def _schedule(queue: JobQueue[Any], users: range, rng: random.Random) -> None:
    for user in users:
        queue.run_repeating(
            checkin,
            interval=DAY,
            first=rng.uniform(60, DAY),
            name=f"checkin:{user}",
            chat_id=user,
            user_id=user,
        )
        if user % 1000 == 0:
            await asyncio.sleep(0)  # the scheduler wakes up, as it would between sign-ups
    await asyncio.sleep(0)
