"""The test database, SQLite or PostgreSQL, and a look at its rows that reads the same on both.

Without `TEST_DATABASE_URL` every test gets a SQLite file in its own tmp_path.
With it (a PostgreSQL server, any database on it: `postgresql://user:pw@host:port/postgres`)
every test gets a database of its own on that server, created for the test and
dropped after it, so the whole suite runs against PostgreSQL unchanged.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy.engine import URL

from bot.core.checkins.records import ScheduleWrite
from bot.core.replies import Effect
from bot.db.database import Database
from bot.db.postgres import dsn
from bot.db.turns import Decision
from bot.db.url import normalize, sqlite_path

T = TypeVar("T")

SERVER = os.environ.get("TEST_DATABASE_URL", "").strip()
"""A PostgreSQL server to run the tests against; empty for SQLite."""

needs_postgres = pytest.mark.skipif(
    not SERVER,
    reason="needs a PostgreSQL server: set TEST_DATABASE_URL=postgresql://user:pw@host:port/postgres"
    " (.ci/run starts one)",
)
sqlite_only = pytest.mark.skipif(
    bool(SERVER), reason="about SQLite's own file; TEST_DATABASE_URL runs on PostgreSQL"
)


def in_thread(start: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on an event loop of its own in a thread.

    Sync helpers are called from inside async tests, whose loop is running, so
    they cannot run a loop of their own on this thread.
    """
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(lambda: asyncio.run(start())).result()


async def _execute(target: str, sql: str) -> None:
    conn = await asyncpg.connect(target)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _fetch(target: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(target)
    try:
        return await conn.fetch(sql)
    finally:
        await conn.close()


@contextmanager
def fresh_database() -> Iterator[URL]:
    """An empty database on the server, dropped afterwards even if a store left it open."""
    server = normalize(SERVER)
    name = f"steady_test_{uuid.uuid4().hex[:16]}"
    admin = dsn(server)
    in_thread(lambda: _execute(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name)
    finally:
        in_thread(lambda: _execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _as_sqlite(value: Any) -> Any:
    """A value as Python's sqlite3 returns it from the bot's SQLite file."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def rows(url: URL, sql: str) -> list[tuple[Any, ...]]:
    """The rows `sql` reads, as sqlite3 gives them: instants as UTC text, booleans as 0 and 1.

    Tests look past the store at what it wrote; this lets one assertion hold on both databases.
    """
    path = sqlite_path(url)
    if path is not None:
        with closing(sqlite3.connect(path)) as db:
            return db.execute(sql).fetchall()
    fetched = in_thread(lambda: _fetch(dsn(url), sql))
    return [tuple(_as_sqlite(v) for v in r) for r in fetched]


def execute(url: URL, sql: str) -> None:
    """Run statements (`;`-separated) outside the bot, as an operator or another process would."""
    path = sqlite_path(url)
    if path is not None:
        with closing(sqlite3.connect(path)) as db:
            db.executescript(sql)
        return
    in_thread(lambda: _execute(dsn(url), sql))


def instant(url: URL, moment: datetime) -> str:
    """An SQL literal for an aware instant, stored the way the bot stores it on this database."""
    utc = moment.astimezone(UTC)
    if sqlite_path(url) is not None:
        return f"'{utc:%Y-%m-%d %H:%M:%S.%f}'"
    return f"'{utc.isoformat()}'::timestamptz"


async def plant(
    db: Database,
    user_id: int,
    now: datetime,
    *,
    state: dict[str, Any] | None = None,
    write: ScheduleWrite | None = None,
) -> None:
    """Store a state and a schedule for her as a turn of the bot would (no conversation)."""
    keep = state if state is not None else {"v": 1}
    await db.turns.turn(
        user_id, user_id, lambda s, p, c: Decision(keep if s is None else s, None, write), None, now
    )


async def forget(db: Database, user_id: int, now: datetime) -> None:
    """Delete everything about her as "Yes, delete everything" does."""
    await db.turns.turn(
        user_id, user_id, lambda s, p, c: Decision(None, None, effect=Effect.FORGET), None, now
    )
