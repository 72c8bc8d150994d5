"""moments.yaml: the hard moments, the urge to reach him right now (/urge) and words for
the talks the article names (/talk)."""

from __future__ import annotations

from typing import Annotated

from pydantic import StrictInt, field_validator

from bot.content.fields import ContentModel, Filled, FilledLabel, Id, Label, Text, Title, fills


class Urge(ContentModel):
    intro: Text
    write_label: Label
    pauses: tuple[StrictInt, ...]
    """Minutes she can choose to wait."""
    pause_label: Annotated[FilledLabel, fills("minutes")]
    waiting: Annotated[Filled, fills("minutes")]
    check_back: Text
    waited_label: Label
    still_label: Label
    sent_label: Label
    waited: Text
    still: Text
    sent: Text

    @field_validator("pauses")
    @classmethod
    def _sensible(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(not 1 <= m <= 120 for m in value):
            raise ValueError("expected one or more pauses of 1 to 120 minutes")
        return value


class Moment(ContentModel):
    """A hard moment on the safety path: her safe person, an advocate, a helpline."""

    intro: Text
    safe_person_label: Label
    safe_person: Text
    advocate_label: Label
    advocate: Text
    helpline_label: Label


class Script(ContentModel):
    id: Id
    coaching_only: bool = False
    confronts: bool = False
    """Has her stand up to him face to face: never offered once danger from him is on record."""
    title: Title
    when: Text
    lines: tuple[Text, ...]


class Talk(ContentModel):
    title: Title
    intro: Text
    safety_first: Text
    guarded: Text
    """Above every script while danger from him is on record (after the way back)."""
    menu_label: Label
    scripts: tuple[Script, ...]

    def script(self, script_id: str | None) -> Script | None:
        return next((s for s in self.scripts if s.id == script_id), None)


class Moments(ContentModel):
    urge_label: Label
    """The button on her plan for the moment she wants to text him right now."""
    moment_label: Label
    """The same button on the safety path: it says nothing about him."""
    urge: Urge
    moment: Moment
    talk: Talk
