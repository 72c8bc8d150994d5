"""/progress: how she has been holding up, as words and as a small chart.

What she did is counted as what she did ("Days you did something for yourself:
4"), never as a streak she could break. The summary is plain text so it works
everywhere (the console, a failed chart); the chart is a PNG drawn with
matplotlib's Agg backend once there are two answers or more, in a worker
thread, off the event loop that serves everyone else.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence

from bot.content import Content
from bot.core.checkins.records import CHECKIN, URGE, Answered

BARS = "▁▂▃▄▅"
"""Mood 1..5 as a one-line sparkline."""


def counts(content: Content, history: Sequence[Answered], drafts: int = 0) -> list[str]:
    """What she did, one line a kind, only for what she did at least once."""
    c = content.checkins
    said_yes = Counter(h.question for h in history if h.kind == CHECKIN and h.did)
    lines = [q.count.format(n=said_yes[q.id]) for q in c.questions if said_yes[q.id]]
    waited = sum(1 for h in history if h.kind == URGE and h.did)
    if waited:
        lines.append(c.progress_urges.format(n=waited))
    if drafts:
        lines.append(c.progress_drafts.format(n=drafts))
    return lines


def summary(content: Content, history: Sequence[Answered], drafts: int = 0) -> str:
    """Her recent answers in a few lines; a kind empty message before there are any."""
    c = content.checkins
    checkins = [h for h in history if h.kind == CHECKIN]
    moods = [h.mood for h in checkins if h.mood is not None]
    did = counts(content, history, drafts)
    if not checkins:
        return "\n".join(did) if did else c.progress_empty
    recent = moods[-10:]
    average = f"{sum(recent) / len(recent):.1f}" if recent else "-"
    head = c.progress_summary.format(
        answered=len(checkins),
        moods="".join(BARS[m - 1] for m in moods[-14:]) or "-",
        average=average,
    )
    return "\n".join((head, *did))


def chart(content: Content, history: Sequence[Answered]) -> bytes | None:
    """A PNG of her moods over time, or None when there are fewer than two to draw."""
    points = [(h.due_at, h.mood) for h in history if h.kind == CHECKIN and h.mood is not None]
    if len(points) < 2:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 3), dpi=100)
    axes = figure.subplots()
    days = [d for d, _ in points]
    axes.plot(days, [m for _, m in points], marker="o", color="#6a5acd")
    did = [(h.due_at, h.mood) for h in history if h.did and h.mood is not None]
    if did:
        # A green ring: a day she said yes to the question about her.
        axes.scatter(
            [d for d, _ in did],
            [m for _, m in did],
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
