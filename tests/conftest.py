"""Shared fixtures: the real content, a fresh migrated database per test (see `dbcheck`)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.content import Content, load_content
from bot.db.database import Database, open_database
from bot.db.migrate import upgrade
from bot.db.url import normalize
from bot.service import Service
from tests.dbcheck import SERVER, fresh_database

# As `python -m bot` runs: python-telegram-bot reports time periods as timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "1")


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[URL]:
    """A migrated database of this test's own: a SQLite file, or on TEST_DATABASE_URL's server."""
    if not SERVER:
        url = normalize(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
        upgrade(url)
        yield url
        return
    with fresh_database() as url:
        upgrade(url)
        yield url


SQLITE_FILE_TESTS = {
    "tests/test_migrations.py::test_upgrade_twice_is_harmless_and_creates_every_table": (
        "reads sqlite_master; tests/test_postgres.py checks the same on PostgreSQL"
    ),
}
"""Tests that open the SQLite file themselves, in modules this suite cannot mark one by one."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not SERVER:
        return
    for item in items:
        reason = SQLITE_FILE_TESTS.get(item.nodeid)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
async def db(db_url: URL) -> AsyncIterator[Database]:
    opened = open_database(db_url)
    yield opened
    await opened.close()


@pytest.fixture
def service(content: Content, db: Database) -> Service:
    return Service(content, db)
