"""Reply latency under load, end to end: `python bench/e2e_load.py [--users 50 200] [--seconds 60]`.

Starts the Bot API emulator on 127.0.0.1 and `python -m bot run` against it
(a throwaway SQLite file), then lets N simulated users walk whole assessments
at once for the given time. The latency of a step is from her tap or message
reaching "Telegram" to the bot's answer arriving there. Prints one figure per
line (`name value unit`). A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content import load_content  # noqa: E402
from bot.db.url import normalize  # noqa: E402
from tests.e2e.conftest import BotProcess, bot_environment, errors_in  # noqa: E402
from tests.e2e.load import one_assessment, percentile  # noqa: E402
from tests.emulator import BotAPI  # noqa: E402


def run(users: int, seconds: float) -> dict[str, float]:
    content = load_content()
    api = BotAPI().start()
    folder = Path(tempfile.mkdtemp(prefix="bot-load-"))
    url = normalize(f"sqlite:///{folder / 'bot.sqlite3'}")
    env = bot_environment(api, url, LOG_LEVEL="WARNING")
    bot = BotProcess(env, folder).start()
    latencies: list[float] = []
    rounds = [0]
    try:
        api.wait_polling()
        deadline = time.monotonic() + seconds

        async def session(api: BotAPI, user: int) -> None:
            while time.monotonic() < deadline:
                await one_assessment(api, user, content, latencies)
                rounds[0] += 1

        started = time.monotonic()
        api.run_users(session, list(range(10_001, 10_001 + users)), timeout=seconds + 120)
        elapsed = time.monotonic() - started
        errors = len(errors_in(bot.log))
    finally:
        bot.stop()
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    for users in args.users:
        print(f"# {users} users for {args.seconds:.0f} s", file=sys.stderr)
        figures = run(users, args.seconds)
        units = {"steps": "count", "assessments": "count", "steps_per_s": "1/s", "errors": "count"}
        for name, value in figures.items():
            unit = units.get(name, "ms")
            print(f"e2e.{users}users.{name.removesuffix('_ms')} {value:.1f} {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
