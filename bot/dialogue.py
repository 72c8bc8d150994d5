"""The vocabulary of a conversation, shared by the core and both adapters.

What she sends becomes an input (`Command`, `Choice`, `Action`, `Text`); what
the bot says is a `Reply` with optional buttons that carry the input they stand
for. Adapters translate these to Telegram messages or terminal lines; the core
never sees either.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """A slash command, without the slash: `start`, `help`, `cancel`, ..."""

    name: str


@dataclass(frozen=True)
class Choice:
    """A tap on an answer button; it names the step it belongs to, so a stale tap is known."""

    step: str
    answer: str


@dataclass(frozen=True)
class Action:
    """A tap on a button that is not an answer; `arg` says which step or choice it is for."""

    name: str
    arg: str = ""


@dataclass(frozen=True)
class Text:
    """Anything she typed that is not a command."""

    text: str


Input = Command | Choice | Action | Text

CONTINUE, RESTART, KEEP, DONE, NONE = "continue", "restart", "keep", "done", "none"
FORGET, KEEP_DATA, HIDE = "forget", "keep_data", "hide"

EXPORT = "export"
"""Effects: what an adapter must do beyond showing replies (`Outcome.effect`)."""


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
