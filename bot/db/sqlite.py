"""The SQLite connection: WAL, one writer, transactions run on the event loop.

A transaction here is a handful of statements of a few microseconds each, so
it runs inline instead of hopping to a thread (a hop costs more than the work,
see `prepared`). Statements on one connection never interleave: an in-process
lock serialises transactions, and `BEGIN IMMEDIATE` with `busy_timeout` makes
another process (a console, a migration) wait its turn instead of failing.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from bot.db.prepared import Prepared

BUSY_TIMEOUT_MS = 5000


def create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite does."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)


class SqliteTx:
    """The statements of one transaction."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def one(self, query: Prepared, **values: Any) -> dict[str, Any] | None:
        raw = self._cursor.execute(query.sql, query.args(values)).fetchone()
        return query.row(raw) if raw is not None else None

    async def all(self, query: Prepared, **values: Any) -> list[dict[str, Any]]:
        return [query.row(r) for r in self._cursor.execute(query.sql, query.args(values))]

    async def run(self, query: Prepared, **values: Any) -> int:
        return self._cursor.execute(query.sql, query.args(values)).rowcount

    async def many(self, query: Prepared, rows: list[dict[str, Any]]) -> None:
        self._cursor.executemany(query.sql, [query.args(r) for r in rows])


class SqliteDatabase:
    """One connection to the bot's SQLite file, tuned for many small writes."""

    dialect: Dialect = sqlite_dialect.dialect(paramstyle="qmark")

    def __init__(self, path: Path) -> None:
        create_private_file(path)
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
            "foreign_keys=ON",
            # 32 MiB of page cache (default 2 MiB): a claim among a million schedules
            # reads index and table pages spread over the file.
            "cache_size=-32768",
        ):
            self._conn.execute(f"PRAGMA {pragma}")
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTx]:
        async with self._lock:
            cursor = self._conn.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTx(cursor)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    async def close(self) -> None:
        self._conn.close()
