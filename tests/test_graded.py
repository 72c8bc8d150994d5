"""The graded crisis screen in the conversation: two risks, two answers; unsure, it asks.

Through the pure core: her own crisis gets the crisis lines and never the domestic-violence
plan; danger from him gets the safety path; words the screen is unsure of bring a direct,
kind question, and "No, I'm okay" leaves her exactly where she was, for good for those words.
"""

from __future__ import annotations

import pytest

from bot.content import Content
from bot.core import router
from bot.core.asks import CRISIS_ANSWER
from bot.core.inputs import Action, Command, Text
from bot.core.safety import reading
from bot.core.safety.resources import COUNTRY
from bot.core.state import Asked, Mode, State
from bot.core.turn import Outcome
from tests.test_flow import labels, press, walk

OWN_SURE = "I want to kill myself tonight"
HIM_SURE = "he hit me last night and I'm scared to go home"
BOTH_SURE = "he hit me again and honestly I want to die"
OWN_UNSURE = "i just want to disappear"


def dv_lines(content: Content) -> list[str]:
    return [
        line.name
        for country in content.resources.countries
        for line in country.lines
        if line.kind == "domestic_violence"
    ]


def crisis_lines(content: Content) -> list[str]:
    return [
        line.name
        for country in content.resources.countries
        for line in country.lines
        if line.kind == "crisis"
    ]


def shown_text(outcome: Outcome) -> str:
    return "\n".join(r.text for r in outcome.replies)


def safety_plan_titles(content: Content) -> list[str]:
    return [p.title for p in content.plan.pieces if p.path == "safety"]


def test_the_phrases_these_tests_use_are_read_as_they_say(content: Content) -> None:
    assert reading.read(content, OWN_SURE).alarm == ("own",)
    assert reading.read(content, HIM_SURE).alarm == ("him",)
    assert set(reading.read(content, BOTH_SURE).alarm) == {"own", "him"}
    unsure = reading.read(content, OWN_UNSURE)
    assert unsure.ask == ("own",)
    assert not unsure.alarm


def test_her_own_crisis_gets_the_crisis_lines_and_no_domestic_violence_plan(
    content: Content,
) -> None:
    out = router.respond(content, State(profile={"safety": ("yes",)}), Text(OWN_SURE))

    said = shown_text(out)
    assert out.replies[0].kind == "resources"
    assert any(name in out.replies[0].text for name in crisis_lines(content))
    assert not any(name in said for name in dv_lines(content))
    assert content.crisis.own.kind_word in said
    assert content.crisis.own.tonight in said
    assert content.resources.intro not in said  # "whatever is happening in your marriage"
    assert not any(title in said for title in safety_plan_titles(content))
    assert out.state.unsafe is None  # her path is hers: this is not danger from him
    assert out.state.risks == ("own",)


def test_her_country_after_her_own_crisis_brings_that_countrys_crisis_lines_not_the_dv_ones(
    content: Content,
) -> None:
    crisis = router.respond(content, State(profile={"safety": ("yes",)}), Text(OWN_SURE))
    country = next(c for c in content.resources.countries if c.code == "GB")

    out = router.respond(content, crisis.state, Action(COUNTRY, "GB"))

    said = shown_text(out)
    assert out.state.country == "GB"
    assert any(line.name in said for line in country.lines if line.kind == "crisis")
    assert not any(name in said for name in dv_lines(content))
    assert content.resources.intro not in said  # "whatever is happening in your marriage"
    assert content.crisis.own.intro in said


def test_danger_from_him_gets_the_domestic_violence_lines_and_the_safety_path(
    content: Content,
) -> None:
    out = router.respond(content, State(profile={"safety": ("yes",)}), Text(HIM_SURE))

    assert out.replies[0].text == content.messages.crisis_intro
    lines = next(r for r in out.replies if r.text.startswith(content.resources.intro))
    dv = [lines.text.find(name) for name in dv_lines(content) if name in lines.text]
    crisis = [lines.text.find(name) for name in crisis_lines(content) if name in lines.text]
    assert dv
    assert min(dv) < min(crisis)
    assert out.state.unsafe == "alarm"
    assert "him" in out.state.risks


def test_both_risks_get_both_answers(content: Content) -> None:
    out = router.respond(content, State(), Text(BOTH_SURE))

    said = shown_text(out)
    assert any(name in said for name in dv_lines(content))
    assert any(name in said for name in crisis_lines(content))
    assert content.crisis.own.tonight in said
    assert out.state.unsafe == "alarm"
    assert set(out.state.risks) == {"own", "him"}


def test_unsure_words_bring_a_direct_kind_question_with_three_answers(content: Content) -> None:
    out = router.respond(content, State(), Text(OWN_UNSURE))

    [question] = out.replies
    assert question.text == content.crisis.ask.own
    ask = content.crisis.ask
    assert labels(question) == [ask.yes_label, ask.okay_label, ask.unsure_label]
    assert out.state.mode is Mode.ASKED
    assert not any(r.kind == "resources" for r in out.replies)


def test_no_im_okay_leaves_her_path_and_place_untouched_and_is_not_asked_again(
    content: Content,
) -> None:
    at_cause = walk(content, {"safety": ("yes",), "how_said": ("calm",)})
    asked = router.respond(content, at_cause.state, Text(OWN_UNSURE))
    assert asked.state.mode is Mode.ASKED

    okay = press(content, asked, content.crisis.ask.okay_label)

    assert okay.state.mode is Mode.ASKING
    assert okay.state.step == at_cause.state.step
    assert okay.state.answers == at_cause.state.answers
    assert okay.state.unsafe is None
    assert okay.state.risks == ()
    assert okay.replies[-1].text == content.step("cause").question  # type: ignore[union-attr]
    assert not okay.state.held
    # The same words are heard, not asked about again; other words still are.
    again = router.respond(content, okay.state, Text(OWN_UNSURE))
    assert again.state.mode is Mode.ASKING
    other = router.respond(content, okay.state, Text("some days i just want to vanish for good"))
    assert other.state.mode is Mode.ASKED


@pytest.mark.parametrize("answer", ["yes_label", "unsure_label"])
def test_yes_or_not_sure_is_taken_as_a_clear_answer(content: Content, answer: str) -> None:
    asked = router.respond(content, State(), Text(OWN_UNSURE))

    sure = press(content, asked, getattr(content.crisis.ask, answer))

    assert sure.replies[0].kind == "resources"
    assert content.crisis.own.tonight in shown_text(sure)
    assert sure.state.risks == ("own",)
    assert sure.state.unsafe is None


def test_a_typed_answer_to_the_question_counts(content: Content) -> None:
    asked = router.respond(content, State(), Text(OWN_UNSURE))

    okay = router.respond(content, asked.state, Text("no, I'm okay"))

    assert okay.state.mode is Mode.IDLE
    assert okay.replies[0].text == content.crisis.ask.okay


def test_a_stale_or_forged_answer_button_changes_nothing(content: Content) -> None:
    asked = router.respond(content, State(), Text(OWN_UNSURE))

    wrong_risk = router.respond(content, asked.state, Action(CRISIS_ANSWER, "him:yes"))
    idle = router.respond(content, State(), Action(CRISIS_ANSWER, "own:yes"))

    assert wrong_risk.state == asked.state
    assert idle.state == State()


def test_an_alarm_in_a_draft_asks_about_her_and_never_moves_her_path(content: Content) -> None:
    out = router.respond(
        content, State(), Command("draft", "you hit me last night and you know it")
    )

    assert isinstance(out.state.overlay, Asked)
    assert out.state.overlay.draft
    assert out.replies[-1].text == content.crisis.ask.him
    assert out.state.unsafe is None
    names = {p.name for p in content.drafts.patterns}
    assert not any(name in r.text for r in out.replies for name in names)

    okay = press(content, out, content.crisis.ask.okay_label)
    assert okay.state.unsafe is None
    assert okay.replies[0].text == content.crisis.ask.draft_okay
    read = router.respond(
        content, okay.state, Command("draft", "you hit me last night and you know it")
    )
    assert not isinstance(read.state.overlay, Asked)  # the same words are read this time


def test_yes_to_the_question_about_him_puts_her_on_the_safety_path(content: Content) -> None:
    out = router.respond(
        content, State(), Command("draft", "you hit me last night and you know it")
    )

    yes = press(content, out, content.crisis.ask.yes_label)

    assert yes.state.unsafe == "alarm"
    assert yes.replies[0].text == content.messages.crisis_intro


def test_no_im_okay_during_check_in_set_up_gives_the_set_up_back(content: Content) -> None:
    setting = router.respond(content, State(profile={"safety": ("yes",)}), Command("checkins"))
    assert setting.state.mode is Mode.SETUP

    asked = router.respond(content, setting.state, Text(OWN_UNSURE))
    okay = press(content, asked, content.crisis.ask.okay_label)

    assert okay.state.mode is Mode.SETUP
    assert okay.state.setup == setting.state.setup
    assert okay.replies[-1].text == content.checkins.ask_cadence


def test_he_said_hed_be_better_off_without_me_is_heard_not_treated_as_a_crisis(
    content: Content,
) -> None:
    for words in (
        "he said he'd be better off without me",
        "I keep going over it in my head",
    ):
        out = router.respond(content, State(profile={"safety": ("yes",)}), Text(words))
        assert out.state.mode is Mode.IDLE, words
        assert out.state.unsafe is None, words
        assert not any(r.kind == "resources" for r in out.replies), words
