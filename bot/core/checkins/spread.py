"""Spreading a busy minute over the window she was told about: when each minute's slots may go.

Telegram lets a bot send about 30 messages a second, 1,800 a minute. Women
choose their hour the way people do, so one minute (21:00 in Berlin) may hold
tens of thousands of slots; sent from that minute on, the last would go out
hours late. Instead, every slot is kept within `WINDOW` of the time she chose
(the set-up says "around 21:00" and how far around), and a busy minute starts
going out early enough that its first and its last are about as far from it:

- the slots are sent in the order they are due, first come first served;
- a minute starts early only when the minutes from it onwards could not
  otherwise all go out within their window at the sending rate;
- a quiet minute goes out when it is due, never early.

`plan` finds the smallest lateness `L` (at most the window) that every minute
in view can keep, working back from the last minute (each as late as `L`
allows, and so each as early as it must be), and says which minutes must start
now. Pure arithmetic on counts, so the hard cases are plain unit tests; the
sender reads the counts (`CheckinQueue.load`) and claims up to `Front.until`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=30)
"""How far from the time she chose a check-in may go out, before or after (the set-up says so)."""
MINUTE = timedelta(minutes=1)
AHEAD = 3 * WINDOW
"""How far ahead the sender looks: a busy stretch further away cannot need anything sent now."""
HEADROOM = 0.9
"""The share of the sending rate a plan counts on: replies to what she does come first."""
STEP = 5.0
"""Seconds between the lateness bounds tried."""


@dataclass(frozen=True)
class Front:
    """What the sender may claim now, and when to look again.

    `until`: claim every slot due before this instant (`now` when nothing must go early).
    `wake`: the next moment a minute is due or must start early (None: nothing in view).
    `late`: the lateness bound the plan keeps, in seconds (the whole window: it may not hold).
    """

    until: datetime
    wake: datetime | None
    late: float


def _starts(counts: Sequence[int], first: float, rate: float, late: float) -> list[float]:
    """Each minute's start, as late as `late` allows: every minute, from the last back, ends
    `late` after it begins (slots are on the minute: she chose 21:00, not 21:00:40), and
    before the next one starts (seconds since the epoch)."""
    starts = [0.0] * len(counts)
    end = float("inf")
    for i in range(len(counts) - 1, -1, -1):
        end = min(end, first + i * 60.0 + late)
        end -= counts[i] / rate
        starts[i] = end
    return starts


def _keeps(counts: Sequence[int], first: float, rate: float, late: float, free_from: float) -> bool:
    """Whether every minute can go out within `late` of its time, starting no earlier than
    `late` before it and once what is already due (`free_from`) is out."""
    starts = _starts(counts, first, rate, late)
    begun = next((s for s, n in zip(starts, counts, strict=True) if n), None)
    if begun is not None and begun < free_from:
        # Behind a backlog, the minutes ahead start later: they will be later. Without one,
        # a start already past only means "now", not a larger bound (which would put the
        # start later again, round after round).
        return False
    return all(
        s >= first + i * 60.0 - late
        for i, (s, n) in enumerate(zip(starts, counts, strict=True))
        if n
    )


def _least_late(
    counts: Sequence[int], first: float, rate: float, most: float, free_from: float
) -> float:
    """The smallest lateness (in `STEP`s) every minute can keep; `most` if even that cannot
    be kept. Keeping it only gets easier as it grows, so halving finds it."""
    low, high = 0, int(most // STEP)
    if _keeps(counts, first, rate, 0.0, free_from):
        return 0.0
    if not _keeps(counts, first, rate, high * STEP, free_from):
        return most
    while high - low > 1:
        middle = (low + high) // 2
        if _keeps(counts, first, rate, middle * STEP, free_from):
            high = middle
        else:
            low = middle
    return high * STEP


def plan(
    now: datetime,
    first: datetime,
    counts: Sequence[int],
    overdue: int,
    per_second: float,
    window: timedelta = WINDOW,
) -> Front:
    """Which slots to claim now.

    `counts[i]`: slots due in the minute starting at `first + i` minutes, the minute
    holding `now` first (its slots due before now count too); `overdue`: slots due
    before `first`, still to go; `per_second`: the sending rate.
    """
    rate = per_second * HEADROOM
    most = window.total_seconds()
    base = first.timestamp()
    t = now.timestamp()
    free_from = t + overdue / rate if overdue else float("-inf")
    late = _least_late(counts, base, rate, most, free_from)
    starts = _starts(counts, base, rate, late)
    until = now
    wake: float | None = None
    for i, (start, n) in enumerate(zip(starts, counts, strict=True)):
        if not n:
            continue
        due = base + i * 60.0
        release = max(due - most, min(due, start))
        if release <= t and release < due:
            until = max(until, first + (i + 1) * MINUTE - timedelta(microseconds=1))
        elif release > t:
            wake = release if wake is None else min(wake, release)
    woken = None if wake is None else datetime.fromtimestamp(wake, now.tzinfo)
    return Front(until, woken, late)
