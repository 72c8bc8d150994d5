"""The conversation as she lives it, through `router.respond` as a plain function.

Every expected text comes from the content, so a coach editing the YAML does
not break these tests; only the ids of steps and answers are named here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pytest

from bot.content import Content, Step
from bot.core import plan, router
from bot.core.asks import DANGER_ACTIONS, DANGER_ANSWER, UPDATE_KEEP, UPDATE_STEP
from bot.core.inputs import (
    CONTINUE,
    DONE,
    KEEP,
    NONE,
    RESTART,
    SKIP,
    Action,
    Choice,
    Command,
    Input,
    Text,
)
from bot.core.replies import Button, Reply
from bot.core.safety.told import Told
from bot.core.state import Confirm, DangerCheck, State, Updating, WayBack
from bot.core.turn import Outcome

# One answer per step; tactics are ticked, then Done.
FULL_RUN: dict[str, tuple[str, ...]] = {
    "safety": ("yes",),
    "how_said": ("calm",),
    "cause": ("distance",),
    "contact": ("talking",),
    "firmness": ("wavering",),
    "tactics": ("begging", "checking"),
    "goal": ("save",),
}


# ---- helpers -------------------------------------------------------------------------------


def shown(outcome: Outcome) -> tuple[Reply, ...]:
    """What is on her screen after this outcome: new messages, then a redrawn message."""
    redrawn = outcome.edit or outcome.refresh
    return (*outcome.replies, *((redrawn,) if redrawn else ()))


def buttons(reply: Reply) -> list[Button]:
    return [button for row in reply.buttons for button in row]


def labels(reply: Reply) -> list[str]:
    return [button.label for button in buttons(reply)]


def texts(outcome: Outcome) -> list[str]:
    return [reply.text for reply in shown(outcome)]


def step_of(content: Content, step_id: str) -> Step:
    step = content.step(step_id)
    assert step is not None, f"content has no step {step_id!r}"
    return step


def label(content: Content, step_id: str, answer_id: str) -> str:
    answer = step_of(content, step_id).answer(answer_id)
    assert answer is not None, f"step {step_id!r} has no answer {answer_id!r}"
    return answer.label


def send(content: Content, outcome: Outcome, event: Input) -> Outcome:
    return router.respond(content, outcome.state, event)


def command(content: Content, outcome: Outcome, name: str) -> Outcome:
    return send(content, outcome, Command(name))


def say(content: Content, outcome: Outcome, text: str) -> Outcome:
    return send(content, outcome, Text(text))


def press(content: Content, outcome: Outcome, wanted: str) -> Outcome:
    """Tap the button labelled `wanted` among what the last outcome showed."""
    found = [b for reply in shown(outcome) for b in buttons(reply) if b.label == wanted]
    offered = [lbl for reply in shown(outcome) for lbl in labels(reply)]
    assert len(found) == 1, f"no single button {wanted!r} among {offered}"
    return send(content, outcome, found[0].input)


def begin(content: Content, state: State | None = None) -> Outcome:
    return router.respond(content, state or State(), Command("start"))


def answer_step(content: Content, outcome: Outcome, step_id: str, ids: Sequence[str]) -> Outcome:
    """Answer one step by pressing labels; go on past the safety pause if it comes."""
    step = step_of(content, step_id)
    if step.multi:
        for answer_id in ids:
            outcome = press(content, outcome, label(content, step_id, answer_id))
        return press(content, outcome, step.done_label if ids else step.none_label)
    outcome = press(content, outcome, label(content, step_id, ids[0]))
    if any(content.messages.resources_continue in labels(r) for r in outcome.replies):
        outcome = press(content, outcome, content.messages.resources_continue)
    return outcome


def walk(content: Content, answers: Mapping[str, Sequence[str]]) -> Outcome:
    """From /start, answer the given steps in the order they come."""
    outcome = begin(content)
    for step_id, ids in answers.items():
        outcome = answer_step(content, outcome, step_id, ids)
    return outcome


def asked(outcome: Outcome) -> str | None:
    """The question text of the last question she was shown, if any."""
    questions = [r.text for r in shown(outcome) if r.kind == "question"]
    return questions[-1] if questions else None


def partway(content: Content, upto: str) -> Outcome:
    """Answered every step before `upto` as in FULL_RUN; now asked `upto`."""
    before: dict[str, tuple[str, ...]] = {}
    for step in content.steps:
        if step.id == upto:
            break
        before[step.id] = FULL_RUN[step.id]
    outcome = walk(content, before)
    assert asked(outcome) == step_of(content, upto).question
    return outcome


def finished(content: Content) -> Outcome:
    outcome = walk(content, FULL_RUN)
    assert outcome.state.profile is not None
    return outcome


# ---- starting ------------------------------------------------------------------------------


def test_start_welcomes_a_newcomer_says_what_this_is_then_asks_whether_she_is_safe(
    content: Content,
) -> None:
    safety = content.steps[0]

    outcome = begin(content)

    welcome, about, first = outcome.replies
    assert welcome.text == content.messages.welcome
    assert about.text == content.messages.about
    assert first.text == safety.question
    assert labels(first) == [label(content, "safety", a) for a in ("yes", "no", "unsure")]
    assert [b.input for b in buttons(first)] == [
        Choice("safety", a) for a in ("yes", "no", "unsure")
    ]


def test_start_again_after_finishing_goes_straight_to_the_first_question(
    content: Content,
) -> None:
    done = finished(content)

    again = command(content, done, "start")

    assert texts(again) == [content.steps[0].question]
    assert content.messages.welcome not in texts(again)
    assert again.state.profile == done.state.profile


def test_yes_on_safety_asks_the_next_question_and_keeps_her_answer_in_the_chat(
    content: Content,
) -> None:
    safety, how_said = content.steps[0], content.steps[1]
    yes = label(content, "safety", "yes")

    outcome = press(content, begin(content), yes)

    assert texts(outcome) == [how_said.question]
    assert labels(outcome.replies[0]) == [a.label for a in how_said.answers]
    assert outcome.settle == content.messages.answered.format(question=safety.question, answer=yes)
    assert outcome.state.answers == {"safety": ("yes",)}


# ---- safety --------------------------------------------------------------------------------


@pytest.mark.parametrize("answer_id", ["no", "unsure"])
def test_not_feeling_safe_shows_resources_before_the_next_question(
    content: Content, answer_id: str
) -> None:
    go_on = content.messages.resources_continue

    held = press(content, begin(content), label(content, "safety", answer_id))
    if answer_id == "unsure":  # the danger check is offered first; she can say not now
        held = press(content, held, content.safety_plan.danger_check.skip_all_label)

    assert held.replies[0].kind == "resources" or answer_id == "unsure"
    assert asked(held) is None
    assert held.replies[-1].text == content.messages.resources_paused
    assert labels(held.replies[-1]) == [go_on]
    assert held.state.unsafe == answer_id

    going = press(content, held, go_on)

    assert texts(going) == [content.steps[1].question]
    assert going.settle == content.messages.resources_paused
    assert going.state.answers == {"safety": (answer_id,)}


def test_resources_list_her_emergency_number_and_the_worldwide_directory(
    content: Content,
) -> None:
    held = press(content, begin(content), label(content, "safety", "no"))

    resources = held.replies[0].text
    assert resources.startswith(content.resources.intro)
    for country in content.resources.countries:
        assert content.messages.emergency_line.format(number=country.emergency) in resources
    assert content.messages.directory_title in resources
    for line in content.resources.directory:
        assert line.contact in resources


def test_typing_while_the_resources_are_shown_keeps_the_pause_without_sending_the_list_again(
    content: Content,
) -> None:
    held = press(content, begin(content), label(content, "safety", "no"))
    typed_words = [
        "hello?",
        "",
        label(content, "how_said", "fight"),
        content.messages.resources_continue,
    ]

    for typed in typed_words:
        again = say(content, held, typed)

        # The list went out once when the questions began to wait; /sos shows it again.
        assert all(r.kind != "resources" for r in again.replies), typed
        assert "/sos" in again.replies[-1].text, typed
        assert asked(again) is None, typed
        assert labels(again.replies[-1]) == [content.messages.resources_continue], typed
        assert again.state == held.state, typed


# ---- typed answers -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["tell me more", "maybe later?", "🙂", "   "])
def test_free_text_at_a_button_question_gets_a_nudge_and_the_same_question(
    content: Content, typed: str
) -> None:
    at_cause = partway(content, "cause")

    nudged = say(content, at_cause, typed)

    assert texts(nudged) == [content.messages.nudge_single, step_of(content, "cause").question]
    assert nudged.state == at_cause.state
    assert nudged.settle is None


def test_typing_not_sure_at_the_safety_question_counts_as_not_sure(content: Content) -> None:
    typed = f"  {label(content, 'safety', 'unsure').upper()}. "
    pressed = press(content, begin(content), label(content, "safety", "unsure"))

    outcome = say(content, begin(content), typed)

    assert outcome.state == pressed.state
    assert outcome.replies == pressed.replies
    assert outcome.replies[0].kind == "resources"


def synonyms(content: Content) -> Iterator[tuple[str, str, str]]:
    for step in content.steps:
        for answer in step.answers:
            for word in (answer.label, *answer.also):
                yield step.id, answer.id, word


def test_every_label_and_synonym_typed_counts_as_its_own_answer(content: Content) -> None:
    for step_id, answer_id, word in synonyms(content):
        at_step = partway(content, step_id)
        pressed = press(content, at_step, label(content, step_id, answer_id))

        typed = say(content, at_step, word)

        assert typed.state == pressed.state, f"typing {word!r} at {step_id}"
        assert texts(typed)[-1] == texts(pressed)[-1], f"typing {word!r} at {step_id}"


# ---- the tactics question (several answers) ------------------------------------------------


def test_pressing_a_tactic_ticks_it_and_pressing_it_again_unticks_it(content: Content) -> None:
    mark = content.messages.selected_mark
    tactics = step_of(content, "tactics")
    begging = label(content, "tactics", "begging")
    at_tactics = partway(content, "tactics")

    ticked = press(content, at_tactics, begging)

    assert ticked.replies == ()
    assert ticked.refresh is not None
    assert ticked.refresh.text == tactics.question
    assert f"{mark}{begging}" in labels(ticked.refresh)
    assert [lbl for lbl in labels(ticked.refresh) if lbl.startswith(mark)] == [f"{mark}{begging}"]
    assert ticked.state.step == "tactics"

    unticked = press(content, ticked, f"{mark}{begging}")

    assert unticked.refresh is not None
    assert labels(unticked.refresh) == labels(at_tactics.replies[-1])
    assert not any(lbl.startswith(mark) for lbl in labels(unticked.refresh))
    assert unticked.state.selected == ()


def test_the_tactics_question_offers_none_and_done_after_the_tactics(content: Content) -> None:
    tactics = step_of(content, "tactics")

    at_tactics = partway(content, "tactics")

    assert labels(at_tactics.replies[-1]) == [
        *(a.label for a in tactics.answers),
        tactics.none_label,
        tactics.done_label,
    ]


def test_done_after_ticking_keeps_her_picks_and_asks_what_she_hopes_for(
    content: Content,
) -> None:
    tactics = step_of(content, "tactics")
    outcome = partway(content, "tactics")
    for answer_id in ("checking", "begging"):
        outcome = press(content, outcome, label(content, "tactics", answer_id))

    done = press(content, outcome, tactics.done_label)

    assert asked(done) == step_of(content, "goal").question
    assert done.state.answers["tactics"] == ("begging", "checking")
    assert done.settle == content.messages.answered.format(
        question=tactics.question,
        answer=", ".join(label(content, "tactics", a) for a in ("begging", "checking")),
    )


def test_none_of_these_goes_on_with_no_tactics_recorded(content: Content) -> None:
    tactics = step_of(content, "tactics")

    done = press(content, partway(content, "tactics"), tactics.none_label)

    assert done.state.answers["tactics"] == ()
    assert asked(done) == step_of(content, "goal").question
    assert done.settle == content.messages.answered.format(
        question=tactics.question, answer=content.messages.none_selected
    )


def test_none_of_these_forgets_ticks_she_made_before(content: Content) -> None:
    tactics = step_of(content, "tactics")
    ticked = press(content, partway(content, "tactics"), label(content, "tactics", "arguing"))

    done = press(content, ticked, tactics.none_label)

    assert done.state.answers["tactics"] == ()


@pytest.mark.parametrize("typed", ["all of them", "yes", "🙂"])
def test_typing_at_the_tactics_question_gets_the_multi_nudge(content: Content, typed: str) -> None:
    at_tactics = partway(content, "tactics")

    nudged = say(content, at_tactics, typed)

    assert texts(nudged) == [content.messages.nudge_multi, step_of(content, "tactics").question]
    assert nudged.state == at_tactics.state


def test_typing_a_tactic_ticks_it_and_shows_the_question_afresh(content: Content) -> None:
    mark = content.messages.selected_mark
    chasing = label(content, "tactics", "chasing")

    typed = say(content, partway(content, "tactics"), chasing.lower())

    assert typed.state.selected == ("chasing",)
    assert texts(typed) == [step_of(content, "tactics").question]
    assert f"{mark}{chasing}" in labels(typed.replies[-1])


def test_typing_done_finishes_the_tactics_question(content: Content) -> None:
    tactics = step_of(content, "tactics")
    ticked = press(content, partway(content, "tactics"), label(content, "tactics", "promises"))

    done = say(content, ticked, tactics.done_label.upper())

    assert done.state.answers["tactics"] == ("promises",)
    assert asked(done) == step_of(content, "goal").question


def test_typing_done_with_a_full_stop_finishes_like_an_answer_with_a_full_stop(
    content: Content,
) -> None:
    tactics = step_of(content, "tactics")
    ticked = press(content, partway(content, "tactics"), label(content, "tactics", "promises"))

    done = say(content, ticked, f"{tactics.done_label}.")

    assert done.state.answers["tactics"] == ("promises",)


# ---- /help ---------------------------------------------------------------------------------


def assert_in_order(text: str, parts: Sequence[str]) -> None:
    """Each of `parts` appears in `text`, each after the one before."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} missing or out of order"
        at = found + len(part)


def help_is_shown(content: Content, outcome: Outcome, unsafe: bool = False) -> None:
    """One message she pages through: the commands, then both lists, a page each (one phone
    screen each); on the safety path only the tactics safe for her."""
    m, g, t = content.messages, content.messages, content.tactics
    paged = outcome.replies[0]
    assert labels(paged) == [content.plan.next_label]
    first, avoid, embrace = paged.pages
    assert all(len(p.title) + len(p.text) <= 900 for p in paged.pages)
    assert first.title == m.help_title
    assert first.text.startswith(m.help_commands_title)
    for name, description in m.commands.items():
        assert f"/{name}" in first.text
        assert description in first.text
    assert avoid.title == g.avoid_title
    assert_in_order(avoid.text, [f"• {x.name}:" for x in t.avoid])
    assert embrace.title == g.embrace_title
    told = Told("no" if unsafe else None)
    assert_in_order(embrace.text, [f"• {x.name}:" for x in t.embrace_for(told)])
    for hidden in set(t.embrace) - set(t.embrace_for(told)):
        assert hidden.name not in embrace.text


@pytest.mark.parametrize("upto", ["safety", "how_said", "firmness", "tactics"])
def test_help_shows_the_lists_and_commands_then_her_question_again(
    content: Content, upto: str
) -> None:
    here = partway(content, upto)

    helped = command(content, here, "help")

    help_is_shown(content, helped)
    assert asked(helped) == step_of(content, upto).question
    assert helped.replies[-1].text == step_of(content, upto).question
    assert helped.state == here.state


def test_help_keeps_her_ticks_on_the_tactics_question(content: Content) -> None:
    mark = content.messages.selected_mark
    begging = label(content, "tactics", "begging")
    ticked = press(content, partway(content, "tactics"), begging)

    helped = command(content, ticked, "help")

    assert f"{mark}{begging}" in labels(helped.replies[-1])
    assert helped.state == ticked.state


def test_help_during_the_safety_pause_keeps_the_pause(content: Content) -> None:
    held = press(content, begin(content), label(content, "safety", "no"))

    helped = command(content, held, "help")

    help_is_shown(content, helped, unsafe=True)
    assert all(r.kind != "resources" for r in helped.replies)  # /sos has them; not resent
    assert labels(helped.replies[-1]) == [content.messages.resources_continue]
    assert asked(helped) is None
    assert helped.state == held.state


def test_help_before_starting_shows_the_lists_and_no_question(content: Content) -> None:
    helped = router.respond(content, State(), Command("help"))

    help_is_shown(content, helped)
    assert len(helped.replies) == 1
    assert helped.state == State()


# ---- /start mid-way ------------------------------------------------------------------------


def test_start_partway_asks_before_throwing_her_answers_away(content: Content) -> None:
    m = content.messages
    at_contact = partway(content, "contact")

    asking = command(content, at_contact, "start")

    [confirm] = asking.replies
    assert confirm.text == m.restart_confirm
    assert labels(confirm) == [m.restart_yes, m.restart_no]
    assert asked(asking) is None
    assert asking.state.answers == at_contact.state.answers


def test_keep_going_returns_to_the_same_question_with_her_answers(content: Content) -> None:
    m = content.messages
    at_contact = partway(content, "contact")
    asking = command(content, at_contact, "start")

    kept = press(content, asking, m.restart_no)

    assert texts(kept) == [m.resumed, step_of(content, "contact").question]
    assert kept.state == at_contact.state
    assert kept.settle == m.resumed


def test_start_over_goes_back_to_the_first_question_without_her_answers(
    content: Content,
) -> None:
    m = content.messages
    asking = command(content, partway(content, "firmness"), "start")

    over = press(content, asking, m.restart_yes)

    assert texts(over) == [content.steps[0].question]
    assert over.state.step == content.steps[0].id
    assert over.state.answers == {}
    assert over.settle == m.restart_confirm


def test_start_over_on_a_second_run_keeps_her_finished_profile(content: Content) -> None:
    done = finished(content)
    second = answer_step(content, command(content, done, "start"), "safety", ("yes",))
    asking = command(content, second, "start")

    over = press(content, asking, content.messages.restart_yes)

    assert over.state.answers == {}
    assert over.state.profile == done.state.profile


def test_start_partway_through_the_ticks_also_asks_first(content: Content) -> None:
    ticked = press(content, partway(content, "tactics"), label(content, "tactics", "arguing"))

    asking = command(content, ticked, "start")

    assert texts(asking) == [content.messages.restart_confirm]


def test_start_twice_while_asked_to_confirm_asks_again(content: Content) -> None:
    asking = command(content, partway(content, "cause"), "start")

    again = command(content, asking, "start")

    assert texts(again) == [content.messages.restart_confirm]
    assert again.state == asking.state


def test_typing_while_asked_to_confirm_asks_again(content: Content) -> None:
    asking = command(content, partway(content, "cause"), "start")

    again = say(content, asking, label(content, "cause", "stress"))

    assert texts(again) == [content.messages.restart_confirm]
    assert again.state == asking.state


def test_start_at_the_first_question_starts_directly(content: Content) -> None:
    fresh = begin(content)

    again = command(content, fresh, "start")

    assert texts(again) == [content.steps[0].question]
    assert again.state == fresh.state


# ---- /cancel -------------------------------------------------------------------------------


def test_cancel_partway_stops_and_later_text_gets_the_idle_reply(content: Content) -> None:
    m = content.messages
    at_cause = partway(content, "cause")

    stopped = command(content, at_cause, "cancel")

    assert texts(stopped) == [m.cancelled]
    assert stopped.state.step is None
    assert stopped.state.answers == {}

    later = say(content, stopped, label(content, "cause", "stress"))

    assert texts(later) == [m.idle]
    assert later.state == stopped.state


def test_cancel_with_nothing_in_progress_says_so(content: Content) -> None:
    outcome = router.respond(content, State(), Command("cancel"))

    assert texts(outcome) == [content.messages.nothing_to_cancel]
    assert outcome.state == State()


def test_cancel_after_finishing_says_nothing_is_in_progress(content: Content) -> None:
    done = finished(content)

    outcome = command(content, done, "cancel")

    assert texts(outcome) == [content.messages.nothing_to_cancel]
    assert outcome.state == done.state


def test_cancel_of_a_second_run_keeps_her_finished_profile(content: Content) -> None:
    m = content.messages
    done = finished(content)
    second = answer_step(content, command(content, done, "start"), "safety", ("yes",))

    stopped = command(content, second, "cancel")

    assert texts(stopped) == [m.cancelled]
    assert stopped.state.profile == done.state.profile
    assert texts(say(content, stopped, "hello")) == [m.after_guidance]


def test_text_after_the_guidance_gets_the_after_guidance_reply(content: Content) -> None:
    done = finished(content)

    later = say(content, done, "thank you")

    assert texts(later) == [content.messages.after_guidance]
    assert later.state == done.state


# ---- old and forged buttons ----------------------------------------------------------------


def test_an_old_button_of_an_answered_question_keeps_her_answer_and_shows_where_she_is(
    content: Content,
) -> None:
    safety = content.steps[0]
    at_cause = partway(content, "cause")

    stale = send(content, at_cause, Choice("safety", "no"))

    assert texts(stale) == [
        content.messages.already_answered,
        step_of(content, "cause").question,
    ]
    assert stale.state == at_cause.state
    assert stale.settle == content.messages.answered.format(
        question=safety.question, answer=label(content, "safety", "yes")
    )


def test_an_old_button_after_the_guidance_gets_the_after_guidance_reply(
    content: Content,
) -> None:
    done = finished(content)

    stale = send(content, done, Choice("safety", "no"))

    assert texts(stale) == [content.messages.after_guidance]
    assert stale.state == done.state


@pytest.mark.parametrize(
    "forged",
    [
        Choice("nowhere", "yes"),
        Choice("cause", "nothing"),
        Choice("firmness", "dead_set"),
        Action("explode"),
        Action(CONTINUE),
        Action(RESTART),
        Action(KEEP),
        Action(DONE, "tactics"),
        Action(NONE, "cause"),
    ],
    ids=repr,
)
def test_a_forged_or_out_of_place_button_is_refused_and_her_place_kept(
    content: Content, forged: Choice | Action
) -> None:
    at_cause = partway(content, "cause")

    refused = send(content, at_cause, forged)

    assert texts(refused) == [content.messages.stale_button, step_of(content, "cause").question]
    assert refused.state == at_cause.state


def test_done_of_the_tactics_question_from_another_run_is_refused(content: Content) -> None:
    at_tactics = partway(content, "tactics")

    refused = send(content, at_tactics, Action(DONE, "how_said"))

    assert texts(refused)[0] == content.messages.stale_button
    assert refused.state == at_tactics.state


def test_an_old_button_from_an_earlier_run_does_not_skip_the_safety_pause(
    content: Content,
) -> None:
    # First run: she says she is safe and is shown the second question.
    first_run = press(content, begin(content), label(content, "safety", "yes"))
    fight = label(content, "how_said", "fight")
    [old_button] = [b for b in buttons(first_run.replies[-1]) if b.label == fight]
    # She starts over, and this time she does not feel safe.
    asking = command(content, first_run, "start")
    over = press(content, asking, content.messages.restart_yes)
    held = press(content, over, label(content, "safety", "no"))
    assert held.replies[0].kind == "resources"

    # She taps an answer on the second question, still showing from the first run.
    tapped = send(content, held, old_button.input)

    assert asked(tapped) is None
    assert labels(tapped.replies[-1]) == [content.messages.resources_continue]
    assert tapped.state == held.state


# ---- unknown commands ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["settings", "quit", "START", ""])
def test_an_unknown_command_says_so_and_repeats_her_question(content: Content, name: str) -> None:
    at_contact = partway(content, "contact")

    outcome = command(content, at_contact, name)

    assert texts(outcome) == [
        content.messages.unknown_command,
        step_of(content, "contact").question,
    ]
    assert outcome.state == at_contact.state


# ---- the stored state ----------------------------------------------------------------------


def stored(content: Content, state: State) -> State:
    return State.from_dict(json.loads(json.dumps(state.to_dict())), content)


def test_her_state_survives_storage_after_every_tap_of_a_full_walk(content: Content) -> None:
    tactics = step_of(content, "tactics")
    check = content.safety_plan.danger_check
    taps = [
        label(content, "safety", "unsure"),
        check.start_label,
        *([check.no_label] * (len(check.questions) - 1)),
        check.skip_label,
        content.messages.resources_continue,
        *(label(content, s, FULL_RUN[s][0]) for s in ("how_said", "cause", "contact")),
        label(content, "firmness", FULL_RUN["firmness"][0]),
        *(label(content, "tactics", a) for a in FULL_RUN["tactics"]),
        tactics.done_label,
        label(content, "goal", "understand"),
    ]
    outcome = begin(content)

    assert stored(content, outcome.state) == outcome.state
    for tap in taps:
        outcome = press(content, outcome, tap)
        reread = stored(content, outcome.state)
        assert reread == outcome.state, f"after pressing {tap!r}"

    assert outcome.state.profile is not None
    assert outcome.state.profile["safety"] == ("unsure",)
    assert outcome.state.unsafe == "unsure"
    assert stored(content, outcome.state).unsafe == "unsure"


def test_a_stored_state_continues_exactly_where_she_was(content: Content) -> None:
    ticked = press(content, partway(content, "tactics"), label(content, "tactics", "arguing"))
    asking = command(content, ticked, "start")

    kept = router.respond(content, stored(content, asking.state), Action(KEEP))

    assert kept.state == ticked.state
    assert content.messages.selected_mark + label(content, "tactics", "arguing") in labels(
        kept.replies[-1]
    )


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        {},
        {"v": 1},
        {"step": "renamed_step", "answers": {"safety": ["yes"]}, "paused": True},
        {"step": 7, "paused": 3, "answers": "yes", "selected": None, "profile": "x"},
        {"step": "how_said", "answers": {"safety": "yes", "gone": ["x"]}, "confirming": "no"},
        "a string",
        ["a", "list"],
        {"step": None, "profile": {"safety": ["yes"], "gone": ["x"]}, "welcomed": 1},
        {"profile": [1, 2], "answers": {"how_said": [1]}},
    ],
    ids=repr,
)
def test_a_damaged_stored_state_still_gives_a_usable_conversation(
    content: Content, garbage: Any
) -> None:
    state = State.from_dict(garbage, content)

    started = router.respond(content, state, Command("start"))
    answered = router.respond(content, state, Text(label(content, "safety", "yes")))

    assert shown(started)
    assert shown(answered)
    assert isinstance(state.held, bool)
    assert state.overlay is None or state.mode is not None
    assert state.step is None or content.step(state.step) is not None
    assert set(state.answers) <= {s.id for s in content.steps}
    assert stored(content, state) == state


def test_a_renamed_step_sends_her_back_to_the_start_of_the_questions(content: Content) -> None:
    state = State.from_dict(
        {"step": "renamed_step", "answers": {"safety": ["yes"]}, "welcomed": True}, content
    )

    outcome = router.respond(content, state, Command("start"))

    assert texts(outcome) == [content.steps[0].question]


@pytest.mark.parametrize(
    "garbage",
    [
        {"step": ["safety"]},
        {"step": {"id": "safety"}},
        {"step": "how_said", "selected": 5},
    ],
    ids=repr,
)
def test_a_stored_state_with_wrong_typed_fields_never_breaks_her_conversation(
    content: Content, garbage: dict[str, Any]
) -> None:
    state = State.from_dict(garbage, content)

    assert shown(router.respond(content, state, Command("start")))


# ---- robustness ----------------------------------------------------------------------------

ODD_TEXTS = ("", "   ", "\n\n", "🙂", "<b>", "&amp;", "a" * 5000, "/start", "/", "yes no", "✓ ")


def every_input(content: Content) -> Iterable[Input]:
    names = ("start", "help", "cancel", "quit", "", "a" * 300, "update", "sos", "forget")
    yield from (Command(n) for n in names)
    for step in content.steps:
        yield from (Choice(other.id, a.id) for other in content.steps for a in step.answers)
    steps = ("", "nowhere", *(s.id for s in content.steps))
    names = (CONTINUE, RESTART, KEEP, DONE, NONE, SKIP, "bogus", "", UPDATE_STEP, UPDATE_KEEP)
    for name in names:
        yield from (Action(name, s) for s in steps)
    for arg in ("1", "2", "99", "0", "-1", "x", "\u00b2", ""):
        yield from (Action(name, arg) for name in (*plan.ACTIONS, *DANGER_ACTIONS))
    yield from (Action(DANGER_ANSWER, f"{i}:{a}") for i in (0, 3, 99) for a in ("yes", "no", "x"))
    yield from (Text(t) for t in ODD_TEXTS)
    for step in content.steps:
        yield from (Text(a.label) for a in step.answers)
        if step.multi:
            yield from (Text(step.done_label), Text(step.none_label))


def every_state(content: Content) -> Iterator[tuple[str, State]]:
    done = finished(content).state
    yield "new", State()
    yield "finished", done
    overlays = (
        DangerCheck(),
        DangerCheck(3, ("strangled",)),
        WayBack(),
        Updating(),
        Updating("tactics", ("begging",)),
        Updating("goal"),
        Updating("gone"),
        Confirm("forget"),
    )
    for overlay in overlays:
        for unsafe in (None, "alarm"):
            yield f"finished-{overlay}-{unsafe}", replace(done, overlay=overlay, unsafe=unsafe)
            yield (
                f"held-{overlay}-{unsafe}",
                State(
                    step="how_said",
                    answers={"safety": ("unsure",)},
                    held=True,
                    overlay=overlay,
                    unsafe=unsafe,
                ),
            )
    answers: dict[str, tuple[str, ...]] = {}
    for step in content.steps:
        some = tuple(a.id for a in step.answers[:2]) if step.multi else ()
        for held, confirming in ((False, False), (True, False), (False, True), (True, True)):
            for profile in (None, done.profile):
                yield (
                    f"{step.id}-p{held:d}c{confirming:d}-{'again' if profile else 'first'}",
                    State(
                        step=step.id,
                        answers=dict(answers),
                        selected=some,
                        profile=profile,
                        welcomed=True,
                        held=held,
                        overlay=Confirm("restart") if confirming else None,
                    ),
                )
        answers[step.id] = FULL_RUN[step.id]


def test_every_input_in_every_state_gets_an_answer_and_never_an_error(content: Content) -> None:
    inputs = list(every_input(content))
    checked = 0
    for where, state in every_state(content):
        for event in inputs:
            outcome = router.respond(content, state, event)

            said = shown(outcome)
            assert said or outcome.settle or outcome.edit, f"silence for {event!r} at {where}"
            assert all(r.text or r.title for r in said), f"empty reply for {event!r} at {where}"
            assert stored(content, outcome.state) == outcome.state
            checked += 1
    assert checked > 1000


def test_keep_going_after_start_during_the_safety_pause_returns_to_the_pause(
    content: Content,
) -> None:
    held = press(content, begin(content), label(content, "safety", "no"))
    asking = command(content, held, "start")

    kept = press(content, asking, content.messages.restart_no)

    assert asked(kept) is None
    assert labels(kept.replies[-1]) == [content.messages.resources_continue]
    assert kept.state == held.state


def test_skipping_the_last_question_is_recorded_as_skipped_not_as_none_of_these(
    content: Content,
) -> None:
    goal = step_of(content, "goal")
    at_goal = partway(content, "goal")

    skipped = press(content, at_goal, goal.skip_label)  # type: ignore[arg-type]

    assert skipped.settle is not None
    assert skipped.settle.endswith(goal.skip_label)  # type: ignore[arg-type]
    assert content.messages.none_selected not in skipped.settle
