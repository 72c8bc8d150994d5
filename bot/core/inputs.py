"""What she sends, as the core sees it: a command, a tap on a button, or text.

Adapters turn Telegram updates or terminal lines into these; a button carries
the input it stands for, so a tap is decoded back into exactly what was offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """A slash command, without the slash: `start`, `help`, `cancel`, ...

    `arg` is what she wrote after it on the same line (`/draft <her message>`).
    """

    name: str
    arg: str = ""


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


@dataclass(frozen=True)
class Edited:
    """She changed a message she had sent: its new text, read for danger and acknowledged,
    never taken as a new answer (the conversation has moved on since)."""

    text: str


@dataclass(frozen=True)
class CaughtUp:
    """More came at once than could be answered one by one: the oldest were read for danger
    and are answered together. `read_all`: every one of them was read (else the newest)."""

    read_all: bool = True


Input = Command | Choice | Action | Text | Edited | CaughtUp

# Buttons of the questions and their confirmations.
CONTINUE, RESTART, KEEP, DONE, NONE = "continue", "restart", "keep", "done", "none"
SKIP = "skip"
"""Skip an optional question; `arg` is its step."""
# Buttons about her data.
FORGET, KEEP_DATA, HIDE = "forget", "keep_data", "hide"

_NUMBER = re.compile(r"[0-9]{1,18}")
"""ASCII digits only: `str.isdigit` also accepts "²", which `int()` refuses."""


def number(text: str) -> int | None:
    """A whole number written in ASCII digits (a forged superscript two is not one), or None."""
    return int(text) if _NUMBER.fullmatch(text) else None
