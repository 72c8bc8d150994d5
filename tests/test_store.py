"""The database: one transaction per input, her state survives a restart, the file stays private."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.engine import URL

from bot.content import Content
from bot.core.inputs import Choice, Command
from bot.db.database import Database, open_database
from bot.db.turns import Decision
from bot.db.url import sqlite_path
from bot.service import Service
from tests.dbcheck import sqlite_only


async def test_restart_between_answers_keeps_her_place(content: Content, db_url: URL) -> None:
    first = Service(content, open_database(db_url))
    await first.handle(1, 1, Command("start"))
    await first.handle(1, 1, Choice("safety", "yes"))
    await first.close()

    second = Service(content, open_database(db_url))
    outcome = (await second.handle(1, 1, Choice("how_said", "calm"))).outcome
    await second.close()

    assert outcome.state.answers == {"safety": ("yes",), "how_said": ("calm",)}
    assert outcome.replies[-1].text == content.steps[2].question


async def test_a_failing_step_leaves_her_state_as_it_was(db: Database) -> None:
    now = datetime.now(UTC)
    await db.turns.turn(1, 1, lambda _s, _p, _c: Decision({"step": "safety"}, None), None, now)

    def explode(*_: Any) -> Decision[None]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await db.turns.turn(1, 1, explode, None, now)

    assert await db.turns.state_of(1) == {"step": "safety"}
    await db.turns.turn(
        1, 1, lambda s, _p, _c: Decision({**(s or {}), "after": True}, None), None, now
    )
    assert await db.turns.state_of(1) == {"step": "safety", "after": True}


async def test_people_do_not_see_each_others_state(service: Service) -> None:
    await service.handle(1, 1, Command("start"))
    await service.handle(1, 1, Choice("safety", "no"))
    other = (await service.handle(2, 2, Command("start"))).outcome

    assert other.state.answers == {}
    assert other.replies[0].text == service.content.messages.welcome


@sqlite_only
def test_the_database_file_is_private_and_in_wal_mode(db_url: URL, db: Database) -> None:
    path = sqlite_path(db_url)
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
