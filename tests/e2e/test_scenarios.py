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
        elif step.optional and step.id not in answers:
            api.press(user, step.skip_label)
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


OWN_PIECE = {
    "volatile": "respect_first",
    "drifting": "warmth",
    "shut_out": "when_he_wont_talk",
    "dead_set": "mind_made_up",
}


def read_plan(api: BotAPI, content: Content, user: int) -> list[str]:
    """Every page of her plan, turned with its Next button (the message is edited in place)."""
    p = content.plan
    message = api.wait_for(
        lambda: next((m for m in api.visible(user) if p.update_label in m.labels), None)
    )
    pages = [message.text]
    while p.next_label in message.labels:
        edits = message.edits
        api.press(user, p.next_label, on=message)
        api.wait_for(lambda edits=edits: message.edits > edits)
        pages.append(message.text)
    return pages


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_situation_gets_its_own_plan(
    api: BotAPI, start_bot: Start, content: Content, case: str
) -> None:
    bot = start_bot()
    api.send(HER, "/start")
    answer_all(api, content, HER, **CASES[case], tactics="begging")
    api.wait_text(HER, content.checkins.offer)
    shown = "\n".join(read_plan(api, content, HER))
    pieces = {piece.id: piece for piece in content.plan.pieces}
    assert pieces[OWN_PIECE[case]].title in shown
    others = [pieces[p].title for c, p in OWN_PIECE.items() if c != case]
    assert not all(title in shown for title in others)
    assert api.commands, "set_my_commands at start"
    assert errors_in(bot.log) == []


def test_help_mid_assessment_keeps_her_place(
    api: BotAPI, start_bot: Start, content: Content
) -> None:
    start_bot()
    at_second_question(api, content)
    api.send(HER, "/help")
    api.wait_text(HER, content.messages.help_commands_title)  # page one of /help: the commands
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
    api.press(HER, c.discreet_no)
    api.wait_text(HER, "Next check-in:")
    # Instead of waiting up to a minute, the clock "reaches" the slot: it is due now.
    due = instant(db_url, datetime.now(UTC) - timedelta(seconds=1))
    execute(db_url, f"UPDATE schedules SET next_due_at = {due}")
    checkin = api.wait_text(HER, c.checkin_mood, timeout=10)
    api.press(HER, c.moods[1].label, on=checkin)
    asked = c.questions[0]
    api.wait_text(HER, asked.text)
    api.press(HER, c.did_no)
    api.wait_text(HER, asked.if_no[:20])
    assert rows(db_url, "SELECT mood, did, status FROM checkins") == [(2, 0, "sent")]


def test_after_an_alarm_check_ins_are_discreet_and_the_menu_names_nothing_about_him(
    api: BotAPI, start_bot: Start, content: Content, db_url: URL
) -> None:
    c = content.checkins
    start_bot()
    api.send(HER, "/checkins")
    api.press(HER, c.cadence("daily").label)  # type: ignore[union-attr]
    api.wait_text(HER, c.ask_time)
    api.send(HER, "21:00")
    api.wait_text(HER, c.ask_zone)
    api.press(HER, "UTC")
    api.press(HER, c.discreet_no)  # she set them up plainly
    api.wait_text(HER, "Next check-in:")

    api.send(HER, "he hit me last night")
    api.wait_text(HER, c.discreet_now)
    due = instant(db_url, datetime.now(UTC) - timedelta(seconds=1))
    execute(db_url, f"UPDATE schedules SET next_due_at = {due}")
    checkin = api.wait_text(HER, c.covers[0].text, timeout=10)
    assert checkin.labels == [c.open_label]
    [sent] = [p for p in api.called("sendMessage") if c.covers[0].text in str(p.get("text"))]
    assert str(sent.get("disable_notification")).lower() == "true"

    about_him = ("him", "husband", "marriage", "leave", "text him")
    menu = " ".join(f"{m['command']} {m['description']}".lower() for m in api.commands)
    assert "moment" in menu
    assert not any(f" {word}" in f" {menu}" for word in about_him)
    assert not any(word in api.description.lower().split() for word in about_him)
    assert api.description
    assert api.short_description
