"""Her chat's message ids (never their text), kept 48 hours so the chat can be cleared.

Telegram lets a bot delete a message in a private chat for 48 hours; "Hide
these messages" and /forget delete what is still deletable. A message id is
written only while her row exists, so nothing sent after /forget brings a row
about her back. Ids are written one transaction per sent message (see
`Service.sent`), so this is on the path of every reply: it does as little as it can.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, exists, select

from bot.db.models import chat_messages as messages
from bot.db.models import users
from bot.db.queries import Queries, Statement, bound, insert_for

DELETABLE_FOR = timedelta(hours=48)
"""How long Telegram lets a bot delete a message in a private chat."""

PRUNE_EVERY = 16
"""Ids older than `DELETABLE_FOR` are dropped when an id divisible by this is remembered.

Dropping them is housekeeping, not privacy: hide and /forget erase every id
about her whatever its age, and only the last 48 hours are ever offered for
deleting. Telegram numbers a chat's messages in order, so this runs about
once every 16 messages instead of once per message, and her list stays about
16 messages past the window. Measured in `bench updates`: the prune was a
second statement in every message's transaction.
"""

_uid = bindparam("user_id")


def _row(user_id: int, chat_id: int, message_id: int, now: datetime) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "owner": user_id,
        "chat_id": chat_id,
        "message_id": message_id,
        "sent_at": now,
    }


class ChatMessages(Queries):
    _remember = Statement(
        lambda d: (
            insert_for(d)(messages)
            .from_select(
                ["user_id", "message_id", "chat_id", "sent_at"],
                select(
                    bound(messages.c.user_id),
                    bound(messages.c.message_id),
                    bound(messages.c.chat_id),
                    bound(messages.c.sent_at),
                ).where(exists().where(users.c.user_id == bound(users.c.user_id, "owner"))),
            )
            .on_conflict_do_nothing()
        )
    )
    _prune = Statement(
        lambda d: delete(messages).where(
            messages.c.user_id == _uid, messages.c.sent_at < bindparam("before")
        )
    )

    async def remember(self, user_id: int, chat_id: int, message_ids: Iterable[int]) -> None:
        """Note message ids in her chat (if she has a row), in a transaction of their own."""
        ids = list(message_ids)
        if not ids:
            return
        async with self._db.transaction() as tx:
            await self.remember_in(tx, user_id, chat_id, ids, datetime.now(UTC))

    async def remember_in(
        self, tx: Any, user_id: int, chat_id: int, message_ids: Iterable[int], now: datetime
    ) -> None:
        """Note message ids in her chat within `tx`; now and then forget those past deleting."""
        ids = list(message_ids)
        if len(ids) == 1:  # nearly always: one message just sent, or hers
            await tx.run(self._remember, **_row(user_id, chat_id, ids[0], now))
        elif ids:
            await tx.many(self._remember, [_row(user_id, chat_id, m, now) for m in ids])
        if any(m % PRUNE_EVERY == 0 for m in ids):
            await tx.run(self._prune, user_id=user_id, before=now - DELETABLE_FOR)

    _recent = Statement(
        lambda d: select(messages.c.chat_id, messages.c.message_id).where(
            messages.c.user_id == _uid, messages.c.sent_at >= bindparam("since")
        )
    )
    _erase = Statement(lambda d: delete(messages).where(messages.c.user_id == _uid))

    async def deletable_in(self, tx: Any, user_id: int, now: datetime) -> list[tuple[int, int]]:
        """Her chat's messages Telegram still lets us delete, as (chat_id, message_id)."""
        found = await tx.all(self._recent, user_id=user_id, since=now - DELETABLE_FOR)
        return [(r["chat_id"], r["message_id"]) for r in found]

    async def take_in(self, tx: Any, user_id: int, now: datetime) -> list[tuple[int, int]]:
        """The deletable messages, and the record of all of them goes."""
        found = await self.deletable_in(tx, user_id, now)
        await tx.run(self._erase, user_id=user_id)
        return found
