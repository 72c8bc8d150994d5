"""guidance.yaml and tactics.yaml: the tailored answer and the tactics it draws on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from bot.content.fields import ContentModel, Id, Name, Text, Title, Word

CASES = ("volatile", "drifting", "shut_out", "dead_set")
"""The four situations the guidance distinguishes; check-ins are tagged by them."""
Case = Literal["volatile", "drifting", "shut_out", "dead_set"]


class Section(ContentModel):
    id: Id
    case: Case | None = None
    when: tuple[Mapping[str, tuple[Word, ...]], ...]
    """Alternatives; the section applies if any matches (every key one of its answer ids)."""
    title: Title
    text: Text

    def applies(self, profile: Mapping[str, Sequence[str]]) -> bool:
        return any(
            all(set(profile.get(step, ())) & set(wanted) for step, wanted in alternative.items())
            for alternative in self.when
        )


class Guidance(ContentModel):
    opening: Text
    sections: tuple[Section, ...]
    avoid_title: Title
    avoid_picked_note: Text
    embrace_title: Title
    closing: Text


class Avoid(ContentModel):
    id: Id
    name: Name
    why: Text

    @property
    def text(self) -> str:
        return self.why


class Embrace(ContentModel):
    id: Id
    name: Name
    how: Text

    @property
    def text(self) -> str:
        return self.how


Tactic = Avoid | Embrace


class Tactics(ContentModel):
    avoid: tuple[Avoid, ...]
    embrace: tuple[Embrace, ...]
