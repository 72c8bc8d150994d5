"""/forget leaves nothing, whatever fails after she confirms it.

The reset of her conversation and the deletion of every row about her are
one transaction, committed before the bot touches Telegram again; so a process
killed between her "Yes, delete everything" and the reply still leaves no row.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import URL

from bot.content import Content, load_content
from tests.dbcheck import rows
from tests.e2e.conftest import BotProcess
from tests.emulator import BotAPI
from tests.test_telegram import label

HER = 777
Start = Callable[..., BotProcess]
CONTENT = load_content()


def her_rows(db_url: URL) -> dict[str, int]:
    return {
        table: rows(db_url, f"SELECT count(*) FROM {table} WHERE user_id = {HER}")[0][0]
        for table in ("users", "chat_messages", "schedules", "checkins")
    }


def test_a_process_killed_between_the_confirmation_and_the_reply_leaves_no_row_of_hers(
    api: BotAPI, start_bot: Start, db_url: URL
) -> None:
    content: Content = CONTENT
    c = content.checkins
    bot = start_bot()
    api.send(HER, "/checkins")
    api.press(HER, c.cadence("daily").label)  # type: ignore[union-attr]
    api.press(HER, "20:00")
    api.press(HER, "UTC")
    api.press(HER, c.discreet_no)
    api.wait_text(HER, "Next check-in:")
    api.send(HER, "/start")
    api.press(HER, label(content, "safety", "yes"))
    api.wait_text(HER, content.steps[1].question)
    assert her_rows(db_url)["users"] == 1
    assert her_rows(db_url)["schedules"] == 1
    assert her_rows(db_url)["chat_messages"] > 0

    # Telegram hangs on the first call after her confirmation; the process dies meanwhile.
    api.fail(method="deleteMessages", status=200, delay=5)
    api.send(HER, "/forget")
    api.press(HER, content.messages.forget_yes)
    api.wait_for(lambda: api.called("deleteMessages"))
    bot.kill()

    assert content.messages.forgotten not in api.texts(HER)  # the reply never went out
    assert her_rows(db_url) == {"users": 0, "chat_messages": 0, "schedules": 0, "checkins": 0}
