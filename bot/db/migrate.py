"""Apply Alembic migrations from code, so `run`, `console` and `webhook` start on the latest schema.

Alembic's async `env.py` starts its own event loop, so these functions are
called before the bot's loop starts (or from a worker thread).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL

from bot.db.sqlite import create_private_file
from bot.db.url import sqlite_path

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: URL) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Passed as an attribute, not an option: ConfigParser would read a '%' in a password.
    config.attributes["url"] = url.render_as_string(hide_password=False)
    return config


def upgrade(url: URL) -> None:
    """Bring the database at `url` to the latest revision, creating a SQLite file privately."""
    path = sqlite_path(url)
    if path is not None:
        create_private_file(path)
    command.upgrade(alembic_config(url), "head")
