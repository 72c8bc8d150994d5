"""Apply Alembic migrations from code, so `run`, `console` and `webhook` start on the latest schema.

Alembic's async `env.py` starts its own event loop, so these functions are
called before the bot's loop starts (or from a worker thread).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import asyncpg
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL

from bot import paths
from bot.db.postgres import dsn
from bot.db.sqlite import create_private_file
from bot.db.url import POSTGRESQL, sqlite_path

MIGRATION_LOCK = 0x5354_4541_4459
"""The advisory lock every worker of this bot takes to migrate a PostgreSQL database."""


def alembic_config(url: URL) -> Config:
    config = Config()
    config.set_main_option("script_location", str(paths.migrations_dir()))
    # Passed as an attribute, not an option: ConfigParser would read a '%' in a password.
    config.attributes["url"] = url.render_as_string(hide_password=False)
    return config


def upgrade(url: URL) -> None:
    """Bring the database at `url` to the latest revision.

    A SQLite file is created owner-only first. On PostgreSQL, workers started
    together migrate one after another: otherwise each would try to create the
    same tables and all but one would fail to start.
    """
    path = sqlite_path(url)
    if path is not None:
        create_private_file(path)
    with _alone(url) if url.drivername == POSTGRESQL else nullcontext():
        command.upgrade(alembic_config(url), "head")


@contextmanager
def _alone(url: URL) -> Iterator[None]:
    """Hold PostgreSQL's advisory lock `MIGRATION_LOCK` for the duration of the block.

    The lock lives on a connection of its own, in a thread with its own event
    loop, because Alembic runs `env.py` with `asyncio.run` in this thread.
    Closing that connection releases the lock, even if this process dies.
    """
    taken, finished = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    async def hold() -> None:
        conn = await asyncpg.connect(dsn(url))
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            taken.set()
            await asyncio.to_thread(finished.wait)
        finally:
            await conn.close()

    def run() -> None:
        try:
            asyncio.run(hold())
        except BaseException as exc:
            failed.append(exc)
            taken.set()

    holder = threading.Thread(target=run, name="migration-lock", daemon=True)
    holder.start()
    taken.wait()
    try:
        if failed:
            raise failed[0]
        yield
    finally:
        finished.set()
        holder.join()
