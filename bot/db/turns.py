"""Her turns: read her state, let the core decide, write the result, all in one transaction.

Everything an input does happens in its turn's transaction: her new state,
her schedule, her answer to a check-in, and the effect (export every row about
her, delete every row about her, take the message ids to hide, read her
history). So /forget cannot half happen, and a crash between two answers
loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Generic, Literal, TypeVar

from sqlalchemy import Integer, bindparam, case, delete, exists, func, null, select, update

from bot.core.checkins.records import (
    CHECKIN,
    Answered,
    Delivered,
    Later,
    Record,
    ScheduleWrite,
    Snapshot,
)
from bot.core.replies import Effect
from bot.db.chat import ChatMessages
from bot.db.models import CANCELLED, PENDING, checkins, her_tables, schedules, users
from bot.db.queries import Queries, Statement, bound, insert_for
from bot.db.queue import PLAN_COLUMNS, CheckinQueue, snapshot

T = TypeVar("T")
StateDict = dict[str, Any]
_uid = bindparam("user_id")


@dataclass(frozen=True)
class Pool:
    """Her encouragement pool's key, and the content rules it was worked out under."""

    key: str
    rules: str


KEEP: Final = "keep"
"""Her answers and her path did not change this turn: her schedule's pool stands."""


@dataclass(frozen=True)
class Decision(Generic[T]):
    """What the core decided in a turn, as the store needs it."""

    state: StateDict | None
    """Her new state; None leaves a person with no row without one."""
    result: T
    write: ScheduleWrite | None = None
    record: Record | None = None
    effect: Effect | None = None
    later: Later | None = None
    cover_queued: str | None = None
    """Her queued deliveries that would go out plainly go out behind this neutral line."""
    pool: Pool | Literal["keep"] | None = None
    """What her schedule row's pool becomes: a `Pool` the core worked out, or `KEEP`.
    None (not worked out): if her state changes, the key is cleared and her next claim
    works it out from her state, so a key never outlives the answers it came from."""


Apply = Callable[[StateDict | None, Snapshot | None, Delivered | None], Decision[T]]
"""One turn of the pure core: her state, schedule and check-in in; what to store out."""


@dataclass
class Done(Generic[T]):
    """A turn's result, and what its effect found in the same transaction."""

    result: T
    deletable: list[tuple[int, int]] = field(default_factory=list)
    """(chat_id, message_id) of her chat's messages to delete (hide, forget)."""
    export: dict[str, list[dict[str, Any]]] | None = None
    history: list[Answered] | None = None
    unrecorded: tuple[int, ...] = ()
    """Her message's id, when the turn wrote nothing to carry it: to record after replying."""


class Turns(Queries):
    def __init__(self, db: Any, chat: ChatMessages, queue: CheckinQueue) -> None:
        super().__init__(db)
        self._chat, self._queue = chat, queue
        d = db.dialect
        from bot.db.prepared import prepare

        tables = her_tables()
        self._everything = [
            (t.name, prepare(select(t).where(t.c.user_id == _uid), d)) for t in tables
        ]
        # Children first, though each hangs off her row and would go with it anyway.
        self._erase = [prepare(delete(t).where(t.c.user_id == _uid), d) for t in tables]

    _load = Statement(lambda d: select(users.c.state).where(users.c.user_id == _uid))
    # Her state, and whether she has a schedule, so the turns of a woman without one (every
    # answer of her first assessment) read nothing more. Her turns queue on her row on
    # PostgreSQL, so two workers never both move her on (SQLite's writers already take
    # turns; it ignores the clause). NO KEY: the key-share lock a claim takes here when it
    # queues her check-in does not wait for her turn, so a turn waiting on a schedule row
    # that claim holds cannot deadlock with it.
    _load_for_turn = Statement(
        lambda d: (
            select(
                users.c.state,
                exists().where(schedules.c.user_id == users.c.user_id).label("scheduled"),
            )
            .where(users.c.user_id == _uid)
            .with_for_update(key_share=True)
        )
    )
    _schedule = Statement(
        lambda d: select(*(schedules.c[c] for c in PLAN_COLUMNS), schedules.c.late_seconds).where(
            schedules.c.user_id == _uid
        )
    )
    _checkin = Statement(
        lambda d: select(
            checkins.c.id,
            checkins.c.mood,
            checkins.c.did,
            checkins.c.encouragement,
            checkins.c.question,
            checkins.c.kind,
            checkins.c.cover,
        ).where(checkins.c.id == bindparam("id"), checkins.c.user_id == _uid)
    )

    async def turn(
        self,
        user_id: int,
        chat_id: int,
        apply: Apply[T],
        checkin_id: int | None,
        now: datetime,
        incoming: int | None = None,
    ) -> Done[T]:
        """One turn of her conversation in one transaction.

        Her state, her schedule and the check-in a button points at are read;
        `apply` decides; the new state, the schedule change, her answer and the
        effect are carried out before the transaction commits, so they happen
        together or not at all. Nothing is written when nothing changed.
        `incoming`: the id of the message she sent, remembered with the turn.
        """
        async with self._db.transaction() as tx:
            row = await tx.one(self._load_for_turn, user_id=user_id)
            before = row["state"] if row else None
            scheduled = row is not None and row["scheduled"]
            plan_row = await tx.one(self._schedule, user_id=user_id) if scheduled else None
            snap = snapshot(plan_row) if plan_row else None
            delivered = None
            if checkin_id is not None:
                found = await tx.one(self._checkin, id=checkin_id, user_id=user_id)
                if found:
                    delivered = Delivered(
                        found["id"],
                        found["mood"],
                        found["did"],
                        found["encouragement"],
                        found["question"],
                        found["kind"],
                        found["cover"],
                    )
            decided = apply(before, snap, delivered)
            if decided.effect is Effect.FORGET:
                return Done(decided.result, deletable=await self._forget_in(tx, user_id, now))
            after = decided.state
            changed = after is not None and after != before
            needs_row = (decided.write or decided.later) and row is None
            saving = changed or bool(needs_row)
            if saving:
                await self._save_in(
                    tx, user_id, chat_id, after if after is not None else {}, now, row is not None
                )
            pool = decided.pool if isinstance(decided.pool, Pool) else None
            if decided.write is not None:
                await self._write_schedule_in(tx, user_id, chat_id, decided.write, pool, now)
            elif scheduled and (pool is not None or (decided.pool is None and changed)):
                await tx.run(
                    self._set_pool,
                    user_id=user_id,
                    pool=pool.key if pool else None,
                    pool_rules=pool.rules if pool else None,
                )
            if decided.record is not None:
                await self._record_in(tx, user_id, decided.record, now)
            if decided.later is not None:
                await self._queue.later_in(tx, user_id, chat_id, decided.later)
            if decided.cover_queued is not None:
                await tx.run(self._cover_queued, user_id=user_id, cover=decided.cover_queued)
            # Her message's id rides along with a turn that writes anyway; a turn that only
            # reads (/help) takes no write lock, and the caller records the id after replying.
            writing = saving or any(
                (decided.write, decided.record, decided.later, decided.cover_queued)
            )
            if incoming is not None and writing:
                await self._chat.remember_in(tx, user_id, chat_id, [incoming], now)
            done = await self._effect_in(tx, user_id, decided, now)
            done.unrecorded = () if incoming is None or writing else (incoming,)
            return done

    async def _effect_in(
        self, tx: Any, user_id: int, decided: Decision[T], now: datetime
    ) -> Done[T]:
        done = Done(decided.result)
        if decided.effect is Effect.HIDE:
            done.deletable = await self._chat.take_in(tx, user_id, now)
        elif decided.effect is Effect.EXPORT:
            done.export = {name: await tx.all(q, user_id=user_id) for name, q in self._everything}
        elif decided.effect is Effect.PROGRESS:
            done.history = await self._queue.history_in(tx, user_id)
        return done

    async def _forget_in(self, tx: Any, user_id: int, now: datetime) -> list[tuple[int, int]]:
        """Every row about her goes; what is returned is her chat's messages still deletable."""
        deletable = await self._chat.deletable_in(tx, user_id, now)
        for query in self._erase:
            await tx.run(query, user_id=user_id)
        return deletable

    _save = Statement(
        lambda d: (
            lambda upsert: upsert.on_conflict_do_update(
                index_elements=[users.c.user_id],
                set_={
                    "chat_id": upsert.excluded.chat_id,
                    "state": upsert.excluded.state,
                    "updated_at": upsert.excluded.updated_at,
                },
            )
        )(insert_for(d)(users))
    )

    _update = Statement(
        lambda d: (
            update(users)
            .where(users.c.user_id == _uid)
            .values(
                chat_id=bound(users.c.chat_id),
                state=bound(users.c.state),
                updated_at=bound(users.c.updated_at, "now"),
            )
        )
    )

    async def _save_in(
        self, tx: Any, user_id: int, chat_id: int, state: StateDict, now: datetime, has_row: bool
    ) -> None:
        if has_row:  # her row was read in this transaction: a plain UPDATE, no conflict to try
            await tx.run(self._update, user_id=user_id, chat_id=chat_id, state=state, now=now)
            return
        # A schedule or a check-back for someone with no row yet needs the row it hangs off;
        # the upsert also covers a row another process created since the read (SQLite has
        # one writer; on PostgreSQL a row that did not exist could not be locked).
        await tx.run(
            self._save,
            user_id=user_id,
            chat_id=chat_id,
            state=state,
            created_at=now,
            updated_at=now,
        )

    _write_schedule = Statement(
        lambda d: (
            lambda upsert: upsert.on_conflict_do_update(
                index_elements=[schedules.c.user_id],
                set_={
                    k: upsert.excluded[k]
                    for k in (*PLAN_COLUMNS, "chat_id", "pool", "pool_rules", "updated_at")
                },
            )
        )(insert_for(d)(schedules))
    )
    _set_pool = Statement(
        lambda d: (
            update(schedules)
            .where(schedules.c.user_id == _uid)
            .values(
                pool=bound(schedules.c.pool),
                pool_rules=bound(schedules.c.pool_rules),
            )
        )
    )
    _cancel_pending = Statement(
        lambda d: (
            update(checkins)
            .where(
                checkins.c.user_id == _uid,
                checkins.c.status == PENDING,
                checkins.c.kind == CHECKIN,
            )
            .values(status=CANCELLED)
        )
    )

    _cover_queued = Statement(
        lambda d: (
            update(checkins)
            .where(
                checkins.c.user_id == _uid,
                checkins.c.status == PENDING,
                checkins.c.cover.is_(None),
            )
            .values(cover=bound(checkins.c.cover))
        )
    )

    async def _write_schedule_in(
        self,
        tx: Any,
        user_id: int,
        chat_id: int,
        write: ScheduleWrite,
        pool: Pool | None,
        now: datetime,
    ) -> None:
        plan = write.plan
        await tx.run(
            self._write_schedule,
            user_id=user_id,
            chat_id=chat_id,
            cadence=plan.cadence,
            hour=plan.hour,
            minute=plan.minute,
            zone=plan.zone,
            weekday=plan.weekday,
            anchor=plan.anchor,
            next_due_at=write.next_due_at,
            paused_until=write.paused_until,
            active=write.active,
            cover=write.cover,
            seen=[],
            asked=None,
            pool=pool.key if pool else None,
            pool_rules=pool.rules if pool else None,
            late_seconds=None,  # a new row; an existing one keeps how late hers have been
            created_at=now,
            updated_at=now,
        )
        if write.cancel_pending:
            await tx.run(self._cancel_pending, user_id=user_id)

    _record = Statement(
        lambda d: (
            update(checkins)
            .where(checkins.c.id == bindparam("id"), checkins.c.user_id == _uid)
            .values(
                mood=func.coalesce(bound(checkins.c.mood), checkins.c.mood),
                did=func.coalesce(bound(checkins.c.did), checkins.c.did),
                note=func.coalesce(bound(checkins.c.note), checkins.c.note),
                answered_at=func.coalesce(
                    bindparam("answered", type_=checkins.c.answered_at.type),
                    checkins.c.answered_at,
                ),
                opened_at=case(
                    (bindparam("opened", type_=Integer) == 1, bound(checkins.c.opened_at, "now")),
                    (bindparam("opened", type_=Integer) == 0, null()),
                    else_=checkins.c.opened_at,
                ),
            )
        )
    )

    async def _record_in(self, tx: Any, user_id: int, record: Record, now: datetime) -> None:
        await tx.run(
            self._record,
            id=record.checkin_id,
            user_id=user_id,
            mood=record.mood,
            did=record.did,
            note=record.note,
            answered=now if record.opened is None else None,
            opened={True: 1, False: 0, None: -1}[record.opened],
            now=now,
        )

    async def state_of(self, user_id: int) -> StateDict | None:
        async with self._db.transaction() as tx:
            row = await tx.one(self._load, user_id=user_id)
        return row["state"] if row else None
