"""Compose the tailored answer from a finished profile and the content.

A profile maps each step id to the answer ids she chose. Sections of
`guidance.yaml` apply by their `when` rules, in file order, so a coach decides
what a situation hears without touching code. The tactics she admitted to come
first among the warnings, because those are the ones she needs now.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.content import Content, Tactic
from bot.core.replies import Reply

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


class _Situations:
    """`situations` remembered by the answers its rules read, for the content in use.

    The dispatcher asks for every row it claims, and the answer depends only on
    the few steps named in the `when` rules of the sections with a case
    (a hundred or so combinations). A different `Content` starts afresh.
    """

    LIMIT = 4096
    """Odd stored answers could make many keys; past this many the memory starts over."""

    def __init__(self) -> None:
        self._content: Content | None = None
        self._steps: tuple[str, ...] = ()
        self._found: dict[tuple[tuple[str, ...], ...], frozenset[str]] = {}

    def get(self, content: Content, profile: Profile) -> frozenset[str]:
        if content is not self._content or len(self._found) > self.LIMIT:
            cased = [s for s in content.guidance.sections if s.case]
            self._steps = tuple(sorted({step for s in cased for rule in s.when for step in rule}))
            self._content, self._found = content, {}
        key = tuple(tuple(profile.get(step, ())) for step in self._steps)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = frozenset(
                s.case for s in content.guidance.sections if s.case and s.applies(profile)
            )
        return found


_SITUATIONS = _Situations()


def situations(content: Content, profile: Profile) -> frozenset[str]:
    """The named cases (volatile, drifting, shut_out, dead_set) her profile falls under."""
    return _SITUATIONS.get(content, profile)


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
