"""`bench sendrate`: the check-in sender sending for 20 seconds to a Bot that accepts at once.

The real `CheckinSender` loop with the real `Throttle`, on a throwaway SQLite
file. 600 schedules are due at the start (a claim of 500, and of the rest
when those are out). 20 of those women also have two earlier check-ins
coming back for another try (`not_before` spread over the run, as timeouts
and flood waits leave them), so their chats have several due deliveries and
the rule of one message a chat a second has work to do. What Telegram sees:

- overall: messages a second, from the first send to the last;
- busiest_second / slowest_second: the most and fewest sent in any
  one-second window (Telegram allows about 30; under 27 is capacity lost);
- per_chat_max: the most any one chat got in any one-second window (must be 1);
- per_chat_holds: sends that came less than 1.05 s after their chat's last
  one, i.e. that the per-chat rule held back.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import random
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import URL

from bench._bot import CheckinSender, Content, Throttle, open_database
from bench.checkins import STAMP, fill
from bench.common import Out, figure, progress, temp_database

SECONDS = 20.0
DUE = 600
RETRY_CHATS = 20
RETRIES = 2


@dataclass
class InstantBot:
    """Accepts every message at once; notes when each went out and to which chat."""

    sent: list[tuple[float, int]] = field(default_factory=list)

    async def send_message(self, chat_id: int, text: str, **_: Any) -> Any:
        self.sent.append((time.monotonic(), chat_id))
        return type("Sent", (), {"message_id": len(self.sent)})()


def queue_retries(
    content: Content, path: Any, now: datetime, seconds: float, users: list[int]
) -> None:
    """Earlier check-ins of a few women, due for another try at moments spread over the run."""
    rng = random.Random(11)
    ids = [e.id for e in content.encouragements]
    rows = [
        (
            user,
            user,
            (now - timedelta(days=k + 1)).strftime(STAMP),
            rng.choice(ids),
            (now + timedelta(seconds=rng.uniform(0, seconds * 0.9))).strftime(STAMP),
        )
        for user in rng.sample(users, RETRY_CHATS)
        for k in range(RETRIES)
    ]
    rng.shuffle(rows)  # queued over time, so one chat's retries are not neighbours in the queue
    db = sqlite3.connect(path)
    db.executemany(
        "INSERT INTO checkins (user_id, chat_id, due_at, encouragement, status, attempts, "
        "not_before) VALUES (?, ?, ?, ?, 'pending', 1, ?)",
        rows,
    )
    db.commit()
    db.close()


def measure(content: Content, out: Out = print, *, seconds: float = SECONDS) -> int:
    with temp_database() as (path, url):
        now = datetime.now(UTC)
        fill(content, path, DUE, now, due=DUE)
        queue_retries(content, path, now, seconds, list(range(1, DUE + 1)))
        sent = asyncio.run(_send(content, url, seconds))
    times = [t for t, _ in sent]
    if len(times) < 2:
        raise RuntimeError(f"only {len(times)} check-ins went out in {seconds:.0f} s")
    by_chat: dict[int, list[float]] = defaultdict(list)
    for t, chat in sent:
        by_chat[chat].append(t)
    figure(out, "sendrate.messages", len(times), "messages", 0)
    figure(
        out, "sendrate.overall.per_s", (len(times) - 1) / (times[-1] - times[0]), "messages/s", 2
    )
    busiest, slowest = _windows(times)
    figure(out, "sendrate.busiest_second.messages", busiest, "messages", 0)
    if slowest is not None:
        figure(out, "sendrate.slowest_second.messages", slowest, "messages", 0)
    per_chat = max(_windows(chat_times)[0] for chat_times in by_chat.values())
    figure(out, "sendrate.per_chat_max.messages", per_chat, "messages", 0)
    holds = sum(1 for t in by_chat.values() for a, b in itertools.pairwise(t) if b - a < 1.05)
    figure(out, "sendrate.per_chat_holds", holds, "messages", 0)
    return 0


def _windows(times: list[float]) -> tuple[int, int | None]:
    """The most sends in any one-second window, and the fewest in any that ends by the last."""
    counts = [bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times)]
    inside = [c for t, c in zip(times, counts, strict=True) if t + 1.0 <= times[-1]]
    return max(counts), (min(inside) if inside else None)


async def _send(content: Content, url: URL, seconds: float) -> list[tuple[float, int]]:
    db = open_database(url)
    bot = InstantBot()
    sender = CheckinSender(content, db.queue, bot, Throttle(), rng=random.Random(1))
    try:
        sender.start()
        started = time.monotonic()
        while (left := seconds - (time.monotonic() - started)) > 0:
            await asyncio.sleep(min(1.0, left))
            progress("sending for seconds", round(time.monotonic() - started), round(seconds))
        await sender.stop()
    finally:
        await db.close()
    return bot.sent
