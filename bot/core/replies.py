"""What the bot says: replies with buttons, and the effects an input asks of the service.

A reply is plain text (the adapters escape and format it); its buttons carry
the input they stand for. An effect is what must happen beyond showing
replies: export her data, forget her, hide the chat, show her progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.content import Content
from bot.core.inputs import Action, Choice


class Effect(StrEnum):
    """What the service must carry out for an input, in the turn's own transaction."""

    EXPORT = "export"
    FORGET = "forget"
    HIDE = "hide"
    PROGRESS = "progress"


@dataclass(frozen=True)
class Button:
    label: str
    input: Choice | Action


@dataclass(frozen=True)
class Reply:
    """One message. `kind` lets an adapter treat guidance or resources differently."""

    text: str
    title: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    kind: str = "info"


SHORT_LABEL = 12
"""Buttons whose labels are all this short share one row; longer ones get a row each."""


def rows(
    buttons: list[Button] | tuple[Button, ...], per_row: int
) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def laid_out(buttons: tuple[Button, ...]) -> tuple[tuple[Button, ...], ...]:
    """Short labels side by side on one row; longer ones a row each, so none is cut off."""
    if all(len(b.label) <= SHORT_LABEL for b in buttons):
        return (buttons,)
    return tuple((b,) for b in buttons)


def answered(content: Content, question: str, answer: str) -> str:
    """A pressed question rewritten as the record of her answer ("question → answer")."""
    return content.messages.answered.format(question=question, answer=answer)
