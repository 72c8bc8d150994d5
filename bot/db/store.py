"""The one place that runs queries. Adapters call it; handlers never see SQL.

`transition` is the write path of every update: read her state, apply the
pure flow to it, write the result, all in one transaction, so a crash between
two answers loses nothing and two workers never both move her on.

`export` and `forget` cover every table with a `user_id` column, found from
the models, so a table added later is exported and deleted without a change here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    Integer,
    Table,
    Text,
    bindparam,
    delete,
    func,
    null,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL

from bot.checkins import Answered, Delivered, Record, ScheduleWrite, Snapshot
from bot.db.models import (
    CANCELLED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    UNKNOWN,
    Base,
    ChatMessage,
    Checkin,
    Schedule,
    User,
)
from bot.db.postgres import PostgresDatabase
from bot.db.prepared import Prepared, prepare
from bot.db.sqlite import SqliteDatabase
from bot.db.url import POSTGRESQL, sqlite_path

T = TypeVar("T")
StateDict = dict[str, Any]

DELETABLE_FOR = timedelta(hours=48)
"""How long Telegram lets a bot delete a message in a private chat."""

users = User.__table__
messages = ChatMessage.__table__
schedules = Schedule.__table__
checkins = Checkin.__table__

Apply = Callable[
    [StateDict | None, Snapshot | None, Delivered | None],
    tuple[StateDict | None, ScheduleWrite | None, Record | None, T],
]
"""One turn of the pure core: her state, schedule and check-in in; what to store out."""


@dataclass(frozen=True)
class Due:
    """A schedule row the dispatcher claimed: enough to pick her check-in and the next slot."""

    user_id: int
    chat_id: int
    due_at: datetime
    snapshot: Snapshot | None
    seen: list[str]
    state: StateDict | None


@dataclass(frozen=True)
class Claimed:
    """What the dispatcher decided for a due row: the encouragement and the next slot."""

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


def snapshot(row: dict[str, Any]) -> Snapshot | None:
    """Her schedule row as the core's `Snapshot`; None if it no longer makes a valid plan."""
    from bot.schedule import Plan

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


def _her_tables() -> list[Table]:
    """Every table holding rows about one person, children before parents."""
    return [t for t in reversed(Base.metadata.sorted_tables) if "user_id" in t.c]


class Store:
    """Queries over one database, compiled for its dialect when the store opens."""

    def __init__(self, db: SqliteDatabase | PostgresDatabase) -> None:
        self._db = db
        dialect = db.dialect
        insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
        upsert = insert(users)
        upsert = upsert.on_conflict_do_update(
            index_elements=[users.c.user_id],
            set_={
                "chat_id": upsert.excluded.chat_id,
                "state": upsert.excluded.state,
                "updated_at": upsert.excluded.updated_at,
            },
        )
        uid = bindparam("user_id")
        load = select(users.c.state).where(users.c.user_id == uid)
        self._load = prepare(load, dialect)
        # Her turns queue on her row on PostgreSQL, so two workers never both move her on
        # (SQLite's writers already take turns; it ignores the clause). NO KEY: the key-share
        # lock a claim takes here when it queues her check-in does not wait for her turn, so a
        # turn waiting on a schedule row that claim holds cannot deadlock with it.
        self._load_for_turn = prepare(load.with_for_update(key_share=True), dialect)
        self._save = prepare(upsert, dialect)
        self._remember = prepare(insert(messages).on_conflict_do_nothing(), dialect)
        self._prune = prepare(
            delete(messages).where(
                messages.c.user_id == uid, messages.c.sent_at < bindparam("before")
            ),
            dialect,
        )
        self._recent = prepare(
            select(messages.c.chat_id, messages.c.message_id).where(
                messages.c.user_id == uid, messages.c.sent_at >= bindparam("since")
            ),
            dialect,
        )
        self._compile_checkin_queries(dialect, insert)
        tables = _her_tables()
        self._everything: list[tuple[str, Prepared]] = [
            (t.name, prepare(select(t).where(t.c.user_id == uid), dialect)) for t in tables
        ]
        self._erase = [prepare(delete(t).where(t.c.user_id == uid), dialect) for t in tables]
        self._erase_messages = prepare(delete(messages).where(messages.c.user_id == uid), dialect)

    def _compile_checkin_queries(self, dialect: Any, insert: Any) -> None:
        uid = bindparam("user_id")
        plan_columns = [
            schedules.c[c]
            for c in (
                *("cadence", "hour", "minute", "zone", "weekday", "anchor"),
                *("next_due_at", "paused_until", "active"),
            )
        ]
        self._schedule = prepare(
            select(*plan_columns, schedules.c.seen).where(schedules.c.user_id == uid), dialect
        )
        upsert = insert(schedules)
        changing = [c.key for c in plan_columns] + ["chat_id", "updated_at"]
        self._write_schedule = prepare(
            upsert.on_conflict_do_update(
                index_elements=[schedules.c.user_id],
                set_={k: upsert.excluded[k] for k in changing},
            ),
            dialect,
        )
        self._cancel_pending = prepare(
            update(checkins)
            .where(checkins.c.user_id == uid, checkins.c.status == PENDING)
            .values(status=CANCELLED),
            dialect,
        )
        self._checkin = prepare(
            select(checkins.c.id, checkins.c.mood, checkins.c.kept, checkins.c.encouragement).where(
                checkins.c.id == bindparam("id"), checkins.c.user_id == uid
            ),
            dialect,
        )
        self._record = prepare(
            update(checkins)
            .where(checkins.c.id == bindparam("id"), checkins.c.user_id == uid)
            .values(
                mood=func.coalesce(bindparam("mood", type_=Integer), checkins.c.mood),
                kept=func.coalesce(bindparam("kept", type_=Boolean), checkins.c.kept),
                note=func.coalesce(bindparam("note", type_=Text), checkins.c.note),
                answered_at=bindparam("now", type_=checkins.c.answered_at.type),
            ),
            dialect,
        )
        due = (
            select(
                schedules.c.user_id,
                schedules.c.chat_id,
                *plan_columns,
                schedules.c.seen,
                users.c.state,
            )
            .join(users, users.c.user_id == schedules.c.user_id)
            .where(schedules.c.next_due_at <= bindparam("now"))
            .order_by(schedules.c.next_due_at)
            .limit(bindparam("limit", type_=Integer))
        )
        # Several workers on PostgreSQL each take different rows; SQLite ignores the clause.
        self._due = prepare(due.with_for_update(of=schedules, skip_locked=True), dialect)
        queued = {c.key: bindparam(c.key, type_=c.type) for c in checkins.c if c.key != "id"}
        self._enqueue = prepare(insert(checkins).values(queued).on_conflict_do_nothing(), dialect)
        self._advance = prepare(
            update(schedules)
            .where(schedules.c.user_id == uid)
            .values(
                next_due_at=bindparam("next_due_at", type_=schedules.c.next_due_at.type),
                paused_until=null(),
                seen=bindparam("seen", type_=schedules.c.seen.type),
                updated_at=bindparam("now", type_=schedules.c.updated_at.type),
            ),
            dialect,
        )
        self._waiting = prepare(
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
            .limit(bindparam("limit", type_=Integer)),
            dialect,
        )
        cid = bindparam("id")
        self._start_sending = prepare(
            update(checkins)
            .where(checkins.c.id == cid, checkins.c.status == PENDING)
            .values(status=SENDING, attempts=checkins.c.attempts + 1),
            dialect,
        )
        self._sent = prepare(
            update(checkins)
            .where(checkins.c.id == cid)
            .values(
                status=SENT,
                message_id=bindparam("message_id", type_=checkins.c.message_id.type),
                sent_at=bindparam("now", type_=checkins.c.sent_at.type),
            ),
            dialect,
        )
        self._later = prepare(
            update(checkins)
            .where(checkins.c.id == cid)
            .values(
                status=PENDING,
                not_before=bindparam("not_before", type_=checkins.c.not_before.type),
            ),
            dialect,
        )
        self._failed = prepare(
            update(checkins).where(checkins.c.id == cid).values(status=FAILED), dialect
        )
        self._deactivate = prepare(
            update(schedules)
            .where(schedules.c.user_id == uid)
            .values(active=False, next_due_at=None),
            dialect,
        )
        self._recover = prepare(
            update(checkins).where(checkins.c.status == SENDING).values(status=UNKNOWN), dialect
        )
        self._history = prepare(
            select(checkins.c.due_at, checkins.c.mood, checkins.c.kept)
            .where(
                checkins.c.user_id == uid,
                (checkins.c.mood.is_not(None)) | (checkins.c.kept.is_not(None)),
            )
            .order_by(checkins.c.due_at.desc())
            .limit(bindparam("limit", type_=Integer)),
            dialect,
        )

    async def turn(
        self,
        user_id: int,
        chat_id: int,
        apply: Apply[T],
        checkin_id: int | None = None,
        now: datetime | None = None,
    ) -> T:
        """One turn of her conversation in one transaction.

        Her state, her schedule and the check-in a button points at are read;
        `apply` decides; the new state, the schedule change and her answer are
        written before the transaction commits, so they move together or not at all.
        Nothing is written when nothing changed.
        """
        now = now or datetime.now(UTC)
        async with self._db.transaction() as tx:
            row = await tx.one(self._load_for_turn, user_id=user_id)
            before = row["state"] if row else None
            plan_row = await tx.one(self._schedule, user_id=user_id)
            snap = snapshot(plan_row) if plan_row else None
            delivered = None
            if checkin_id is not None:
                found = await tx.one(self._checkin, id=checkin_id, user_id=user_id)
                if found:
                    delivered = Delivered(
                        found["id"], found["mood"], found["kept"], found["encouragement"]
                    )
            after, write, record, result = apply(before, snap, delivered)
            if (after is not None and after != before) or (write and row is None):
                await tx.run(
                    self._save,
                    user_id=user_id,
                    chat_id=chat_id,
                    # A schedule for someone with no row yet needs the row it hangs off.
                    state=after if after is not None else {},
                    created_at=now,
                    updated_at=now,
                )
            if write is not None:
                await self._apply_write(tx, user_id, chat_id, write, now)
            if record is not None:
                await tx.run(
                    self._record,
                    id=record.checkin_id,
                    user_id=user_id,
                    mood=record.mood,
                    kept=record.kept,
                    note=record.note,
                    now=now,
                )
            return result

    async def _apply_write(
        self, tx: Any, user_id: int, chat_id: int, write: ScheduleWrite, now: datetime
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
            seen=[],
            created_at=now,
            updated_at=now,
        )
        if write.cancel_pending:
            await tx.run(self._cancel_pending, user_id=user_id)

    # ---- the dispatcher's side -------------------------------------------------------

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

    async def waiting(self, now: datetime, limit: int) -> list[Delivery]:
        """Queued check-ins ready to go, oldest first."""
        async with self._db.transaction() as tx:
            rows = await tx.all(self._waiting, now=now, limit=limit)
        return [
            Delivery(r["id"], r["user_id"], r["chat_id"], r["encouragement"], r["attempts"])
            for r in rows
        ]

    async def start_sending(self, delivery_id: int) -> bool:
        """Mark it as handed to Telegram; False if it was cancelled or taken meanwhile."""
        async with self._db.transaction() as tx:
            return await tx.run(self._start_sending, id=delivery_id) == 1

    async def sent(self, delivery_id: int, message_id: int, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.run(self._sent, id=delivery_id, message_id=message_id, now=now)

    async def later(self, delivery_id: int, not_before: datetime) -> None:
        """Telegram did not take it (a timeout, a flood wait): queue it again for `not_before`."""
        async with self._db.transaction() as tx:
            await tx.run(self._later, id=delivery_id, not_before=not_before)

    async def failed(self, delivery_id: int, *, blocked_user: int | None = None) -> None:
        """It will not go out; when she blocked the bot, her schedule is switched off too."""
        async with self._db.transaction() as tx:
            await tx.run(self._failed, id=delivery_id)
            if blocked_user is not None:
                await tx.run(self._deactivate, user_id=blocked_user)

    async def recover(self) -> int:
        """After a crash: check-ins that were with Telegram may have arrived; never resend them."""
        async with self._db.transaction() as tx:
            return await tx.run(self._recover)

    async def history(self, user_id: int, limit: int = 30) -> list[Answered]:
        """Her answered check-ins, oldest first."""
        async with self._db.transaction() as tx:
            rows = await tx.all(self._history, user_id=user_id, limit=limit)
        return [Answered(r["due_at"], r["mood"], r["kept"]) for r in reversed(rows)]

    async def state_of(self, user_id: int) -> StateDict | None:
        async with self._db.transaction() as tx:
            row = await tx.one(self._load, user_id=user_id)
        return row["state"] if row else None

    async def remember(self, user_id: int, chat_id: int, message_ids: Iterable[int]) -> None:
        """Note message ids in her chat; forget those Telegram would no longer let us delete."""
        now = datetime.now(UTC)
        rows = [
            {"user_id": user_id, "chat_id": chat_id, "message_id": m, "sent_at": now}
            for m in message_ids
        ]
        if not rows:
            return
        async with self._db.transaction() as tx:
            await tx.many(self._remember, rows)
            await tx.run(self._prune, user_id=user_id, before=now - DELETABLE_FOR)

    async def take_messages(self, user_id: int) -> list[tuple[int, int]]:
        """Her chat's deletable messages as (chat_id, message_id); the record of them goes."""
        since = datetime.now(UTC) - DELETABLE_FOR
        async with self._db.transaction() as tx:
            found = await tx.all(self._recent, user_id=user_id, since=since)
            await tx.run(self._erase_messages, user_id=user_id)
        return [(r["chat_id"], r["message_id"]) for r in found]

    async def export(self, user_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every row about her, table by table."""
        async with self._db.transaction() as tx:
            return {name: await tx.all(query, user_id=user_id) for name, query in self._everything}

    async def forget(self, user_id: int) -> list[tuple[int, int]]:
        """Delete every row about her in every table; return the messages still deletable."""
        since = datetime.now(UTC) - DELETABLE_FOR
        async with self._db.transaction() as tx:
            found = await tx.all(self._recent, user_id=user_id, since=since)
            for query in self._erase:
                await tx.run(query, user_id=user_id)
        return [(r["chat_id"], r["message_id"]) for r in found]

    async def close(self) -> None:
        await self._db.close()


def open_store(url: URL) -> Store:
    """The store for `url` (already normalized and migrated): SQLite or PostgreSQL."""
    path = sqlite_path(url)
    if path is not None:
        return Store(SqliteDatabase(path))
    if url.drivername == POSTGRESQL:
        return Store(PostgresDatabase(url))
    raise ValueError(f"no store for {url.drivername!r}")
