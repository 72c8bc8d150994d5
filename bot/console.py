"""The same conversation in a terminal: numbered choices, no token, no network.

It runs the very flow and database the Telegram adapter uses, as a local user
of its own, so anyone can try the bot (or a coach can proofread content)
before creating a Telegram bot.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from bot.core.inputs import Command, Input, Text
from bot.core.replies import Button, Effect, Reply
from bot.service import Document, Photo, Service, Show

CLEAR_SCREEN = "\033[2J\033[H"

CONSOLE_USER_ID = 0
"""Telegram ids are positive, so the console's own row never meets a real user's."""

Read = Callable[[], Awaitable[str | None]]
Write = Callable[[str], None]


def _titled(reply: Reply) -> list[str]:
    if not reply.title:
        return [reply.text]
    return [reply.title, "-" * min(len(reply.title), 60), reply.text]


def render(reply: Reply) -> tuple[str, list[Button]]:
    """The reply as terminal text with numbered choices, and the buttons in that order.

    A paged message (her plan) is printed whole, every page in order with its number:
    a terminal scrolls, so there is nothing to turn.
    """
    buttons = [b for row in reply.buttons for b in row]
    lines = []
    if reply.pages:
        for i, page in enumerate(reply.pages, 1):
            lines += ["", f"[{i}/{len(reply.pages)}]", *_titled(page)]
        lines = lines[1:]
    else:
        lines += _titled(reply)
    lines += [f"  {i}. {b.label}" for i, b in enumerate(buttons, 1)]
    return "\n".join(lines), buttons


def shown(show: Show) -> tuple[str, list[Button]]:
    """Anything the service asks to show, as terminal text (with numbered choices)."""
    if isinstance(show, Document):
        return show.data.decode(), []
    if isinstance(show, Photo):
        return show.caption, []
    return render(show)


def parse(line: str, buttons: list[Button]) -> Input | None:
    """A typed line as an input: a choice number, a command, or text (None for nothing)."""
    line = line.strip()
    if not line:
        return None
    # ASCII and short: "²" is no digit to int(), and a pasted page of digits is text.
    if line.isascii() and line.isdecimal() and len(line) <= 3 and 1 <= int(line) <= len(buttons):
        return buttons[int(line) - 1].input
    if line.startswith("/"):
        first, _, rest = line.partition(" ")
        return Command(first[1:].lower(), rest.strip())
    return Text(line)


async def _stdin() -> str | None:
    try:
        line = await asyncio.to_thread(input, "> ")
    except EOFError:
        return None
    if not sys.stdin.isatty():
        # Piped input is not echoed by a terminal; show it so a saved session reads as one.
        print(line)
    return line


async def run_console(
    service: Service,
    read: Read = _stdin,
    write: Write = print,
    user_id: int = CONSOLE_USER_ID,
) -> None:
    """Talk until /quit or end of input. Starts as /start would."""
    messages = service.content.messages
    write(messages.console_intro)
    buttons: list[Button] = []
    event: Input | None = Command("start")
    while True:
        if event is not None:
            response = await service.handle(user_id, user_id, event)
            if response.outcome.effect is Effect.HIDE:
                write(CLEAR_SCREEN)
            redrawn = response.outcome.edit or response.outcome.refresh
            rendered = [shown(s) for s in (*response.shows, *((redrawn,) if redrawn else ()))]
            for text, _ in rendered:
                write("")
                write(text)
            if rendered:
                # The numbers always refer to the last choices shown.
                offered = [b for _, b in rendered if b]
                buttons = offered[-1] if offered else []
        line = await read()
        if line is None or line.strip().lower() in ("/quit", "/exit"):
            write(messages.console_bye)
            return
        event = parse(line, buttons)
