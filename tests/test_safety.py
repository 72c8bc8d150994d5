"""Safety first: the crisis screen, resources before coaching, her country's lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.content import DEFAULT_CONTENT_DIR, Content, ContentError, load_content
from bot.core import router
from bot.core.inputs import CONTINUE, Action, Choice, Command, Text
from bot.core.replies import Reply
from bot.core.safety import reading, resources
from bot.core.state import State
from bot.core.turn import Outcome
from bot.evals import screen as safety_eval

DATA = Path(__file__).parent / "data"


def texts(outcome: Outcome) -> list[str]:
    return [r.text for r in outcome.replies]


def labels(reply: Reply) -> list[str]:
    return [b.label for row in reply.buttons for b in row]


def at_step(content: Content, step: str) -> State:
    """Partway through the questions, answering the first answer of each step before `step`."""
    state = router.respond(content, State(), Command("start")).state
    for s in content.steps:
        if s.id == step:
            return state
        state = router.respond(content, state, Choice(s.id, s.answers[0].id)).state
    raise AssertionError(step)


def test_labelled_set_is_large_enough_to_mean_something() -> None:
    messages = safety_eval.load(DATA / "crisis_messages.yaml")

    assert len(messages) >= 150
    assert sum(m.crisis for m in messages) >= 60
    assert sum(not m.crisis for m in messages) >= 60


@pytest.mark.parametrize("name", ["crisis_messages.yaml", "crisis_heldout.yaml"])
def test_every_crisis_message_is_met_and_few_ordinary_ones_are_shown_the_lines(
    content: Content, name: str
) -> None:
    report = safety_eval.evaluate(content, safety_eval.load(DATA / name))

    assert report.misses == [], "\n".join(report.lines())
    assert len(report.shown) <= 0.02 * report.ordinary, "\n".join(report.lines())


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("he hit me", "violence"),
        ("I'm scared of what he'll do", "fear"),
        ("I don't want to be here anymore", "suicide"),
        ("kms", "suicide"),
        ("thinking about how to unalive myself", "suicide"),
        ("he said if I leave he'll make sure I regret it", "threat"),
        ("i've been cutting again", "self_harm"),
        ("K1LL MYSELF", "suicide"),
        ("pleeeease help me", "fear"),
    ],
)
def test_the_issue_examples_are_caught_and_say_why(
    content: Content, message: str, category: str
) -> None:
    heard = reading.read(content, message)

    assert not heard.quiet
    assert heard.why[0].category == category
    assert heard.why[0].rule  # every alarm names the rule that raised it
    assert reading.RISK_OF_GROUP[category] in heard.risks


@pytest.mark.parametrize(
    "message",
    [
        "he's killing me with his silence",
        "I'm dying to know what he thinks",
        "he's dead set on leaving",
        "he hurt my feelings",
        "he threatened to leave again",
    ],
)
def test_figures_of_speech_are_not_alarms(content: Content, message: str) -> None:
    assert reading.read(content, message).quiet


def test_crisis_mid_assessment_shows_resources_first_and_pauses_the_questions(
    content: Content,
) -> None:
    state = at_step(content, "cause")

    outcome = router.respond(content, state, Text("he grabbed my throat last night"))

    assert outcome.replies[0].text == content.messages.crisis_intro
    assert outcome.replies[1].kind == "resources"
    assert content.step("cause").question not in texts(outcome)  # type: ignore[union-attr]
    assert outcome.state.held
    assert outcome.state.answers == state.answers  # nothing she said is lost

    going = router.respond(content, outcome.state, Action(CONTINUE))
    assert going.replies[-1].text == content.step("cause").question  # type: ignore[union-attr]


def test_crisis_outside_the_questions_still_gets_resources(content: Content) -> None:
    outcome = router.respond(content, State(), Text("I want to die"))

    assert outcome.replies[0].kind == "resources"
    assert outcome.replies[0].text.startswith(content.crisis.own.intro)
    assert outcome.replies[-1].text == content.crisis.own.idle


def test_typing_not_safe_at_the_safety_question_counts_as_the_answer(content: Content) -> None:
    state = at_step(content, "safety")

    outcome = router.respond(content, state, Text("not safe"))

    assert outcome.state.answers["safety"] == ("no",)
    assert outcome.replies[0].kind == "resources"


def test_sos_shows_resources_at_any_time_without_losing_her_place(content: Content) -> None:
    state = at_step(content, "contact")

    outcome = router.respond(content, state, Command("sos"))

    assert outcome.replies[0].kind == "resources"
    assert outcome.replies[-1].text == content.step("contact").question  # type: ignore[union-attr]
    assert outcome.state == state


def test_country_is_asked_once_and_then_her_lines_come_first(content: Content) -> None:
    first = router.respond(content, State(), Command("sos"))
    question = next(r for r in first.replies if r.text == content.messages.country_question)
    uk = next(c for c in content.resources.countries if c.code == "GB")
    us = next(c for c in content.resources.countries if c.code == "US")
    assert uk.name in labels(question)

    chose = router.respond(content, first.state, Action(resources.COUNTRY, "GB"))
    again = router.respond(content, chose.state, Command("sos"))

    assert chose.state.country == "GB"
    shown = "\n".join(texts(again))
    assert uk.lines[0].contact in shown
    assert us.lines[0].contact not in shown
    assert content.resources.directory[0].contact in shown
    assert content.messages.country_question not in shown


def test_somewhere_else_falls_back_to_the_worldwide_directory(content: Content) -> None:
    chose = router.respond(content, State(), Action(resources.COUNTRY, "other"))

    shown = resources.resources(content, chose.state.country).text
    assert content.resources.directory[0].contact in shown
    assert all(c.lines[0].contact not in shown for c in content.resources.countries)


def test_a_forged_country_changes_nothing(content: Content) -> None:
    outcome = router.respond(content, State(), Action(resources.COUNTRY, "ZZ"))

    assert outcome.state.country is None


def test_about_says_what_it_is_and_what_is_stored(content: Content) -> None:
    outcome = router.respond(content, State(), Command("about"))

    assert texts(outcome) == [content.messages.about]
    for command in ("/mydata", "/forget", "/sos"):
        assert command in content.messages.about


def test_every_resource_line_cites_its_source(content: Content) -> None:
    for country in content.resources.countries:
        for line in country.lines:
            assert line.source.startswith("http"), f"{country.code}: {line.name}"


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def test_content_check_rejects_a_message_that_pressures_her(tmp_path: Path) -> None:
    directory = copy_content(tmp_path)
    path = directory / "encouragements.yaml"
    data = yaml.safe_load(path.read_text())
    data["messages"][3]["text"] = "Are you still there? I miss talking to you."
    path.write_text(yaml.safe_dump(data, allow_unicode=True))

    with pytest.raises(ContentError, match=r"encouragements.yaml: messages\[3\]\.text.*pressures"):
        load_content(directory)


def test_content_check_rejects_a_broken_crisis_rule(tmp_path: Path) -> None:
    directory = copy_content(tmp_path)
    path = directory / "safety.yaml"
    data = yaml.safe_load(path.read_text())
    data["crisis"]["fear"][0]["pattern"] = "(unclosed"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))

    with pytest.raises(ContentError, match=r"safety.yaml: crisis.fear\[0\].pattern"):
        load_content(directory)
