"""`python -m bench [NAME | all]`: the benchmarks' figures, not tests.

NAME is updates, checkins, sendrate, startup, latency, screen, fairness,
backlog or lateness. Runs the benchmarks asked for, in this order, and prints one `name value unit`
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

NAMES = (
    "updates",
    "checkins",
    "sendrate",
    "startup",
    "latency",
    "screen",
    "fairness",
    "backlog",
    "lateness",
)
SIZES = (100_000, 1_000_000)
RATES = (10.0, 30.0)
SECONDS = 30.0
PAUSE = (1.0, 4.0)


def run(
    name: str = "all",
    *,
    sizes: Sequence[int] = SIZES,
    rates: Sequence[float] = RATES,
    seconds: float | None = None,
    pause: tuple[float, float] = PAUSE,
    burst: int | None = None,
    chats: int | None = None,
    schedules: int | None = None,
    out: Out = print,
) -> int:
    """Run benchmark `name` (or all of them); an error ends the run with its message.
    `seconds`: per latency run (30) or per fairness scene (20)."""
    from bench import (
        backlog,
        checkins,
        fairness,
        jobqueue,
        latency,
        lateness,
        screen,
        sendrate,
        startup,
        updates,
    )
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
            latency.measure(content, out, rates=rates, seconds=seconds or SECONDS, pause=pause)
        elif each == "screen":
            screen.measure(content, out)
        elif each == "fairness":
            scene = seconds or fairness.SECONDS
            fairness.measure(content, out, seconds=scene, burst=burst or fairness.BURST)
        elif each == "backlog":
            backlog.measure(out, chats=chats or backlog.CHATS)
        elif each == "lateness":
            lateness.measure(content, out, count=schedules or lateness.SCHEDULES)
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
        "--seconds",
        type=float,
        default=None,
        help="latency: measured seconds per run (30); fairness: per scene (20)",
    )
    parser.add_argument(
        "--burst", type=int, default=None, help="fairness: texts in one chat's burst (20,000)"
    )
    parser.add_argument(
        "--chats", type=int, default=None, help="backlog: chats sending one message (100,000)"
    )
    parser.add_argument(
        "--schedules", type=int, default=None, help="lateness: schedules (1,000,000)"
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
    bad_seconds = args.seconds is not None and args.seconds <= 0
    if min(args.rates) <= 0 or bad_seconds or not 0 <= args.pause[0] <= args.pause[1]:
        parser.error("rates and seconds must be positive, and 0 <= LEAST <= MOST")
    return run(
        args.name,
        sizes=args.sizes,
        rates=args.rates,
        seconds=args.seconds,
        pause=(args.pause[0], args.pause[1]),
        burst=args.burst,
        chats=args.chats,
        schedules=args.schedules,
    )


if __name__ == "__main__":
    sys.exit(main())
