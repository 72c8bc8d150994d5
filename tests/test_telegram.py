"""The Telegram adapter through `Application.process_update`, with an offline bot.

As in python-telegram-bot's own tests: real `Update` objects, a request object
that refuses the network, and assertions on what she would see in the chat.
"""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.content import Content
from tests.offline import Chat, start_app


def label(content: Content, step: str, answer: str) -> str:
    found = content.step(step)
    assert found is not None
    picked = found.answer(answer)
    assert picked is not None
    return picked.label


async def answer_all(her: Chat, content: Content, **answers: str) -> None:
    """Answer each single-choice step by its answer id; tactics are ticked, then Done;
    an optional question without an answer given is skipped."""
    tactics = answers.pop("tactics", "")
    for step in content.steps:
        if step.multi:
            for tactic in filter(None, tactics.split(",")):
                await her.press(label(content, step.id, tactic))
            await her.press(step.done_label)  # type: ignore[arg-type]
        elif step.optional and step.id not in answers:
            await her.press(step.skip_label)  # type: ignore[arg-type]
        else:
            await her.press(label(content, step.id, answers[step.id]))


PROFILE = {
    "safety": "yes",
    "how_said": "hurtful",
    "cause": "big_fight",
    "contact": "barely",
    "firmness": "dead_set",
}


async def test_commands_are_registered_for_the_menu(her: Chat, content: Content) -> None:
    [registered] = her.request.called("setMyCommands")
    names = [c["command"] for c in registered["commands"]]
    assert names == [name for name, _ in content.messages.commands.items()]


async def test_start_greets_her_and_asks_the_safety_question_with_buttons(
    her: Chat, content: Content
) -> None:
    await her.send("/start")

    assert content.messages.welcome in her.texts()
    assert her.last().plain == content.steps[0].question
    assert her.last().labels == [a.label for a in content.steps[0].answers]


async def test_a_whole_assessment_ends_in_one_paged_plan_for_her_situation(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    before = len(her.visible())
    await answer_all(her, content, **PROFILE, tactics="begging,chasing")

    p = content.plan
    plan_message = her.with_button(p.next_label)
    assert p.opening in her.texts()
    assert content.checkins.offer in her.texts()
    pages = []
    while True:
        pages.append(plan_message.plain)
        if p.next_label not in plan_message.labels:
            break
        await her.press(p.next_label, on=plan_message)
    seen = "\n".join(pages)
    for piece in ("respect_first", "mind_made_up"):
        assert next(x for x in p.pieces if x.id == piece).title in seen
    assert next(x for x in p.pieces if x.id == "warmth").title not in seen
    assert p.tactics_intro in seen
    assert p.page_label.format(page=len(pages), pages=len(pages)) in pages[-1]
    assert all(len(m.plain) <= 4096 for m in her.visible())
    # Paging edits the one plan message: no new messages arrive.
    assert len(her.visible()) - before <= len(content.steps) + 3


async def test_answered_questions_are_edited_in_place_without_buttons(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    question = her.last()
    await her.press("Yes")

    assert question.buttons == []
    assert content.messages.answered.format(question=content.steps[0].question, answer="Yes") == (
        question.plain
    )
    assert her.last().plain == content.steps[1].question


async def test_ticking_a_tactic_redraws_the_same_message(her: Chat, content: Content) -> None:
    await her.send("/start")
    multi = next(s for s in content.steps if s.multi)
    for step in content.steps[: content.steps.index(multi)]:
        await her.press(label(content, step.id, PROFILE[step.id]))
    tactics = her.last()
    first = multi.answers[0].label

    await her.press(first)

    assert her.last() is tactics
    assert content.messages.selected_mark + first in tactics.labels


async def test_not_safe_shows_resources_before_the_next_question(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    await her.press("No")

    resources = content.resources
    seen = her.texts()
    assert any(resources.intro in text for text in seen)
    assert content.steps[1].question not in seen
    assert her.last().labels == [content.messages.resources_continue]

    await her.press(content.messages.resources_continue)
    assert her.last().plain == content.steps[1].question


async def test_help_mid_way_lists_both_tactic_lists_and_keeps_her_place(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    await her.press("Yes")
    await her.send("/help")
    assert her.last().plain == content.steps[1].question
    helped = her.with_button(content.plan.next_label)

    seen = [helped.plain]
    for _ in range(2):  # the lists, a page each, turned in place
        await her.press(content.plan.next_label, on=helped)
        seen.append(helped.plain)
    for tactic in (*content.tactics.avoid, *content.tactics.embrace):
        assert tactic.name in "\n".join(seen)
    assert her.last().plain == content.steps[1].question
    await her.press(label(content, "how_said", "calm"))
    assert her.last().plain == content.steps[2].question


async def test_typing_instead_of_pressing_gets_a_kind_nudge_and_the_same_question(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    await her.send("I don't know what to say <b>&</b>")

    assert her.texts()[-2] == content.messages.nudge_single
    assert her.last().plain == content.steps[0].question


async def test_restart_between_answers_keeps_her_place(
    settings: Settings, content: Content
) -> None:
    app, request = await start_app(settings, content)
    her = Chat(app, request)
    await her.send("/start")
    await her.press("Yes")
    question = her.last()
    await app.shutdown()
    await app.post_shutdown(app)  # type: ignore[misc]

    app, request = await start_app(settings, content, chat_from=request)
    her = Chat(app, request)
    await her.press(label(content, "how_said", "calm"), on=question)

    assert her.last().plain == content.steps[2].question
    await app.shutdown()
    await app.post_shutdown(app)  # type: ignore[misc]


async def test_start_mid_way_asks_before_throwing_answers_away(her: Chat, content: Content) -> None:
    await her.send("/start")
    await her.press("Yes")
    await her.send("/start")

    assert her.last().plain == content.messages.restart_confirm
    await her.press(content.messages.restart_no)
    assert her.last().plain == content.steps[1].question


async def test_cancel_stops_the_questions(her: Chat, content: Content) -> None:
    await her.send("/start")
    await her.press("Yes")
    await her.send("/cancel")

    assert her.last().plain == content.messages.cancelled
    await her.send("hello?")
    assert her.last().plain == content.messages.idle


async def test_a_forged_button_changes_nothing(her: Chat, content: Content) -> None:
    await her.send("/start")
    question = her.last()
    await her.press("Yes", on=question, data="c|firmness|dead_set")
    await her.press("Yes", on=question, data="garbage")

    assert content.messages.stale_button in her.texts()
    await her.press("Yes", on=question)
    assert her.last().plain == content.steps[1].question


async def test_stickers_and_unknown_commands_get_a_gentle_answer(
    her: Chat, content: Content
) -> None:
    await her.send_sticker()
    assert her.last().plain == content.messages.non_text
    await her.send("/frobnicate")
    assert her.last().plain == content.messages.unknown_command


async def test_a_group_gets_one_polite_line_and_no_questions(her: Chat, content: Content) -> None:
    await her.send("/start", chat="group")

    [sent] = her.request.called("sendMessage")
    assert sent["text"] == content.messages.group_refusal
    assert int(sent["chat_id"]) < 0


async def test_a_failing_update_is_logged_without_her_words_and_she_hears_back(
    her: Chat, content: Content, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "my husband Tom said something awful"

    async def broken(*args: object) -> None:
        raise RuntimeError(secret)

    handlers = her.app.handlers[0]
    monkeypatch.setattr(handlers[1], "callback", broken)  # the free-text handler
    await her.send(secret)

    assert her.last().plain == content.messages.error
    assert "RuntimeError" in caplog.text
    assert secret not in caplog.text


async def test_crisis_words_mid_assessment_bring_resources_first_then_her_place_back(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    await her.press("Yes")
    await her.send("honestly I'm scared of what he'll do when he gets home")

    seen = her.texts()
    assert content.messages.crisis_intro in seen
    assert content.resources.intro in "\n".join(seen)
    assert her.last().labels == [content.messages.resources_continue]

    await her.press(content.messages.resources_continue)
    assert her.last().plain == content.steps[1].question


async def test_sos_at_any_time_and_her_country_puts_her_lines_first(
    her: Chat, content: Content
) -> None:
    uk = next(c for c in content.resources.countries if c.code == "GB")
    us = next(c for c in content.resources.countries if c.code == "US")
    await her.send("/sos")
    await her.press(uk.name)
    await her.send("/sos")

    latest = her.texts()[-1]
    assert uk.lines[0].contact in latest
    assert us.lines[0].contact not in latest
    assert content.messages.country_question not in her.texts()[-1]


# ---- her plan, paged in place ----------------------------------------------------------------


async def test_after_her_last_answer_at_most_three_messages_arrive(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    answers = {**PROFILE, "goal": "save"}
    last = content.steps[-1]
    for step in content.steps[:-1]:
        if step.multi:
            await her.press(step.none_label)  # type: ignore[arg-type]
        else:
            await her.press(label(content, step.id, answers[step.id]))
    before = len(her.visible())

    await her.press(label(content, last.id, answers[last.id]))

    arrived = her.visible()[before:]
    assert len(arrived) <= 3
    assert arrived[0].plain == content.plan.opening
    assert len(arrived[1].plain) <= 700 + 100  # page one, with its page label


async def test_a_page_button_pressed_after_a_restart_still_turns_the_page(
    settings: Settings, content: Content
) -> None:
    app, request = await start_app(settings, content)
    her = Chat(app, request)
    await her.send("/start")
    await answer_all(her, content, **PROFILE)
    plan_message = her.with_button(content.plan.next_label)
    first_page = plan_message.plain
    await app.shutdown()
    await app.post_shutdown(app)  # type: ignore[misc]

    # The bot restarts; the plan message with its old buttons is still in her chat.
    again, request_again = await start_app(settings, content, chat_from=request)
    her_again = Chat(again, request_again)
    await her_again.press(content.plan.next_label, on=plan_message)

    assert plan_message.plain != first_page
    assert content.plan.page_label.format(page=2, pages="").strip() in plan_message.plain
    await again.shutdown()
    await again.post_shutdown(again)  # type: ignore[misc]


async def test_update_changes_one_answer_and_shows_the_new_plan_keeping_the_rest(
    her: Chat, content: Content
) -> None:
    firmness = content.step("firmness")
    assert firmness is not None
    await her.send("/start")
    await answer_all(her, content, **{**PROFILE, "firmness": "leaning"})

    await her.send("/update")
    await her.press(firmness.topic)
    await her.press(label(content, "firmness", "dead_set"))

    assert her.texts()[-2] == content.messages.update_new_plan
    new_plan = her.last()
    pages = []
    while True:
        pages.append(new_plan.plain)
        if content.plan.next_label not in new_plan.labels:
            break
        await her.press(content.plan.next_label, on=new_plan)
    made_up = next(p for p in content.plan.pieces if p.id == "mind_made_up")
    assert made_up.title in "\n".join(pages)

    await her.send("/mydata")
    exported = her.last().document
    assert exported is not None
    [user] = json.loads(exported)["tables"]["users"]
    state = user["state"] if isinstance(user["state"], dict) else json.loads(user["state"])
    assert state["profile"]["firmness"] == ["dead_set"]
    assert state["profile"]["how_said"] == [PROFILE["how_said"]]  # the other answers kept
    [earlier] = state["previous"]
    assert earlier["answers"]["firmness"] == ["leaning"]  # her earlier plan, in /mydata
