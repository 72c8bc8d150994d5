"""What the console shows and what she types: numbered messages, and her line read as an input.

Every message with buttons is numbered while it is on screen (`Screen`); `parse` reads a
typed line as a command, a button (by number, `2.3` address or label) or text, and
`render` prints a reply with its numbered buttons, a paged one whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content import Content
from bot.core.inputs import Action, Choice, Command, Input, Text
from bot.core.replies import Button, Reply

_ADDRESS = re.compile(r"(?:(?P<message>[0-9]{1,4})\.)?(?P<button>[0-9]{1,3})")
"""`3` (a button of the latest message) or `2.3` (button 3 of message [2]); ASCII digits only."""
_EDGES = re.compile(r"^\W+|\W+$")


def _plain(label: str) -> str:
    """A label as she may type it: any case, without the arrows and ticks around its words."""
    return " ".join(_EDGES.sub("", label.casefold()).split())


def buttons_of(reply: Reply) -> list[Button]:
    return [b for row in reply.buttons for b in row]


@dataclass(frozen=True)
class Pressed:
    """A button typed by its number or its label, and the message it is on."""

    message: int
    input: Choice | Action


class Screen:
    """The messages still on screen that offer buttons, by the number printed beside them.

    A message keeps its buttons until it is edited (a page turned, ticks redrawn),
    settled into the record of her answer, or the screen is cleared; an edited
    message keeps its number and, printed again, becomes the latest.
    """

    def __init__(self) -> None:
        self._buttons: dict[int, list[Button]] = {}
        self._order: list[int] = []
        """Numbers in the order last printed, the latest last."""
        self._count = 0

    def add(self, buttons: list[Button]) -> int | None:
        """A new message; its number, or None when it offers no buttons."""
        if not buttons:
            return None
        self._count += 1
        self.put(self._count, buttons)
        return self._count

    def put(self, number: int, buttons: list[Button]) -> None:
        """Message `number` now offers `buttons` (none: nothing any more), printed last."""
        if number in self._order:
            self._order.remove(number)
        self._buttons.pop(number, None)
        if buttons:
            self._buttons[number] = buttons
            self._order.append(number)

    def latest(self) -> int | None:
        """The number of the message printed last among those offering buttons."""
        return self._order[-1] if self._order else None

    def clear(self) -> None:
        """The screen was cleared: nothing on it, and numbering starts again."""
        self._buttons.clear()
        self._order.clear()
        self._count = 0

    def pick(self, line: str) -> Pressed | None:
        """The button `line` names by address or by label; None if none on screen does."""
        address = _ADDRESS.fullmatch(line)
        if address is not None:
            message = int(address["message"]) if address["message"] else self.latest() or 0
            offered = self._buttons.get(message, [])
            k = int(address["button"])
            return Pressed(message, offered[k - 1].input) if 1 <= k <= len(offered) else None
        wanted = _plain(line)
        for message in reversed(self._order) if wanted else ():
            for button in self._buttons[message]:
                if _plain(button.label) == wanted:
                    return Pressed(message, button.input)
        return None


def parse(line: str, screen: Screen | list[Button]) -> tuple[Input | None, int | None]:
    """A typed line as an input, and the message whose button it pressed (if it did).

    A command; a button by number, address or label; else text, which the core reads
    as it reads anything typed (an answer's words, a time, a draft). A number that
    names no button on screen is text too: it may be an hour or a time zone. A list of
    buttons stands for a screen with that one message.
    """
    if not isinstance(screen, Screen):
        one = Screen()
        one.add(screen)
        screen = one
    line = line.strip()
    if not line:
        return None, None
    if line.startswith("/"):
        first, _, rest = line.partition(" ")
        return Command(first[1:].lower(), rest.strip()), None
    pressed = screen.pick(line)
    if pressed is not None:
        return pressed.input, pressed.message
    return Text(line), None


def _titled(reply: Reply) -> list[str]:
    if not reply.title:
        return [reply.text]
    return [reply.title, "-" * min(len(reply.title), 60), reply.text]


def render(content: Content, reply: Reply, number: int | None = None) -> str:
    """The reply as terminal text: `[number]` before it, then its numbered buttons.

    A paged message (her plan) is printed whole, each page under its label: a
    terminal scrolls, so nothing needs turning. Its Back and Next still turn it.
    """
    lines: list[str] = []
    for i, page in enumerate(reply.pages, 1):
        label = content.plan.page_label.format(page=i, pages=len(reply.pages))
        lines += ["", label, *_titled(page)]
    lines = lines[1:] if reply.pages else _titled(reply)
    if number is not None:
        lines[0] = f"[{number}] {lines[0]}"
    lines += [f"  {i}. {b.label}" for i, b in enumerate(buttons_of(reply), 1)]
    return "\n".join(lines)
