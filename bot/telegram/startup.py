"""Start-up: reach Telegram before serving, however long that takes, instead of crashing.

The bot may start while Telegram cannot be reached (the network not up yet
after a reboot, an outage, a proxy restarting). python-telegram-bot would end
the process with a traceback at the first failed `getMe`; a service manager
restarting it in a loop helps nobody. Here `Application.initialize` is tried
again with a growing pause and one log line per attempt (its type only: the
token is in every URL). A refused token is not retried: `InvalidToken` goes up
to `python -m bot run`, which explains it. SIGINT or SIGTERM while waiting stop
the process cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import Application

from bot.telegram.throttle import retry_seconds

log = logging.getLogger(__name__)

FIRST_PAUSE, LONGEST_PAUSE = 1.0, 60.0
"""1 s after the first failure, then 2, 4, 8, ... up to a minute between attempts."""


async def reach_telegram(
    app: Application,  # type: ignore[type-arg]
    *,
    first: float = FIRST_PAUSE,
    longest: float = LONGEST_PAUSE,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> int:
    """Initialize `app` (which calls getMe), trying until Telegram answers; returns attempts."""
    pause, attempt = first, 1
    while True:
        try:
            await app.initialize()
            if attempt > 1:
                log.info("reached Telegram after %d attempts", attempt)
            return attempt
        except BadRequest:
            raise  # Telegram answered and refused: trying again will not change its mind
        except (NetworkError, RetryAfter) as exc:
            if isinstance(exc, RetryAfter):
                pause = max(pause, retry_seconds(exc))
            log.warning(
                "Telegram unreachable at start-up (attempt %d, %s); trying again in %.0f s",
                attempt,
                type(exc).__name__,
                pause,
            )
        await sleep(pause)
        pause, attempt = min(pause * 2, longest), attempt + 1


def reach_or_stop(app: Application) -> bool:  # type: ignore[type-arg]
    """Run `reach_telegram` on a fresh event loop, left current for `run_polling` and
    `run_webhook` to use. False if SIGINT or SIGTERM came first (nothing was started)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    reaching = loop.create_task(reach_telegram(app))
    stops = (signal.SIGINT, signal.SIGTERM)
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows' loop
        for stop in stops:
            loop.add_signal_handler(stop, reaching.cancel)
    try:
        loop.run_until_complete(reaching)
        return True
    except asyncio.CancelledError:
        log.info("stopped while waiting for Telegram")
        return False
    finally:
        with contextlib.suppress(NotImplementedError):
            for stop in stops:
                loop.remove_signal_handler(stop)
