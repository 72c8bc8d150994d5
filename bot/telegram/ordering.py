"""Updates from different people at once, each person's in order, none waiting behind another's.

python-telegram-bot processes updates one after the other by default, so one
slow reply (a chart, a Telegram hiccup) makes everyone wait; its concurrent
mode keeps no order at all, so two quick taps of hers could be handled the
wrong way round. This processor runs updates concurrently across chats and
strictly in arrival order within one chat: a lock per chat, taken in the order
the tasks were created (asyncio locks are fair), dropped when nobody holds it,
so memory follows the number of people active right now, not of all users.

Fairness: a chat's turn comes *before* one of the `SLOTS` shared update slots
is taken, so a chat holds at most one slot however much it sends. A burst
from one chat (a group, someone holding a key down, a backlog behind a flood
wait) queues in that chat's own line, never in front of someone else's.
python-telegram-bot's own limit is taken before this processor runs, so it is
set out of the way (`UNLIMITED`) and the real one is taken here.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

SLOTS = 64
"""Updates being worked on at once, across all chats (one per chat at most)."""
UNLIMITED = sys.maxsize


def _key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, slots: int = SLOTS) -> None:
        super().__init__(UNLIMITED)
        self.slots = slots
        self._slots = asyncio.Semaphore(slots)
        self._busy = 0
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _key(update)
        if key is None:
            await self._in_a_slot(coroutine)
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await self._in_a_slot(coroutine)
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def _in_a_slot(self, coroutine: Awaitable[Any]) -> None:
        async with self._slots:
            self._busy += 1
            try:
                await coroutine
            finally:
                self._busy -= 1

    @property
    def active_chats(self) -> int:
        return len(self._locks)

    @property
    def busy_slots(self) -> int:
        """Shared slots taken right now (tests, and a look at a running bot)."""
        return self._busy

    def waiting(self, chat_id: int) -> int:
        """Updates of one chat in hand: the one being worked on and those queued behind it."""
        return self._locks.get(chat_id, (None, 0))[1]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
