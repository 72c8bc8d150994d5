"""A chat's oldest unanswered messages, folded together: each read for danger, answered once.

When one chat sends more than its line holds (`ordering.LINE`), answering each
message in turn would take hours (Telegram lets a bot send about one message a
second to a chat) and hold every message in memory until then. Instead the
oldest waiting messages are folded into one `Digest`: each text (or caption,
or edit) is read by the crisis screen, the message itself is let go, and the
digest is answered once, in its place in her line, with where she is now. A
text the screen is not quiet about comes back as ordinary text, so the core
shows the lines or asks her, exactly as if it had been answered alone.

Reading takes time (from a fraction of a millisecond to tens of milliseconds
for a long message), so it is never done where updates are taken in, nor
beside it: read eagerly, a flood's texts took a slice of every pass of the
event loop and slowed everyone's updates coming in (a woman's answer behind a
20,000-message burst went from 2 s to 6 s). The texts wait instead, within a
budget per chat and one for the whole bot, and are read when the digest's
turn in her line comes, at a pace that leaves most of the loop to everyone
else (`PACE`). When a burst brings more than the budget, the oldest unread
texts are let go (the newest, kept, say most about now) and the answer says
so (`caught_up_partly`, which points to /sos). Digests answered at once take
turns, one text at a time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable

from bot.telegram.errors import describe

log = logging.getLogger(__name__)

UNREAD_PER_CHAT = 64 * 4096
"""Characters of one chat's folded texts waiting to be read (64 messages of Telegram's longest)."""
UNREAD_TOTAL = 16 * UNREAD_PER_CHAT
"""Characters waiting to be read across every chat: at most a few MB, whatever arrives."""
PACE = 4.0
"""After reading a text, rest four times as long as reading took: reading folded texts takes
at most a fifth of the loop, and a digest of 64 long texts is answered within seconds."""
KEPT = 3
"""Texts the screen was not quiet about that are kept to answer: one would do; a few let the
core hear both a risk to her own life and danger from him."""

Worrying = Callable[[str], bool]
"""Whether the crisis screen hears anything in a text (`Service.worrying`)."""


class Reader:
    """Reads folded texts for danger, one at a time across every chat, within a budget."""

    def __init__(
        self,
        worrying: Worrying,
        per_chat: int = UNREAD_PER_CHAT,
        total: int = UNREAD_TOTAL,
    ) -> None:
        self.worrying = worrying
        self.per_chat = per_chat
        self.total = total
        self.unread = 0
        """Characters waiting to be read, across every digest."""
        self._turn = asyncio.Lock()  # fair: digests take turns in the order they asked

    def heard(self, text: str) -> bool:
        try:
            return self.worrying(text)
        except Exception as exc:  # a screen that fails hears nothing for sure: let the core read it
            log.error("reading a folded text failed: %s", describe(exc))
            return True


class Digest:
    """The oldest unanswered messages of one private chat, folded into one answer."""

    def __init__(self, chat_id: int, user_id: int, reader: Reader) -> None:
        self.chat_id, self.user_id = chat_id, user_id
        self.folded = 0
        """Messages folded in."""
        self.skipped = 0
        """Texts let go unread: a burst outran the reader."""
        self.worrying: list[str] = []
        """Texts the screen was not quiet about (at most `KEPT`), to answer as text."""
        self._first: int | None = None
        self._last: int | None = None
        self._unread: deque[str] = deque()
        self._chars = 0
        self._reader = reader

    def add(self, text: str | None, message_id: int | None) -> None:
        """Fold in one message: its text (if any) to read, its id (if new) to record."""
        self.folded += 1
        if message_id is not None:
            self._first = message_id if self._first is None else min(self._first, message_id)
            self._last = message_id if self._last is None else max(self._last, message_id)
        if not text:
            return
        self._unread.append(text)
        self._count(len(text))
        reader = self._reader
        while self._unread and (self._chars > reader.per_chat or reader.unread > reader.total):
            self._count(-len(self._unread.popleft()))  # the oldest go unread, the newest stay
            self.skipped += 1

    def _count(self, chars: int) -> None:
        self._chars += chars
        self._reader.unread += chars

    async def read(self) -> None:
        """Read every folded text still waiting, oldest first, before the digest is answered."""
        reader = self._reader
        while self._unread:
            async with reader._turn:
                if not self._unread:
                    break
                text = self._unread.popleft()
                self._count(-len(text))
                started = time.perf_counter()
                if reader.heard(text) and len(self.worrying) < KEPT:
                    self.worrying.append(text)
                del text
                # The turn is held while everything else runs: however many digests are being
                # answered, reading takes no more than its share of the loop.
                await asyncio.sleep(PACE * (time.perf_counter() - started))

    def let_go(self) -> None:
        """Unread texts are dropped (the bot is stopping): they stay only as long as needed."""
        while self._unread:
            self._count(-len(self._unread.popleft()))
            self.skipped += 1

    @property
    def read_all(self) -> bool:
        return self.skipped == 0

    @property
    def message_ids(self) -> range:
        """Her folded messages' ids, and the bot's between them: every message of a private
        chat is hers or the bot's, and all of them are cleared by "Hide" and /forget."""
        if self._first is None or self._last is None:
            return range(0)
        return range(self._first, self._last + 1)
