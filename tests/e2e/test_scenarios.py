"""Whole conversations against the real process over HTTP, as Telegram will run the bot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import URL

from bot.content import Content, load_content
from tests.dbcheck import execute, instant, rows
from tests.e2e.conftest import BotProcess, errors_in
from tests.emulator import BotAPI
from tests.test_telegram import label

HER = 501
Start = Callable[..., BotProcess]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def answer_all(api: BotAPI, content: Content, user: int, **answers: str) -> None:
    """Press her answers, one question after the other, waiting for each question."""
    for step in content.steps:
        api.wait_text(user, step.question)
        if step.multi:
            for pick in filter(None, answers.get(step.id, "").split(",")):
                api.press(user, label(content, step.id, pick))
            api.press(user, step.done_label if answers.get(step.id) else step.none_label)
        else:
            api.press(user, label(content, step.id, answers[step.id]))


def at_second_question(api: BotAPI, content: Content) -> None:
    api.send(HER, "/start")
    api.press(HER, label(content, "safety", "yes"))
    api.wait_text(HER, content.steps[1].question)


CASES = {
    "volatile": dict(
        safety="yes", how_said="hurtful", cause="big_fight", contact="talking", firmness="leaning"
    ),
    "drifting": dict(
        safety="yes", how_said="calm", cause="distance", contact="talking", firmness="wavering"
    ),
    "shut_out": dict(
        safety="yes", how_said="calm", cause="stress", contact="shut_out", firmness="leaning"
    ),
    "dead_set": dict(
        safety="yes", how_said="calm", cause="intimacy", contact="barely", firmness="dead_set"
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_situation_gets_its_own_guidance(
    api: BotAPI, start_bot: Start, content: Content, case: str
) -> None:
    bot = start_bot()
    api.send(HER, "/start")
    answer_all(api, content, HER, **CASES[case], tactics="begging")
    api.wait_text(HER, content.checkins.offer)
    shown = "\n".join(api.texts(HER))
    applying = [s for s in content.guidance.sections if s.case == case]
    assert applying, case
    assert all(s.title in shown for s in applying)
    others = [s for s in content.guidance.sections if s.case and s.case != case]
    assert not all(s.title in shown for s in others)
    assert api.commands, "set_my_commands at start"
    assert errors_in(bot.log) == []


def test_help_mid_assessment_keeps_her_place(
    api: BotAPI, start_bot: Start, content: Content
) -> None:
    start_bot()
    at_second_question(api, content)
    api.send(HER, "/help")
    api.wait_text(HER, content.guidance.embrace_title)
    last = api.wait_for(
        lambda: api.visible(HER)[-1].text == content.steps[1].question and api.visible(HER)[-1]
    )
    assert last.labels == [a.label for a in content.steps[1].answers]


def test_a_crisis_message_gets_resources_first(
    api: BotAPI, start_bot: Start, content: Content
) -> None:
    start_bot()
    at_second_question(api, content)
    api.send(HER, "he hit me last night and I'm scared")
    intro = api.wait_text(HER, content.messages.crisis_intro)
    lines = api.wait_text(HER, "Emergency services")
    assert intro.message_id < lines.message_id  # resources right after her message
    assert "988" in lines.text  # a suicide and crisis line among them


def test_forget_clears_the_chat_and_every_row(
    api: BotAPI, start_bot: Start, content: Content, db_url: URL
) -> None:
    start_bot()
    api.send(HER, "/start")
    answer_all(api, content, HER, **CASES["drifting"])
    api.wait_text(HER, content.checkins.offer)
    api.send(HER, "/forget")
    api.press(HER, content.messages.forget_yes)
    api.wait_text(HER, content.messages.forgotten)
    assert api.texts(HER) == [content.messages.forgotten]
    for table in ("users", "chat_messages", "schedules", "checkins"):
        assert rows(db_url, f"SELECT count(*) FROM {table} WHERE user_id = {HER}") == [(0,)]


def test_a_restart_between_two_answers_loses_nothing(
    api: BotAPI, start_bot: Start, content: Content
) -> None:
    bot = start_bot()
    api.send(HER, "/start")
    api.press(HER, label(content, "safety", "yes"))
    question = api.wait_text(HER, content.steps[1].question)
    assert bot.stop() == 0  # SIGTERM: a clean stop
    start_bot()
    api.press(HER, label(content, "how_said", "calm"), on=question)  # a button from before
    api.wait_text(HER, content.steps[2].question)


def test_a_check_in_is_set_up_and_delivered(
    api: BotAPI, start_bot: Start, content: Content, db_url: URL
) -> None:
    c = content.checkins
    start_bot()
    api.send(HER, "/checkins")
    api.press(HER, c.cadence("daily").label)  # type: ignore[union-attr]
    api.wait_text(HER, c.ask_time)
    ahead = datetime.now(UTC) + timedelta(minutes=1)
    api.send(HER, f"{ahead:%H:%M}")
    api.wait_text(HER, c.ask_zone)
    api.press(HER, "UTC")
    api.wait_text(HER, "Next check-in:")
    # Instead of waiting up to a minute, the clock "reaches" the slot: it is due now.
    due = instant(db_url, datetime.now(UTC) - timedelta(seconds=1))
    execute(db_url, f"UPDATE schedules SET next_due_at = {due}")
    checkin = api.wait_text(HER, c.checkin_mood, timeout=10)
    api.press(HER, c.moods[1].label, on=checkin)
    api.wait_text(HER, c.checkin_kept)
    api.press(HER, c.kept_no)
    api.wait_text(HER, c.reply_not_kept[:20])
    assert rows(db_url, "SELECT mood, kept, status FROM checkins") == [(2, 0, "sent")]
