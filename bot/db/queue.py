"""The check-in queue: claiming due schedules, queuing check-backs, her answered check-ins.

A claim queues one delivery per due schedule and moves the schedule on in the
same transaction, so a slot is queued exactly once. What happens to a queued
delivery after that (sending it, at most once) is in `deliveries`. She has at
most one check-back waiting: a new /urge replaces the one before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    case,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    update,
)

from bot.core.checkins.records import (
    CHECKIN,
    SAFETY,
    URGE,
    Answered,
    Claimed,
    Due,
    Later,
    Snapshot,
)
from bot.core.schedule import Plan
from bot.db.chat import ChatMessages
from bot.db.deliveries import Deliveries
from bot.db.models import CANCELLED, PENDING, checkins, schedules, users
from bot.db.queries import Statement, bound, insert_for

_uid = bindparam("user_id")
_cid = bindparam("id")
PLAN_COLUMNS = (
    *("cadence", "hour", "minute", "zone", "weekday", "anchor"),
    *("next_due_at", "paused_until", "active", "cover"),
)


@lru_cache(maxsize=4096)
def _plan_of(
    cadence: str, hour: int, minute: int, zone: str, weekday: int | None, anchor: date | None
) -> Plan | None:
    """One `Plan` per distinct choice: a claim builds 500, and many women share a time and zone.

    None if it no longer makes a valid plan, e.g. a zone a newer tzdata
    retired (that takes a restart, which empties this): she is asked to set it up again.
    """
    try:
        return Plan(cadence, hour, minute, zone, weekday=weekday, anchor=anchor)
    except ValueError:
        return None


def snapshot(row: dict[str, Any]) -> Snapshot | None:
    """Her schedule row as the core's `Snapshot`; None if it no longer makes a valid plan."""
    plan = _plan_of(
        row["cadence"], row["hour"], row["minute"], row["zone"], row["weekday"], row["anchor"]
    )
    if plan is None:
        return None
    return Snapshot(
        plan,
        row["next_due_at"],
        row["paused_until"],
        bool(row["active"]),
        row["cover"],
        row.get("late_seconds"),
    )


def _plan() -> list[Any]:
    return [schedules.c[c] for c in PLAN_COLUMNS]


def _state_unless_pool_known() -> Any:
    """Her stored state, read only for a row whose pool key is not known good (see `claim_due`).

    SQL evaluates a CASE lazily, so for the other rows her `users` row is never
    read: among a million schedules, those reads and decoding her JSON were
    most of a claim.
    """
    known = schedules.c.pool.is_not(None) & (
        schedules.c.pool_rules == bindparam("rules", type_=String)
    )
    state = select(users.c.state).where(users.c.user_id == schedules.c.user_id).scalar_subquery()
    return type_coerce(case((known, null()), else_=state), users.c.state.type).label("state")


def _due_rows() -> Any:
    """Due schedule rows, oldest slot first, as a claim reads them (the caller adds which)."""
    return (
        select(
            schedules.c.user_id,
            schedules.c.chat_id,
            *_plan(),
            schedules.c.seen,
            schedules.c.asked,
            schedules.c.pool,
            schedules.c.pool_rules,
            _state_unless_pool_known(),
        )
        .order_by(schedules.c.next_due_at)
        .limit(bindparam("limit", type_=Integer))
        .with_for_update(of=schedules, skip_locked=True)
    )


class CheckinQueue(Deliveries):
    def __init__(self, db: Any, chat: ChatMessages) -> None:
        super().__init__(db, chat)
        self._rules: str | None = None
        """The rules the last claim's decisions were made under: keys kept under them are
        trusted without her state. None until this process has claimed."""

    _due = Statement(
        # Several senders on PostgreSQL each take different rows; SQLite ignores the clause.
        # Up to `front` (a busy minute going out early), but the safety path's only when due:
        # those are claimed on time by `_due_safety`, never early and never late.
        lambda d: _due_rows().where(
            schedules.c.next_due_at <= bindparam("front", type_=schedules.c.next_due_at.type),
            (schedules.c.next_due_at <= bindparam("now", type_=schedules.c.next_due_at.type))
            | schedules.c.pool.is_(None)
            | (schedules.c.pool != SAFETY),
        )
    )
    _due_safety = Statement(
        # Found by their own partial index, however many other slots are waiting before them.
        lambda d: _due_rows().where(
            schedules.c.pool == SAFETY,
            schedules.c.next_due_at <= bindparam("now", type_=schedules.c.next_due_at.type),
        )
    )
    _due_count = Statement(
        lambda d: (
            select(func.count().label("due"))
            .select_from(schedules)
            .where(
                schedules.c.next_due_at >= bound(schedules.c.next_due_at, "start"),
                schedules.c.next_due_at < bound(schedules.c.next_due_at, "end"),
            )
        )
    )
    # A claim's delivery for one row, copied from her schedule row in SQL (her slot, chat and
    # cover): only what was decided is bound, so no instant is converted twice per row. It
    # runs before the row is moved on. No RETURNING on PostgreSQL: nobody reads the new ids.
    _queue_checkin = Statement(
        lambda d: (
            insert_for(d)(checkins)
            .from_select(
                [
                    *("user_id", "chat_id", "due_at", "cover"),
                    *("kind", "status", "attempts", "encouragement", "question"),
                ],
                select(
                    schedules.c.user_id,
                    schedules.c.chat_id,
                    schedules.c.next_due_at,
                    schedules.c.cover,
                    literal_column(f"'{CHECKIN}'", String),
                    literal_column(f"'{PENDING}'", String),
                    literal_column("0", Integer),
                    bound(checkins.c.encouragement),
                    bound(checkins.c.question),
                ).where(schedules.c.user_id == _uid),
            )
            .on_conflict_do_nothing()
            .inline()
        )
    )
    _enqueue = Statement(
        lambda d: (
            insert_for(d)(checkins)
            .values({c.key: bound(c) for c in checkins.c if c.key != "id"})
            .on_conflict_do_nothing()
        )
    )
    _advance = Statement(
        lambda d: (
            update(schedules)
            .where(schedules.c.user_id == _uid)
            .values(
                next_due_at=bound(schedules.c.next_due_at),
                paused_until=null(),
                seen=bound(schedules.c.seen),
                asked=bound(schedules.c.asked),
                pool=bound(schedules.c.pool),
                pool_rules=bound(schedules.c.pool_rules),
                updated_at=bound(schedules.c.updated_at, "now"),
            )
        )
    )

    async def claim_due(
        self,
        now: datetime,
        limit: int,
        decide: Callable[[Due], Claimed],
        *,
        front: datetime | None = None,
        safety: bool = False,
    ) -> int:
        """Claim up to `limit` due schedules: queue a check-in for each and move it on.

        Due means due by `now`, or by `front` when a busy minute goes out early
        (`spread`); the safety path's only by `now`. `safety`: only the safety
        path's, so they go out on time whatever is waiting before them.

        One transaction: the queued delivery and the new `next_due_at` commit
        together, so a slot is queued exactly once whatever happens after.

        Her pool key is read from her schedule row; her state only where the key
        is missing or was worked out under other rules than this process's last
        decisions (the first claim after a start reads every row's state; a
        changed plan.yaml makes each row read hers once). Each claim writes the
        key it used back, with the row's new `next_due_at`.
        """
        async with self._db.transaction() as tx:
            if safety:
                rows = await tx.all(self._due_safety, now=now, limit=limit, rules=self._rules)
            else:
                rows = await tx.all(
                    self._due, now=now, front=max(now, front or now), limit=limit, rules=self._rules
                )
            if not rows:
                return 0
            queued, moved = [], []
            rules = self._rules
            for row in rows:
                snap = snapshot(row)
                claim = decide(
                    Due(
                        row["user_id"],
                        row["chat_id"],
                        row["next_due_at"],
                        snap,
                        row["seen"] or [],
                        row["state"],
                        row["asked"],
                        row["pool"],
                        row["pool_rules"],
                    )
                )
                queued.append(
                    {
                        "user_id": row["user_id"],
                        "encouragement": claim.encouragement,
                        "question": claim.question,
                    }
                )
                moved.append(
                    {
                        "user_id": row["user_id"],
                        "next_due_at": claim.next_due_at,
                        "seen": claim.seen,
                        "asked": claim.question,
                        "pool": claim.pool,
                        "pool_rules": claim.pool_rules,
                        "now": now,
                    }
                )
                if row["state"] is not None:  # worked out from her state: today's rules
                    rules = claim.pool_rules
            await tx.many(self._queue_checkin, queued)
            await tx.many(self._advance, moved)
        self._rules = rules
        return len(rows)

    async def load(self, first: datetime, minutes: int, before: timedelta) -> tuple[int, list[int]]:
        """Slots due in `before` ahead of `first` (still waiting), and in each of the `minutes`
        minutes from `first`: what `spread.plan` works from. One indexed count a minute."""
        async with self._db.transaction() as tx:
            overdue = await tx.one(self._due_count, start=first - before, end=first)
            counts = []
            for i in range(minutes):
                start = first + timedelta(minutes=i)
                found = await tx.one(self._due_count, start=start, end=start + timedelta(minutes=1))
                counts.append(int(found["due"]) if found else 0)
        return (int(overdue["due"]) if overdue else 0), counts

    async def crowd(self, due: datetime, window: timedelta) -> int:
        """Slots due within `window` of `due`, before or after: how full her window is."""
        async with self._db.transaction() as tx:
            found = await tx.one(self._due_count, start=due - window, end=due + window)
        return int(found["due"]) if found else 0

    _history = Statement(
        lambda d: (
            select(
                checkins.c.due_at,
                checkins.c.mood,
                checkins.c.did,
                checkins.c.question,
                checkins.c.kind,
            )
            .where(
                checkins.c.user_id == _uid,
                (checkins.c.mood.is_not(None)) | (checkins.c.did.is_not(None)),
            )
            .order_by(checkins.c.due_at.desc())
            .limit(bindparam("limit", type_=Integer))
        )
    )

    async def history_in(self, tx: Any, user_id: int, limit: int = 30) -> list[Answered]:
        """Her answered check-ins and check-backs, oldest first."""
        rows = await tx.all(self._history, user_id=user_id, limit=limit)
        return [
            Answered(r["due_at"], r["mood"], r["did"], r["question"], r["kind"])
            for r in reversed(rows)
        ]

    _replace_pending = Statement(
        lambda d: (
            update(checkins)
            .where(
                checkins.c.user_id == _uid,
                checkins.c.status == PENDING,
                checkins.c.kind == URGE,
            )
            .values(status=CANCELLED)
        )
    )

    async def later_in(self, tx: Any, user_id: int, chat_id: int, later: Later) -> None:
        """Queue a one-off delivery (the check-back after /urge) in her turn's transaction;
        a check-back still waiting gives way to the new one (one at a time)."""
        if later.kind == URGE:
            await tx.run(self._replace_pending, user_id=user_id)
        await tx.run(
            self._enqueue,
            user_id=user_id,
            chat_id=chat_id,
            due_at=later.due_at,
            kind=later.kind,
            encouragement="",
            question=None,
            cover=later.cover,
            status=PENDING,
            attempts=0,
            not_before=later.due_at,
            message_id=None,
            sent_at=None,
            mood=None,
            did=None,
            note=None,
            answered_at=None,
            opened_at=None,
        )

    async def history(self, user_id: int, limit: int = 30) -> list[Answered]:
        async with self._db.transaction() as tx:
            return await self.history_in(tx, user_id, limit)
