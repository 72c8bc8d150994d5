"""A SQLite file locked by another process: reads go on, writes wait without freezing anyone.

Another connection (a console, a migration, a backup) holds SQLite's write lock
from a thread here, as another process would. The event loop must keep
turning meanwhile: every woman's update shares it.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.db.database import Database
from bot.db.sqlite import Conflict, SqliteDatabase
from bot.db.turns import Decision
from bot.db.url import sqlite_path
from tests.dbcheck import rows, sqlite_only

pytestmark = sqlite_only

HER, OTHER = 31, 32


def path_of(db_url: URL) -> Path:
    path = sqlite_path(db_url)
    assert path is not None
    return path


@contextmanager
def write_lock_held(path: Path, seconds: float, then: str = "ROLLBACK") -> Iterator[None]:
    """Another connection takes the write lock, keeps it for `seconds`, then ends with `then`."""
    taken = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        other.execute(then)
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(5)
    try:
        yield
    finally:
        holder.join()


@pytest.fixture
async def sqlite_store(db_url: URL) -> AsyncIterator[Database]:
    store = Database(SqliteDatabase(path_of(db_url)))
    yield store
    await store.close()


NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


async def set_state(store: Database, user_id: int, state: dict[str, int]) -> None:
    await store.turns.turn(user_id, user_id, lambda s, p, c: Decision(state, None), None, NOW)


class LoopWatch:
    """The longest the event loop went without turning, while it was watched."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.005)
            now = time.monotonic()
            self.longest = max(self.longest, now - last)
            last = now

    def __enter__(self) -> LoopWatch:
        self._task = asyncio.get_running_loop().create_task(self._watch())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def test_reading_goes_on_while_another_process_holds_the_write_lock(
    sqlite_store: Database, db_url: URL
) -> None:
    await set_state(sqlite_store, HER, {"v": 1, "step": 2})

    with write_lock_held(path_of(db_url), 0.8):
        started = time.monotonic()
        state = await sqlite_store.turns.state_of(HER)
        unchanged = await sqlite_store.turns.turn(
            HER, HER, lambda s, p, c: Decision(s, "read"), None, NOW
        )
        took = time.monotonic() - started

    assert state == {"v": 1, "step": 2}
    assert unchanged.result == "read"
    assert took < 0.2


async def test_a_write_waits_for_the_lock_while_the_loop_keeps_turning(
    sqlite_store: Database, db_url: URL
) -> None:
    await set_state(sqlite_store, HER, {"v": 1})
    with write_lock_held(path_of(db_url), 0.8), LoopWatch() as loop:
        started = time.monotonic()
        await sqlite_store.chat.remember(HER, HER, [101, 102])
        waited = time.monotonic() - started

    assert waited >= 0.5  # it really waited for the other connection
    assert loop.longest < 0.1  # and nobody else did
    assert rows(db_url, f"SELECT message_id FROM chat_messages WHERE user_id = {HER}") == [
        (101,),
        (102,),
    ]


async def test_others_are_served_while_a_write_waits_for_the_lock(
    sqlite_store: Database, db_url: URL
) -> None:
    await set_state(sqlite_store, OTHER, {"v": 1})
    await set_state(sqlite_store, HER, {"v": 1})

    with write_lock_held(path_of(db_url), 0.8):
        waiting = asyncio.ensure_future(sqlite_store.chat.remember(HER, HER, [7]))
        await asyncio.sleep(0.05)  # the write is napping for the lock now
        started = time.monotonic()
        other = await sqlite_store.turns.state_of(OTHER)
        took = time.monotonic() - started
        assert not waiting.done()
        await waiting

    assert other == {"v": 1}
    assert took < 0.2


async def test_a_turn_that_read_rows_another_process_then_changed_fails_instead_of_overwriting(
    sqlite_store: Database, db_url: URL
) -> None:
    await set_state(sqlite_store, HER, {"v": 1, "answer": 0})
    path = path_of(db_url)
    theirs = '{"v": 1, "answer": 2}'
    taken, read = threading.Event(), threading.Event()

    def other_process() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute(f"UPDATE users SET state = '{theirs}' WHERE user_id = {HER}")
        taken.set()
        read.wait(5)
        time.sleep(0.2)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=other_process)
    holder.start()
    taken.wait(5)

    def answer_one(state, plan, checkin):  # type: ignore[no-untyped-def]
        read.set()
        return Decision({**state, "answer": 1}, None)

    with pytest.raises(Conflict):
        await sqlite_store.turns.turn(HER, HER, answer_one, None, NOW)
    holder.join()

    assert rows(db_url, f"SELECT state FROM users WHERE user_id = {HER}") == [(theirs,)]


async def test_a_lock_held_too_long_fails_the_write_and_the_next_one_goes_through(
    db_url: URL,
) -> None:
    store = Database(SqliteDatabase(path_of(db_url), lock_wait=0.2))
    try:
        await set_state(store, HER, {"v": 1})
        with write_lock_held(path_of(db_url), 0.6), pytest.raises(sqlite3.OperationalError):
            await store.chat.remember(HER, HER, [1])
        await store.chat.remember(HER, HER, [2])
    finally:
        await store.close()

    assert rows(db_url, f"SELECT message_id FROM chat_messages WHERE user_id = {HER}") == [(2,)]


def in_database_file(path: Path, user_id: int) -> bool:
    """Whether her row is in the database file itself, the write-ahead log ignored."""
    frozen = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        found = frozen.execute("SELECT 1 FROM users WHERE user_id = ?", (user_id,)).fetchone()
    finally:
        frozen.close()
    return found is not None


def within_seconds(seconds: float, check: Callable[[], bool]) -> bool:
    """Whether `check` comes true within `seconds` (asked every 20 ms, off the event loop)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


async def test_the_log_is_folded_into_the_file_by_a_thread_not_inside_her_commit(
    db_url: URL,
) -> None:
    path = path_of(db_url)
    connection = SqliteDatabase(path)
    store = Database(connection)
    try:
        # No commit on the event loop checkpoints (that is where an fsync froze everyone)...
        assert connection._conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
        await set_state(store, HER, {"v": 1})
        # ...yet what she wrote reaches the database file itself, soon after.
        assert await asyncio.to_thread(within_seconds, 10, lambda: in_database_file(path, HER))
        assert connection._checkpointer.checkpoints >= 1
    finally:
        await store.close()
    assert not any(t.name.startswith("checkpoint ") for t in threading.enumerate())
