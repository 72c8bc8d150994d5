"""A Bot API that answers at once, in process: no sockets, no waiting.

`InstantRequest` is a python-telegram-bot `BaseRequest` that answers the
methods the bot calls with Telegram-shaped JSON, so python-telegram-bot still
encodes every request and decodes every answer (that work is part of what an
update costs) while the network costs nothing. It only counts calls per
method; it keeps no messages, so a long run does not grow. The tests have a
richer one (`tests/offline.py`) that plays her side of the chat.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from typing import Any

from telegram.request import BaseRequest, RequestData

TOKEN = "123456:TEST"
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Steady", "username": "steady_bot"}
SENDS = ("sendMessage", "sendDocument", "sendPhoto")
"""The calls that put a new message in her chat."""
MESSAGES = (*SENDS, "editMessageText", "editMessageReplyMarkup")
"""The calls that answer with the message they sent or edited."""


class InstantRequest(BaseRequest):
    """Answers every Bot API call at once and counts it."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self._ids = itertools.count(1_000_000)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        self.calls[name] += 1
        # What HTTPXRequest would send: every value JSON-encoded (part of a call's cost).
        params = request_data.json_parameters if request_data is not None else {}
        return 200, json.dumps({"ok": True, "result": self._answer(name, params)}).encode()

    def _answer(self, name: str, params: dict[str, str]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name == "getUpdates":
            return []
        if name in MESSAGES:
            chat = int(params["chat_id"])
            message: dict[str, Any] = {
                "message_id": int(params.get("message_id") or next(self._ids)),
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private", "first_name": "Her"},
                "from": BOT_USER,
                "text": params.get("text") or params.get("caption") or "",
            }
            if params.get("reply_markup"):
                message["reply_markup"] = json.loads(params["reply_markup"])
            return message
        return True  # answerCallbackQuery, setMyCommands, deleteMessages, deleteWebhook, ...
