"""Where the bot's data folders are: in a checkout, or inside an installed wheel.

A checkout keeps `content/` (the coach edits it in place) and `migrations/`
(`alembic.ini` points there) at its top. A wheel cannot install folders beside
the package, so `setup.py` copies them into it as `bot/_data/content` and
`bot/_data/migrations`; those copies exist only in an installed wheel.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`name` ("content" or "migrations") inside the installed package, else in the checkout."""
    packaged = PACKAGE / "_data" / name
    return packaged if packaged.is_dir() else PACKAGE.parent / name


def content_dir() -> Path:
    return data_dir("content")


def migrations_dir() -> Path:
    return data_dir("migrations")
