"""The check-in queue: claiming due schedules, the deliveries' lives, her answered check-ins.

A claim queues one delivery per due schedule and moves the schedule on in the
same transaction, so a slot is queued exactly once. A delivery is marked
`sending` right before it goes to Telegram and `sent` right after; after a
crash, one that was `sending` becomes `unknown` and is never sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, null, select, update

from bot.core.checkins.records import Answered, Claimed, Delivery, Due, Snapshot
from bot.core.schedule import Plan
from bot.db.chat import ChatMessages
from bot.db.models import FAILED, PENDING, SENDING, SENT, UNKNOWN, checkins, schedules, users
from bot.db.queries import Queries, Statement, insert_for

_uid = bindparam("user_id")
_cid = bindparam("id")
PLAN_COLUMNS = (
    *("cadence", "hour", "minute", "zone", "weekday", "anchor"),
    *("next_due_at", "paused_until", "active"),
)


def snapshot(row: dict[str, Any]) -> Snapshot | None:
    """Her schedule row as the core's `Snapshot`; None if it no longer makes a valid plan."""
    try:
        plan = Plan(
            row["cadence"],
            row["hour"],
            row["minute"],
            row["zone"],
            weekday=row["weekday"],
            anchor=row["anchor"],
        )
    except ValueError:
        return None  # e.g. a zone a newer tzdata retired: she is asked to set it up again
    return Snapshot(plan, row["next_due_at"], row["paused_until"], bool(row["active"]))


def _plan() -> list[Any]:
    return [schedules.c[c] for c in PLAN_COLUMNS]


class CheckinQueue(Queries):
    def __init__(self, db: Any, chat: ChatMessages) -> None:
        super().__init__(db)
        self._chat = chat

    _due = Statement(
        # Several senders on PostgreSQL each take different rows; SQLite ignores the clause.
        lambda d: (
            select(
                schedules.c.user_id, schedules.c.chat_id, *_plan(), schedules.c.seen, users.c.state
            )
            .join(users, users.c.user_id == schedules.c.user_id)
            .where(schedules.c.next_due_at <= bindparam("now"))
            .order_by(schedules.c.next_due_at)
            .limit(bindparam("limit", type_=Integer))
            .with_for_update(of=schedules, skip_locked=True)
        )
    )
    _enqueue = Statement(
        lambda d: (
            insert_for(d)(checkins)
            .values({c.key: bindparam(c.key, type_=c.type) for c in checkins.c if c.key != "id"})
            .on_conflict_do_nothing()
        )
    )
    _advance = Statement(
        lambda d: (
            update(schedules)
            .where(schedules.c.user_id == _uid)
            .values(
                next_due_at=bindparam("next_due_at", type_=schedules.c.next_due_at.type),
                paused_until=null(),
                seen=bindparam("seen", type_=schedules.c.seen.type),
                updated_at=bindparam("now", type_=schedules.c.updated_at.type),
            )
        )
    )

    async def claim_due(self, now: datetime, limit: int, decide: Callable[[Due], Claimed]) -> int:
        """Claim up to `limit` due schedules: queue a check-in for each and move it on.

        One transaction: the queued delivery and the new `next_due_at` commit
        together, so a slot is queued exactly once whatever happens after.
        """
        async with self._db.transaction() as tx:
            rows = await tx.all(self._due, now=now, limit=limit)
            if not rows:
                return 0
            queued, moved = [], []
            for row in rows:
                due = Due(
                    row["user_id"],
                    row["chat_id"],
                    row["next_due_at"],
                    snapshot(row),
                    list(row["seen"] or []),
                    row["state"],
                )
                claim = decide(due)
                queued.append(
                    {
                        "user_id": due.user_id,
                        "chat_id": due.chat_id,
                        "due_at": due.due_at,
                        "encouragement": claim.encouragement,
                        "status": PENDING,
                        "attempts": 0,
                        "not_before": None,
                        "message_id": None,
                        "sent_at": None,
                        "mood": None,
                        "kept": None,
                        "note": None,
                        "answered_at": None,
                    }
                )
                moved.append(
                    {
                        "user_id": due.user_id,
                        "next_due_at": claim.next_due_at,
                        "seen": claim.seen,
                        "now": now,
                    }
                )
            await tx.many(self._enqueue, queued)
            await tx.many(self._advance, moved)
        return len(rows)

    _waiting = Statement(
        lambda d: (
            select(
                checkins.c.id,
                checkins.c.user_id,
                checkins.c.chat_id,
                checkins.c.encouragement,
                checkins.c.attempts,
            )
            .where(
                checkins.c.status == PENDING,
                (checkins.c.not_before.is_(None)) | (checkins.c.not_before <= bindparam("now")),
            )
            .order_by(checkins.c.id)
            .limit(bindparam("limit", type_=Integer))
        )
    )

    async def waiting(self, now: datetime, limit: int) -> list[Delivery]:
        """Queued check-ins ready to go, oldest first."""
        async with self._db.transaction() as tx:
            rows = await tx.all(self._waiting, now=now, limit=limit)
        return [
            Delivery(r["id"], r["user_id"], r["chat_id"], r["encouragement"], r["attempts"])
            for r in rows
        ]

    _start_sending = Statement(
        lambda d: (
            update(checkins)
            .where(checkins.c.id == _cid, checkins.c.status == PENDING)
            .values(status=SENDING, attempts=checkins.c.attempts + 1)
        )
    )

    async def start_sending(self, delivery_id: int) -> bool:
        """Mark it as handed to Telegram; False if it was cancelled or taken meanwhile."""
        async with self._db.transaction() as tx:
            return await tx.run(self._start_sending, id=delivery_id) == 1

    _sent = Statement(
        lambda d: (
            update(checkins)
            .where(checkins.c.id == _cid)
            .values(
                status=SENT,
                message_id=bindparam("message_id", type_=checkins.c.message_id.type),
                sent_at=bindparam("now", type_=checkins.c.sent_at.type),
            )
        )
    )

    async def sent(self, delivery: Delivery, message_id: int, now: datetime) -> bool:
        """Record that it went out, and its message id in her chat, in one transaction.

        False when she was forgotten while it was on its way: nothing is written,
        and the caller deletes the message she asked to be rid of.
        """
        async with self._db.transaction() as tx:
            if await tx.run(self._sent, id=delivery.id, message_id=message_id, now=now) != 1:
                return False
            await self._chat.remember_in(tx, delivery.user_id, delivery.chat_id, [message_id], now)
            return True

    _later = Statement(
        lambda d: (
            update(checkins)
            .where(checkins.c.id == _cid)
            .values(
                status=PENDING,
                not_before=bindparam("not_before", type_=checkins.c.not_before.type),
            )
        )
    )

    async def later(self, delivery_id: int, not_before: datetime) -> None:
        """Telegram did not take it (a timeout, a flood wait): queue it again for `not_before`."""
        async with self._db.transaction() as tx:
            await tx.run(self._later, id=delivery_id, not_before=not_before)

    _failed = Statement(
        lambda d: update(checkins).where(checkins.c.id == _cid).values(status=FAILED)
    )
    _deactivate = Statement(
        lambda d: (
            update(schedules)
            .where(schedules.c.user_id == _uid)
            .values(active=False, next_due_at=None)
        )
    )

    async def failed(self, delivery_id: int, *, blocked_user: int | None = None) -> None:
        """It will not go out; when she blocked the bot, her schedule is switched off too."""
        async with self._db.transaction() as tx:
            await tx.run(self._failed, id=delivery_id)
            if blocked_user is not None:
                await tx.run(self._deactivate, user_id=blocked_user)

    _recover = Statement(
        lambda d: update(checkins).where(checkins.c.status == SENDING).values(status=UNKNOWN)
    )

    async def recover(self) -> int:
        """After a crash: check-ins that were with Telegram may have arrived; never resend them."""
        async with self._db.transaction() as tx:
            return int(await tx.run(self._recover))

    _history = Statement(
        lambda d: (
            select(checkins.c.due_at, checkins.c.mood, checkins.c.kept)
            .where(
                checkins.c.user_id == _uid,
                (checkins.c.mood.is_not(None)) | (checkins.c.kept.is_not(None)),
            )
            .order_by(checkins.c.due_at.desc())
            .limit(bindparam("limit", type_=Integer))
        )
    )

    async def history_in(self, tx: Any, user_id: int, limit: int = 30) -> list[Answered]:
        """Her answered check-ins, oldest first."""
        rows = await tx.all(self._history, user_id=user_id, limit=limit)
        return [Answered(r["due_at"], r["mood"], r["kept"]) for r in reversed(rows)]

    async def history(self, user_id: int, limit: int = 30) -> list[Answered]:
        async with self._db.transaction() as tx:
            return await self.history_in(tx, user_id, limit)
