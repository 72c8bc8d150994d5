"""Every part of the bot the benchmarks use, imported here and nowhere else in `bench`.

The bot's internals move (the store became a database of aggregates, the
dispatcher became the check-in sender); when a name moves, this is the one module
to repoint. The two helpers below reach into the bot where no public seam
exists; each says why.
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
from bot.core.asks import question
from bot.core.checkins.records import Claimed, Due
from bot.core.checkins.rotation import pool_key, rules
from bot.core.checkins.spread import WINDOW
from bot.core.inputs import DONE, Action, Choice
from bot.core.safety import reading as graded_reading
from bot.core.safety.heads import packaged
from bot.core.state import State
from bot.db.database import Database, open_database
from bot.db.migrate import upgrade
from bot.db.queue import CheckinQueue
from bot.db.url import normalize
from bot.evals import screen_timing
from bot.lifetime import settle
from bot.logs import configure as configure_logs
from bot.service import Service
from bot.telegram.app import build
from bot.telegram.render import encode, keyboard
from bot.telegram.sender import CheckinSender
from bot.telegram.throttle import SharedLimiter, Throttle

__all__ = [
    "DONE",
    "END",
    "WINDOW",
    "Action",
    "CheckinQueue",
    "CheckinSender",
    "Choice",
    "Claimed",
    "ConfigError",
    "Content",
    "ContentError",
    "Database",
    "Due",
    "Service",
    "Settings",
    "State",
    "Step",
    "Throttle",
    "advance_alone",
    "build",
    "configure_logs",
    "encode",
    "graded_reading",
    "keyboard",
    "lift_send_limit",
    "load_content",
    "load_settings",
    "open_database",
    "packaged",
    "pool_key",
    "question",
    "rules",
    "screen_timing",
    "settle",
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


async def advance_alone(queue: CheckinQueue, moved: list[dict[str, Any]]) -> float:
    """Seconds the UPDATE that moves claimed schedules on takes by itself, in its own transaction.

    It is the statement `CheckinQueue.claim_due` runs; the queue offers no way
    to run it alone, and `bench checkins` reports it apart from the claim
    around it.
    """
    async with queue._db.transaction() as tx:
        started = time.perf_counter()
        await tx.many(queue._advance, moved)
        return time.perf_counter() - started
