"""Safety is the spine: every feature asks what she has told the bot before it speaks.

For every way onto the safety path ("No"; "Not sure" with and without each danger sign; a
crisis alarm) every feature is walked through the pure core (her plan, /help, /draft with a
boundary, a plea and self-blame, /urge and its buttons, /talk, /update, check-ins, the
command menu), and nothing shown may be a text marked as moving her toward him or a reason
that measures her by him. After the way back off the safety path, the sign she named is still
heard: nothing has her confront him, and her safety plan is one tap away.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest

from bot.content import Content, normalize
from bot.core import help, plan, router
from bot.core.checkins import answers, rotation, wording
from bot.core.checkins.records import Delivered
from bot.core.inputs import Action, Command, Text
from bot.core.moments import talk, urge
from bot.core.plan import SAFE_NOW, SAFETY_PLAN
from bot.core.safety.told import Told
from bot.core.state import State
from bot.core.turn import Context, Outcome
from tests.test_flow import label, labels, press
from tests.test_safety_path import NOW, marked, walk_unsafe

DRAFTS = (
    "Please stop calling me. Only contact me about the kids from now on.",
    "please don't leave me, I love you, I'll do anything, just come home",
    "It was all my fault, I made you angry. I'll be better so you don't have to get upset.",
    "I still love you and I want us to work on our marriage",
)
PROFILE = {
    "safety": ("yes",),
    "how_said": ("hurtful",),
    "cause": ("big_fight",),
    "contact": ("talking",),
    "firmness": ("wavering",),
    "tactics": ("begging", "chasing"),
    "goal": ("save",),
}


def finished(content: Content, safety: str) -> Outcome:
    return walk_unsafe(content, {**PROFILE, "safety": (safety,)})


def with_sign(content: Content, sign: int) -> Outcome:
    """ "Not sure", the danger check with "yes" to question `sign`, then the rest."""
    check = content.safety_plan.danger_check
    out = router.respond(content, State(), Command("start"))
    out = press(content, out, label(content, "safety", "unsure"))
    out = press(content, out, check.start_label)
    for i in range(len(check.questions)):
        out = press(content, out, check.yes_label if i == sign else check.no_label)
    out = press(content, out, content.messages.resources_continue)
    for step in content.steps[1:]:
        ids = PROFILE[step.id]
        if step.multi:
            for answer_id in ids:
                out = press(content, out, label(content, step.id, answer_id))
            out = press(content, out, step.done_label)  # type: ignore[arg-type]
        else:
            out = press(content, out, label(content, step.id, ids[0]))
    return out


def alarmed(content: Content) -> Outcome:
    done = finished(content, "yes")
    return router.respond(content, done.state, Text("he choked me last night"))


def ways_onto_the_safety_path(content: Content) -> Iterator[tuple[str, State]]:
    yield "no", finished(content, "no").state
    yield "not sure", finished(content, "unsure").state
    for i, question in enumerate(content.safety_plan.danger_check.questions):
        yield f"not sure, {question.id}", with_sign(content, i).state
    yield "an alarm", alarmed(content).state


def texts_of(outcome: Outcome) -> list[str]:
    shown = [*outcome.replies, *filter(None, (outcome.edit, outcome.refresh))]
    out = []
    for reply in shown:
        out += [reply.title, reply.text, *(b.label for row in reply.buttons for b in row)]
        out += [t for p in reply.pages for t in (p.title, p.text)]
    return [t for t in out if t]


def every_feature(content: Content, state: State) -> list[str]:
    """Everything the bot would show her, feature by feature, from `state`."""
    told = Told.of(state)
    seen = [t for p in plan.pages(content, state.profile or {}, told) for t in (p.title, p.text)]
    seen += texts_of(router.respond(content, state, Action(plan.PAGE, "1")))
    seen += [t for p in help.pages(content, told) for t in (p.title, p.text)]
    for draft in DRAFTS:
        read = router.respond(content, state, Command("draft", draft))
        seen += texts_of(read)
        for row in read.replies[-1].buttons if read.replies else ():
            for button in row:
                seen += texts_of(router.respond(content, read.state, button.input))
    offer = router.respond(content, state, Command("urge"))
    seen += texts_of(offer)
    for button in (b for r in offer.replies for row in r.buttons for b in row):
        seen += texts_of(router.respond(content, offer.state, button.input))
    seen += texts_of(router.respond(content, state, Command("moment")))
    for i in range(1, 6):
        seen += texts_of(router.respond(content, state, Action(talk.PAGE, str(i))))
    seen += texts_of(router.respond(content, state, Command("talk")))
    seen += texts_of(router.respond(content, state, Command("update")))
    pool = rotation.pool(content, state.profile, state.unsafe, told.guarded)
    seen += [e.text for e in pool]
    asked = None
    for checkin_id in range(len(content.checkins.questions) + 1):
        safety = "safety" in plan.situations(content, state.profile or {}, state.unsafe)
        asked = rotation.next_question(content, asked, safety)
        found = Delivered(checkin_id, encouragement=pool[0].id, question=asked)
        ctx = Context(now=NOW, checkin=found)
        seen += texts_of(
            router.respond(content, state, Action(wording.MOOD, f"{checkin_id}:2"), ctx)
        )
        seen += texts_of(
            answers.button(content, state, Action(wording.DID, f"{checkin_id}:yes"), ctx)
        )  # type: ignore[arg-type]
    seen += [f"/{name} {text}" for name, text in content.messages.commands.items()]
    return seen


def test_every_feature_on_every_way_onto_the_safety_path_says_nothing_that_moves_her_toward_him(
    content: Content,
) -> None:
    forbidden = marked(content)
    forbidden |= {p.instead for p in content.drafts.patterns if p.instead}
    patterns = [*content.safety_plan.toward_him, *content.safety_plan.measured_by_him]
    checked = 0
    for way, state in ways_onto_the_safety_path(content):
        assert Told.of(state).unsafe, way
        for text in every_feature(content, state):
            for bad in forbidden:
                assert bad not in text, (way, bad[:60], text[:80])
            lowered = normalize(text)
            for rule in patterns:
                assert not rule.search(lowered), (way, rule.pattern, text[:80])
        checked += 1
    assert checked == 3 + len(content.safety_plan.danger_check.questions)


def test_the_command_menu_and_the_hard_moment_button_say_nothing_about_him(
    content: Content,
) -> None:
    about_him = re.compile(r"\b(him|his|husband|marriage|leave|leaving)\b")
    for name, text in content.messages.commands.items():
        assert not about_him.search(f"{name} {text}".lower()), name
    state = finished(content, "no").state
    shown = labels(plan.page(content, state))
    assert content.moments.moment_label in shown
    assert content.moments.urge_label not in shown


@pytest.mark.parametrize("sign", range(7))
def test_after_a_sign_the_way_back_names_it_keeps_her_safety_plan_and_never_has_her_confront_him(
    content: Content, sign: int
) -> None:
    check = content.safety_plan.danger_check
    named = check.questions[sign]
    on_path = with_sign(content, sign)
    asked = router.respond(content, on_path.state, Action(SAFE_NOW))
    back = press(content, asked, label(content, "safety", "yes"))

    state = back.state
    assert state.unsafe is None
    assert state.signs == (named.id,)
    said = "\n".join(texts_of(back))
    assert named.named in said  # the sign she named is said back to her
    assert "advocate" in said
    page_one = plan.page(content, state)
    assert content.plan.safety_plan_label in labels(page_one)
    safety_plan = router.respond(content, state, Action(SAFETY_PLAN))
    assert any(p.title in texts_of(safety_plan) for p in content.plan.pieces if p.path == "safety")

    confronts = {p.text for p in content.plan.pieces if p.confronts}
    confronts |= {line for s in content.moments.talk.scripts if s.confronts for line in s.lines}
    confronts |= {e.how for e in content.tactics.embrace if e.confronts}
    for text in every_feature(content, state):
        assert text not in confronts, text[:80]
        for rule in content.safety_plan.confronting:
            assert not rule.search(normalize(text)), (rule.pattern, text[:80])
    opening = talk.page(content, state)
    assert opening.text.startswith(content.moments.talk.guarded)


def test_a_hard_moment_on_the_safety_path_offers_people_not_a_pause_before_texting_him(
    content: Content,
) -> None:
    state = finished(content, "no").state
    offer = router.respond(content, state, Command("urge"))
    m = content.moments.moment

    assert offer.replies[0].text == m.intro
    assert labels(offer.replies[0]) == [m.safe_person_label, m.advocate_label, m.helpline_label]
    wait = router.respond(content, state, Action(urge.WAIT, "10"))
    assert wait.later is None  # no pause before contacting him is queued
    advocate = press(content, offer, m.advocate_label)
    assert advocate.replies[0].text == m.advocate
    assert advocate.replies[1].kind == "resources"


def test_moving_onto_the_safety_path_with_plain_check_ins_makes_them_discreet_and_says_so(
    content: Content,
) -> None:
    from bot.core.checkins.records import Snapshot
    from bot.core.schedule import DAILY, Plan

    snap = Snapshot(Plan(DAILY, 21, 0, "UTC"), NOW, None, True, cover=None)
    done = finished(content, "yes")

    out = router.respond(content, done.state, Text("he hit me"), Context(now=NOW, schedule=snap))

    assert out.write is not None
    assert out.write.cover == content.checkins.covers[0].id
    assert out.cover_queued == content.checkins.covers[0].id
    assert content.checkins.discreet_now in [r.text for r in out.replies]
    again = router.respond(content, out.state, Text("he hit me"), Context(now=NOW, schedule=snap))
    assert again.write is None  # once: her choice to turn it off later stands


def test_no_thank_you_comes_before_danger(content: Content) -> None:
    for way, state in itertools.islice(ways_onto_the_safety_path(content), 3):
        done = plan.compose(content, state)
        assert "thank" not in done[0].text.lower(), way
