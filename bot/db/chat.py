"""Her chat's message ids (never their text), kept 48 hours so the chat can be cleared.

Telegram lets a bot delete a message in a private chat for 48 hours; "Hide
these messages" and /forget delete what is still deletable. A message id is
written only while her row exists, so nothing sent after /forget brings a row
about her back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, exists, select

from bot.db.models import chat_messages as messages
from bot.db.models import users
from bot.db.queries import Queries, Statement, insert_for

DELETABLE_FOR = timedelta(hours=48)
"""How long Telegram lets a bot delete a message in a private chat."""

_uid = bindparam("user_id")


class ChatMessages(Queries):
    _remember = Statement(
        lambda d: (
            insert_for(d)(messages)
            .from_select(
                ["user_id", "message_id", "chat_id", "sent_at"],
                select(
                    bindparam("user_id", type_=messages.c.user_id.type),
                    bindparam("message_id", type_=messages.c.message_id.type),
                    bindparam("chat_id", type_=messages.c.chat_id.type),
                    bindparam("sent_at", type_=messages.c.sent_at.type),
                ).where(
                    exists().where(
                        users.c.user_id == bindparam("owner", type_=users.c.user_id.type)
                    )
                ),
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
        """Note message ids in her chat (if she has a row); forget those past deleting."""
        async with self._db.transaction() as tx:
            await self.remember_in(tx, user_id, chat_id, message_ids, datetime.now(UTC))

    async def remember_in(
        self, tx: Any, user_id: int, chat_id: int, message_ids: Iterable[int], now: datetime
    ) -> None:
        rows = [
            {
                "user_id": user_id,
                "owner": user_id,
                "chat_id": chat_id,
                "message_id": m,
                "sent_at": now,
            }
            for m in message_ids
        ]
        if rows:
            await tx.many(self._remember, rows)
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
