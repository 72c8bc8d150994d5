"""Which encouragement a check-in carries, and when the next one is due.

The sender claims due schedules in batches and asks `decide` for each row: an
encouragement from her situation's pool that she has not had yet, and the
next slot, at least `MIN_GAP` ahead, so after downtime she gets one catch-up
check-in rather than a flood.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.content import Content, Encouragement
from bot.core import guidance, schedule
from bot.core.checkins.records import Claimed, Due
from bot.core.state import State

MIN_GAP = timedelta(hours=12)
"""The next check-in is at least this far from the one being claimed."""


class _Pools:
    """Each set of situations' pool and its ids, worked out once for the content in use.

    The sender picks an encouragement for every row it claims; filtering all
    the encouragements again for each row was a good part of a claim's cost.
    There are at most 16 sets of the four situations. A different `Content`
    (a test's, a reload) starts afresh, so an answer never outlives it.
    """

    def __init__(self) -> None:
        self._content: Content | None = None
        self._found: dict[frozenset[str], tuple[tuple[Encouragement, ...], frozenset[str]]] = {}

    def get(
        self, content: Content, cases: frozenset[str]
    ) -> tuple[tuple[Encouragement, ...], frozenset[str]]:
        if content is not self._content:
            self._content, self._found = content, {}
        found = self._found.get(cases)
        if found is None:
            chosen = tuple(
                e for e in content.encouragements if "any" in e.situations or e.situations & cases
            )
            found = self._found[cases] = (chosen, frozenset(e.id for e in chosen))
        return found


_POOLS = _Pools()


def pool(
    content: Content, profile: Mapping[str, Sequence[str]] | None
) -> tuple[Encouragement, ...]:
    """The encouragements for her situation: the general ones and those tagged for her case."""
    cases = guidance.situations(content, profile) if profile else frozenset()
    return _POOLS.get(content, cases)[0]


def pick(
    content: Content,
    profile: Mapping[str, Sequence[str]] | None,
    seen: Sequence[str],
    rng: random.Random,
) -> tuple[Encouragement, list[str]]:
    """An encouragement she has not had from her pool, and the new `seen` list.

    When she has seen them all the round starts again, but never with the one
    she saw last.
    """
    cases = guidance.situations(content, profile) if profile else frozenset()
    choices, ids = _POOLS.get(content, cases)
    had = [s for s in seen if s in ids]
    skip = set(had)
    fresh: Sequence[Encouragement] = [e for e in choices if e.id not in skip]
    if not fresh:
        last = had[-1] if had else None
        fresh = [e for e in choices if e.id != last] or choices
        had = []
    chosen = rng.choice(fresh)
    return chosen, [*had, chosen.id]


def decide(content: Content, due: Due, now: datetime, rng: random.Random) -> Claimed:
    """For one claimed row: her encouragement, and the next slot counted from now."""
    state = State.from_dict(due.state, content)
    chosen, seen = pick(content, state.profile, due.seen, rng)
    following = None
    if due.snapshot is not None:
        following = schedule.next_due(due.snapshot.plan, now + MIN_GAP)
    return Claimed(chosen.id, seen, following)
