"""The bot on an offline Telegram and a fake clock, its check-in sender driven by the test.

Fixtures for the modules that go through the Telegram handlers and the sender together
(check-ins, discreet mode, memory after /forget). A module imports them under other names
(`from tests.clocked_bot import her as _her`): pytest registers each under the name it
gives (`name=`), in that module, ahead of `tests/conftest.py`'s `her`, and no test
parameter shadows an import.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import URL
from telegram.ext import Application, ApplicationBuilder

from bot.config import Settings
from bot.content import Content
from bot.db.database import open_database
from bot.service import Service
from bot.telegram.app import build
from bot.telegram.sender import CheckinSender
from bot.telegram.throttle import Throttle
from tests.offline import Chat, OfflineRequest
from tests.test_sender import Clock

NOW = datetime(2026, 11, 24, 15, 42, 10, tzinfo=UTC)


@pytest.fixture(name="clock")
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture(name="talk")
def talk(db_url: URL, content: Content, clock: Clock) -> Service:
    """The service on the moving clock."""
    return Service(content, open_database(db_url), clock=clock)


@pytest.fixture(name="app")
async def app(db_url: URL, talk: Service) -> AsyncIterator[Application]:
    """The bot on an offline Telegram; its own check-in sender is off (the test drives one)."""
    settings = Settings(database_url=db_url, telegram_bot_token="123456:TEST-token")
    builder = ApplicationBuilder().request(OfflineRequest()).get_updates_request(OfflineRequest())
    application = build(settings, talk, builder, checkins=False)
    await application.initialize()
    yield application
    await application.shutdown()
    assert application.post_shutdown is not None
    await application.post_shutdown(application)


@pytest.fixture(name="her")
def her(app: Application) -> Chat:
    request = app.bot.request
    assert isinstance(request, OfflineRequest)
    return Chat(app, request)


@pytest.fixture(name="sender")
def sender(app: Application, talk: Service, clock: Clock) -> CheckinSender:
    """A sender on the app's own bot and database, driven by `tick` instead of its loop."""
    return CheckinSender(
        talk.content,
        talk.db.queue,
        app.bot,
        Throttle(),
        clock=clock,
        rng=random.Random(3),
        folds=talk.db.folds,
    )
