"""Telegram's sending limits, shared by replies and check-ins.

Telegram allows about 30 messages a second overall. One sliding one-second
window counts everything the bot sends, so the limit holds in *any* second.
(python-telegram-bot's `AIORateLimiter` uses a leaky bucket that lets ~59
messages through in the first second; a broadcast of check-ins is exactly the
case where that burst earns a flood wait.)

Replies to what she just did come first: they never wait for the window
(only for a flood-control pause Telegram asked for), but they are counted in
it, so check-ins take only the capacity that is left. A check-in also never
goes to a chat that was sent anything in the last second, and check-ins are
spaced evenly (1/30 s apart) instead of leaving in bursts of 30 on each second.
(One shared limiter for everything, as `AIORateLimiter` does with sequential
updates, would hold every reply behind a broadcast of check-ins.)
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

PER_SECOND = 30
WINDOW = 1.0
CLAIMED = {"claimed": True}
"""`rate_limit_args` of a send that already holds a slot (the dispatcher's)."""

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
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._last_in_chat: dict[int, float] = {}
        self._held_until = 0.0
        self._replies_waiting = 0
        self._last_checkin = float("-inf")

    def _forget_old(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - WINDOW:
            self._sent.popleft()
        if len(self._last_in_chat) > 4 * self.per_second:
            self._last_in_chat = {c: t for c, t in self._last_in_chat.items() if t > now - WINDOW}

    def _wait(self, now: float, chat_id: int | None, urgent: bool) -> float:
        wait = self._held_until - now
        if urgent:
            return wait
        if len(self._sent) >= self.per_second:
            wait = max(wait, self._sent[0] + WINDOW - now)
        wait = max(wait, self._last_checkin + WINDOW / self.per_second - now)
        if self._replies_waiting:
            wait = max(wait, 0.01)
        last = self._last_in_chat.get(chat_id) if chat_id is not None else None
        if last is not None:
            wait = max(wait, last + WINDOW - now)
        return wait

    async def acquire(self, chat_id: int | None = None, *, urgent: bool = True) -> None:
        """Wait for a slot: a reply (`urgent`) only waits out a flood-control pause."""
        if urgent:
            self._replies_waiting += 1
        try:
            while True:
                now = self._clock()
                self._forget_old(now)
                wait = self._wait(now, chat_id, urgent)
                if wait <= 0:
                    self._sent.append(now)
                    if chat_id is not None:
                        self._last_in_chat[chat_id] = now
                    if not urgent:
                        self._last_checkin = now
                    return
                await self._sleep(wait)
        finally:
            if urgent:
                self._replies_waiting -= 1

    def chat_busy(self, chat_id: int) -> bool:
        """Whether `chat_id` was sent something within the last second."""
        last = self._last_in_chat.get(chat_id)
        return last is not None and last > self._clock() - WINDOW

    async def ready(self, chat_id: int | None = None) -> None:
        """Wait until a check-in slot is free, without taking it (see `Dispatcher.deliver`)."""
        while (wait := self._wait(self._clock(), chat_id, urgent=False)) > 0:
            await self._sleep(wait)
            self._forget_old(self._clock())

    def hold(self, seconds: float) -> None:
        """Telegram asked for a pause: nothing goes out until it is over."""
        self._held_until = max(self._held_until, self._clock() + seconds)


def _is_send(endpoint: str) -> bool:
    return endpoint.startswith(("send", "copyMessage", "forwardMessage"))


class SharedLimiter(BaseRateLimiter[dict[str, Any]]):
    """Puts every reply through the shared `Throttle`, waits out flood control, and
    tries a reply again when Telegram could not be reached or failed (5xx).

    A retried reply after a timeout may, rarely, arrive twice (the first attempt
    may have reached Telegram); an answer she never gets is the worse failure.
    The dispatcher's sends are not retried here: it reschedules them itself.
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
        claimed = bool(rate_limit_args and rate_limit_args.get("claimed"))
        if _is_send(endpoint) and not claimed:
            chat = data.get("chat_id")
            await self.throttle.acquire(chat if isinstance(chat, int) else None)
        for attempt in range(REPLY_RETRIES + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if claimed or attempt == REPLY_RETRIES:
                    raise
                seconds = retry_seconds(exc)
                self.throttle.hold(seconds)
                await asyncio.sleep(seconds)
            except BadRequest:
                raise  # our request was wrong: sending it again cannot help
            except NetworkError:
                if claimed or attempt == REPLY_RETRIES or endpoint == "getUpdates":
                    raise
                await asyncio.sleep(NETWORK_BACKOFF * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover
