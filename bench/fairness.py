"""`bench fairness`: her answers beside flooded chats and beside one chat's long burst.

Each scene is a fresh `python -m bot run` (its own throwaway SQLite file)
polling a fresh Bot API emulator on 127.0.0.1 with Telegram's limits on
(`tests/telegram_limits.py`). In each, women walk whole assessments one after
another for `--seconds` (by button, answering the moment each question
arrives, `tests.e2e.load.calm_steps`), and every step's time from her tap to
the next question is kept:

- `alone`: nobody else writes;
- `flooded_1`, `flooded_3`, `flooded_10`: that many chats each send
  `--messages` texts at once, and every send to them is refused with a
  3-second flood wait (someone holding a key down, a busy group);
- `burst`: one chat sends `--burst` texts of `--length` characters at once
  (20,000 by default), under Telegram's own limits only.

Figures per scene: her steps, and their p50, p95 and slowest in ms; for the
burst, also the seconds until the bot had taken in all of it and the messages
it sent the bursting chat in the scene. Last, the time to refuse 20,000 new
groups once each (`Handlers`' once-a-day refusal), in process.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from bench._bot import Content
from bench.common import Out, figure, note, percentile
from bench.process import Process, environment
from tests.e2e.load import calm_steps, flood, long_texts
from tests.emulator import BotAPI

FLOODS = (1, 3, 10)
FLOODING = 900
BURSTING = 950
SECONDS = 20.0
MESSAGES = 150
BURST = 20_000
LENGTH = 2000
GROUPS = 20_000


def measure(
    content: Content,
    out: Out,
    *,
    seconds: float = SECONDS,
    floods: Sequence[int] = FLOODS,
    messages: int = MESSAGES,
    burst: int = BURST,
    length: int = LENGTH,
) -> None:
    scene(content, out, "alone", seconds, lambda api: None)
    for chats in floods:

        def flooding(api: BotAPI, chats: int = chats) -> None:
            for chat in range(FLOODING, FLOODING + chats):
                flood(api, chat, messages)

        scene(content, out, f"flooded_{chats}", seconds, flooding)
    if burst:
        bursting(content, out, seconds, burst, length)
    groups(out)


def _steps(out: Out, name: str, steps: list[float]) -> None:
    figure(out, f"fairness.{name}.steps", len(steps), "count", 0)
    for label, value in (
        ("p50", percentile(steps, 50)),
        ("p95", percentile(steps, 95)),
        ("max", max(steps)),
    ):
        figure(out, f"fairness.{name}.{label}.ms", value * 1000, "ms")


def _bot(api: BotAPI) -> Process:
    folder = Path(tempfile.mkdtemp(prefix="bot-fairness-"))
    process = Process(["bot", "run"], environment(api), folder, "bot").start()
    process.wait_polling(api)
    return process


def scene(content: Content, out: Out, name: str, seconds: float, start: object) -> None:
    """Her steps for `seconds` after `start(api)` set the scene."""
    note(f"{name}: {seconds:.0f} s")
    api = BotAPI().start()
    bot = _bot(api)
    try:
        start(api)  # type: ignore[operator]
        steps = calm_steps(api, content, 10_001, seconds)
        errors = len(bot.errors())
    finally:
        bot.stop()
        api.stop()
    _steps(out, name, steps)
    figure(out, f"fairness.{name}.error_lines", errors, "count", 0)


def bursting(content: Content, out: Out, seconds: float, burst: int, length: int) -> None:
    """One chat's `burst` long texts at once, and her steps beside it."""
    note(f"burst: {burst:,} texts of {length:,} characters, {seconds:.0f} s")
    api = BotAPI().start()
    bot = _bot(api)
    texts = long_texts(burst, length)
    taken_at: list[float] = []
    try:
        started = time.monotonic()
        last = api.send_many([BURSTING] * burst, texts)
        del texts

        def taken_in() -> None:  # beside her steps: when the bot had fetched all of it
            api.wait_for(lambda: api.confirmed > last, timeout=600)
            taken_at.append(time.monotonic() - started)

        watching = threading.Thread(target=taken_in, daemon=True)
        watching.start()
        steps = calm_steps(api, content, 10_001, seconds)
        watching.join(600)
        replies = len(api.visible(BURSTING))
        errors = len(bot.errors())
    finally:
        bot.stop()
        api.stop()
    _steps(out, "burst", steps)
    figure(out, "fairness.burst.taken_in.s", taken_at[0], "s", 2)
    figure(out, "fairness.burst.replies", replies, "count", 0)
    figure(out, "fairness.burst.error_lines", errors, "count", 0)


def groups(out: Out, count: int = GROUPS) -> None:
    """Refusing `count` new groups once each: the bookkeeping alone, on the event loop."""
    from bot.telegram.handlers import REFUSE_EVERY, OncePer

    clock = [0.0]
    once = OncePer(REFUSE_EVERY, clock=lambda: clock[0])
    started = time.perf_counter()
    for group in range(count):
        clock[0] += 1.0  # a new group a second: all within the day
        once.first(-1_000_000 - group)
    figure(out, f"fairness.group_refusals_{count}.ms", (time.perf_counter() - started) * 1000, "ms")
