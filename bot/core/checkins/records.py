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


@dataclass(frozen=True)
class Snapshot:
    """Her schedule row as the core sees it. `next_due_at` None: nothing will be sent."""

    plan: Plan
    next_due_at: datetime | None
    paused_until: datetime | None
    active: bool

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


@dataclass(frozen=True)
class Delivered:
    """A check-in she was sent, as far as answering it goes."""

    id: int
    mood: int | None = None
    kept: bool | None = None
    encouragement: str = ""


@dataclass(frozen=True)
class Record:
    """An answer to store on check-in `checkin_id`; only the fields given change."""

    checkin_id: int
    mood: int | None = None
    kept: bool | None = None
    note: str | None = None


@dataclass(frozen=True)
class Answered:
    """One answered check-in, for /progress."""

    due_at: datetime
    mood: int | None
    kept: bool | None


@dataclass(frozen=True)
class Due:
    """A schedule row the sender claimed: enough to pick her check-in and the next slot."""

    user_id: int
    chat_id: int
    due_at: datetime
    snapshot: Snapshot | None
    seen: list[str]
    state: dict[str, Any] | None


@dataclass(frozen=True)
class Claimed:
    """What was decided for a due row: the encouragement and the next slot."""

    encouragement: str
    seen: list[str]
    next_due_at: datetime | None


@dataclass(frozen=True)
class Delivery:
    """A claimed check-in waiting to go out."""

    id: int
    user_id: int
    chat_id: int
    encouragement: str
    attempts: int
