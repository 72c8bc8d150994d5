"""Opened discreet check-ins, to fold back behind their neutral line.

A discreet check-in arrives as a neutral line; when she taps "Open" it shows
itself in place, and her turn records `opened_at`. Someone else may pick up her
phone later, so the sender folds every check-in opened longer than a while ago
back to its neutral line (`CheckinSender.fold`). Matched on the check-in's id
and her user id together, so a row of another woman can never be folded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, select, update

from bot.db.models import SENT, checkins
from bot.db.queries import Queries, Statement

_uid = bindparam("user_id")
_cid = bindparam("id")


@dataclass(frozen=True)
class Opened:
    """A check-in (or check-back) shown open in her chat, and the line it folds back to."""

    id: int
    user_id: int
    chat_id: int
    message_id: int
    cover: str | None
    kind: str


class Folds(Queries):
    _due = Statement(
        lambda d: (
            select(
                checkins.c.id,
                checkins.c.user_id,
                checkins.c.chat_id,
                checkins.c.message_id,
                checkins.c.cover,
                checkins.c.kind,
            )
            .where(
                checkins.c.opened_at <= bindparam("before", type_=checkins.c.opened_at.type),
                checkins.c.status == SENT,
                checkins.c.message_id.is_not(None),
            )
            .order_by(checkins.c.opened_at)
            .limit(bindparam("limit", type_=Integer))
        )
    )
    _folded = Statement(
        lambda d: (
            update(checkins)
            .where(checkins.c.id == _cid, checkins.c.user_id == _uid)
            .values(opened_at=None)
        )
    )

    async def due(self, opened_before: datetime, limit: int) -> list[Opened]:
        """Check-ins opened before `opened_before` and still open, oldest first."""
        async with self._db.transaction() as tx:
            rows: list[dict[str, Any]] = await tx.all(self._due, before=opened_before, limit=limit)
        return [
            Opened(r["id"], r["user_id"], r["chat_id"], r["message_id"], r["cover"], r["kind"])
            for r in rows
        ]

    async def folded(self, opened: Opened) -> None:
        """It shows its neutral line again (or it could not be edited and never will be)."""
        async with self._db.transaction() as tx:
            await tx.run(self._folded, id=opened.id, user_id=opened.user_id)
