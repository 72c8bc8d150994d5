"""A queued delivery's life: read when ready, marked sending, sent, later, failed, expired.

A delivery is marked `sending` right before it goes to Telegram and `sent`
right after; after a crash, one that was `sending` becomes `unknown` and is
never sent again (`recover`).

Every statement on one delivery matches its id and her user id together: the
sender holds a delivery between reading and marking it, and in that time she
may have been forgotten and another woman's row inserted (ids never come back
either: see `models.Checkin`).

Ready deliveries are read one per woman, each her oldest, so sending goes
round the chats: a woman with many waiting never holds up the others. A
check-back that could not go out within an hour of when she asked for it is
dropped (`expire`). The claims that queue deliveries are in `queue`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, bindparam, case, exists, func, select, update

from bot.core.checkins.records import CHECKIN, SAFETY, URGE, Delivery
from bot.db.chat import ChatMessages
from bot.db.models import (
    EXPIRED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    UNKNOWN,
    checkins,
    schedules,
)
from bot.db.queries import Queries, Statement, bound

_uid = bindparam("user_id")
_cid = bindparam("id")
CHECK_BACK_LATE = timedelta(hours=1)
"""A check-back that could not go out within an hour of when she asked for it is dropped:
"how did waiting go?" a day later, after the bot was down, would only be noise."""


def _this_delivery() -> Any:
    """Her delivery: its id and her user id together (see the module's docstring)."""
    return (checkins.c.id == _cid) & (checkins.c.user_id == _uid)


def _ready(table: Any = checkins) -> Any:
    return (table.c.status == PENDING) & (
        table.c.not_before.is_(None) | (table.c.not_before <= bindparam("now"))
    )


def _her_oldest_ready() -> Any:
    """No ready delivery of hers is older: a pass takes each woman's oldest, so one woman's
    many never fill it. Her rows are found by the (user, slot) index, and the pass walks the
    ready rows by id only until it has its fill, so it costs the same among 100 or 100,000."""
    older = checkins.alias("older")
    return ~exists().where(
        older.c.user_id == checkins.c.user_id, older.c.id < checkins.c.id, _ready(older)
    )


class Deliveries(Queries):
    """The statements on queued deliveries; `CheckinQueue` adds the claims that queue them."""

    def __init__(self, db: Any, chat: ChatMessages) -> None:
        super().__init__(db)
        self._chat = chat

    _waiting = Statement(
        # Discreet is read as it is at the moment of sending, not as it was at queuing: her
        # schedule's setting when she has one (she may have turned it on, or her path moved,
        # since this was queued), else the one the delivery was queued with.
        # Each woman's oldest: a pass goes round everyone with something ready.
        lambda d: (
            select(
                checkins.c.id,
                checkins.c.user_id,
                checkins.c.chat_id,
                checkins.c.encouragement,
                checkins.c.attempts,
                checkins.c.kind,
                case(
                    (schedules.c.user_id.is_(None), checkins.c.cover), else_=schedules.c.cover
                ).label("cover"),
                checkins.c.due_at,
            )
            .select_from(checkins.outerjoin(schedules, schedules.c.user_id == checkins.c.user_id))
            .where(_ready(), _her_oldest_ready())
            # The safety path's first: when a busy minute is going out, hers is never the
            # late one. The ready rows are one claim's, so ordering them costs little.
            .order_by(case((schedules.c.pool == SAFETY, 0), else_=1), checkins.c.id)
            .limit(bindparam("limit", type_=Integer))
        )
    )

    async def waiting(self, now: datetime, limit: int) -> list[Delivery]:
        """Queued check-ins ready to go: each woman's oldest, the safety path's first, then
        the oldest."""
        async with self._db.transaction() as tx:
            rows = await tx.all(self._waiting, now=now, limit=limit)
        return [
            Delivery(
                r["id"],
                r["user_id"],
                r["chat_id"],
                r["encouragement"],
                r["attempts"],
                r["kind"],
                r["cover"],
                r["due_at"],
            )
            for r in rows
        ]

    _expire = Statement(
        lambda d: (
            update(checkins)
            .where(
                checkins.c.status == PENDING,
                checkins.c.kind == URGE,
                checkins.c.due_at < bindparam("before", type_=checkins.c.due_at.type),
            )
            .values(status=EXPIRED)
        )
    )

    async def expire(self, now: datetime) -> int:
        """Drop check-backs more than `CHECK_BACK_LATE` past when she asked; how many."""
        async with self._db.transaction() as tx:
            return int(await tx.run(self._expire, before=now - CHECK_BACK_LATE))

    _start_sending = Statement(
        lambda d: (
            update(checkins)
            .where(_this_delivery(), checkins.c.status == PENDING)
            .values(status=SENDING, attempts=checkins.c.attempts + 1)
        )
    )

    async def start_sending(self, delivery: Delivery) -> bool:
        """Mark it as handed to Telegram; False if it was cancelled or taken meanwhile, or
        she was forgotten."""
        async with self._db.transaction() as tx:
            found = await tx.run(self._start_sending, id=delivery.id, user_id=delivery.user_id)
            return found == 1

    _sent = Statement(
        lambda d: (
            update(checkins)
            .where(_this_delivery())
            .values(
                status=SENT,
                message_id=bound(checkins.c.message_id),
                sent_at=bound(checkins.c.sent_at, "now"),
            )
        )
    )

    _late = Statement(
        # The farthest of her last few, fading by a quarter each time: one late evening is
        # still shown the next day, and forgotten after a week on time.
        lambda d: (
            update(schedules)
            .where(schedules.c.user_id == _uid)
            .values(
                late_seconds=case(
                    (
                        func.coalesce(schedules.c.late_seconds, 0) * 3 // 4
                        > bindparam("late", type_=Integer),
                        func.coalesce(schedules.c.late_seconds, 0) * 3 // 4,
                    ),
                    else_=bindparam("late", type_=Integer),
                )
            )
        )
    )

    async def sent(self, delivery: Delivery, message_id: int, now: datetime) -> bool:
        """Record that it went out, and its message id in her chat, in one transaction.

        False when she was forgotten while it was on its way: nothing is written,
        and the caller deletes the message she asked to be rid of.
        """
        async with self._db.transaction() as tx:
            marked = await tx.run(
                self._sent,
                id=delivery.id,
                user_id=delivery.user_id,
                message_id=message_id,
                now=now,
            )
            if marked != 1:
                return False
            await self._chat.remember_in(tx, delivery.user_id, delivery.chat_id, [message_id], now)
            if delivery.kind == CHECKIN and delivery.due_at is not None:
                late = round(abs((now - delivery.due_at).total_seconds()))
                await tx.run(self._late, user_id=delivery.user_id, late=late)
            return True

    _later = Statement(
        lambda d: (
            update(checkins)
            .where(_this_delivery())
            .values(
                status=PENDING,
                not_before=bound(checkins.c.not_before),
            )
        )
    )

    async def later(self, delivery: Delivery, not_before: datetime) -> None:
        """Telegram did not take it (a timeout, a flood wait): queue it again for `not_before`."""
        async with self._db.transaction() as tx:
            await tx.run(
                self._later, id=delivery.id, user_id=delivery.user_id, not_before=not_before
            )

    _failed = Statement(lambda d: update(checkins).where(_this_delivery()).values(status=FAILED))
    _deactivate = Statement(
        lambda d: (
            update(schedules)
            .where(schedules.c.user_id == _uid)
            .values(active=False, next_due_at=None)
        )
    )

    async def failed(self, delivery: Delivery, *, blocked: bool = False) -> None:
        """It will not go out; when she blocked the bot (`blocked`), her schedule is switched
        off too."""
        async with self._db.transaction() as tx:
            await tx.run(self._failed, id=delivery.id, user_id=delivery.user_id)
            if blocked:
                await tx.run(self._deactivate, user_id=delivery.user_id)

    _recover = Statement(
        lambda d: update(checkins).where(checkins.c.status == SENDING).values(status=UNKNOWN)
    )

    async def recover(self) -> int:
        """After a crash: check-ins that were with Telegram may have arrived; never resend them."""
        async with self._db.transaction() as tx:
            return int(await tx.run(self._recover))
