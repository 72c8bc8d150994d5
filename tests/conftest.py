"""Shared fixtures: the real content, a fresh migrated database per test."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.content import Content, load_content
from bot.conversation import Conversation
from bot.db.migrate import upgrade
from bot.db.store import Store, open_store
from bot.db.url import normalize

# As `python -m bot` runs: python-telegram-bot reports time periods as timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "1")


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def db_url(tmp_path: Path) -> URL:
    """A migrated SQLite file of this test's own."""
    url = normalize(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    upgrade(url)
    return url


@pytest.fixture
async def store(db_url: URL) -> AsyncIterator[Store]:
    opened = open_store(db_url)
    yield opened
    await opened.close()


@pytest.fixture
def conversation(content: Content, store: Store) -> Conversation:
    return Conversation(content, store)
