"""heard.yaml: kind words for painful things she types while a question waits for a button."""

from __future__ import annotations

from bot.content.fields import ContentModel, Id, Pattern, Text


class Group(ContentModel):
    id: Id
    patterns: tuple[Pattern, ...]
    reply: Text


class Heard(ContentModel):
    groups: tuple[Group, ...]
