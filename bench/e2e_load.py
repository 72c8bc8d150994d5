"""Throughput at saturation, closed loop: `python -m bench.e2e_load [--users N ...] [--seconds S]`.

Starts the Bot API emulator on 127.0.0.1 and `python -m bot run` against it
(a throwaway SQLite file), then lets N simulated users walk whole assessments
at once for the given time, each tapping again the moment an answer arrives:
far busier than people are, so it finds the rig's ceiling (steps a second)
and the queue in front of it. `bench latency` is the open-loop measure at
Telegram's pace. The latency of a step is from her tap or message reaching
"Telegram" to the bot's answer arriving there. Prints one figure per line
(`name value unit`). A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench._bot import load_content
from bench.common import note, percentile
from bench.process import Process, emulator, environment
from tests.e2e.load import one_assessment
from tests.emulator import BotAPI


def run(users: int, seconds: float) -> dict[str, float]:
    content = load_content()
    api = emulator()
    latencies: list[float] = []
    rounds = [0]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
            env = environment(api, DATABASE_URL=f"sqlite:///{folder}/bot.sqlite3")
            bot = Process(["bot", "run"], env, Path(folder), "bot").start()
            try:
                bot.wait_polling(api)
                deadline = time.monotonic() + seconds

                async def session(api: BotAPI, user: int) -> None:
                    while time.monotonic() < deadline:
                        await one_assessment(api, user, content, latencies)
                        rounds[0] += 1

                started = time.monotonic()
                everyone = list(range(10_001, 10_001 + users))
                api.run_users(session, everyone, timeout=seconds + 120)
                elapsed = time.monotonic() - started
            finally:
                bot.stop()
            errors = len(bot.errors())
    finally:
        api.stop()
    return {
        "steps": len(latencies),
        "assessments": rounds[0],
        "steps_per_s": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.e2e_load", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--users", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    for users in args.users:
        note(f"{users} users for {args.seconds:.0f} s")
        figures = run(users, args.seconds)
        units = {"steps": "count", "assessments": "count", "steps_per_s": "1/s", "errors": "count"}
        for name, value in figures.items():
            unit = units.get(name, "ms")
            print(f"e2e.{users}users.{name.removesuffix('_ms')} {value:.1f} {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
