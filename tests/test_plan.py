"""Her plan: one case, no contradictions, her own tactics, one phone screen at a time.

Profiles name step and answer ids only; every title and text comes from the
content. The combination tests walk every answer a woman can give, on both
paths, so a coach's edit that makes two pieces contradict fails here (and in
the content check) before it reaches anyone.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest

from bot.content import Content
from bot.content.plan import case_of, matches, pieces_for
from bot.core import plan
from bot.core.replies import Reply
from bot.core.safety.told import Told
from bot.core.state import State
from bot.evals import plans
from bot.telegram.render import LIMIT

Profile = dict[str, tuple[str, ...]]

PERSONAS: dict[str, Profile] = {
    name: answers for name, answers in plans.PERSONAS.items() if answers["safety"] == ("yes",)
}
"""The four situations of the article, each as a woman might answer (the personas
`content check --plans` measures, but the one on the safety path)."""

TACTIC_SPREAD: tuple[tuple[str, ...], ...] = (
    (),
    ("begging",),
    ("checking", "promises"),
    ("begging", "chasing", "arguing", "promises", "checking"),
)


def every_profile(content: Content) -> Iterator[Profile]:
    """Every combination of single answers, each with a spread of tactics and goals."""
    singles = [s for s in content.steps if not s.multi and not s.optional]
    goals: tuple[tuple[str, ...], ...] = ((), ("save",), ("understand",), ("dignity",))
    for combo in itertools.product(*([a.id for a in s.answers] for s in singles)):
        profile: Profile = {s.id: (a,) for s, a in zip(singles, combo, strict=True)}
        for tactics, goal in zip(TACTIC_SPREAD, goals, strict=True):
            yield {**profile, "tactics": tactics, "goal": goal}


def all_text(pages: tuple[Reply, ...]) -> str:
    return "\n".join(f"{p.title}\n{p.text}" for p in pages)


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z']+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: str, b: str) -> float:
    one, other = shingles(a), shingles(b)
    return len(one & other) / len(one | other)


# ---- one case, no contradictions, nothing claimed that she did not say ---------------------


def test_every_combination_of_answers_gets_one_case_and_a_plan_that_never_contradicts_itself(
    content: Content,
) -> None:
    checked = 0
    for profile in every_profile(content):
        for unsafe in (None, "no"):
            path = "safety" if unsafe else "coaching"
            shown = pieces_for(content.plan, profile, path)
            ids = {p.id for p in shown}
            cases = [c for c in content.plan.cases if matches(c.when, profile)]

            assert cases[0] == case_of(content.plan, profile)
            assert shown, f"no plan for {profile} on the {path} path"
            for piece in shown:
                assert not ids & set(piece.never_with), f"{piece.id} beside its opposite"
                assert matches(piece.claims, profile), f"{piece.id} claims what she did not say"
                assert piece.path == path
            checked += 1
    assert checked > 2000


def test_her_picked_tactics_are_all_in_her_plan_with_why_and_what_to_do_instead(
    content: Content,
) -> None:
    for profile in every_profile(content):
        for unsafe in (None, "no"):
            text = all_text(plan.pages(content, profile, Told(unsafe)))
            for tactic in content.tactics.avoid:
                picked = tactic.id in profile["tactics"]
                instead = tactic.instead_safe if unsafe else tactic.instead
                assert (tactic.why in text) is picked, (tactic.id, profile)
                assert (instead in text) is picked or tactic.instead == tactic.instead_safe


EXCUSES = re.compile(
    r"harsher than|didn'?t mean|heat of the moment|anyone would|can'?t blame him|apolog", re.I
)


def test_a_fight_and_hurtful_words_get_the_same_respect_page_and_nothing_that_excuses_him(
    content: Content,
) -> None:
    respect = next(p for p in content.plan.pieces if p.id == "respect_first")
    base = {**PERSONAS["volatile"], "cause": ("distance",)}
    for how in ("fight", "hurtful"):
        text = all_text(plan.pages(content, {**base, "how_said": (how,)}))

        assert respect.title in text, how
        assert not EXCUSES.search(text), (how, EXCUSES.search(text))
    fight = all_text(plan.pages(content, {**base, "how_said": ("fight",)}))
    assert "insulted" not in fight  # she said it was a fight; her words, not more


def test_a_dead_set_husband_never_comes_with_a_good_moment_to_plan(content: Content) -> None:
    warmth = next(p for p in content.plan.pieces if p.id == "warmth")
    dead_set = {**PERSONAS["drifting"], "firmness": ("dead_set",)}

    text = all_text(plan.pages(content, dead_set))

    assert warmth.text not in text
    assert warmth.text in all_text(plan.pages(content, PERSONAS["drifting"]))


# ---- one phone screen at a time ------------------------------------------------------------


def test_page_one_fits_one_phone_screen_and_names_one_thing_for_this_week(
    content: Content,
) -> None:
    title = content.plan.this_week_title
    for profile in every_profile(content):
        for unsafe in (None, "no", "unsure", "alarm", "danger"):
            first = plan.pages(content, profile, Told(unsafe))[0]

            assert len(first.text) <= plan.FIRST_PAGE_LIMIT, (profile, unsafe, len(first.text))
            assert first.text.count(f"{title}:") == 1


def test_every_page_fits_in_one_telegram_message(content: Content) -> None:
    for profile in every_profile(content):
        pages = plan.pages(content, profile)
        for number in range(1, len(pages) + 1):
            shown = plan.page(content, State(profile=profile), number)
            assert len(f"{shown.title}\n\n{shown.text}") < LIMIT


def test_pages_turn_back_and_forth_and_say_which_page_she_is_on(content: Content) -> None:
    profile = PERSONAS["dead_set"]
    pages = plan.pages(content, profile)
    p = content.plan

    first = plan.page(content, State(profile=profile))
    last = plan.page(content, State(profile=profile), len(pages))

    labels = [b.label for row in first.buttons for b in row]
    assert p.page_label.format(page=1, pages=len(pages)) in first.text
    assert p.next_label in labels
    assert p.back_label not in labels
    assert [b.label for row in last.buttons for b in row].count(p.next_label) == 0
    assert content.messages.hide_label in labels
    assert first.pages == pages


def test_the_summary_says_her_situation_in_her_own_terms(content: Content) -> None:
    profile = PERSONAS["volatile"]
    how = content.step("how_said")
    assert how is not None
    hurtful = how.answer("hurtful")
    assert hurtful is not None
    assert hurtful.phrase is not None

    first = plan.pages(content, profile)[0]

    assert hurtful.phrase in first.text


@pytest.mark.parametrize("goal", ["save", "understand", "dignity"])
def test_the_framing_follows_what_she_wants(content: Content, goal: str) -> None:
    profile = {**PERSONAS["drifting"], "goal": (goal,)}

    first = plan.pages(content, profile)[0]

    assert getattr(content.plan.framing, goal) in first.text


def test_skipping_what_she_wants_keeps_the_usual_framing(content: Content) -> None:
    first = plan.pages(content, {**PERSONAS["drifting"], "goal": ()})[0]

    assert content.plan.framing.skipped in first.text


# ---- distinct plans ------------------------------------------------------------------------


def test_the_four_situations_get_plans_that_read_differently(content: Content) -> None:
    assert set(PERSONAS) == {"volatile", "drifting", "shut_out", "dead_set"}
    texts = {name: all_text(plan.pages(content, p)) for name, p in PERSONAS.items()}

    overlaps = {
        (one, other): jaccard(texts[one], texts[other])
        for one, other in itertools.combinations(texts, 2)
    }

    for pair, overlap in overlaps.items():
        assert overlap < 0.35, f"{pair} share {overlap:.2f} of their 5-word shingles"


def test_each_situation_gets_its_own_piece(content: Content) -> None:
    expected = {
        "volatile": "respect_first",
        "drifting": "warmth",
        "shut_out": "when_he_wont_talk",
        "dead_set": "mind_made_up",
    }
    for persona, piece_id in expected.items():
        shown = {p.id for p in pieces_for(content.plan, PERSONAS[persona], "coaching")}
        assert piece_id in shown, persona


def test_her_situations_for_check_ins_are_her_case_and_exceptions(content: Content) -> None:
    assert plan.situations(content, PERSONAS["drifting"]) == {"drifting", "wavering"}
    assert plan.situations(content, PERSONAS["dead_set"]) == {"drifting", "dead_set"}
    assert plan.situations(content, PERSONAS["volatile"], "alarm") == {"safety"}


def test_every_coaching_plan_carries_the_article_and_reads_one_screen_at_a_time(
    content: Content,
) -> None:
    from bot.content.checks import tactic_texts
    from bot.content.plan import carried

    measured = content.safety_plan.measured_by_him
    checked = 0
    for profile in every_profile(content):
        for guarded in (False, True):
            told = Told(signs=("strangled",)) if guarded else Told()
            pages = plan.pages(content, profile, told)
            found = carried(content.plan, profile, tactic_texts(content, profile), guarded)

            assert all(found.values()), (profile, guarded, found)
            for point in ("stop", "self_worth", "friends", "fulfilment", "proud"):
                assert found[point], (point, profile)
            for page in pages:
                assert len(page.title) + len(page.text) <= 900, (profile, page.title)
                lowered = page.text.lower()
                assert not EXCUSES.search(lowered), (profile, page.title)
                assert not any(rule.search(lowered) for rule in measured), (profile, page.title)
            checked += 1
    assert checked > 2000


def test_ticking_none_of_the_tactics_still_says_what_to_steer_clear_of(
    content: Content,
) -> None:
    none_ticked = {**PERSONAS["drifting"], "tactics": ()}

    pages = plan.pages(content, none_ticked)

    assert pages[-1].title == content.plan.steer_clear_title
    assert "None of these" not in all_text(pages)


def test_each_tactic_she_ticked_gets_a_page_of_its_own(content: Content) -> None:
    ticked = {**PERSONAS["drifting"], "tactics": ("begging", "chasing", "arguing")}

    pages = plan.pages(content, ticked)
    tactic_pages = [p for p in pages if p.title.startswith(content.plan.tactics_title)]

    assert len(tactic_pages) == 3
    assert [p.title.split(": ", 1)[1] for p in tactic_pages] == [
        t.name for t in content.tactics.avoid if t.id in ticked["tactics"]
    ]
