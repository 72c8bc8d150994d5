"""What libraries log when something goes wrong keeps her words and her id out of the log.

python-telegram-bot logs an update it cannot parse whole, at CRITICAL: her
text and her id. The bot's log handler withholds a library record's arguments
and exception messages, and leaves the bot's own lines as they are.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from telegram import Bot

from bot import logs
from tests.offline import OfflineRequest

TOKEN = "123456:TEST-token-for-logs"
HER_ID = 987654321
HER_WORDS = "my husband took my phone again"


class BrokenUpdates(OfflineRequest):
    """Telegram (or a newer Bot API) hands over an update this library cannot parse."""

    def _answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getUpdates":
            user = {"id": HER_ID, "is_bot": False, "first_name": "Her"}
            message = {"message_id": 1, "date": 1, "chat": HER_WORDS, "from": user}
            return [{"update_id": 5, "message": {**message, "text": HER_WORDS}}]
        return super()._answer(name, params)


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """Everything logged, through the bot's own handler, as `python -m bot` sets it up."""
    out = io.StringIO()
    handler = logs.handler([TOKEN], out)
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield out
    root.removeHandler(handler)
    root.setLevel(saved)


async def test_an_update_the_library_cannot_parse_is_logged_without_her_words_or_id(
    logged: io.StringIO,
) -> None:
    request = BrokenUpdates()
    bot = Bot(TOKEN, request=request, get_updates_request=request)
    await bot.initialize()

    with pytest.raises(TypeError):
        await bot.get_updates()
    await bot.shutdown()

    text = logged.getvalue()
    assert "CRITICAL" in text
    assert "Error while parsing updates" in text
    assert "TypeError (message withheld)" in text
    assert HER_WORDS not in text
    assert str(HER_ID) not in text
    assert TOKEN not in text


def test_a_library_line_keeps_its_numbers_and_loses_everything_else(
    logged: io.StringIO,
) -> None:
    update = {"message": {"text": HER_WORDS, "from": {"id": HER_ID}}}

    logging.getLogger("telegram.ext.Application").error(
        "update %s failed after %d tries: %r", json.dumps(update), 3, update
    )

    line = logged.getvalue()
    assert "failed after 3 tries" in line
    assert HER_WORDS not in line
    assert str(HER_ID) not in line


def test_the_bots_own_lines_are_left_as_they_are(logged: io.StringIO) -> None:
    logging.getLogger("bot.telegram.sender").warning("%d check-ins %s", 4, "held")

    assert "4 check-ins held" in logged.getvalue()
