"""`python -m bench [updates | checkins | sendrate | startup | latency | all]`: figures, not tests.

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

NAMES = ("updates", "checkins", "sendrate", "startup", "latency")
SIZES = (100_000, 1_000_000)
RATES = (10.0, 30.0)
SECONDS = 30.0
PAUSE = (1.0, 4.0)


def run(
    name: str = "all",
    *,
    sizes: Sequence[int] = SIZES,
    rates: Sequence[float] = RATES,
    seconds: float = SECONDS,
    pause: tuple[float, float] = PAUSE,
    out: Out = print,
) -> int:
    """Run benchmark `name` (or all of them); an error ends the run with its message."""
    from bench import checkins, jobqueue, latency, sendrate, startup, updates
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
            jobqueue.measure(min(*sizes, jobqueue.MOST), out)
        elif each == "sendrate":
            sendrate.measure(content, out)
        elif each == "startup":
            startup.measure(out)
        elif each == "latency":
            latency.measure(content, out, rates=rates, seconds=seconds, pause=pause)
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
    parser.add_argument(
        "--rates", type=float, nargs="+", default=list(RATES), help="latency: her taps a second"
    )
    parser.add_argument(
        "--seconds", type=float, default=SECONDS, help="latency: measured seconds per run"
    )
    parser.add_argument(
        "--pause",
        type=float,
        nargs=2,
        default=list(PAUSE),
        metavar=("LEAST", "MOST"),
        help="latency: seconds she pauses between an answer and her next tap",
    )
    args = parser.parse_args(argv)
    if min(args.rates) <= 0 or args.seconds <= 0 or not 0 <= args.pause[0] <= args.pause[1]:
        parser.error("rates and seconds must be positive, and 0 <= LEAST <= MOST")
    return run(
        args.name,
        sizes=args.sizes,
        rates=args.rates,
        seconds=args.seconds,
        pause=(args.pause[0], args.pause[1]),
    )


if __name__ == "__main__":
    sys.exit(main())
