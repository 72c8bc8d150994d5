"""The same conversation in a terminal: numbered choices, no token, no network.

It runs the very flow and database the Telegram adapter uses, as a local user
of its own, so anyone can try the bot (or a coach can proofread content)
before creating a Telegram bot.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from bot import checkins, progress
from bot.conversation import Conversation
from bot.dialogue import EXPORT, FORGET, HIDE, Button, Command, Input, Reply, Text

CLEAR_SCREEN = "\033[2J\033[H"

CONSOLE_USER_ID = 0
"""Telegram ids are positive, so the console's own row never meets a real user's."""

Read = Callable[[], Awaitable[str | None]]
Write = Callable[[str], None]


def render(reply: Reply) -> tuple[str, list[Button]]:
    """The reply as terminal text with numbered choices, and the buttons in that order."""
    buttons = [b for row in reply.buttons for b in row]
    lines = []
    if reply.title:
        lines += [reply.title, "-" * min(len(reply.title), 60)]
    lines.append(reply.text)
    lines += [f"  {i}. {b.label}" for i, b in enumerate(buttons, 1)]
    return "\n".join(lines), buttons


def parse(line: str, buttons: list[Button]) -> Input | None:
    """A typed line as an input: a choice number, a command, or text (None for nothing)."""
    line = line.strip()
    if not line:
        return None
    if line.isdecimal() and len(line) <= 3 and 1 <= int(line) <= len(buttons):
        return buttons[int(line) - 1].input
    if line.startswith("/"):
        return Command(line[1:].split(maxsplit=1)[0].lower() if len(line) > 1 else "")
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
    conversation: Conversation,
    read: Read = _stdin,
    write: Write = print,
    user_id: int = CONSOLE_USER_ID,
) -> None:
    """Talk until /quit or end of input. Starts as /start would."""
    messages = conversation.content.messages
    write(messages["console_intro"])
    buttons: list[Button] = []
    event: Input | None = Command("start")
    while True:
        if event is not None:
            outcome = await conversation.handle(user_id, user_id, event)
            if outcome.effect == EXPORT:
                write((await conversation.export(user_id)).decode())
            elif outcome.effect == FORGET:
                await conversation.store.forget(user_id)
            elif outcome.effect == HIDE:
                write(CLEAR_SCREEN)
            elif outcome.effect == checkins.PROGRESS:
                history = await conversation.history(user_id)
                write(progress.summary(conversation.content, history))
            shown = (*outcome.replies, outcome.refresh) if outcome.refresh else outcome.replies
            rendered = [render(reply) for reply in shown]
            for text, _ in rendered:
                write("")
                write(text)
            if rendered:
                # The numbers always refer to the last choices shown.
                offered = [b for _, b in rendered if b]
                buttons = offered[-1] if offered else []
        line = await read()
        if line is None or line.strip().lower() in ("/quit", "/exit"):
            write(messages["console_bye"])
            return
        event = parse(line, buttons)
