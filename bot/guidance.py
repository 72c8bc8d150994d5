"""Compose the tailored answer from a finished profile and the content.

A profile maps each step id to the answer ids she chose. Sections of
`guidance.yaml` apply by their `when` rules, in file order, so a coach decides
what a situation hears without touching code. The tactics she admitted to come
first among the warnings, because those are the ones she needs now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.content import Content, Tactic
from bot.dialogue import Reply

Profile = Mapping[str, Sequence[str]]


def bullets(items: Iterable[Tactic]) -> str:
    return "\n".join(f"• {t.name}: {t.text}" for t in items)


def picked_tactics(content: Content, profile: Profile) -> list[str]:
    """The avoid-tactic ids she said she has caught herself in, in content order."""
    chosen = {
        answer.tactic
        for step in content.steps
        if step.multi
        for answer in step.answers
        if answer.id in profile.get(step.id, ())
    }
    return [t.id for t in content.tactics.avoid if t.id in chosen]


def situations(content: Content, profile: Profile) -> frozenset[str]:
    """The named cases (volatile, drifting, shut_out, dead_set) her profile falls under."""
    return frozenset(s.case for s in content.guidance.sections if s.case and s.applies(profile))


def warnings(content: Content, profile: Profile) -> Reply:
    """The avoid list, the tactics she picked first with a gentle note."""
    picked = set(picked_tactics(content, profile))
    mine = [t for t in content.tactics.avoid if t.id in picked]
    rest = [t for t in content.tactics.avoid if t.id not in picked]
    parts = [f"{content.guidance.avoid_picked_note}\n{bullets(mine)}"] if mine else []
    parts.append(bullets(rest))
    return Reply(title=content.guidance.avoid_title, text="\n\n".join(parts), kind="guidance")


def compose(content: Content, profile: Profile) -> tuple[Reply, ...]:
    """The whole tailored answer, one reply per section so each stays readable."""
    g = content.guidance
    sections = [
        Reply(title=s.title, text=s.text, kind="guidance") for s in g.sections if s.applies(profile)
    ]
    return (
        Reply(text=g.opening, kind="guidance"),
        *sections,
        warnings(content, profile),
        Reply(title=g.embrace_title, text=bullets(content.tactics.embrace), kind="guidance"),
        Reply(text=g.closing, kind="guidance"),
    )
