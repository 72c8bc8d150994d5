"""The one place that runs queries. Adapters call it; handlers never see SQL.

`transition` is the write path of every update: read her state, apply the
pure flow to it, write the result, all in one transaction, so a crash between
two answers loses nothing and two workers never both move her on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL

from bot.db.models import User
from bot.db.prepared import prepare
from bot.db.sqlite import SqliteDatabase
from bot.db.url import sqlite_path

T = TypeVar("T")
StateDict = dict[str, Any]

users = User.__table__


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
        self._load = prepare(
            select(users.c.state).where(users.c.user_id == bindparam("user_id")), dialect
        )
        self._save = prepare(upsert, dialect)

    async def transition(
        self, user_id: int, chat_id: int, apply: Callable[[StateDict | None], tuple[StateDict, T]]
    ) -> T:
        """Run `apply` on her stored state and store what it returns, atomically.

        Nothing is written when the state did not change (a /help, a nudge).
        """
        async with self._db.transaction() as tx:
            row = await tx.one(self._load, user_id=user_id)
            before = row["state"] if row else None
            after, result = apply(before)
            if after != before:
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

    async def close(self) -> None:
        await self._db.close()


def open_store(url: URL) -> Store:
    """The store for `url` (already normalized and migrated)."""
    path = sqlite_path(url)
    if path is None:
        raise NotImplementedError("only SQLite is wired up so far")
    return Store(SqliteDatabase(path))
