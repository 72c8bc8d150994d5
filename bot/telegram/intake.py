"""Polling that folds a flooding chat's messages before python-telegram-bot parses them.

Telegram hands out updates strictly in order, so a message from her that
arrives behind 20,000 from one flooding chat is seen only once those 20,000
have been taken in. Most of that time is python-telegram-bot turning each
update's JSON into objects (about 150 µs each). This request, used for
`getUpdates` only, looks at the plain JSON first: a message (new or edited,
never a command) for a private chat whose line is full with an open digest
(`ordering.PerChatOrder.absorb`) is folded there and then and never parsed;
everything else goes on as it came. The last update of each answer is always
kept, so python-telegram-bot confirms the whole answer with its offset.
"""

from __future__ import annotations

from typing import Any

from telegram.request import HTTPXRequest

from bot.telegram.ordering import PerChatOrder

JSONDict = dict[str, Any]


def _foldable(update: JSONDict) -> tuple[int, int, str | None, int | None] | None:
    """(chat, user, text, new message id) of a private message that may be folded, else None."""
    message = update.get("message")
    new = message is not None
    if message is None:
        message = update.get("edited_message")
    if not isinstance(message, dict):
        return None
    chat, sender = message.get("chat") or {}, message.get("from") or {}
    if chat.get("type") != "private" or not isinstance(chat.get("id"), int):
        return None
    first = (message.get("entities") or [{}])[0]
    if new and first.get("type") == "bot_command" and first.get("offset") == 0:
        return None  # a command: never folded
    text = message.get("text") or message.get("caption") or None
    user = sender.get("id") if isinstance(sender.get("id"), int) else chat["id"]
    return chat["id"], user, text, message.get("message_id") if new else None


class Intake(HTTPXRequest):
    """python-telegram-bot's own request for `getUpdates`, reading each answer first."""

    def __init__(self, order: PerChatOrder, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.order = order

    def parse_json_payload(self, payload: bytes) -> JSONDict:  # type: ignore[override]
        data = HTTPXRequest.parse_json_payload(payload)
        result = data.get("result")
        if data.get("ok") and isinstance(result, list) and len(result) > 1:
            data["result"] = self._unfolded(result)
        return data

    def _unfolded(self, updates: list[JSONDict]) -> list[JSONDict]:
        kept = []
        for update in updates[:-1]:
            found = _foldable(update)
            if found is None or not self.order.absorb(*found):
                kept.append(update)
        kept.append(updates[-1])
        return kept
