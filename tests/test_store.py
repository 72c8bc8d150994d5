"""The store: one transaction per input, her state survives a restart, the file stays private."""

from __future__ import annotations

import sqlite3
import stat
from typing import Any

import pytest
from sqlalchemy.engine import URL

from bot.content import Content
from bot.conversation import Conversation
from bot.db.store import Store, open_store
from bot.db.url import sqlite_path
from bot.dialogue import Choice, Command
from tests.dbcheck import sqlite_only


async def test_restart_between_answers_keeps_her_place(content: Content, db_url: URL) -> None:
    first = open_store(db_url)
    await Conversation(content, first).handle(1, 1, Command("start"))
    await Conversation(content, first).handle(1, 1, Choice("safety", "yes"))
    await first.close()

    second = open_store(db_url)
    outcome = await Conversation(content, second).handle(1, 1, Choice("how_said", "calm"))
    await second.close()

    assert outcome.state.answers == {"safety": ("yes",), "how_said": ("calm",)}
    assert outcome.replies[-1].text == content.steps[2].question


async def test_a_failing_step_leaves_her_state_as_it_was(store: Store) -> None:
    await store.turn(1, 1, lambda _s, _p, _c: ({"step": "safety"}, None, None, None))

    def explode(*_: Any) -> tuple[dict[str, Any], None, None, None]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await store.turn(1, 1, explode)

    assert await store.state_of(1) == {"step": "safety"}
    await store.turn(1, 1, lambda s, _p, _c: ({**(s or {}), "after": True}, None, None, None))
    assert await store.state_of(1) == {"step": "safety", "after": True}


async def test_people_do_not_see_each_others_state(conversation: Conversation) -> None:
    await conversation.handle(1, 1, Command("start"))
    await conversation.handle(1, 1, Choice("safety", "no"))
    other = await conversation.handle(2, 2, Command("start"))

    assert other.state.answers == {}
    assert other.replies[0].text == conversation.content.messages["welcome"]


@sqlite_only
def test_the_database_file_is_private_and_in_wal_mode(db_url: URL, store: Store) -> None:
    path = sqlite_path(db_url)
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
