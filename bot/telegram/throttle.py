"""Telegram's sending limits, shared by replies and check-ins, and its flood waits, per chat.

Telegram allows about 30 messages a second overall, about one a second in one
private chat (after a short burst) and about 20 a minute in a group. One
sliding one-second window counts everything the bot sends, so the overall
limit holds in *any* second. (python-telegram-bot's `AIORateLimiter` uses a
leaky bucket that lets ~59 messages through in the first second; a broadcast
of check-ins is exactly the case where that burst earns a flood wait.)

Replies to what she just did come first: check-ins take only the capacity
they leave, never go to a chat that was sent anything in the last second, and
are spaced evenly (1/30 s apart) instead of leaving in bursts of 30 a second.

A flood wait (429, "retry after N") holds the chat it was for, not the bot:
one person holding a key down, or a group, must not make everyone else wait.
Only a flood wait that cannot be tied to one chat (a call with no chat, such
as `setMyCommands`) holds everything. The bot's overall limit needs no
guessing from flood waits: the window above counts every send, so no second
in which the bot itself goes over it ever starts. (It used to guess: three
chats' flood waits within two seconds, or one while the bot sent near 30 a
second, held every chat, so three busy chats made a calm woman wait seconds
for each answer.)
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

PER_SECOND = 30
WINDOW = 1.0
CHAT_MEMORY = 60.0
"""Seconds each chat's sends (and flood waits) are kept before the chat is forgotten."""

CLAIMED = {"claimed": True}
"""`rate_limit_args` of a send that already holds a slot (the sender's)."""

BEST_EFFORT = frozenset({"answerCallbackQuery"})
"""Calls tried once: an answer to a button press is useless late, and the press goes on anyway."""

REPLY_RETRIES = 6
NETWORK_BACKOFF = 0.5
"""A reply that met a network error or a 5xx is tried again after 0.5, 1, 2, 4, 8, 16 s."""


def retry_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked us to wait, whichever type this PTB version reports."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Throttle:
    def __init__(
        self,
        per_second: int = PER_SECOND,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        """Check-ins a second; with paid broadcasts (more than 30) the bot's limit rises with it."""
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._chats: dict[int, deque[float]] = {}
        self._chat_held: dict[int, float] = {}
        self._held_until = 0.0
        self._replies_waiting = 0
        self._last_checkin = float("-inf")
        self._next_sweep = 0.0
        self._line = asyncio.Lock()  # asyncio locks wake their waiters in order
        self.closing = False
        """Set when the bot stops: a reply no longer waits out a flood wait (see `acquire`)."""

    @property
    def limit(self) -> int:
        """Everything the bot may send in one second."""
        return max(PER_SECOND, self.per_second)

    # ---- bookkeeping ------------------------------------------------------------------

    def _forget_old(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - WINDOW:
            self._sent.popleft()
        if now < self._next_sweep:
            return
        # Once a second: chats not written to (or held) for a minute are forgotten, so
        # memory follows the chats active now and no id stays long after her last message.
        self._next_sweep = now + WINDOW
        old = now - CHAT_MEMORY
        for chat, times in list(self._chats.items()):
            while times and times[0] <= old:
                times.popleft()
            if not times:
                del self._chats[chat]
        for chat, until in list(self._chat_held.items()):
            if until <= old:
                del self._chat_held[chat]

    def _record(self, now: float, chat_id: int | None, urgent: bool) -> None:
        self._sent.append(now)
        if chat_id is not None:
            self._chats.setdefault(chat_id, deque()).append(now)
        if not urgent:
            self._last_checkin = now

    def _last_in(self, chat_id: int) -> float | None:
        times = self._chats.get(chat_id)
        return times[-1] if times else None

    def _wait(self, now: float, chat_id: int | None, urgent: bool) -> float:
        wait = self._held_until - now
        if chat_id is not None:
            wait = max(wait, self._chat_held.get(chat_id, 0.0) - now)
        if len(self._sent) >= self.limit:
            wait = max(wait, self._sent[-self.limit] + WINDOW - now)
        if urgent:
            return wait
        if len(self._sent) >= self.per_second:
            wait = max(wait, self._sent[-self.per_second] + WINDOW - now)
        wait = max(wait, self._last_checkin + WINDOW / self.per_second - now)
        if self._replies_waiting:
            wait = max(wait, 0.01)
        last = self._last_in(chat_id) if chat_id is not None else None
        if last is not None:
            wait = max(wait, last + WINDOW - now)
        return wait

    # ---- taking a slot ----------------------------------------------------------------

    async def acquire(self, chat_id: int | None = None, *, urgent: bool = True) -> None:
        """Wait for a slot. A reply (`urgent`) waits only for the overall limit and for
        flood waits. It waits out its own chat's flood wait first, outside any line, so a
        held chat never makes anyone else wait. Then replies queue in one line, first come
        first served: when more is asked than Telegram allows, everyone waits about as
        long, instead of whoever happens to wake first going first.

        Once the bot is stopping, a wait longer than a second (a flood wait) raises
        `RetryAfter` instead: a backlog of replies to a flooded chat would otherwise keep
        the process from stopping for minutes, and the replies would be lost all the same.
        """
        while True:
            if chat_id is not None:
                while (held := self._chat_held.get(chat_id, 0.0) - self._clock()) > 0:
                    self._unless_closing(held)
                    await self._sleep(held)
            if not urgent:
                if await self._take(chat_id, urgent):
                    return
                continue
            self._replies_waiting += 1
            try:
                async with self._line:
                    if await self._take(chat_id, urgent):
                        return
            finally:
                self._replies_waiting -= 1

    async def _take(self, chat_id: int | None, urgent: bool) -> bool:
        """Wait for the shared capacity and take a slot; False if the chat got held meanwhile
        (the caller waits that out and queues again)."""
        while True:
            now = self._clock()
            if chat_id is not None and self._chat_held.get(chat_id, 0.0) > now:
                return False
            self._forget_old(now)
            wait = self._wait(now, chat_id, urgent)
            if wait <= 0:
                self._record(now, chat_id, urgent)
                return True
            if wait > WINDOW:
                self._unless_closing(wait)
            await self._sleep(wait)

    def _unless_closing(self, wait: float) -> None:
        if self.closing:
            raise RetryAfter(timedelta(seconds=wait))

    def beyond_free(self) -> bool:
        """Whether the send that just took its slot is beyond Telegram's free 30 in the last
        second: with paid broadcasts on, only such a send carries the flag (and its fee)."""
        return len(self._sent) > PER_SECOND

    def chat_busy(self, chat_id: int) -> bool:
        """Whether `chat_id` was sent something within the last second, or is held."""
        last = self._last_in(chat_id)
        return (last is not None and last > self._clock() - WINDOW) or self.held(chat_id)

    async def ready(self, chat_id: int | None = None) -> None:
        """Wait until a check-in slot is free, without taking it (see `CheckinSender.deliver`)."""
        while (wait := self._wait(self._clock(), chat_id, urgent=False)) > 0:
            await self._sleep(wait)
            self._forget_old(self._clock())

    # ---- flood waits ------------------------------------------------------------------

    def flood(self, chat_id: int | None, seconds: float) -> bool:
        """Telegram asked to wait `seconds` after a call for `chat_id`: hold that chat, or the
        whole bot when the call was for no chat. True if the whole bot is held.

        However many chats are held at once, each waits alone: a flood wait says that
        chat's sends came too fast (a key held down, a busy group, a backlog), and the
        others are as welcome as before."""
        if chat_id is None:
            self.hold(seconds)
            return True
        until = self._clock() + seconds
        self._chat_held[chat_id] = max(self._chat_held.get(chat_id, 0.0), until)
        return False

    def hold(self, seconds: float) -> None:
        """The bot's own flood wait: nothing goes out until it is over."""
        self._held_until = max(self._held_until, self._clock() + seconds)

    def held(self, chat_id: int) -> bool:
        return self._chat_held.get(chat_id, 0.0) > self._clock()

    @property
    def chats_remembered(self) -> int:
        """How many chats the throttle holds anything about (memory, privacy)."""
        return len(self._chats.keys() | self._chat_held.keys())


def _is_send(endpoint: str) -> bool:
    return endpoint.startswith(("send", "copyMessage", "forwardMessage"))


class SharedLimiter(BaseRateLimiter[dict[str, Any]]):
    """Puts every reply through the shared `Throttle`, waits out flood control (its chat's,
    or the bot's), and tries a reply again when Telegram could not be reached or failed (5xx).

    A retried reply after a timeout may, rarely, arrive twice (the first attempt
    may have reached Telegram); an answer she never gets is the worse failure.
    The sender's sends are not retried here: it reschedules them itself.
    Answers to button presses are tried once (`BEST_EFFORT`).
    """

    def __init__(self, throttle: Throttle) -> None:
        self.throttle = throttle

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> Any:
        if endpoint in BEST_EFFORT:
            return await callback(*args, **kwargs)
        claimed = bool(rate_limit_args and rate_limit_args.get("claimed"))
        chat = data.get("chat_id")
        chat_id = chat if isinstance(chat, int) else None
        sending = _is_send(endpoint) and not claimed
        # Calls for a chat (replies, edits, deletions) are tried again; the bot's own calls
        # (getMe, setMyCommands, setWebhook) are left to their callers, which retry them
        # their own way (`startup.reach_telegram`) and say so in the log.
        retried = chat_id is not None and not claimed
        for attempt in range(REPLY_RETRIES + 1):
            if sending:
                await self.throttle.acquire(chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if claimed:
                    raise  # the sender records it and reschedules
                seconds = retry_seconds(exc)
                if self.throttle.flood(chat_id, seconds):
                    log.warning("flood wait of %.0f s on %s: every chat held", seconds, endpoint)
                else:
                    log.info("flood wait of %.0f s on %s: one chat held", seconds, endpoint)
                if not retried or attempt == REPLY_RETRIES:
                    raise
                if not sending:  # a send waits for its hold in `acquire`
                    await asyncio.sleep(seconds)
            except BadRequest:
                raise  # our request was wrong: sending it again cannot help
            except NetworkError:
                if not retried or attempt == REPLY_RETRIES:
                    raise
                await asyncio.sleep(NETWORK_BACKOFF * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover
