"""The PostgreSQL connection: an asyncpg pool, one pooled connection per transaction.

It offers what `sqlite.SqliteDatabase` offers (`dialect`, `transaction()` with
`one`, `all`, `run`, `many`), so `Store` runs on either unchanged. Statements
are compiled for SQLAlchemy's own asyncpg dialect: `$1` parameters with the
casts asyncpg needs to pick a type, and type processors written for asyncpg
(aware datetimes pass through; JSON is serialized to text by the processor and
decoded by a codec on the connection, the codecs SQLAlchemy itself installs).
Several processes can share the database: each transaction is a real one, and
the sender's `FOR UPDATE SKIP LOCKED` keeps their claims apart.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from sqlalchemy import Dialect
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import URL

from bot.db.prepared import Prepared

POOL_MIN, POOL_MAX = 1, 10
"""A transaction is a few short statements, so a handful of connections serve a busy worker;
ten per process keeps several workers well under PostgreSQL's default 100 connections."""


def dsn(url: URL) -> str:
    """The libpq-style URL asyncpg reads (query options such as `sslmode` pass through)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def rowcount(status: str) -> int:
    """Rows touched, from a command tag such as `UPDATE 3` or `INSERT 0 1`."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


async def _json_codecs(conn: asyncpg.Connection) -> None:
    """Decode json and jsonb as SQLAlchemy's asyncpg dialect expects (it encodes them to text)."""
    await conn.set_type_codec(
        "json",
        encoder=str.encode,
        decoder=lambda raw: json.loads(raw.decode()),
        schema="pg_catalog",
        format="binary",
    )
    # jsonb's binary form is a version byte, 1, then the text.
    await conn.set_type_codec(
        "jsonb",
        encoder=lambda text: b"\x01" + text.encode(),
        decoder=lambda raw: json.loads(raw[1:].decode()),
        schema="pg_catalog",
        format="binary",
    )


class PostgresTx:
    """The statements of one transaction, on its one connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def one(self, query: Prepared, **values: Any) -> dict[str, Any] | None:
        raw = await self._conn.fetchrow(query.sql, *query.args(values))
        return query.row(raw) if raw is not None else None

    async def all(self, query: Prepared, **values: Any) -> list[dict[str, Any]]:
        return [query.row(r) for r in await self._conn.fetch(query.sql, *query.args(values))]

    async def run(self, query: Prepared, **values: Any) -> int:
        return rowcount(await self._conn.execute(query.sql, *query.args(values)))

    async def many(self, query: Prepared, rows: list[dict[str, Any]]) -> None:
        await self._conn.executemany(query.sql, [query.args(r) for r in rows])


class PostgresDatabase:
    """A pool of connections to one PostgreSQL database.

    The pool is opened on the first transaction, not here: a pool belongs to
    the event loop that opens it, and the store is built before the bot's loop
    starts (as the SQLite one is).
    """

    dialect: Dialect = PGDialect_asyncpg()

    def __init__(self, url: URL) -> None:
        self._dsn = dsn(url)
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def _ready(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        self._dsn, min_size=POOL_MIN, max_size=POOL_MAX, init=_json_codecs
                    )
        return self._pool

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresTx]:
        pool = await self._ready()
        async with pool.acquire() as conn, conn.transaction():
            yield PostgresTx(conn)

    async def scrub(self) -> None:
        """Nothing to do here: deleted rows stay in dead tuples until VACUUM reclaims them
        (autovacuum, usually within minutes); see the README, "Her data"."""

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
