"""Every part of the bot the benchmarks use, imported here and nowhere else in `bench`.

The bot's internals are being reorganised (the store split by concern, the
dispatcher renamed); when a name moves, this is the one module to repoint.
The two helpers below reach into the bot where no public seam exists; each
says why.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL
from telegram.ext import Application

from bot.config import ConfigError, Settings, load_settings
from bot.content import END, Content, ContentError, Step, load_content
from bot.conversation import Conversation
from bot.db.migrate import upgrade
from bot.db.store import Claimed, Due, Store, open_store
from bot.db.url import normalize
from bot.dialogue import DONE, Action, Choice
from bot.flow import State, question
from bot.logs import configure as configure_logs
from bot.telegram.app import build
from bot.telegram.dispatcher import Dispatcher
from bot.telegram.render import encode, keyboard
from bot.telegram.throttle import SharedLimiter, Throttle

__all__ = [
    "DONE",
    "END",
    "Action",
    "Choice",
    "Claimed",
    "ConfigError",
    "Content",
    "ContentError",
    "Conversation",
    "Dispatcher",
    "Due",
    "Settings",
    "State",
    "Step",
    "Store",
    "Throttle",
    "advance_alone",
    "build",
    "configure_logs",
    "encode",
    "keyboard",
    "lift_send_limit",
    "load_content",
    "load_settings",
    "open_store",
    "question",
    "sqlite_url",
    "upgrade",
]


def sqlite_url(path: Path) -> URL:
    """The bot's own URL for a SQLite file, as `DATABASE_URL=sqlite:///path` gives it."""
    return normalize(f"sqlite:///{path}")


def lift_send_limit(app: Application) -> None:
    """Lift the 30-a-second window (Telegram's limit, not this bot's cost); keep its bookkeeping.

    `bench updates` measures what an update costs, so it must not measure the
    throttle waiting for Telegram's window instead.
    """
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, SharedLimiter)
    limiter.throttle.per_second = sys.maxsize


async def advance_alone(store: Store, moved: list[dict[str, Any]]) -> float:
    """Seconds the UPDATE that moves claimed schedules on takes by itself, in its own transaction.

    It is the statement `Store.claim_due` runs; the store offers no way to run
    it alone, and `bench checkins` reports it apart from the claim around it.
    """
    async with store._db.transaction() as tx:
        started = time.perf_counter()
        await tx.many(store._advance, moved)
        return time.perf_counter() - started
