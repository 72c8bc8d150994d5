"""/progress: how she has been holding up, as words and as a small chart.

The summary is plain text so it works everywhere (the console, a failed
chart). The chart is a PNG drawn with matplotlib's Agg backend; drawing takes
tens of milliseconds, so the Telegram adapter runs it in a worker thread, off
the event loop that serves everyone else.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.content import Content
from bot.core.checkins.records import Answered

BARS = "▁▂▃▄▅"
"""Mood 1..5 as a one-line sparkline."""


def streak(history: Sequence[Answered]) -> int:
    """Her most recent check-ins in a row where she kept from chasing him."""
    count = 0
    for item in reversed(history):
        if item.kept is None:
            continue
        if not item.kept:
            break
        count += 1
    return count


def summary(content: Content, history: Sequence[Answered]) -> str:
    """Her recent answers in a few lines; a kind empty message before there are any."""
    c = content.checkins
    moods = [h.mood for h in history if h.mood is not None]
    if not history:
        return c.progress_empty
    recent = moods[-10:]
    average = f"{sum(recent) / len(recent):.1f}" if recent else "-"
    return c.progress_summary.format(
        answered=len(history),
        moods="".join(BARS[m - 1] for m in moods[-14:]) or "-",
        average=average,
        streak=streak(history),
    )


def chart(content: Content, history: Sequence[Answered]) -> bytes | None:
    """A PNG of her moods over time, or None when there is nothing to draw."""
    points = [(h.due_at, h.mood) for h in history if h.mood is not None]
    if len(points) < 2:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 3), dpi=100)
    axes = figure.subplots()
    days = [d for d, _ in points]
    axes.plot(days, [m for _, m in points], marker="o", color="#6a5acd")
    kept = [(h.due_at, h.mood) for h in history if h.kept and h.mood is not None]
    if kept:
        # A green ring: a day she kept from chasing him.
        axes.scatter(
            [d for d, _ in kept],
            [m for _, m in kept],
            s=90,
            facecolors="none",
            edgecolors="#2e8b57",
        )
    axes.set_ylim(0.5, 5.5)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_title(content.checkins.progress_title)
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
