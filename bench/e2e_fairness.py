"""Her answers beside a flooded chat, end to end: `python bench/e2e_fairness.py [--seconds 20]`.

Starts the Bot API emulator on 127.0.0.1 and `python -m bot run` against it
(a throwaway SQLite file). For `--seconds`, women walk whole assessments one
after another while nobody else writes. Then one chat sends `--messages`
texts at once, the emulator refuses every send to it with a 3-second flood
wait, and for as long again other women walk their assessments. Prints
the median and slowest step of each phase, one figure per line (`name value
unit`). A benchmark, not a test: the assertions are in tests/e2e/test_fairness.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.content import load_content  # noqa: E402
from bot.db.url import normalize  # noqa: E402
from tests.e2e.conftest import BotProcess, bot_environment, errors_in  # noqa: E402
from tests.e2e.load import calm_steps, flood  # noqa: E402
from tests.emulator import BotAPI  # noqa: E402

FLOODING = 900


def run(seconds: float, messages: int) -> dict[str, float]:
    content = load_content()
    api = BotAPI().start()
    folder = Path(tempfile.mkdtemp(prefix="bot-fairness-"))
    url = normalize(f"sqlite:///{folder / 'bot.sqlite3'}")
    bot = BotProcess(bot_environment(api, url, LOG_LEVEL="WARNING"), folder).start()
    try:
        api.wait_polling()
        alone = calm_steps(api, content, 10_001, seconds)
        time.sleep(1.5)  # the bot's one-second window empties before the flood starts
        flood(api, FLOODING, messages)
        beside = calm_steps(api, content, 20_001, seconds)
        refused = sum(1 for m, p in list(api.calls) if p.get("chat_id") == FLOODING)
        errors = len(errors_in(bot.log))
    finally:
        bot.stop()
        api.stop()
    return {
        "alone.steps": len(alone),
        "alone.median_ms": statistics.median(alone) * 1000,
        "alone.max_ms": max(alone) * 1000,
        "flooded.steps": len(beside),
        "flooded.median_ms": statistics.median(beside) * 1000,
        "flooded.max_ms": max(beside) * 1000,
        "flooding_chat.sends_refused": refused,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--messages", type=int, default=150, help="texts the flooding chat sends")
    args = parser.parse_args()
    for name, value in run(args.seconds, args.messages).items():
        unit = "ms" if name.endswith("_ms") else "count"
        print(f"fairness.{name.removesuffix('_ms')} {value:.1f} {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
