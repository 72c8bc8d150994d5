"""`bench backlog`: the bot's memory under a crowd it cannot answer at once, and per update held.

First, in process: what 1,000 updates in hand cost (Telegram's JSON parsed into
python-telegram-bot's objects, as polling does, each waiting in a chat's line),
traced by `tracemalloc`.

Then end to end: `python -m bot run` against the emulator, and `--chats`
different chats (100,000 by default) each send one message at once. The bot
may send as fast as it can (paid broadcasts, up to 1,000 a second) so the
crowd is answered within minutes; its resident memory (VmRSS, Linux) is
sampled every half second from the moment the crowd arrives until every
chat is answered, and again once it has been idle for `IDLE` seconds.
Figures: the memory at start, at its peak and idle, the updates taken in
but not yet answered at most, the chats answered and how long it took.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.common import Out, figure, note
from bench.process import Process, environment
from tests.emulator import BotAPI

CHATS = 100_000
IDLE = 10.0
PATIENCE = 1800.0
"""Seconds to wait for the crowd to be answered before reporting what was."""
FIRST = 1_000_001


def measure(out: Out, *, chats: int = CHATS, idle: float = IDLE) -> None:
    figure(out, "backlog.per_1000_in_hand.mib", held_per_thousand(), "MiB", 2)
    crowd(out, chats, idle, settle=min(idle, 1.0))


def _update(n: int) -> dict[str, Any]:
    chat = {"id": FIRST + n, "type": "private", "first_name": f"User{n}"}
    user = {"id": FIRST + n, "is_bot": False, "first_name": f"User{n}", "language_code": "en"}
    text = "I don't know what to do, he said he wants to leave and I can't stop crying"
    message = {"message_id": 1, "date": int(time.time()), "chat": chat, "from": user}
    return {"update_id": n + 1, "message": {**message, "text": text}}


def held_per_thousand() -> float:
    """MiB that 1,000 updates from 1,000 chats take while they wait in their lines."""
    from telegram import Bot, Update

    from bot.telegram.ordering import PerChatOrder

    async def hold() -> int:
        bot = Bot("123:ABC")
        order = PerChatOrder(slots=1)
        gate = asyncio.Event()

        async def work() -> None:
            await gate.wait()

        raw = [_update(n) for n in range(1000)]
        before = tracemalloc.get_traced_memory()[0]
        for body in raw:
            await order.process_update(Update.de_json(body, bot), work())
        held = tracemalloc.get_traced_memory()[0] - before
        gate.set()
        await order.drained()
        return held

    tracemalloc.start()
    try:
        return asyncio.run(hold()) / 2**20
    finally:
        tracemalloc.stop()


def _rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class Answered:
    """Chats the bot has sent something to, counted from the emulator's calls as they come."""

    def __init__(self, api: BotAPI) -> None:
        self.api, self._seen = api, 0
        self.chats: set[int] = set()

    def count(self) -> int:
        calls = self.api.calls
        upto = len(calls)
        for method, params in calls[self._seen : upto]:
            if method == "sendMessage":
                self.chats.add(params.get("chat_id"))  # type: ignore[arg-type]
        self._seen = upto
        return len(self.chats)


def crowd(out: Out, chats: int, idle: float, settle: float = 1.0) -> None:
    api = BotAPI().start()
    api.paid_broadcasts(1000)
    folder = Path(tempfile.mkdtemp(prefix="bot-backlog-"))
    env = environment(api, CHECKIN_SENDS_PER_SECOND="1000")
    bot = Process(["bot", "run"], env, folder, "bot").start()
    try:
        bot.wait_polling(api)
        time.sleep(settle)  # start-up's garbage is collected, its memory settled
        pid = bot._proc.pid  # type: ignore[union-attr]
        start = _rss(pid)
        note(f"{chats:,} chats, one message each")
        first = api.send_many([FIRST], ["hello"])
        for at in range(1, chats, 10_000):
            size = min(10_000, chats - at)
            api.send_many(list(range(FIRST + at, FIRST + at + size)), ["hello"] * size)
        answered = Answered(api)
        peak, held, began = start, 0, time.monotonic()
        while answered.count() < chats and time.monotonic() - began < PATIENCE:
            time.sleep(0.5)
            peak = max(peak, _rss(pid))
            held = max(held, api.confirmed - first - answered.count())
        took = time.monotonic() - began
        time.sleep(idle)
        rest = _rss(pid)
        done = answered.count()
        errors = len(bot.errors())
    finally:
        bot.stop()
        api.stop()
    figure(out, "backlog.chats", chats, "count", 0)
    figure(out, "backlog.answered", done, "count", 0)
    figure(out, "backlog.answered_in.s", took, "s")
    figure(out, "backlog.held_at_most", held, "count", 0)
    figure(out, "backlog.rss_start.mib", start, "MiB")
    figure(out, "backlog.rss_peak.mib", peak, "MiB")
    figure(out, "backlog.rss_idle.mib", rest, "MiB")
    figure(out, "backlog.error_lines", errors, "count", 0)
