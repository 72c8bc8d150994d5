"""`bench screen`: the whole graded crisis screen (readings, rules, both heads) on one message,
three ways.

Every text she types is screened in the event loop every user shares. The figures: the median
of a 4,096-character message of ordinary labelled messages that raise no alarm together (the
longest path: every rule tried, every window scored), of a usual 20-word one, and of the
slowest input a quick adversarial search finds (no full stop, rule prefixes again and again,
stretched letters and digits that make more readings, long runs of one character; see
`bot.evals.screen_timing`), named by what it is, with its length. Wall clock and processor
time are both printed: on a shared machine the wall clock also counts other people's work.
"""

from __future__ import annotations

from bench._bot import Content, graded_reading, screen_timing
from bench.common import Out, figure

RUNS = 51
SHORT_RUNS = 501
WORST_RUNS = 5


def measure(
    content: Content,
    out: Out,
    runs: int = RUNS,
    short_runs: int = SHORT_RUNS,
    worst_runs: int = WORST_RUNS,
    mixes: int = 40,
) -> None:
    texts = screen_timing.ordinary_texts()
    longest = screen_timing.longest_message(content, texts)
    short = screen_timing.short_message(texts)
    screen = graded_reading.read
    screen(content, short)  # the patterns and the model, loaded before the clock runs
    for name, text, count in ((f"{len(longest)}", longest, runs), ("20_words", short, short_runs)):
        wall, cpu = screen_timing.median_ms(lambda text=text: screen(content, text), count)
        figure(out, f"screen.{name}.ms", wall, "ms", 3)
        figure(out, f"screen.{name}.cpu_ms", cpu, "ms", 3)
    description, text, ms = screen_timing.worst(content, worst_runs, mixes=mixes)
    figure(out, f"screen.worst.{description}.ms", ms, "ms", 3)
    figure(out, f"screen.worst.{description}.chars", len(text), "chars", 0)
