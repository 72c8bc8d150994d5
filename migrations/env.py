"""Alembic environment: async engine, batch mode for SQLite, the models' metadata.

The URL comes from `bot.db.migrate` (settings, normalized) when the bot runs
migrations itself, or from DATABASE_URL when `alembic` is run by hand.
"""

import asyncio

from alembic import context
from sqlalchemy import TypeDecorator, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import load_settings
from bot.db.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    given = config.attributes.get("url")
    return str(given) if given else load_settings().database_url.render_as_string(False)


def _render_item(kind: str, obj: object, autogen_context: object) -> str | bool:
    """Write a TypeDecorator as its plain column type, so migrations never import the models."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run_sync)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
