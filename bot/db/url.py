"""Normalize `DATABASE_URL` to the async driver of its database.

Users paste URLs in whatever form their host gives them (`postgres://`,
`sqlite:///file`); the bot and Alembic both want the async driver, so the URL
is normalized once, when settings are read.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SQLITE, POSTGRESQL = "sqlite+aiosqlite", "postgresql+asyncpg"
_DRIVERS = {
    "sqlite": SQLITE,
    "sqlite+pysqlite": SQLITE,
    "sqlite+aiosqlite": SQLITE,
    "postgres": POSTGRESQL,
    "postgresql": POSTGRESQL,
    "postgresql+psycopg2": POSTGRESQL,
    "postgresql+psycopg": POSTGRESQL,
    "postgresql+asyncpg": POSTGRESQL,
}


class DatabaseUrlError(ValueError):
    """A DATABASE_URL the bot cannot use; the message says why."""


def default_url(data_dir: Path) -> str:
    return f"{SQLITE}:///{(data_dir / 'bot.sqlite3').resolve()}"


def normalize(raw: str) -> URL:
    """The async-driver form of `raw`, or `DatabaseUrlError`."""
    try:
        url = make_url(raw.strip())
    except ArgumentError:
        raise DatabaseUrlError("DATABASE_URL is not a database URL") from None
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise DatabaseUrlError(
            f"DATABASE_URL uses {url.drivername!r}; use sqlite:///path or postgresql://..."
        )
    url = url.set(drivername=driver)
    if driver == SQLITE and (not url.database or url.database == ":memory:"):
        raise DatabaseUrlError("DATABASE_URL must name a SQLite file, not an in-memory database")
    return url


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for another database."""
    return Path(url.database) if url.drivername == SQLITE and url.database else None
