"""Which encouragement a check-in carries, and when the next one is due.

The sender claims due schedules in batches and asks `decide` for each row: an
encouragement from her situation's pool that she has not had yet, and the
next slot, at least `MIN_GAP` ahead, so after downtime she gets one catch-up
check-in rather than a flood. Her pool's key is kept on her schedule row (her
turn writes it when her answers or her path change), so a claim need not read
her whole state: see `pool_key` and `rules`.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import lru_cache

from bot.content import Content, Encouragement
from bot.core import plan, schedule
from bot.core.checkins.records import Claimed, Due
from bot.core.safety.told import Told
from bot.core.state import State

MIN_GAP = timedelta(hours=12)
"""The next check-in is at least this far from the one being claimed."""

POOL_VERSION = 1
"""Part of `rules`: raise it when the code that turns her answers into a pool key changes."""

Pool = tuple[tuple[Encouragement, ...], frozenset[str]]


class _Known:
    """What a claim looks up for every row, worked out once for the content in use.

    Filtering all the encouragements again for each row was a good part of a
    claim's cost; there are at most 16 sets of the four situations, and one
    key per set. A different `Content` (a test's, a reload) starts afresh, so
    an answer never outlives it.
    """

    def __init__(self) -> None:
        self._content: Content | None = None
        self._pools: dict[frozenset[str], Pool] = {}
        self._keys: dict[str, frozenset[str]] = {}
        self._rules = ""
        self._questions: tuple[str, ...] = ()

    def _for(self, content: Content) -> None:
        if content is not self._content:
            self._content, self._pools, self._keys = content, {}, {}
            self._rules = _fingerprint(content)
            self._questions = tuple(q.id for q in content.checkins.questions)

    def pool(self, content: Content, cases: frozenset[str]) -> Pool:
        self._for(content)
        found = self._pools.get(cases)
        if found is None:
            unsafe = "safety" in cases
            guarded = unsafe or GUARDED in cases
            chosen = tuple(
                e
                for e in content.encouragements
                if ("any" in e.situations or e.situations & cases)
                and not (unsafe and e.coaching_only)
                and not (guarded and e.confronts)
            )
            found = self._pools[cases] = (chosen, frozenset(e.id for e in chosen))
        return found

    def cases(self, content: Content, key: str) -> frozenset[str]:
        self._for(content)
        found = self._keys.get(key)
        if found is None:
            found = self._keys[key] = frozenset(key.split())
        return found

    def rules(self, content: Content) -> str:
        self._for(content)
        return self._rules

    def questions(self, content: Content) -> tuple[str, ...]:
        self._for(content)
        return self._questions


_KNOWN = _Known()


def _fingerprint(content: Content) -> str:
    """Twelve hex digits naming plan.yaml's case and exception rules, the questions whose
    answers they read (a renamed step drops her answer to it), and `POOL_VERSION`."""
    rules = {
        "version": POOL_VERSION,
        "steps": [s.id for s in content.steps],
        "cases": [c.model_dump(mode="json", include={"id", "when"}) for c in content.plan.cases],
        "exceptions": [
            e.model_dump(mode="json", include={"id", "when"}) for e in content.plan.exceptions
        ],
    }
    text = json.dumps(rules, sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


GUARDED = "guarded"
"""In a pool key: danger from him is on record (after the way back): no note that has her
confront him."""


def _situations(
    content: Content,
    profile: Mapping[str, Sequence[str]] | None,
    unsafe: str | None,
    guarded: bool = False,
) -> frozenset[str]:
    if unsafe:
        return plan.situations(content, {}, unsafe)
    found = plan.situations(content, profile) if profile else frozenset()
    return found | {GUARDED} if guarded else found


def rules(content: Content) -> str:
    """The rules a pool key is worked out under.

    A key kept on her schedule row is trusted only under the rules it was
    worked out with: when a coach changes the case or exception rules in
    plan.yaml, her next claim works her key out again from her stored state.
    """
    return _KNOWN.rules(content)


def pool_key(
    content: Content,
    profile: Mapping[str, Sequence[str]] | None,
    unsafe: str | None = None,
    guarded: bool = False,
) -> str:
    """Her pool as a short key for her schedule row: `safety` on the safety path, else her
    case and exceptions (`dead_set drifting`, and `guarded` with danger on record), or ``
    with no answers yet."""
    return " ".join(sorted(_situations(content, profile, unsafe, guarded)))


def pool(
    content: Content,
    profile: Mapping[str, Sequence[str]] | None,
    unsafe: str | None = None,
    guarded: bool = False,
) -> tuple[Encouragement, ...]:
    """Her situation's encouragements: the general ones and those for her case and exceptions
    (on the safety path, those for it and none that move her toward him; with danger on
    record, none that has her confront him)."""
    return _KNOWN.pool(content, _situations(content, profile, unsafe, guarded))[0]


def _pick(pooled: Pool, seen: Sequence[str], rng: random.Random) -> tuple[Encouragement, list[str]]:
    choices, ids = pooled
    had = [s for s in seen if s in ids]
    skip = set(had)
    fresh: Sequence[Encouragement] = [e for e in choices if e.id not in skip]
    if not fresh:
        last = had[-1] if had else None
        fresh = [e for e in choices if e.id != last] or choices
        had = []
    chosen = rng.choice(fresh)
    return chosen, [*had, chosen.id]


def pick(
    content: Content,
    profile: Mapping[str, Sequence[str]] | None,
    seen: Sequence[str],
    rng: random.Random,
    unsafe: str | None = None,
) -> tuple[Encouragement, list[str]]:
    """An encouragement she has not had from her pool, and the new `seen` list.

    When she has seen them all the round starts again, but never with the one
    she saw last.
    """
    return _pick(_KNOWN.pool(content, _situations(content, profile, unsafe)), seen, rng)


def next_question(content: Content, asked: str | None, safety: bool = False) -> str:
    """The question about her after `asked`, in turn: never the same one twice in a row. On
    the safety path (`safety`) none that is about him ("did you give him room")."""
    ids = _KNOWN.questions(content)
    if safety:
        ids = tuple(q.id for q in content.checkins.questions if not q.coaching_only)
    at = ids.index(asked) + 1 if asked in ids else 0
    return ids[at % len(ids)]


@lru_cache(maxsize=4096)
def _next_slot(plan: schedule.Plan, after: datetime) -> datetime:
    """`schedule.next_due`, remembered: every row of a claim asks with the same `after`, and
    women who chose the same time and zone get the same answer."""
    return schedule.next_due(plan, after)


def _cases_of(content: Content, due: Due) -> tuple[frozenset[str], str, str | None]:
    """Her situations, and the key and rules to keep on her row.

    The key on her row is used when it was worked out under today's rules. The
    store reads her state whenever it cannot vouch for the key; if it could
    not (a key under older rules and no state), the old key is still the best
    answer, and its old rules make the next claim read her state.
    """
    current = _KNOWN.rules(content)
    if due.pool is not None and (due.pool_rules == current or due.state is None):
        return _KNOWN.cases(content, due.pool), due.pool, due.pool_rules
    state = State.from_dict(due.state, content)
    cases = _situations(content, state.profile, state.unsafe, Told.of(state).guarded)
    return cases, " ".join(sorted(cases)), current


def decide(content: Content, due: Due, now: datetime, rng: random.Random) -> Claimed:
    """For one claimed row: her encouragement, its question about her, and the next slot
    counted from now."""
    cases, key, rules_used = _cases_of(content, due)
    chosen, seen = _pick(_KNOWN.pool(content, cases), due.seen, rng)
    following = None
    if due.snapshot is not None:
        following = _next_slot(due.snapshot.plan, now + MIN_GAP)
    question = next_question(content, due.asked, "safety" in cases)
    return Claimed(chosen.id, seen, following, question, key, rules_used)
