"""Start-up waits for Telegram with a growing pause, and gives up only on a refused token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.telegram.startup import reach_telegram


class Unreachable:
    """An application whose `initialize` (getMe) fails with `errors`, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.initialized = False

    async def initialize(self) -> None:
        if self.errors:
            raise self.errors.pop(0)
        self.initialized = True


async def test_an_unreachable_telegram_is_tried_again_with_a_growing_pause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Unreachable(*(NetworkError("Bad Gateway") for _ in range(7)), TimedOut())
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    attempts = await reach_telegram(app, sleep=sleep)  # type: ignore[arg-type]

    assert app.initialized
    assert attempts == 9
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60]
    assert caplog.text.count("unreachable at start-up") == 8


async def test_a_flood_wait_at_start_is_waited_out_in_full() -> None:
    app = Unreachable(RetryAfter(timedelta(seconds=25)))
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    await reach_telegram(app, sleep=sleep)  # type: ignore[arg-type]

    assert pauses == [25]


async def test_a_refused_token_is_not_tried_again() -> None:
    app = Unreachable(InvalidToken("Unauthorized"))

    with pytest.raises(InvalidToken):
        await reach_telegram(app)  # type: ignore[arg-type]
