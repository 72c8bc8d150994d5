"""`python -m bot bench [updates | checkins | sendrate | startup | all]`: figures, not tests.

Each benchmark is a module of `bot.benchmarks`; this entry runs the ones
asked for, in this order, and prints one `name value unit` line per figure.
Figures depend on the machine, so they are printed (and quoted in the
README), never asserted. Progress goes to stderr, and only on a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.benchmarks.common import Out
from bot.content import Content

NAMES = ("updates", "checkins", "sendrate", "startup")
SIZES = (100_000, 1_000_000)


def main(
    content: Content, name: str = "all", sizes: Sequence[int] = SIZES, out: Out = print
) -> int:
    """Run benchmark `name` (or all of them); non-zero if one could not finish."""
    from bot.benchmarks import checkins, jobqueue, sendrate, startup, updates

    chosen = NAMES if name == "all" else (name,)
    for each in chosen:
        if sys.stderr.isatty():
            print(f"# {each}", file=sys.stderr, flush=True)
        if each == "updates":
            updates.measure(content, out)
        elif each == "checkins":
            checkins.measure(content, list(sizes), out)
            jobqueue.measure(min(sizes), out)
        elif each == "sendrate":
            sendrate.measure(content, out)
        elif each == "startup":
            startup.measure(out)
        else:
            raise ValueError(f"no benchmark named {each!r}; choose from {', '.join(NAMES)}")
    return 0
