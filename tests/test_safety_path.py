"""The safety path: once she may not be safe, nothing the bot says moves her toward him.

Walked through the pure core: every combination of answers after "No" and after
"Not sure", a crisis alarm, the danger check, the way back, discreet check-ins
as the core offers them, and painful words that are heard, never thanked for.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.content import Content
from bot.core import router
from bot.core.checkins import answers, rotation, wording
from bot.core.checkins.records import Delivered
from bot.core.inputs import Action, Choice, Command, Text
from bot.core.plan import SAFE_NOW
from bot.core.state import Mode, State
from bot.core.turn import Context, Outcome
from tests.test_flow import FULL_RUN, buttons, label, labels, press, shown, walk
from tests.test_plan import all_text

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def marked(content: Content) -> set[str]:
    """Every text content marks as moving her toward him (coaching only)."""
    texts = set()
    for piece in content.plan.pieces:
        if piece.coaching_only:
            texts |= {piece.title, piece.text, piece.this_week}
    texts |= {t.how for t in content.tactics.embrace if t.coaching_only}
    texts |= {e.text for e in content.encouragements if e.coaching_only}
    for script in content.moments.talk.scripts:
        if script.coaching_only:
            texts |= set(script.lines)
    return texts


def unsafe_runs(content: Content) -> Iterator[dict[str, tuple[str, ...]]]:
    """Every combination of single answers, with "No" or "Not sure" to the safety question."""
    singles = [s for s in content.steps[1:] if not s.multi and not s.optional]
    for safety in ("no", "unsure"):
        for combo in itertools.product(*([a.id for a in s.answers] for s in singles)):
            yield {
                "safety": (safety,),
                **{s.id: (a,) for s, a in zip(singles, combo, strict=True)},
                "tactics": ("begging", "chasing"),
                "goal": ("save",),
            }


def walk_unsafe(content: Content, answers_: dict[str, tuple[str, ...]]) -> Outcome:
    """Through the questions, declining the danger check when it is offered."""
    outcome = router.respond(content, State(), Command("start"))
    check = content.safety_plan.danger_check
    for step in content.steps:
        ids = answers_[step.id]
        if step.multi:
            for answer_id in ids:
                outcome = press(content, outcome, label(content, step.id, answer_id))
            outcome = press(content, outcome, step.done_label)  # type: ignore[arg-type]
            continue
        outcome = press(content, outcome, label(content, step.id, ids[0]))
        if outcome.replies and outcome.replies[-1].text == check.offer:
            outcome = press(content, outcome, check.skip_all_label)
        if content.messages.resources_continue in [
            lbl for r in outcome.replies for lbl in labels(r)
        ]:
            outcome = press(content, outcome, content.messages.resources_continue)
    return outcome


def everything_said(content: Content, outcome: Outcome) -> str:
    parts = []
    for reply in shown(outcome):
        parts.append(f"{reply.title}\n{reply.text}")
        parts.extend(f"{p.title}\n{p.text}" for p in reply.pages)
    return "\n".join(parts)


def test_no_combination_of_answers_on_the_safety_path_shows_anything_that_moves_her_toward_him(
    content: Content,
) -> None:
    forbidden = marked(content)
    checked = 0
    for answers_ in unsafe_runs(content):
        done = walk_unsafe(content, answers_)
        state = done.state
        assert state.unsafe == answers_["safety"][0]

        plan_text = everything_said(content, done)
        helped = everything_said(content, router.respond(content, state, Command("help")))
        talked = everything_said(content, router.respond(content, state, Command("talk")))
        pool = {e.text for e in rotation.pool(content, state.profile, state.unsafe)}
        for text in forbidden:
            assert text not in plan_text, (answers_, text[:60])
            assert text not in helped, (answers_, text[:60])
            assert text not in talked, (answers_, text[:60])
            assert text not in pool, (answers_, text[:60])
        checked += 1
    assert checked == 2 * 3 * 4 * 3 * 3


def test_low_mood_replies_on_the_safety_path_are_care_for_her(content: Content) -> None:
    state = State(unsafe="no", profile={"safety": ("no",)})
    forbidden = marked(content)
    for checkin_id in range(12):
        for mood in (1, 2):
            delivered = Delivered(checkin_id, question="room")
            ctx = Context(
                now=NOW,
                checkin=delivered,
            )
            out = answers.button(content, state, Action(wording.MOOD, f"{checkin_id}:{mood}"), ctx)
            assert out is not None
            said = "\n".join(r.text for r in out.replies)
            assert "/sos" in said
            assert not any(text in said for text in forbidden)
            assert not any(rule.search(said.lower()) for rule in content.safety_plan.toward_him)


def test_a_crisis_alarm_puts_her_on_the_safety_path_and_yes_later_does_not_take_it_back(
    content: Content,
) -> None:
    at_second = walk(content, {"safety": ("yes",)})
    alarmed = router.respond(content, at_second.state, Text("he choked me last night"))
    assert alarmed.state.unsafe == "alarm"

    again = router.respond(content, alarmed.state, Command("start"))
    over = press(content, again, content.messages.restart_yes)
    safe = press(content, over, label(content, "safety", "yes"))

    assert safe.state.unsafe == "alarm"
    # She has no plan yet, so she is not told about a button "under your plan".
    said = [r.text for r in safe.replies]
    assert content.safety_plan.way_back.stays_no_plan in said
    assert content.safety_plan.way_back.stays not in said


def test_her_plan_on_the_safety_path_is_a_safety_plan_with_its_sources_in_content(
    content: Content,
) -> None:
    done = walk_unsafe(content, next(unsafe_runs(content)))
    plan_message = next(r for r in done.replies if r.pages)
    text = all_text(plan_message.pages)
    safety_pieces = [p for p in content.plan.pieces if p.path == "safety"]

    for piece in safety_pieces:
        assert piece.title in text
    assert any(p.sources for p in safety_pieces)
    assert content.safety_plan.way_back.label in labels(plan_message)


# ---- the danger check ------------------------------------------------------------------------


def unsure(content: Content) -> Outcome:
    return press(
        content,
        router.respond(content, State(), Command("start")),
        label(content, "safety", "unsure"),
    )


def test_not_sure_offers_a_short_danger_check_after_the_resources(content: Content) -> None:
    out = unsure(content)
    check = content.safety_plan.danger_check

    assert out.replies[0].kind == "resources"
    assert out.replies[-1].text == check.offer
    assert labels(out.replies[-1]) == [check.start_label, check.skip_all_label]
    assert 5 <= len(check.questions) <= 8


def test_any_yes_in_the_danger_check_says_it_is_linked_to_danger_with_the_lines_first(
    content: Content,
) -> None:
    check = content.safety_plan.danger_check
    out = press(content, unsure(content), check.start_label)
    for i in range(len(check.questions)):
        out = press(content, out, check.yes_label if i == 1 else check.no_label)

    assert out.replies[0].text == check.one_sign
    assert out.replies[1].kind == "resources"
    assert out.state.unsafe == "danger"
    assert out.state.signs == (check.questions[1].id,)
    assert labels(out.replies[-1]) == [content.messages.resources_continue]
    assert not any(ch.isdigit() for ch in check.one_sign)  # no score, no verdict on him


def test_each_yes_is_heard_at_once_before_the_next_question(content: Content) -> None:
    check = content.safety_plan.danger_check
    started = press(content, unsure(content), check.start_label)

    said_yes = press(content, started, check.yes_label)

    first, following = check.questions[0], check.questions[1]
    assert [r.text for r in said_yes.replies] == [first.heard, following.text]
    assert "thank" not in first.heard.lower()
    assert said_yes.state.signs == (first.id,)  # kept at once, even if she stops here


def test_the_closing_words_fit_how_many_signs_she_named(content: Content) -> None:
    check = content.safety_plan.danger_check
    out = press(content, unsure(content), check.start_label)
    for i in range(len(check.questions)):
        out = press(content, out, check.yes_label if i in (0, 2, 4, 5) else check.no_label)

    said = [r.text for r in out.replies]
    assert check.some_signs in said
    assert check.one_sign not in said
    assert len(out.state.signs) == 4


def test_every_danger_question_can_be_skipped_and_she_stays_on_the_safety_path(
    content: Content,
) -> None:
    check = content.safety_plan.danger_check
    out = press(content, unsure(content), check.start_label)
    for _ in check.questions:
        out = press(content, out, check.skip_label)

    assert out.replies[0].text == check.all_clear
    assert out.state.unsafe == "unsure"
    going = press(content, out, content.messages.resources_continue)
    assert going.replies[-1].text == content.steps[1].question


def test_not_now_skips_the_whole_check(content: Content) -> None:
    check = content.safety_plan.danger_check
    out = press(content, unsure(content), check.skip_all_label)

    assert out.replies[0].text == check.skipped
    assert out.state.mode is Mode.HELD
    assert out.state.unsafe == "unsure"


# ---- the way back ----------------------------------------------------------------------------


def test_the_way_back_asks_the_safety_question_again_and_yes_brings_the_coaching_plan(
    content: Content,
) -> None:
    done = walk_unsafe(content, next(unsafe_runs(content)))
    asked = router.respond(content, done.state, Action(SAFE_NOW))
    assert asked.state.mode is Mode.WAY_BACK
    assert content.steps[0].question in asked.replies[-1].text

    back = router.respond(content, asked.state, Choice("safety", "yes"))

    assert back.state.unsafe is None
    assert back.replies[0].text == content.safety_plan.way_back.back
    coaching = next(
        p
        for p in content.plan.pieces
        if p.path == "coaching" and p.title in all_text(back.replies[-1].pages)
    )
    assert coaching.path == "coaching"


def test_saying_no_again_on_the_way_back_keeps_the_safety_plan(content: Content) -> None:
    done = walk_unsafe(content, next(unsafe_runs(content)))
    asked = router.respond(content, done.state, Action(SAFE_NOW))

    still = router.respond(content, asked.state, Choice("safety", "unsure"))

    assert still.state.unsafe is not None
    assert still.replies[0].text == content.safety_plan.way_back.still_unsafe


# ---- what she types is heard -----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["he called me fat and useless", "he says he doesn't love me anymore", "i can't stop crying"],
)
def test_something_painful_typed_mid_way_is_heard_with_care_before_the_buttons(
    content: Content, typed: str
) -> None:
    at_cause = walk(content, {k: FULL_RUN[k] for k in ("safety", "how_said")})

    heard = router.respond(content, at_cause.state, Text(typed))

    first = heard.replies[0].text
    assert any(first.startswith(g.reply) for g in content.heard.groups)
    assert "thank" not in first.lower()
    assert heard.replies[-1].text == content.steps[2].question
    assert heard.state == at_cause.state


def test_ordinary_words_mid_way_get_the_plain_nudge(content: Content) -> None:
    at_cause = walk(content, {k: FULL_RUN[k] for k in ("safety", "how_said")})

    nudged = router.respond(content, at_cause.state, Text("what do you mean?"))

    assert nudged.replies[0].text == content.messages.nudge_single


# ---- discreet check-ins, as the core offers them ---------------------------------------------


def test_on_the_safety_path_check_ins_are_discreet_by_default(content: Content) -> None:
    state = State(unsafe="no")
    c = content.checkins
    out = router.respond(content, state, Command("checkins"))
    for tap in (c.cadences[0].label, "20:00", "UTC"):
        found = next(b for r in shown(out) for b in buttons(r) if b.label == tap)
        out = router.respond(content, out.state, found.input)

    assert out.replies[0].text == c.discreet_default
    assert out.replies[-1].text == c.ask_cover
    picked = press(content, out, c.covers[1].label)
    assert picked.write is not None
    assert picked.write.cover == c.covers[1].id


def test_a_discreet_check_in_names_nothing_about_him_and_opens_in_place(content: Content) -> None:
    c = content.checkins
    for cover in c.covers:
        message = wording.cover_message(content, 42, cover.id)
        assert message.text == cover.text
        assert not any(w in message.text.lower() for w in ("him", "husband", "marriage", "leav"))
        [[open_button]] = message.buttons
        assert open_button.label == c.open_label

        opened = router.respond(
            content,
            State(),
            open_button.input,
            Context(now=NOW, checkin=Delivered(42, encouragement="worth_01")),
        )
        assert opened.edit is not None
        assert opened.edit.text.endswith(c.checkin_mood)
        assert [b.label for row in opened.edit.buttons for b in row] == [
            *(m.label for m in c.moods),
            c.fold_label,
        ]
        assert opened.record is not None
        assert opened.record.opened is True
