"""SQLAlchemy 2 models: the single source of the schema.

Alembic migrations are generated from these and a test checks they agree. The
runtime queries in `store` are compiled from these tables too, so a column is
named in one place only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Named constraints, so batch migrations on SQLite can find and alter them."""

TelegramId = BigInteger().with_variant(Integer, "sqlite")
"""64-bit everywhere; on SQLite `INTEGER PRIMARY KEY` makes the id the rowid itself."""


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC instant")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class User(Base):
    """One row per person: where she is in the conversation, and what she answered."""

    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(TelegramId, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(TelegramId)
    state: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChatMessage(Base):
    """A message in her chat, hers or ours, by id only (never its text).

    Kept for 48 hours, the window in which Telegram lets a bot delete messages,
    so /forget and the hide button can clear the chat for her.
    """

    __tablename__ = "chat_messages"

    user_id: Mapped[int] = mapped_column(TelegramId, primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    chat_id: Mapped[int] = mapped_column(TelegramId)
    sent_at: Mapped[datetime]
