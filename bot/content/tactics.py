"""tactics.yaml: what tends to backfire and what tends to help, from the article.

An `avoid` tactic says why it backfires and what to do instead (on each path);
an `embrace` tactic says how. `coaching_only` marks a tactic that moves her
toward him, which the safety path never shows.
"""

from __future__ import annotations

from typing import Protocol

from bot.content.fields import ContentModel, Id, Name, Text


class Guarded(Protocol):
    """What she has told the bot about danger, as far as the lists need it (`core.safety.told`)."""

    @property
    def unsafe(self) -> bool: ...

    @property
    def guarded(self) -> bool: ...


class Avoid(ContentModel):
    id: Id
    name: Name
    why: Text
    instead: Text
    instead_safe: Text

    @property
    def text(self) -> str:
        return self.why


class Embrace(ContentModel):
    id: Id
    name: Name
    how: Text
    short: Text
    """The gist in a line, for /help's list."""
    coaching_only: bool = False
    confronts: bool = False
    """Has her stand up to him face to face: never shown once danger from him is on record."""

    @property
    def text(self) -> str:
        return self.how


Tactic = Avoid | Embrace


class Tactics(ContentModel):
    avoid: tuple[Avoid, ...]
    embrace: tuple[Embrace, ...]

    def embrace_for(self, told: Guarded) -> tuple[Embrace, ...]:
        """The helpful tactics she may see: on the safety path, none that move her toward him;
        with danger from him on record, none that has her confront him."""
        return tuple(
            t
            for t in self.embrace
            if not (told.unsafe and t.coaching_only) and not (told.guarded and t.confronts)
        )
