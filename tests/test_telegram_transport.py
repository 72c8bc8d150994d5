"""The Telegram adapter's side of reliability, in process: late presses, groups, memory.

A press whose answer Telegram refuses still does what it says; a group hears
the refusal once a day however much it writes; and python-telegram-bot keeps
no id of hers after her updates are done.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.engine import URL

from bot.content import Content
from bot.telegram.handlers import REFUSE_EVERY, OncePer
from tests.dbcheck import rows
from tests.offline import Chat
from tests.telegram_limits import QUERY_TOO_OLD
from tests.test_telegram import PROFILE, answer_all, label


def answers_refused(her: Chat) -> None:
    """Every press reaches the bot too late to be answered (after a restart, a backlog)."""
    her.request.refusing["answerCallbackQuery"] = (400, QUERY_TOO_OLD)


async def test_a_press_too_late_to_answer_still_moves_her_on(
    her: Chat, content: Content, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    answers_refused(her)
    await her.send("/start")

    await her.press(label(content, "safety", "yes"))

    assert her.last().plain == content.steps[1].question
    assert content.messages.error not in her.texts()
    assert "could not answer a button press: BadRequest" in caplog.text


async def test_forget_and_hide_work_from_presses_too_late_to_answer(
    her: Chat, content: Content, db_url: URL
) -> None:
    answers_refused(her)
    await her.send("/start")
    await answer_all(her, content, **PROFILE)

    await her.press(content.messages.hide_label)
    assert her.visible(include_hers=True) == []

    await her.send("/forget")
    await her.press(content.messages.forget_yes)
    assert her.texts() == [content.messages.forgotten]
    assert rows(db_url, f"SELECT count(*) FROM users WHERE user_id = {her.user_id}") == [(0,)]


async def test_a_group_hears_that_the_bot_is_private_once_however_much_it_writes(
    her: Chat, content: Content
) -> None:
    for text in ("/start", "hello?", "/help", "/start", "anyone?"):
        await her.send(text, chat="group")

    sent = her.request.called("sendMessage")
    assert [m["text"] for m in sent] == [content.messages.group_refusal]


def test_the_group_refusal_comes_again_after_a_day_and_old_groups_are_forgotten() -> None:
    now = [0.0]
    once = OncePer(REFUSE_EVERY, clock=lambda: now[0])
    assert once.first(-100)
    now[0] = 23 * 3600.0
    assert not once.first(-100)
    assert once.first(-200)
    now[0] = 24 * 3600.0
    assert once.first(-100)
    now[0] = 48 * 3600.0
    assert once.first(-300)
    assert once._seen.keys() == {-300}


async def test_no_id_of_hers_stays_with_python_telegram_bot_after_forget(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    await her.press(label(content, "safety", "yes"))
    await her.send("/forget")
    await her.press(content.messages.forget_yes)

    app = her.app
    kept = [
        app._chat_ids_to_be_updated_in_persistence,
        app._user_ids_to_be_updated_in_persistence,
        app._chat_ids_to_be_deleted_in_persistence,
        app._user_ids_to_be_deleted_in_persistence,
    ]
    assert kept == [set(), set(), set(), set()]
    assert dict(app.chat_data) == {}
    assert dict(app.user_data) == {}
    assert app.update_processor.active_chats == 0  # type: ignore[attr-defined]
