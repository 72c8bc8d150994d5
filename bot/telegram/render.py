"""Replies to Telegram messages: HTML escaping, the 4096 limit, keyboards, callback data.

Content is plain text; here it is escaped and titles are set in bold, so no
character she or a coach types can break the formatting.
"""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.inputs import Action, Choice
from bot.core.replies import Reply

LIMIT = 4096
"""Telegram's limit on a message's text, counted after entities are parsed."""


def split(text: str, limit: int = LIMIT) -> list[str]:
    """Cut `text` into pieces under `limit`, at paragraph, then line, then word boundaries."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        for boundary in ("\n\n", "\n", " "):
            cut = window.rfind(boundary)
            if cut > limit // 4:
                break
        else:
            cut = limit  # no good boundary: a hard cut beats a tiny fragment
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def to_html(reply: Reply, limit: int = LIMIT) -> list[str]:
    """The reply as HTML messages, each under `limit` visible characters."""
    title = f"{reply.title}\n\n" if reply.title else ""
    parts = split(title + reply.text, limit)
    rendered = [html.escape(p, quote=False) for p in parts]
    if reply.title:
        head = html.escape(reply.title, quote=False)
        rendered[0] = f"<b>{head}</b>" + rendered[0][len(head) :]
    return rendered


def encode(event: Choice | Action) -> str:
    """Callback data (at most 64 bytes; content ids are at most 30 characters)."""
    if isinstance(event, Choice):
        return f"c|{event.step}|{event.answer}"
    return f"a|{event.name}|{event.arg}"


def decode(data: str | None) -> Choice | Action | None:
    """The input behind callback data, or None for anything we did not make."""
    parts = (data or "").split("|")
    if len(parts) != 3:
        return None
    kind, first, second = parts
    if kind == "c" and first and second:
        return Choice(first, second)
    if kind == "a" and first:
        return Action(first, second)
    return None


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=encode(b.input)) for b in row]
            for row in reply.buttons
        ]
    )
