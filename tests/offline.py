"""An offline Telegram for handler tests: no sockets, every Bot API call recorded.

`OfflineRequest` answers the Bot API methods the bot uses with Telegram's
shapes. `Chat` plays one person in a private chat: she sends text and
commands, presses buttons by their labels, and reads what the bot showed her,
with edits applied, as she would see it.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest, RequestData

from bot.config import Settings
from bot.content import Content
from bot.db.database import open_database
from bot.service import Service
from bot.telegram.app import build

BOT_ID = 4242
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Steady", "username": "steady_bot"}


@dataclass
class Shown:
    """A message as it looks in the chat now (after any edits)."""

    message_id: int
    chat_id: int
    text: str
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    deleted: bool = False
    document: bytes | None = None
    photo: bytes | None = None
    incoming: bool = False

    @property
    def plain(self) -> str:
        """The text as she reads it: HTML tags gone, entities decoded."""
        return html.unescape(re.sub(r"</?b>", "", self.text))

    @property
    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]


class OfflineRequest(BaseRequest):
    """A BaseRequest that never touches the network and keeps what was asked of it."""

    def __init__(self, chat_from: OfflineRequest | None = None) -> None:
        """`chat_from`: a previous process's request, whose chat history she still sees."""
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.refusing: dict[str, tuple[int, str]] = {}
        """Methods Telegram refuses, with the status and description it answers."""
        self.refuse: Callable[[str, dict[str, Any]], tuple[int, str] | None] | None = None
        """A call Telegram refuses, decided call by call (status and description, or None)."""
        self.messages: dict[int, Shown] = chat_from.messages if chat_from else {}
        self._ids = chat_from._ids if chat_from else itertools.count(1000)

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
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            params.update(request_data.multipart_data or {})
        self.calls.append((name, params))
        refused = self.refuse(name, params) if self.refuse else None
        if name in self.refusing or refused:
            status, description = refused or self.refusing[name]
            body = {"ok": False, "error_code": status, "description": description}
            return status, json.dumps(body).encode()
        result = self._answer(name, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _message(self, shown: Shown) -> dict[str, Any]:
        return {
            "message_id": shown.message_id,
            "date": int(time.time()),
            "chat": {"id": shown.chat_id, "type": "private", "first_name": "Her"},
            "from": BOT_USER,
            "text": shown.text,
            **({"reply_markup": {"inline_keyboard": shown.buttons}} if shown.buttons else {}),
        }

    def _answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name == "sendMessage":
            markup = params.get("reply_markup") or {}
            shown = Shown(
                next(self._ids),
                int(params["chat_id"]),
                params["text"],
                markup.get("inline_keyboard", []),
            )
            self.messages[shown.message_id] = shown
            return self._message(shown)
        if name in ("editMessageText", "editMessageReplyMarkup"):
            shown = self.messages[int(params["message_id"])]
            if "text" in params:
                shown.text = params["text"]
            shown.buttons = (params.get("reply_markup") or {}).get("inline_keyboard", [])
            return self._message(shown)
        if name == "sendDocument":
            _, data, _ = params["document"]
            shown = Shown(
                next(self._ids), int(params["chat_id"]), params.get("caption", ""), document=data
            )
            self.messages[shown.message_id] = shown
            document = {"file_id": "doc", "file_unique_id": "doc", "file_name": "my-data.json"}
            return {**self._message(shown), "document": document}
        if name == "sendPhoto":
            _, data, _ = params["photo"]
            shown = Shown(
                next(self._ids), int(params["chat_id"]), params.get("caption", ""), photo=data
            )
            self.messages[shown.message_id] = shown
            photo = [{"file_id": "p", "file_unique_id": "p", "width": 600, "height": 300}]
            return {**self._message(shown), "photo": photo}
        if name == "deleteMessages":
            for message_id in params["message_ids"]:
                if message_id in self.messages:
                    self.messages[message_id].deleted = True
        return True

    def called(self, name: str) -> list[dict[str, Any]]:
        return [params for method, params in self.calls if method == name]


class Chat:
    """One woman in a private chat with the bot."""

    _update_ids = itertools.count(1)

    def __init__(self, app: Application, request: OfflineRequest, user_id: int = 7001) -> None:
        self.app, self.request, self.user_id = app, request, user_id
        self._message_ids = itertools.count(1)  # hers; the bot's start at 1000

    @property
    def user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": "Her"}

    def chat(self, kind: str = "private") -> dict[str, Any]:
        if kind == "private":
            return {"id": self.user_id, "type": "private", "first_name": "Her"}
        return {"id": -100 - self.user_id, "type": kind, "title": "Family"}

    async def feed(self, raw: dict[str, Any]) -> None:
        raw = {"update_id": next(self._update_ids), **raw}
        await self.app.process_update(Update.de_json(raw, self.app.bot))

    def message(self, text: str, chat: str = "private", **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat),
            "from": self.user,
            **extra,
        }
        if text:
            body["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return body

    async def send(self, text: str, chat: str = "private") -> None:
        body = self.message(text, chat)
        if chat == "private":
            self.request.messages[body["message_id"]] = Shown(
                body["message_id"], self.user_id, text, incoming=True
            )
        await self.feed({"message": body})

    async def send_sticker(self) -> None:
        sticker = {
            "file_id": "s1",
            "file_unique_id": "u1",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        await self.feed({"message": self.message("", sticker=sticker)})

    def visible(self, include_hers: bool = False) -> list[Shown]:
        """The bot's messages in her chat (and hers, if asked), oldest first, as she sees them."""
        return [
            m
            for m in self.request.messages.values()
            if m.chat_id == self.user_id and not m.deleted and (include_hers or not m.incoming)
        ]

    def texts(self) -> list[str]:
        return [m.plain for m in self.visible()]

    def last(self) -> Shown:
        return self.visible()[-1]

    def with_button(self, label: str) -> Shown:
        for shown in reversed(self.visible()):
            if label in shown.labels:
                return shown
        raise AssertionError(f"no button {label!r} in the chat; last: {self.last().labels}")

    async def press(self, label: str, on: Shown | None = None, data: str | None = None) -> None:
        """Press the newest button with `label` (or one on a given message, or forged data)."""
        shown = on or self.with_button(label)
        if data is None:
            data = next(
                b["callback_data"] for row in shown.buttons for b in row if b["text"] == label
            )
        await self.feed(
            {
                "callback_query": {
                    "id": str(next(self._update_ids)),
                    "from": self.user,
                    "chat_instance": "ci-1",
                    "data": data,
                    "message": self.request._message(shown),
                }
            }
        )


async def start_app(
    settings: Settings, content: Content, chat_from: OfflineRequest | None = None
) -> tuple[Application, OfflineRequest]:
    """The bot as `python -m bot run` builds it, started on an offline Telegram."""
    request = OfflineRequest(chat_from)
    builder = ApplicationBuilder().request(request).get_updates_request(OfflineRequest())
    app = build(settings, Service(content, open_database(settings.database_url)), builder)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    return app, request
