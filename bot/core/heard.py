"""What she types is heard: kind words for something painful typed while a question waits.

The groups and their words are in `content/heard.yaml`; the first group that
matches answers. Never a thank-you: she is not reporting, she is hurting.
"""

from __future__ import annotations

from bot.content import Content
from bot.core.safety.screen import prepare


def acknowledge(content: Content, text: str) -> str | None:
    """The kind words for what she typed, or None when nothing painful stands out."""
    said = prepare(text)
    for group in content.heard.groups:
        if any(p.search(said) for p in group.patterns):
            return group.reply
    return None
