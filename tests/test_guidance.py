"""The tailored answer: which sections she reads, in which order, and her own warnings first.

Profiles name step and answer ids only; every title and text comes from the content.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import pytest

from bot.content import Content, Section
from bot.core import guidance
from bot.core.replies import Reply
from bot.telegram.render import LIMIT

Profile = dict[str, tuple[str, ...]]

PROFILES: dict[str, Profile] = {
    "volatile": {
        "safety": ("yes",),
        "how_said": ("hurtful",),
        "cause": ("big_fight",),
        "contact": ("talking",),
        "firmness": ("leaning",),
        "tactics": (),
    },
    "drifting": {
        "safety": ("yes",),
        "how_said": ("calm",),
        "cause": ("distance",),
        "contact": ("talking",),
        "firmness": ("wavering",),
        "tactics": (),
    },
    "shut_out": {
        "safety": ("yes",),
        "how_said": ("fight",),
        "cause": ("big_fight",),
        "contact": ("shut_out",),
        "firmness": ("leaning",),
        "tactics": (),
    },
    "dead_set": {
        "safety": ("yes",),
        "how_said": ("calm",),
        "cause": ("big_fight",),
        "contact": ("barely",),
        "firmness": ("dead_set",),
        "tactics": (),
    },
}


def case_section(content: Content, case: str) -> Section:
    [section] = [s for s in content.guidance.sections if s.case == case]
    return section


def section_titles(content: Content, replies: Sequence[Reply]) -> list[str]:
    """Titles of the situation sections, leaving out the two lists every answer has."""
    lists = {content.guidance.avoid_title, content.guidance.embrace_title}
    return [r.title for r in replies if r.title and r.title not in lists]


def positions(text: str, parts: Sequence[str]) -> list[int]:
    found = [text.find(part) for part in parts]
    assert all(at >= 0 for at in found), f"missing among {parts}"
    return found


def warnings_of(content: Content, replies: Sequence[Reply]) -> Reply:
    [found] = [r for r in replies if r.title == content.guidance.avoid_title]
    return found


def with_tactics(profile: Profile, *tactics: str) -> Profile:
    return {**profile, "tactics": tactics}


def every_profile(content: Content) -> Iterator[Profile]:
    """Every single-answer combination, once with no tactics and once with all of them."""
    singles = [s for s in content.steps if not s.multi]
    multis = [s for s in content.steps if s.multi]
    for combo in itertools.product(*([a.id for a in s.answers] for s in singles)):
        profile: Profile = {s.id: (a,) for s, a in zip(singles, combo, strict=True)}
        yield {**profile, **{m.id: () for m in multis}}
        yield {**profile, **{m.id: tuple(a.id for a in m.answers) for m in multis}}


# ---- the four situations -------------------------------------------------------------------


@pytest.mark.parametrize("case", list(PROFILES))
def test_each_situation_gets_its_own_section(content: Content, case: str) -> None:
    profile = PROFILES[case]

    replies = guidance.compose(content, profile)

    assert case_section(content, case).title in section_titles(content, replies)
    assert case in guidance.situations(content, profile)


@pytest.mark.parametrize("case", list(PROFILES))
def test_a_situation_section_says_what_the_content_says(content: Content, case: str) -> None:
    section = case_section(content, case)

    replies = guidance.compose(content, PROFILES[case])

    [shown] = [r for r in replies if r.title == section.title]
    assert shown.text == section.text
    assert shown.kind == "guidance"


def test_a_calm_drifting_apart_hears_nothing_about_hurtful_words_or_silence(
    content: Content,
) -> None:
    titles = section_titles(content, guidance.compose(content, PROFILES["drifting"]))

    for other in ("volatile", "shut_out", "dead_set"):
        assert case_section(content, other).title not in titles
    assert guidance.situations(content, PROFILES["drifting"]) == {"drifting"}


def test_the_four_situations_read_differently(content: Content) -> None:
    titles = {
        case: tuple(section_titles(content, guidance.compose(content, profile)))
        for case, profile in PROFILES.items()
    }

    for one, other in itertools.combinations(titles, 2):
        assert titles[one] != titles[other], f"{one} and {other} read the same"


def test_sections_come_in_the_order_the_coach_wrote_them(content: Content) -> None:
    order = [s.title for s in content.guidance.sections]
    for profile in every_profile(content):
        titles = section_titles(content, guidance.compose(content, profile))

        assert titles == sorted(titles, key=order.index)


def test_a_section_applies_when_any_of_its_alternatives_matches(content: Content) -> None:
    drifting = case_section(content, "drifting")
    assert len(drifting.when) > 1
    for alternative in drifting.when:
        profile = {step: (sorted(wanted)[0],) for step, wanted in alternative.items()}

        assert "drifting" in guidance.situations(content, profile)


def test_an_empty_profile_gets_only_the_opening_the_lists_and_the_closing(
    content: Content,
) -> None:
    g = content.guidance

    replies = guidance.compose(content, {})

    assert [r.title for r in replies] == ["", g.avoid_title, g.embrace_title, ""]
    assert guidance.situations(content, {}) == frozenset()


# ---- her warnings --------------------------------------------------------------------------


def test_tactics_she_picked_come_first_after_a_gentle_note_in_content_order(
    content: Content,
) -> None:
    avoid = content.tactics.avoid
    picked_ids = ("checking", "begging")  # ticked in this order
    profile = with_tactics(PROFILES["drifting"], *picked_ids)
    picked = [t for t in avoid if t.id in picked_ids]
    rest = [t for t in avoid if t.id not in picked_ids]

    warnings = warnings_of(content, guidance.compose(content, profile))

    assert warnings.text.startswith(content.guidance.avoid_picked_note)
    names = [f"• {t.name}:" for t in (*picked, *rest)]
    found = positions(warnings.text, names)
    assert found == sorted(found)
    assert [t.id for t in picked] == ["begging", "checking"]
    assert guidance.picked_tactics(content, profile) == ["begging", "checking"]


def test_every_avoid_tactic_is_listed_once_whatever_she_picked(content: Content) -> None:
    profile = with_tactics(PROFILES["volatile"], "arguing")

    warnings = warnings_of(content, guidance.compose(content, profile))

    for tactic in content.tactics.avoid:
        assert warnings.text.count(f"• {tactic.name}:") == 1


def test_with_no_tactics_picked_there_is_no_note(content: Content) -> None:
    warnings = warnings_of(content, guidance.compose(content, PROFILES["dead_set"]))

    assert content.guidance.avoid_picked_note not in warnings.text
    assert warnings.text.startswith(f"• {content.tactics.avoid[0].name}:")


def test_the_embrace_list_follows_the_warnings(content: Content) -> None:
    g = content.guidance

    replies = guidance.compose(content, PROFILES["shut_out"])

    titles = [r.title for r in replies]
    assert titles.index(g.embrace_title) == titles.index(g.avoid_title) + 1
    embrace = replies[titles.index(g.embrace_title)]
    found = positions(embrace.text, [f"• {t.name}:" for t in content.tactics.embrace])
    assert found == sorted(found)


# ---- the shape of every answer -------------------------------------------------------------


def test_every_answer_opens_and_closes_the_same_way_and_fits_in_a_message(
    content: Content,
) -> None:
    g = content.guidance
    checked = 0
    for profile in every_profile(content):
        replies = guidance.compose(content, profile)

        assert replies[0].text == g.opening
        assert replies[-1].text == g.closing
        assert all(r.kind == "guidance" for r in replies)
        for reply in replies:
            shown = f"{reply.title}\n\n{reply.text}" if reply.title else reply.text
            assert len(shown) < LIMIT, f"{reply.title!r} for {profile}"
        checked += 1
    assert checked >= 2
