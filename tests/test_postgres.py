"""What only PostgreSQL has to prove: several workers on one database never step on each other.

The rest of the suite runs on PostgreSQL as well when TEST_DATABASE_URL is set
(`.ci/run` does it); these tests are about concurrency SQLite never sees,
because there one writer at a time is the rule.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url

from bot.core.checkins.records import Claimed, Due
from bot.core.replies import Effect
from bot.db.database import Database, open_database
from bot.db.migrate import alembic_config, upgrade
from bot.db.models import Base
from bot.db.postgres import PostgresDatabase, dsn
from bot.db.turns import Decision
from tests.dbcheck import fresh_database, needs_postgres, rows

T0 = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


def test_claims_skip_rows_other_senders_hold_and_turns_lock_her_row() -> None:
    db = Database(PostgresDatabase(make_url("postgresql+asyncpg://bot@localhost/bot")))
    assert db.queue._due.sql.endswith("FOR UPDATE OF schedules SKIP LOCKED")
    assert db.turns._load_for_turn.sql.endswith("FOR NO KEY UPDATE")


async def _due_everywhere(url: URL, people: int) -> None:
    """`people` users with a daily 19:00 UTC plan, all due at T0, written in two statements."""
    conn = await asyncpg.connect(dsn(url))
    try:
        await conn.execute(
            "INSERT INTO users (user_id, chat_id, state, created_at, updated_at)"
            " SELECT g, g, '{}', $1, $1 FROM generate_series(1, $2::int) AS g",
            T0,
            people,
        )
        await conn.execute(
            "INSERT INTO schedules (user_id, chat_id, cadence, hour, minute, zone, next_due_at,"
            " active, seen, created_at, updated_at)"
            " SELECT g, g, 'daily', 19, 0, 'UTC', $1, true, '[]', $1, $1"
            " FROM generate_series(1, $2::int) AS g",
            T0,
            people,
        )
    finally:
        await conn.close()


@needs_postgres
async def test_senders_claiming_together_queue_every_check_in_exactly_once(
    db_url: URL,
) -> None:
    people, workers, batch = 2000, 4, 50
    await _due_everywhere(db_url, people)
    stores = [open_database(db_url) for _ in range(workers)]
    decided: list[list[int]] = [[] for _ in range(workers)]

    async def sender(n: int) -> int:
        def decide(due: Due) -> Claimed:
            decided[n].append(due.user_id)
            return Claimed("steady", ["steady"], due.due_at + timedelta(days=1))

        claimed = 0
        while taken := await stores[n].queue.claim_due(T0, batch, decide):
            claimed += taken
            await asyncio.sleep(0)  # let the others in between batches, as separate processes would
        return claimed

    try:
        claimed = await asyncio.gather(*(sender(n) for n in range(workers)))
    finally:
        for store in stores:
            await store.close()

    everyone = Counter(user for mine in decided for user in mine)
    assert sum(claimed) == people
    assert set(everyone) == set(range(1, people + 1))
    assert set(everyone.values()) == {1}
    assert all(claimed), f"every sender should have had a share: {claimed}"
    assert rows(db_url, "SELECT count(*), count(DISTINCT user_id) FROM checkins") == [
        (people, people)
    ]
    assert rows(db_url, "SELECT min(next_due_at) FROM schedules") == [
        ("2026-11-25 19:00:00.000000",)
    ]


@needs_postgres
async def test_her_turns_through_two_workers_at_once_lose_no_answer(db_url: URL) -> None:
    first, second = open_database(db_url), open_database(db_url)
    await first.turns.turn(1, 1, lambda s, p, c: Decision({"answers": 0}, None), None, T0)

    def one_more(state: dict[str, Any] | None, *_: Any) -> Decision[None]:
        assert state is not None
        return Decision({"answers": state["answers"] + 1}, None)

    try:
        await asyncio.gather(
            *(s.turns.turn(1, 1, one_more, None, T0) for _ in range(10) for s in (first, second))
        )
        assert await first.turns.state_of(1) == {"answers": 20}
    finally:
        await first.close()
        await second.close()


@needs_postgres
async def test_what_she_stored_comes_back_as_python_values(db_url: URL) -> None:
    db = open_database(db_url)
    state = {"answers": {"safety": ["yes"]}, "note": "Ça va, ünïcode ✓", "n": 1.5, "none": None}
    try:
        await db.turns.turn(7, 70, lambda s, p, c: Decision(state, None), None, T0)
        done = await db.turns.turn(
            7, 70, lambda s, p, c: Decision(s, None, effect=Effect.EXPORT), None, T0
        )
    finally:
        await db.close()

    assert done.export is not None
    [user] = done.export["users"]
    assert user["state"] == state
    assert user["chat_id"] == 70
    assert user["created_at"] == T0
    assert user["created_at"].tzinfo is not None


@needs_postgres
def test_migrating_an_empty_database_twice_creates_every_table() -> None:
    with fresh_database() as url:
        upgrade(url)
        upgrade(url)
        found = rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert set(Base.metadata.tables) <= {name for (name,) in found}


@needs_postgres
def test_workers_starting_together_migrate_one_after_another() -> None:
    with fresh_database() as url:
        env = {**os.environ, "DATABASE_URL": url.render_as_string(hide_password=False)}
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "db", "upgrade"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(4)
        ]
        outputs = [worker.communicate(timeout=120)[0] for worker in workers]
        [(revision,)] = rows(url, "SELECT version_num FROM alembic_version")
    assert [w.returncode for w in workers] == [0] * len(workers), outputs
    assert revision == ScriptDirectory.from_config(alembic_config(url)).get_current_head()
