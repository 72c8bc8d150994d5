"""Updates from different people at once, each person's in order, none waiting behind another's,
and never more in hand than the bot can hold.

python-telegram-bot processes updates one after the other by default, so one
slow reply makes everyone wait; its concurrent mode keeps no order at all and
turns every fetched update into a task at once, however many arrive. This
processor keeps a line per chat and works on each chat's updates strictly in
arrival order, across chats at once:

- **Slots**: at most `SLOTS` updates are worked on at once, one per chat at
  most, so a burst from one chat never stands in front of someone else's.
- **A bounded line per chat**: a chat's line holds `LINE` updates waiting.
  Past it, its oldest unanswered messages are folded into one answer
  (`backlog.Digest`: each read for danger, answered once with where she is)
  instead of being answered one by one for hours. Commands and button presses
  are never folded; if a line is all of them, its oldest waiting one is let go.
- **Backpressure**: python-telegram-bot hands over one update at a time and
  waits while it is taken in (`max_concurrent_updates` is 1: taking in is
  quick, the work happens in each chat's own task). When `IN_HAND` updates
  are waiting or being worked on, taking in waits; the application's update
  queue (`QUEUE` long) fills, and the next `getUpdates` waits with it. So
  memory follows these bounds, never the size of a burst: about 2 MiB per
  1,000 updates in hand, plus their texts (`python -m bench backlog`).

A line and its task exist only while the chat has something in hand, so
memory follows the people active right now, not all users.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseUpdateProcessor, filters

from bot.telegram.backlog import Digest, Reader
from bot.telegram.errors import describe

log = logging.getLogger(__name__)

SLOTS = 64
"""Updates being worked on at once, across all chats (one per chat at most)."""
LINE = 20
"""Updates one chat may have waiting; past it, its oldest messages are folded."""
IN_HAND = 1000
"""Updates held at once, waiting or being worked on; past it, no more are fetched."""
QUEUE = 100
"""Fetched updates waiting to be taken in (python-telegram-bot's update queue): one
`getUpdates` answer. When it is full, polling waits."""

Answer = Callable[[Digest], Awaitable[None]]
"""Answers a digest in her chat (`Handlers.caught_up`)."""


@dataclass
class _Waiting:
    """One update in a chat's line, and what folding it would leave behind."""

    work: Coroutine[Any, Any, Any]
    foldable: bool
    text: str | None = None
    new_id: int | None = None

    def let_go(self) -> None:
        self.work.close()  # never started: closing it is all it takes


class _Line:
    """One chat's updates in hand: the one being worked on, and those waiting behind it."""

    def __init__(self, private: bool) -> None:
        self.private = private
        self.waiting: deque[_Waiting | Digest] = deque()
        self.digest: Digest | None = None
        """The digest still open to more folded messages (it is among `waiting`)."""
        self.working = False


def _key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


def _waiting(update: object, work: Coroutine[Any, Any, Any]) -> _Waiting:
    """A message (new or edited, text or not) may be folded; a command or a press may not."""
    if not isinstance(update, Update):
        return _Waiting(work, False)
    message = update.message or update.edited_message
    if message is None or (update.message is not None and filters.COMMAND.check_update(update)):
        return _Waiting(work, False)
    new_id = update.message.message_id if update.message is not None else None
    return _Waiting(work, True, message.text or message.caption or None, new_id)


class PerChatOrder(BaseUpdateProcessor):
    def __init__(
        self,
        slots: int = SLOTS,
        *,
        line: int = LINE,
        in_hand: int = IN_HAND,
        reader: Reader | None = None,
        answer: Answer | None = None,
    ) -> None:
        # One at a time: python-telegram-bot waits for `do_process_update` before taking the
        # next update off its queue, which is what lets a full bot stop fetching.
        super().__init__(1)
        self.slots = slots
        self.line = line
        self.capacity = in_hand
        self.reader = reader
        """Reads folded texts for danger; without one, folded texts go unread (tests)."""
        self.answer = answer
        """Answers a digest; without one, a digest is read and let go (tests)."""
        self._slots = asyncio.Semaphore(slots)
        self._busy = 0
        self._in_hand = 0
        self._room = asyncio.Event()
        self._room.set()
        self._open = False
        self._lines: dict[int, _Line] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.folded = 0
        self.dropped = 0

    # ---- taking an update in ----------------------------------------------------------

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Take the update in: into its chat's line (folding what is past the line), or wait
        while the bot has `IN_HAND` updates already. Returns before the update is worked on."""
        assert isinstance(coroutine, Coroutine)
        while self._in_hand >= self.capacity and not self._open:
            self._room.clear()
            await self._room.wait()
        self._in_hand += 1
        item = _waiting(update, coroutine)
        key = _key(update)
        if key is None:
            self._spawn(self._alone(item))
            return
        line = self._lines.get(key)
        if line is None:
            chat = update.effective_chat if isinstance(update, Update) else None
            line = self._lines[key] = _Line(chat is not None and chat.type == ChatType.PRIVATE)
            self._spawn(self._work(key, line))
        line.waiting.append(item)
        if len(line.waiting) > self.line:
            self._shorten(key, line, update)

    def _shorten(self, key: int, line: _Line, update: object) -> None:
        """Fold the line's oldest messages until it is back within `LINE`."""
        while len(line.waiting) > self.line:
            oldest = next(
                (i for i, w in enumerate(line.waiting) if isinstance(w, _Waiting) and w.foldable),
                None,
            )
            if oldest is None:
                # Nothing to fold: a line of commands and presses. The oldest waiting one goes.
                first = next(i for i, w in enumerate(line.waiting) if isinstance(w, _Waiting))
                gone = line.waiting[first]
                del line.waiting[first]
                assert isinstance(gone, _Waiting)
                gone.let_go()
                self.dropped += 1
                self._done_one()
                log.info("a chat's line was full of commands and presses: its oldest went")
                continue
            item = line.waiting[oldest]
            assert isinstance(item, _Waiting)
            del line.waiting[oldest]
            item.let_go()
            self.folded += 1
            if not line.private:  # a group hears one refusal a day at most: nothing to answer
                self._done_one()
                continue
            if line.digest is None:
                user = update.effective_user if isinstance(update, Update) else None
                line.digest = Digest(key, user.id if user else key, self._reader())
                line.waiting.insert(oldest, line.digest)  # in the place of its oldest message
            else:
                self._done_one()
            line.digest.add(item.text, item.new_id)

    def absorb(self, chat_id: int, user_id: int, text: str | None, new_id: int | None) -> bool:
        """Fold a message still in Telegram's JSON into its chat's open digest, if its line is
        full: it is never parsed or queued at all (`intake`). False: take it in as usual."""
        line = self._lines.get(chat_id)
        if line is None or line.digest is None or len(line.waiting) < self.line:
            return False
        line.digest.add(text, new_id)
        self.folded += 1
        return True

    def _reader(self) -> Reader:
        if self.reader is None:
            self.reader = Reader(lambda text: False)
        return self.reader

    # ---- working through a line -------------------------------------------------------

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _work(self, key: int, line: _Line) -> None:
        """One chat's updates, in order, each in a shared slot; ends when its line is empty."""
        try:
            while line.waiting:
                item = line.waiting.popleft()
                if item is line.digest:
                    line.digest = None  # closed: later messages fold into a new one
                line.working = True
                try:
                    await self._in_a_slot(item)
                finally:
                    line.working = False
                    self._done_one()
        finally:
            if self._lines.get(key) is line:
                del self._lines[key]

    async def _alone(self, item: _Waiting) -> None:
        try:
            await self._in_a_slot(item)
        finally:
            self._done_one()

    async def _in_a_slot(self, item: _Waiting | Digest) -> None:
        if isinstance(item, Digest) and self._open:
            item.let_go()  # stopping: what was not read yet is not read now
        async with self._slots:
            self._busy += 1
            try:
                if isinstance(item, Digest):
                    await self._answer(item)
                else:
                    await item.work
            except Exception as exc:  # one update's failure never ends its chat's line
                log.error("an update failed outside its handlers: %s", describe(exc))
            finally:
                self._busy -= 1

    async def _answer(self, digest: Digest) -> None:
        await digest.read()
        if self.answer is not None:
            await self.answer(digest)

    def _done_one(self) -> None:
        self._in_hand -= 1
        if self._in_hand < self.capacity:
            self._room.set()

    # ---- stopping ---------------------------------------------------------------------

    def closing(self) -> None:
        """The bot is stopping: take in what is already fetched without waiting for room."""
        self._open = True
        self._room.set()

    async def drained(self) -> None:
        """Until every update taken in has been worked on (or let go)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # ---- a look inside (tests, and a running bot) ---------------------------------------

    @property
    def active_chats(self) -> int:
        return len(self._lines)

    @property
    def busy_slots(self) -> int:
        """Shared slots taken right now."""
        return self._busy

    @property
    def in_hand(self) -> int:
        """Updates taken in and not yet done: waiting in a line or being worked on."""
        return self._in_hand

    def waiting(self, chat_id: int) -> int:
        """Updates of one chat in hand: the one being worked on and those queued behind it
        (a digest counts as one)."""
        line = self._lines.get(chat_id)
        if line is None:
            return 0
        return len(line.waiting) + (1 if line.working else 0)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        await self.drained()
