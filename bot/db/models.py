"""SQLAlchemy 2 models: the single source of the schema.

Alembic migrations are generated from these and a test checks they agree. The
runtime queries in `store` are compiled from these tables too, so a column is
named in one place only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.core.checkins.records import SAFETY

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
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class User(Base):
    """One row per person: where she is in the conversation, and what she answered."""

    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(TelegramId, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(TelegramId)
    state: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


def _her(column: str = "users.user_id") -> ForeignKey:
    """Rows about her hang off her user row, so nothing can outlive it."""
    return ForeignKey(column, ondelete="CASCADE")


class ChatMessage(Base):
    """A message in her chat, hers or ours, by id only (never its text).

    Kept for 48 hours, the window in which Telegram lets a bot delete messages,
    so /forget and the hide button can clear the chat for her. It hangs off her
    user row, so an id recorded late (a check-in in flight during /forget) can
    never bring a row about her back.
    """

    __tablename__ = "chat_messages"

    user_id: Mapped[int] = mapped_column(TelegramId, _her(), primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    chat_id: Mapped[int] = mapped_column(TelegramId)
    sent_at: Mapped[datetime]


class Schedule(Base):
    """Her check-in plan, one row per person.

    `next_due_at` is the next slot in UTC, or NULL when nothing is due: after
    /stop, when Telegram said she blocked the bot (`active` false), or while
    paused until she resumes. The sender's only question, "which rows are
    due?", is a range scan on its index. `seen` holds the encouragements she
    has had from her current pool, so none repeats before she has seen them all.
    """

    __tablename__ = "schedules"
    __table_args__ = (
        # The safety path's due rows, claimed first; only their rows are in it, so moving
        # anyone else's slot on costs it nothing.
        Index(
            "ix_schedules_safety_due",
            "next_due_at",
            sqlite_where=text(f"pool = '{SAFETY}'"),
            postgresql_where=text(f"pool = '{SAFETY}'"),
        ),
    )

    user_id: Mapped[int] = mapped_column(TelegramId, _her(), primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(TelegramId)
    cadence: Mapped[str] = mapped_column(String(16))
    hour: Mapped[int]
    minute: Mapped[int]
    zone: Mapped[str] = mapped_column(String(64))
    weekday: Mapped[int | None]
    anchor: Mapped[date | None]
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    paused_until: Mapped[datetime | None]
    active: Mapped[bool]
    seen: Mapped[list[str]]
    cover: Mapped[str | None] = mapped_column(String(32))
    """The neutral line a discreet check-in shows (checkins.yaml: covers); NULL: not discreet."""
    asked: Mapped[str | None] = mapped_column(String(32))
    """The question about her the last check-in asked, so the next asks another."""
    pool: Mapped[str | None] = mapped_column(String(64))
    """Her encouragement pool's key (`safety`, or her case and exceptions), so a claim need
    not read her whole state; written by her turn when her answers or her path change."""
    pool_rules: Mapped[str | None] = mapped_column(String(16))
    """The plan.yaml rules `pool` was worked out under; NULL, or other rules than today's:
    the next claim works `pool` out again from her state."""
    late_seconds: Mapped[int | None]
    """How far from her time her check-ins have lately gone out, in seconds (the farthest of
    the last few, fading), for /checkins; NULL until one has gone out."""
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, UNKNOWN, CANCELLED = "failed", "unknown", "cancelled"
EXPIRED = "expired"
"""A delivery's life: claimed (pending), handed to Telegram (sending), then an outcome.

`unknown`: the process died while Telegram had the request, so it may have
arrived; it is never sent again (at most once). `cancelled`: she paused or
stopped check-ins after this one was claimed and before it went out, or (a
check-back) asked for a newer one. `expired`: a check-back that could not go
out within an hour of when she asked for it (the bot was down): too late to help.
"""


class Checkin(Base):
    """One check-in (or the check-back after /urge): its slot, its delivery, her answers.

    The row is written in the transaction that moves her `next_due_at` on, so
    a slot is recorded exactly once; the unique (user, slot) pair makes that a
    rule of the database, not only of the code. Its index, led by `user_id`,
    also finds her check-ins (her history, /forget), so `user_id` has no index
    of its own: one index less to write for each of a claim's 500 rows.

    Its id never comes back (AUTOINCREMENT on SQLite, a sequence on PostgreSQL):
    SQLite would otherwise give the id of a deleted newest row (hers, after
    /forget) to the next one (another woman's), and the sender, holding the
    old id, would mark or send the wrong row. Statements on a delivery match
    her user id too, so even a reused id could not reach another woman's row.
    """

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("user_id", "due_at"),
        Index("ix_checkins_status_id", "status", "id"),
        Index("ix_checkins_opened_at", "opened_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(TelegramId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(TelegramId, _her())
    chat_id: Mapped[int] = mapped_column(TelegramId)
    due_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16), server_default="checkin")
    """`checkin`, or `urge`: the one check-back after she chose to wait out the urge."""
    encouragement: Mapped[str] = mapped_column(String(64))
    question: Mapped[str | None] = mapped_column(String(32))
    """The question about her this check-in asks (content: checkins.yaml questions)."""
    cover: Mapped[str | None] = mapped_column(String(32))
    """Sent discreetly behind this neutral line; NULL: sent plainly."""
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int]
    not_before: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None]
    mood: Mapped[int | None]
    did: Mapped[bool | None]
    """Her yes (or no) to the check-in's question, or to "I waited" on a check-back."""
    note: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    """When she opened it from behind its neutral line; NULL: closed. An opened one folds back
    after a while (`bot.db.folds`), since someone else may pick up her phone."""


users = User.__table__
chat_messages = ChatMessage.__table__
schedules = Schedule.__table__
checkins = Checkin.__table__


def her_tables() -> list[Any]:
    """Every table holding rows about one person, children before parents."""
    return [t for t in reversed(Base.metadata.sorted_tables) if "user_id" in t.c]
