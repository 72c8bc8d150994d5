"""The one place that runs queries. Adapters call it; handlers never see SQL.

`transition` is the write path of every update: read her state, apply the
pure flow to it, write the result, all in one transaction, so a crash between
two answers loses nothing and two workers never both move her on.

`export` and `forget` cover every table with a `user_id` column, found from
the models, so a table added later is exported and deleted without a change here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL

from bot.db.models import Base, ChatMessage, User
from bot.db.prepared import Prepared, prepare
from bot.db.sqlite import SqliteDatabase
from bot.db.url import sqlite_path

T = TypeVar("T")
StateDict = dict[str, Any]

DELETABLE_FOR = timedelta(hours=48)
"""How long Telegram lets a bot delete a message in a private chat."""

users = User.__table__
messages = ChatMessage.__table__


def _her_tables() -> list[Table]:
    """Every table holding rows about one person, children before parents."""
    return [t for t in reversed(Base.metadata.sorted_tables) if "user_id" in t.c]


class Store:
    """Queries over one database, compiled for its dialect when the store opens."""

    def __init__(self, db: SqliteDatabase) -> None:
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
        self._load = prepare(select(users.c.state).where(users.c.user_id == uid), dialect)
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
        tables = _her_tables()
        self._everything: list[tuple[str, Prepared]] = [
            (t.name, prepare(select(t).where(t.c.user_id == uid), dialect)) for t in tables
        ]
        self._erase = [prepare(delete(t).where(t.c.user_id == uid), dialect) for t in tables]
        self._erase_messages = prepare(delete(messages).where(messages.c.user_id == uid), dialect)

    async def transition(
        self,
        user_id: int,
        chat_id: int,
        apply: Callable[[StateDict | None], tuple[StateDict | None, T]],
    ) -> T:
        """Run `apply` on her stored state and store what it returns, atomically.

        Nothing is written when the state did not change (a /help, a nudge) or
        when `apply` returns None for it.
        """
        async with self._db.transaction() as tx:
            row = await tx.one(self._load, user_id=user_id)
            before = row["state"] if row else None
            after, result = apply(before)
            if after is not None and after != before:
                now = datetime.now(UTC)
                await tx.run(
                    self._save,
                    user_id=user_id,
                    chat_id=chat_id,
                    state=after,
                    created_at=now,
                    updated_at=now,
                )
            return result

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
    """The store for `url` (already normalized and migrated)."""
    path = sqlite_path(url)
    if path is None:
        raise NotImplementedError("only SQLite is wired up so far")
    return Store(SqliteDatabase(path))
