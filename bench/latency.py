"""`bench latency`: her tap to the bot's answer, with women arriving at Telegram's pace.

For each rate (taps a second, default 10 and 30), the same load runs twice,
in the same run: against the bare python-telegram-bot echo
(`python -m bench.echo_bot`) and against the real `python -m bot run` (its
own throwaway SQLite file), each a process of its own polling a fresh HTTP
emulator (`tests/emulator.py`) on 127.0.0.1 that answers at once and limits
nothing.

The load is open: women arrive at random (a Poisson stream, seeded, so both
bots get the very same arrivals and pauses) whatever the bot's pace, and each
walks a whole assessment by button (/start, every question, two tactics
ticked, Done) with a pause of 1 to 4 s after each answer before her next tap.
Arrivals are timed so that her taps reach the emulator at the rate asked
for. The first minutes of a real day are not an empty bot: only taps made
after a warm-up as long as one walk, when as many women are midway as at any
later moment, are timed, for `--seconds` (default 30). A tap's latency runs
from queuing it in the emulator to the arrival there of the answer she waits
for (see `bench.walkers`).

Figures, for each rate (`10_per_s`) and each bot (`echo`, `bot`): p50, p95
and p99 in ms, the taps timed and the taps a second achieved, and the Bot API
calls a second, all in the timed window (getUpdates aside); over the whole
run, Bot API calls per tap, messages per finished assessment, taps left
unanswered after `PATIENCE` and error lines in the process's log (both
should be 0); and the ratio of the two p95s. Nothing is asserted: the
figures depend on the machine, and the simulated women share it with the bot.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench._bot import DONE, END, Action, Choice, Content, encode
from bench.common import Out, figure, note, percentile
from bench.process import Process, emulator, environment
from bench.walkers import Record, Tap, Woman, walk
from tests.emulator import BotAPI

PATIENCE = 30.0
"""Seconds a woman waits for an answer before the tap counts as unanswered."""
QUIET = 0.5
"""Seconds without a Bot API call that end a run: the last guidance pages are in."""
NOT_ANSWERS = frozenset({"getUpdates", "getMe", "setMyCommands", "deleteWebhook"})
"""Calls a bot makes to start and to poll, whatever she does."""
FIRST_USER = 10_001
BOTS = {"echo": ["bench.echo_bot"], "bot": ["bot", "run"]}


@dataclass(frozen=True)
class Load:
    rate: float
    """Her taps a second, reaching the emulator, once the warm-up is over."""
    seconds: float
    """How long taps are timed, after the warm-up."""
    women: tuple[Woman, ...]
    warmup: float
    """Seconds of one walk without waiting: by then as many women are midway as ever will be."""


@dataclass(frozen=True)
class Window:
    """The timed part of a run: its moments, and where it starts and ends in `BotAPI.calls`."""

    opens: float
    closes: float
    first_call: int
    last_call: int


@dataclass(frozen=True)
class Run:
    """One bot under one load: the timed taps and what the emulator saw."""

    latencies: list[float]
    unanswered: int
    taps_per_s: float
    api_calls_per_s: float
    api_calls_per_tap: float
    messages_per_assessment: float | None
    errors: int


def assessment(content: Content, rng: random.Random) -> list[Tap]:
    """Her taps through a whole assessment: /start, a safe answer to each question, two
    tactics ticked, Done; each with the answer she then waits for."""
    first = content.steps[0]
    taps = [Tap(text="/start", expect=first.question)]
    step = first
    while True:
        safe = [a for a in step.answers if not a.resources_first]
        if step.multi:
            for ticked in rng.sample(safe, min(2, len(safe))):
                data = encode(Choice(step.id, ticked.id))
                taps.append(Tap(label=ticked.label, data=data, edits=True))
            chosen = None
            label, data = step.done_label, encode(Action(DONE, step.id))
        else:
            chosen = rng.choice(safe)
            label, data = chosen.label, encode(Choice(step.id, chosen.id))
        following = content.after(step, chosen)
        after = content.step(following) if following != END else None
        taps.append(Tap(label=label, data=data, expect=after.question if after else None))
        if after is None:
            return taps
        step = after


def plan(
    content: Content, rate: float, seconds: float, pause: tuple[float, float], seed: int = 1
) -> Load:
    """Women arriving at random so that their taps come at `rate` a second."""
    rng = random.Random(seed)
    sample = [len(assessment(content, random.Random(n))) for n in range(20)]
    taps = statistics.mean(sample)
    warmup = (taps - 1) * statistics.mean(pause)
    women: list[Woman] = []
    arrives = rng.expovariate(rate / taps)
    while arrives < warmup + seconds:
        walked = tuple(assessment(content, rng))
        pauses = tuple(rng.uniform(*pause) for _ in walked[1:])
        women.append(Woman(FIRST_USER + len(women), arrives, walked, pauses))
        arrives += rng.expovariate(rate / taps)
    return Load(rate, seconds, tuple(women), warmup)


def run(load: Load, which: str, folder: Path) -> Run:
    """The load against one bot (`echo` or `bot`), each a process against a fresh emulator."""
    api = emulator()
    try:
        extra = {"DATABASE_URL": f"sqlite:///{folder / which}.sqlite3"} if which == "bot" else {}
        process = Process(BOTS[which], environment(api, **extra), folder, which).start()
        try:
            process.wait_polling(api)
            record, window = _drive(api, load, echo=which == "echo")
            _quiet(api)
        finally:
            process.stop()
        return _summary(api, load, record, window, len(process.errors()))
    finally:
        api.stop()


def _drive(api: BotAPI, load: Load, *, echo: bool) -> tuple[Record, Window]:
    """Every woman's walk on the emulator's loop, and where the timed window fell."""
    record = Record()
    start = time.monotonic() + 0.1
    opens, closes = start + load.warmup, start + load.warmup + load.seconds
    calls = [0, 0]

    async def meter() -> None:
        """Note where the timed window starts and ends in the emulator's list of calls."""
        await _sleep_until(opens)
        calls[0] = len(api.calls)
        await _sleep_until(closes)
        calls[1] = len(api.calls)

    async def session(api: BotAPI, index: int) -> None:
        if index == len(load.women):  # one more session than women: the meter
            await meter()
            return
        woman = load.women[index]
        await walk(api, woman, record, echo=echo, start=start, stop=closes, patience=PATIENCE)

    everyone = list(range(len(load.women) + 1))
    api.run_users(session, everyone, timeout=load.warmup + load.seconds + 2 * PATIENCE)
    return record, Window(opens, closes, calls[0], calls[1])


async def _sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


def _quiet(api: BotAPI) -> None:
    """Until no call has come for `QUIET` seconds (at most `PATIENCE`)."""
    deadline = time.monotonic() + PATIENCE
    count = -1
    while count != len(api.calls) and time.monotonic() < deadline:
        count = len(api.calls)
        time.sleep(QUIET)


def _summary(api: BotAPI, load: Load, record: Record, window: Window, errors: int) -> Run:
    """Latencies of the taps in the window; calls, messages and failures of the whole run."""
    calls = list(api.calls)
    answering = [method for method, _ in calls if method not in NOT_ANSWERS]
    in_window = calls[window.first_call : window.last_call]
    calls_in_window = sum(1 for method, _ in in_window if method not in NOT_ANSWERS)
    taps_made = len(api.updates)  # every update in the emulator is one of the women's taps
    messages = [_bot_messages(api, user) for user in record.finished]
    timed = [t for t in record.taps if window.opens <= t.queued < window.closes]
    return Run(
        latencies=[t.seconds for t in timed if t.seconds is not None],
        unanswered=sum(1 for t in record.taps if t.seconds is None),
        taps_per_s=len(timed) / load.seconds,
        api_calls_per_s=calls_in_window / load.seconds,
        api_calls_per_tap=len(answering) / max(1, taps_made),
        messages_per_assessment=statistics.mean(messages) if messages else None,
        errors=errors,
    )


def _bot_messages(api: BotAPI, user: int) -> int:
    """How many messages the bot sent her (message ids in a chat rise by one from 1)."""
    count, number = 0, 1
    while (sent := api.messages.get((user, number))) is not None:
        count += sent.from_bot
        number += 1
    return count


def measure(
    content: Content,
    out: Out = print,
    *,
    rates: Sequence[float] = (10.0, 30.0),
    seconds: float = 30.0,
    pause: tuple[float, float] = (1.0, 4.0),
) -> int:
    """Print the figures for each rate: the echo first, then the bot, under the same load."""
    for rate in rates:
        load = plan(content, rate, seconds, pause)
        tag = "latency." + f"{rate:g}".replace(".", "_") + "_per_s"
        runs: dict[str, Run] = {}
        for which in BOTS:
            note(f"{which} at {rate:g} taps a second: {load.warmup:.0f} s warm-up, {seconds:g} s")
            with tempfile.TemporaryDirectory(prefix="bench-latency-") as folder:
                runs[which] = run(load, which, Path(folder))
        for which, result in runs.items():
            _print(out, f"{tag}.{which}", result)
        echo, bot = runs["echo"].latencies, runs["bot"].latencies
        if echo and bot:
            ratio = percentile(bot, 95) / percentile(echo, 95)
            figure(out, f"{tag}.p95_ratio", ratio, "x", 2)
    return 0


def _print(out: Out, name: str, result: Run) -> None:
    if result.latencies:
        for p in (50, 95, 99):
            figure(out, f"{name}.p{p}_ms", percentile(result.latencies, p) * 1000, "ms")
    figure(out, f"{name}.taps", len(result.latencies), "taps", 0)
    figure(out, f"{name}.taps_per_s", result.taps_per_s, "taps/s")
    figure(out, f"{name}.api_calls_per_s", result.api_calls_per_s, "calls/s")
    figure(out, f"{name}.api_calls_per_tap", result.api_calls_per_tap, "calls/tap", 2)
    if result.messages_per_assessment is not None:
        figure(out, f"{name}.messages_per_assessment", result.messages_per_assessment, "messages")
    figure(out, f"{name}.unanswered", result.unanswered, "taps", 0)
    figure(out, f"{name}.errors", result.errors, "lines", 0)
