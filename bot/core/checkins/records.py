"""The records check-ins share between the core and the store.

The core reads her schedule as a `Snapshot` and the check-in a button points at
as `Delivered`; it decides a `ScheduleWrite` or a `Record` of her answer, which
the store writes in the turn's transaction. The sender's side: a `Due` row is
claimed with a `Claimed` decision and goes out as a `Delivery`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.schedule import Plan

CHECKIN, URGE = "checkin", "urge"
"""The kinds of delivery the sender sends: a check-in, or the one check-back after /urge."""
SAFETY = "safety"
"""Her pool's key on the safety path (`rotation.pool_key`): her check-ins go out first."""


@dataclass(frozen=True)
class Snapshot:
    """Her schedule row as the core sees it. `next_due_at` None: nothing will be sent.

    `cover`: the neutral line a discreet check-in shows until she opens it (None: not discreet).
    """

    plan: Plan
    next_due_at: datetime | None
    paused_until: datetime | None
    active: bool
    cover: str | None = None
    late_seconds: int | None = None
    """How far from her time her check-ins have lately gone out (None: none sent yet)."""

    @property
    def running(self) -> bool:
        return self.active and self.next_due_at is not None

    @property
    def paused(self) -> bool:
        return self.active and (self.next_due_at is None or self.paused_until is not None)


@dataclass(frozen=True)
class ScheduleWrite:
    """Her schedule as it must be after this turn; `cancel_pending` drops claimed check-ins."""

    plan: Plan
    next_due_at: datetime | None
    paused_until: datetime | None = None
    active: bool = True
    cancel_pending: bool = False
    cover: str | None = None


@dataclass(frozen=True)
class Delivered:
    """A check-in (or a check-back) she was sent, as far as answering it goes."""

    id: int
    mood: int | None = None
    did: bool | None = None
    encouragement: str = ""
    question: str | None = None
    kind: str = CHECKIN
    cover: str | None = None
    """The neutral line it was sent behind (None: sent plainly)."""


@dataclass(frozen=True)
class Record:
    """An answer to store on check-in `checkin_id`; only the fields given change.

    `opened`: True when she opened it from behind its neutral line (it folds back later),
    False when it folded back."""

    checkin_id: int
    mood: int | None = None
    did: bool | None = None
    note: str | None = None
    opened: bool | None = None


@dataclass(frozen=True)
class Answered:
    """One answered check-in (or check-back), for /progress: `did` is her yes to its question."""

    due_at: datetime
    mood: int | None
    did: bool | None
    question: str | None = None
    kind: str = CHECKIN


@dataclass(frozen=True)
class Later:
    """A one-off delivery to queue in this turn: the check-back after /urge, at `due_at`;
    `cover`: the neutral line to send it behind (her discreet setting), or None."""

    kind: str
    due_at: datetime
    cover: str | None = None


@dataclass(frozen=True)
class Due:
    """A schedule row the sender claimed: enough to pick her check-in and the next slot."""

    user_id: int
    chat_id: int
    due_at: datetime
    snapshot: Snapshot | None
    seen: list[str]
    state: dict[str, Any] | None
    """Her stored state, read only when `pool` cannot be trusted (see `pool_rules`)."""
    asked: str | None = None
    """The second question she was asked last time."""
    pool: str | None = None
    """Her encouragement pool's key as her schedule row keeps it (`rotation.pool_key`)."""
    pool_rules: str | None = None
    """The content rules `pool` was worked out under (`rotation.rules`); None: not worked out."""


@dataclass(frozen=True)
class Claimed:
    """What was decided for a due row: the encouragement and the next slot."""

    encouragement: str
    seen: list[str]
    next_due_at: datetime | None
    question: str | None = None
    pool: str | None = None
    """Her pool's key as it was worked out for this claim, kept on her schedule row."""
    pool_rules: str | None = None


@dataclass(frozen=True)
class Delivery:
    """A claimed check-in waiting to go out."""

    id: int
    user_id: int
    chat_id: int
    encouragement: str
    attempts: int
    kind: str = CHECKIN
    cover: str | None = None
    due_at: datetime | None = None
    """Her slot, so the sender can say how far from it the check-in went out."""
