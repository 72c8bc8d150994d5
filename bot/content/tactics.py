"""tactics.yaml: what tends to backfire and what tends to help, from the article.

An `avoid` tactic says why it backfires and what to do instead (on each path);
an `embrace` tactic says how. `coaching_only` marks a tactic that moves her
toward him, which the safety path never shows.
"""

from __future__ import annotations

from bot.content.fields import ContentModel, Id, Name, Text


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
    coaching_only: bool = False

    @property
    def text(self) -> str:
        return self.how


Tactic = Avoid | Embrace


class Tactics(ContentModel):
    avoid: tuple[Avoid, ...]
    embrace: tuple[Embrace, ...]

    def embrace_for(self, safety_path: bool) -> tuple[Embrace, ...]:
        """The helpful tactics she may see: on the safety path, none that move her toward him."""
        return tuple(t for t in self.embrace if not (safety_path and t.coaching_only))
