"""A press that reaches the bot too late to be answered still does what it says.

Telegram refuses `answerCallbackQuery` for a press it delivered long ago
("query is too old and response timeout expired or query ID is invalid"),
as happens after a restart or behind a backlog. Here the emulator refuses
every answer that way, and each kind of press must still work: the
questions, /forget's confirmation, "Hide these messages", a check-in answer.
Also here: Telegram's 48-hour limit on deleting messages.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import URL

from bot.content import Content, load_content
from tests.dbcheck import rows
from tests.e2e.conftest import BotProcess, errors_in
from tests.e2e.test_faults import seed_due_checkins
from tests.e2e.test_scenarios import CASES, answer_all
from tests.emulator import BotAPI

HER = 601
Start = Callable[..., BotProcess]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture
def late(api: BotAPI) -> BotAPI:
    api.callback_answers("refuse")
    return api


def test_the_questions_go_on_when_every_press_is_too_late_to_answer(
    late: BotAPI, start_bot: Start, content: Content
) -> None:
    bot = start_bot()
    late.send(HER, "/start")
    answer_all(late, content, HER, **CASES["drifting"])

    late.wait_text(HER, content.checkins.offer)
    assert late.queries.refused >= len(content.steps)
    assert "could not answer a button press: BadRequest" in bot.log
    assert errors_in(bot.log) == []


def test_hide_and_forget_work_when_their_presses_are_too_late_to_answer(
    late: BotAPI, start_bot: Start, content: Content, db_url: URL
) -> None:
    bot = start_bot()
    late.send(HER, "/start")
    answer_all(late, content, HER, **CASES["volatile"])
    late.wait_text(HER, content.checkins.offer)

    late.press(HER, content.messages.hide_label)
    late.wait_for(lambda: not any(m.buttons for m in late.visible(HER)))
    late.send(HER, "/forget")
    late.press(HER, content.messages.forget_yes)
    late.wait_text(HER, content.messages.forgotten)

    assert late.texts(HER) == [content.messages.forgotten]
    assert rows(db_url, f"SELECT count(*) FROM users WHERE user_id = {HER}") == [(0,)]
    assert errors_in(bot.log) == []


def test_a_check_in_answer_is_recorded_when_the_press_is_too_late_to_answer(
    late: BotAPI, start_bot: Start, content: Content, db_url: URL
) -> None:
    c = content.checkins
    bot = start_bot()
    seed_due_checkins(db_url, range(HER, HER + 1))

    checkin = late.wait_text(HER, c.checkin_mood, timeout=10)
    late.press(HER, c.moods[3].label, on=checkin)
    late.wait_text(HER, c.questions[0].text)
    late.press(HER, c.did_yes)
    late.wait_for(lambda: rows(db_url, "SELECT mood, did FROM checkins") == [(4, 1)])
    assert errors_in(bot.log) == []


def test_hide_deletes_everything_telegram_still_allows_beside_older_messages(
    api: BotAPI, start_bot: Start, content: Content
) -> None:
    bot = start_bot()
    api.send(HER, "/start")
    api.wait_text(HER, content.steps[0].question)
    api.age(HER, hours=49)  # what she saw so far is now past Telegram's 48 hours
    old = api.all_in(HER)

    answer_all(api, content, HER, **CASES["shut_out"])
    api.wait_text(HER, content.checkins.offer)
    api.press(HER, content.messages.hide_label)

    api.wait_for(lambda: [m for m in api.all_in(HER) if not m.deleted] == old)
    assert errors_in(bot.log) == []
