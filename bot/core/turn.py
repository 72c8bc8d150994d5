"""One turn of the conversation: what the core may know (`Context`) and what it decides (`Outcome`).

The service hands in the clock, her schedule and the check-in a button points
at; the core answers with her new state, what to show, and what to write. The
store writes it all in one transaction, so a turn happens whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.checkins.records import Delivered, Later, Record, ScheduleWrite, Snapshot
from bot.core.replies import Effect, Reply
from bot.core.state import State


@dataclass(frozen=True)
class Context:
    """What the pure core may know of the world for one turn."""

    now: datetime
    schedule: Snapshot | None = None
    checkin: Delivered | None = None


@dataclass(frozen=True)
class Outcome:
    """The new state and what to show.

    `settle` rewrites the message whose button she pressed, without buttons,
    so the chat reads as a record of her answers; `refresh` redraws it with new
    buttons (the ticks of a multi-select); `edit` rewrites it whole, text and
    buttons (a page of her plan turned). `effect` asks the service to export,
    forget, hide or show progress. `write`, `record` and `later` (a check-back to
    queue) are check-in changes, stored in the transaction that stores `state`.
    `cover_queued`: her queued deliveries go out behind this neutral line (she has just
    become someone whose messages from the bot must be discreet).
    """

    state: State
    replies: tuple[Reply, ...] = ()
    settle: str | None = None
    refresh: Reply | None = None
    edit: Reply | None = None
    effect: Effect | None = None
    write: ScheduleWrite | None = None
    record: Record | None = None
    later: Later | None = None
    cover_queued: str | None = None
