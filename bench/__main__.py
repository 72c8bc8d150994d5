"""`python -m bench [updates | checkins | sendrate | startup | all]`: figures, not tests.

Runs the benchmarks asked for, in this order, and prints one `name value unit`
line per figure on stdout, so two runs can be diffed or read by a script.
Figures depend on the machine, so they are printed (and quoted in the README),
never asserted. Progress goes to stderr, and only on a terminal. Run it from a
checkout with the `bench` extra installed (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bench.common import Out

NAMES = ("updates", "checkins", "sendrate", "startup")
SIZES = (100_000, 1_000_000)


def run(
    name: str = "all",
    *,
    sizes: Sequence[int] = SIZES,
    out: Out = print,
) -> int:
    """Run benchmark `name` (or all of them); an error ends the run with its message."""
    from bench import checkins, jobqueue, sendrate, startup, updates
    from bench._bot import ConfigError, ContentError, configure_logs, load_content, load_settings

    try:
        content = load_content(load_settings().content_dir)
    except (ConfigError, ContentError) as exc:
        print(f"Cannot load the bot's settings or content: {exc}", file=sys.stderr)
        return 2
    configure_logs("WARNING")  # the in-process bots log only what went wrong, on stderr
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


def main(argv: list[str] | None = None) -> int:
    # Time periods as timedelta, as `python -m bot` runs python-telegram-bot.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "name", nargs="?", default="all", choices=[*NAMES, "all"], help="which (default: all)"
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="checkins: schedule counts"
    )
    args = parser.parse_args(argv)
    return run(args.name, sizes=args.sizes)


if __name__ == "__main__":
    sys.exit(main())
