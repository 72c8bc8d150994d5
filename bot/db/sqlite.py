"""The SQLite connection: WAL, one writer, transactions on the event loop that never block it.

A transaction here is a handful of statements of a few microseconds each, so
it runs inline instead of hopping to a thread (a hop costs more than the work,
see `prepared`). Statements on one connection never interleave: an in-process
lock serialises transactions.

Another process (a console on the same file, a migration, a backup) may hold
SQLite's write lock. SQLite's own busy handler would wait for it by sleeping
inside `sqlite3`, which freezes the event loop, and so every user, for as long
as the lock is held. Here the busy timeout is zero and the waiting is done with
`asyncio.sleep`:

- A transaction begins DEFERRED: in WAL mode its reads run on a snapshot and
  take no lock, so a turn that only reads (/help) never waits for a writer.
- Its first write takes the write lock. If another process holds it (or wrote
  since the snapshot), SQLite answers BUSY at once. The transaction is rolled
  back, the connection is left to others while this one naps, and
  `BEGIN IMMEDIATE` is tried again until `LOCK_WAIT` runs out. With the lock
  held, the reads it had already made are made again: if they read the same,
  everything decided from them still holds and the transaction carries on; if
  not, it fails with `Conflict` (never a silent lost update).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from bot.db.checkpoint import Checkpointer
from bot.db.prepared import Prepared

OPEN_TIMEOUT_MS = 5000
"""Opening the file (before the event loop runs) may block while another process holds a lock."""

LOCK_WAIT = 5.0
"""How long a write waits for another process's write lock before it fails."""

FIRST_NAP, LONGEST_NAP = 0.002, 0.05
"""Naps between tries for the write lock: 2 ms, doubling up to 50 ms."""

SQLITE_BUSY = 5

Fetch = Callable[[sqlite3.Cursor], Any]


class Conflict(sqlite3.OperationalError):
    """Another process changed what this transaction had read while it waited to write."""


def create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite does."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)


def _busy(exc: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT, BUSY_RECOVERY, ...)."""
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF == SQLITE_BUSY


def _one(cursor: sqlite3.Cursor) -> Any:
    return cursor.fetchone()


def _all(cursor: sqlite3.Cursor) -> Any:
    return cursor.fetchall()


def _nothing(cursor: sqlite3.Cursor) -> Any:
    return cursor.rowcount


class SqliteTx:
    """The statements of one transaction, and what it read before it held the write lock."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        self._cursor = db._conn.cursor()
        self._reads: list[tuple[str, tuple[Any, ...], Fetch, Any]] = []
        self._writing = False
        self.holds_lock = True
        """Whether this transaction holds the in-process lock (it lets go while it naps)."""

    async def one(self, query: Prepared, **values: Any) -> dict[str, Any] | None:
        raw = await self._execute(query.sql, query.args(values), _one)
        return query.row(raw) if raw is not None else None

    async def all(self, query: Prepared, **values: Any) -> list[dict[str, Any]]:
        return [query.row(r) for r in await self._execute(query.sql, query.args(values), _all)]

    async def run(self, query: Prepared, **values: Any) -> int:
        return int(await self._execute(query.sql, query.args(values), _nothing))

    async def many(self, query: Prepared, rows: list[dict[str, Any]]) -> None:
        batch = [query.args(r) for r in rows]
        try:
            self._cursor.executemany(query.sql, batch)
        except sqlite3.OperationalError as exc:
            if self._writing or not _busy(exc):
                raise
            await self._take_write_lock()
            self._cursor.executemany(query.sql, batch)
        self._writing = True

    async def _execute(self, sql: str, args: tuple[Any, ...], fetch: Fetch) -> Any:
        reading = sql.lstrip()[:6].upper() == "SELECT"
        try:
            result = fetch(self._cursor.execute(sql, args))
        except sqlite3.OperationalError as exc:
            if self._writing or not _busy(exc):
                raise
            await self._take_write_lock()
            result = fetch(self._cursor.execute(sql, args))
        if not reading:
            self._writing = True
        elif not self._writing:
            self._reads.append((sql, args, fetch, result))
        return result

    async def _take_write_lock(self) -> None:
        """Start again holding the write lock; the reads made so far must still read the same."""
        if self._db._conn.in_transaction:
            self._cursor.execute("ROLLBACK")
        await self._db._begin_immediate(self)
        self._writing = True
        for sql, args, fetch, seen in self._reads:
            if fetch(self._cursor.execute(sql, args)) != seen:
                raise Conflict("another process changed the rows this transaction read")
        self._reads.clear()

    def _finish(self, statement: str) -> None:
        if self.holds_lock and self._db._conn.in_transaction:
            self._cursor.execute(statement)


class SqliteDatabase:
    """One connection to the bot's SQLite file, tuned for many small writes."""

    dialect: Dialect = sqlite_dialect.dialect(paramstyle="qmark")

    def __init__(self, path: Path, *, lock_wait: float = LOCK_WAIT) -> None:
        create_private_file(path)
        self.lock_wait = lock_wait
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in (
            f"busy_timeout={OPEN_TIMEOUT_MS}",
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            # Deleted rows are overwritten with zeros, not left readable in free pages:
            # after /forget her words are gone from the file, not just unlinked.
            "secure_delete=ON",
            # 32 MiB of page cache (default 2 MiB): a claim among a million schedules
            # reads index and table pages spread over the file.
            "cache_size=-32768",
            # From here on a lock held by another process is waited for in `_begin_immediate`,
            # with the event loop free, never inside sqlite3.
            "busy_timeout=0",
            # The log is folded into the file on a thread of its own (see `checkpoint`),
            # never inside a commit on the event loop.
            "wal_autocheckpoint=0",
        ):
            self._conn.execute(f"PRAGMA {pragma}")
        self._lock = asyncio.Lock()
        self._checkpointer = Checkpointer(path)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTx]:
        await self._lock.acquire()
        tx = SqliteTx(self)
        try:
            tx._cursor.execute("BEGIN")
            try:
                yield tx
            except BaseException:
                tx._finish("ROLLBACK")
                raise
            tx._finish("COMMIT")
            if tx._writing:
                self._checkpointer.written()
        finally:
            if tx.holds_lock:
                self._lock.release()

    async def _begin_immediate(self, tx: SqliteTx) -> None:
        """Take the write lock, napping with the connection free for others while it is held."""
        deadline = time.monotonic() + self.lock_wait
        nap = FIRST_NAP
        while True:
            try:
                tx._cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() >= deadline:
                    raise
            tx.holds_lock = False
            self._lock.release()
            try:
                await asyncio.sleep(nap)
            finally:
                await self._lock.acquire()
                tx.holds_lock = True
            nap = min(nap * 2, LONGEST_NAP)

    async def scrub(self) -> None:
        """Fold the write-ahead log into the file and empty it, so rows just deleted (and
        zeroed there by `secure_delete`) leave no copy in the -wal file either."""
        async with self._lock:
            deadline = time.monotonic() + self.lock_wait
            nap = FIRST_NAP
            while True:
                # On a thread: it ends with an fsync, and the loop has others to answer.
                busy, _, _ = await asyncio.to_thread(self._truncate_log)
                if not busy or time.monotonic() >= deadline:
                    return
                await asyncio.sleep(nap)  # another process is reading; it soon lets go
                nap = min(nap * 2, LONGEST_NAP)

    def _truncate_log(self) -> tuple[int, int, int]:
        """A TRUNCATE checkpoint: (busy, log pages, pages checkpointed)."""
        return self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()  # type: ignore[no-any-return]

    async def close(self) -> None:
        await asyncio.to_thread(self._checkpointer.close)
        self._conn.close()
