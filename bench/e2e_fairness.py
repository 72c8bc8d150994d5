"""Her answers beside flooded chats, end to end: `python bench/e2e_fairness.py [--seconds 20]`.

The same as `python -m bench fairness` (see `bench/fairness.py`), kept so the
command the README once gave still works. A benchmark, not a test: the
assertions are in tests/e2e/test_fairness.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.__main__ import run  # noqa: E402


def main() -> int:
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each scene")
    parser.add_argument("--burst", type=int, default=None, help="texts in one chat's burst")
    args = parser.parse_args()
    return run("fairness", seconds=args.seconds, burst=args.burst)


if __name__ == "__main__":
    sys.exit(main())
