"""`bench startup`: from starting `python -m bot run` to its first getUpdates.

A tiny Bot API on 127.0.0.1 (aiohttp) answers getMe, setMyCommands,
deleteWebhook and getUpdates with Telegram's shapes; the bot is started as a
subprocess pointed at it (`TELEGRAM_BASE_URL`) with a token of the right form
and its own SQLite file. The clock runs from just before the process is
started to the moment the first getUpdates reaches the server: imports,
settings, content, migrations, building the Application, getMe, the commands
menu, the check-in sender, and the start of long polling. The first run
creates the database (every migration runs); the next five reuse it, as a
restart does, and their median is the figure. Each process is stopped by its
PID with SIGTERM and waited for.

Then, in a process of its own that loads what the bot loads: how long one
full garbage collection takes (median of 5) before and after `settle()` hides
those long-lived objects from the collector, as `python -m bot run` does just
before it serves (`full_gc`, `full_gc_settled`). A full collection stops
every chat for as long as it takes.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from bench.common import ROOT, Out, checkout_environment, figure, median, progress, run_child
from bench.offline import BOT_USER, TOKEN

RUNS = 5
PATIENCE = 60.0
"""Seconds to wait for a first getUpdates, or for the process to end after SIGTERM."""


class FakeTelegram:
    """The few Bot API methods a starting bot calls; notes when getUpdates first arrives."""

    def __init__(self) -> None:
        self.first_poll: asyncio.Future[float] | None = None

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        result: Any = True
        if method == "getMe":
            result = BOT_USER
        elif method == "getUpdates":
            if self.first_poll is not None and not self.first_poll.done():
                self.first_poll.set_result(time.perf_counter())
            await asyncio.sleep(0.2)  # a short long poll: nothing ever arrives
            result = []
        return web.json_response({"ok": True, "result": result}, dumps=json.dumps)


async def _start_once(base_url: str, database: Path, server: FakeTelegram, log: Path) -> float:
    """Seconds from starting the process to its first getUpdates; then SIGTERM and wait."""
    env = checkout_environment(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=base_url,
        DATABASE_URL=f"sqlite:///{database}",
    )
    server.first_poll = asyncio.get_running_loop().create_future()
    with log.open("ab") as errors:
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            polled = await asyncio.wait_for(asyncio.shield(server.first_poll), PATIENCE)
        except TimeoutError:
            said = await asyncio.to_thread(log.read_text)
            raise RuntimeError(
                f"`python -m bot run` sent no getUpdates in {PATIENCE:.0f} s:\n{said[-3000:]}"
            ) from None
        finally:
            await _stop(process)
    if process.returncode != 0:
        said = await asyncio.to_thread(log.read_text)
        raise RuntimeError(f"`python -m bot run` ended with {process.returncode}:\n{said[-3000:]}")
    return polled - started


async def _stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM by PID and wait; SIGKILL only if it will not end."""
    if process.returncode is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), PATIENCE)
    except TimeoutError:
        os.kill(process.pid, signal.SIGKILL)
        await process.wait()
        raise RuntimeError("`python -m bot run` did not stop on SIGTERM") from None


async def _measure(runs: int) -> tuple[float, list[float]]:
    server = FakeTelegram()
    app = web.Application()
    app.router.add_route("*", "/{token}/{method}", server.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        base_url = f"http://127.0.0.1:{port}/bot"
        with tempfile.TemporaryDirectory(prefix="bot-bench-") as folder:
            database, log = Path(folder) / "bot.sqlite3", Path(folder) / "bot.log"
            first = await _start_once(base_url, database, server, log)
            again = []
            for run in range(runs):
                again.append(await _start_once(base_url, database, server, log))
                progress("starts", run + 1, runs)
    finally:
        await runner.cleanup()
    return first, again


def measure(out: Out = print, *, runs: int = RUNS) -> int:
    first, again = asyncio.run(_measure(runs))
    figure(out, "startup.new_db.ms", first * 1000, "ms", 0)
    figure(out, "startup.ms", median(again) * 1000, "ms", 0)
    found = run_child("collector")
    figure(out, "startup.full_gc.ms", found["before_ms"], "ms", 2)
    figure(out, "startup.full_gc_settled.ms", found["after_ms"], "ms", 2)
    return 0


def collector() -> dict[str, Any]:
    """In a fresh process: a full collection's time with the bot loaded, then settled."""
    import gc

    from bench._bot import load_content, load_settings, packaged, settle  # the bot's modules

    _content = load_content(load_settings().content_dir)  # held, as the running bot holds it
    packaged()

    def full_collection_ms() -> float:
        took = []
        for _ in range(5):
            started = time.perf_counter()
            gc.collect()
            took.append((time.perf_counter() - started) * 1000)
        return median(took)

    before = full_collection_ms()
    settle()
    return {"before_ms": before, "after_ms": full_collection_ms()}
