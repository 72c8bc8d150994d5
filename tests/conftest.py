"""Shared fixtures: the real content, a fresh migrated database per test (see `dbcheck`)."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot import logs
from bot.config import Settings
from bot.content import Content, load_content
from bot.db.database import Database, open_database
from bot.db.migrate import upgrade
from bot.db.url import normalize
from bot.service import Service
from tests.dbcheck import SERVER, fresh_database
from tests.offline import Chat, start_app

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


DATABASE_NAMES = ("fresh_database", "SERVER", "needs_postgres")
"""Names a test module imports from `dbcheck` when it opens a database itself."""


SAME_ON_ANY_DATABASE = ("tests/e2e/test_fairness.py",)
"""Modules whose processes use a database but whose subject does not: flood waits, per-chat
lines and bursts are the Telegram adapter's. Run once, on SQLite, to keep CI in its budget."""


def touches_database(item: pytest.Item) -> bool:
    """Whether a test reaches a database: through `db_url` (which `db`, `service` and the
    bot processes build on) or through `dbcheck`'s own helpers."""
    if item.nodeid.startswith(SAME_ON_ANY_DATABASE):
        return False
    if "db_url" in getattr(item, "fixturenames", ()):
        return True
    module = getattr(item, "module", None)
    return module is not None and any(name in vars(module) for name in DATABASE_NAMES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, only what touches a database runs again.

    The SQLite run before it has already run every test; the pure core's thousands of
    cases give the same answer whichever database is configured, and running them twice
    would only spend CI's budget.
    """
    if not SERVER:
        return
    kept = [item for item in items if touches_database(item)]
    dropped = [item for item in items if not touches_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    for item in items:
        reason = SQLITE_FILE_TESTS.get(item.nodeid)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything logged at DEBUG, with the libraries held as the bot holds them."""
    names = ("httpx", "httpcore", "telegram", "aiosqlite", "alembic")
    saved = {n: logging.getLogger(n).level for n in names}
    logs.quiet_libraries("DEBUG")
    caplog.set_level(logging.DEBUG)
    yield caplog
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
async def db(db_url: URL) -> AsyncIterator[Database]:
    opened = open_database(db_url)
    yield opened
    await opened.close()


@pytest.fixture
def service(content: Content, db: Database) -> Service:
    return Service(content, db)


@pytest.fixture
def settings(db_url: URL) -> Settings:
    return Settings(database_url=db_url, telegram_bot_token="123456:TEST-token")


@pytest.fixture
async def her(settings: Settings, content: Content) -> AsyncIterator[Chat]:
    """Her private chat with the bot on an offline Telegram, shut down after the test."""
    app, request = await start_app(settings, content)
    yield Chat(app, request)
    await app.shutdown()
    assert app.post_shutdown is not None
    await app.post_shutdown(app)
