"""A Telegram Bot API emulator on 127.0.0.1, for tests that run the bot as a real process.

It speaks the Bot API over HTTP with Telegram's real shapes (dates in seconds,
`is_bot`, `chat_instance` on callback queries, the edited `Message` as the
result of an edit, `{"ok": false, "error_code", "description"}` errors) and is
as strict as Telegram where a bot can go wrong (a message over 4096
characters, callback data over 64 bytes, an edit that changes nothing, and
the limits in `tests/telegram_limits.py`: sending rates per chat and overall,
late answers to button presses, deleting after 48 hours). All of it is on by
default; a test that needs a laxer Telegram says why where it asks for it.

A test acts as users (text, commands, stickers, photos, voice, edits, button
presses, group and channel updates) and reads what the bot sent to a chat. It
can inject faults: 429 with `retry_after`, 403 for a chat, 500s, slow answers
and dropped connections.

The server runs on its own event loop in a background thread, so tests are
plain synchronous functions and the bot is a separate process, exactly as in
production. Every method here is safe to call from the test's thread.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.telegram_limits import (
    CANNOT_DELETE,
    DELETABLE_FOR,
    QUERY_TOO_OLD,
    Queries,
    SendLimits,
    is_send,
)

BOT_ID = 4242
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Steady",
    "username": "steady_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
MAX_TEXT = 4096
MAX_CALLBACK = 64
_INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "user_id"}
_JSON_PARAMS = {"reply_markup", "entities", "commands", "allowed_updates", "message_ids", "scope"}


@dataclass
class Fault:
    """What to do instead of answering, for the next `times` calls that match."""

    method: str = "*"
    status: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    chat_id: int | None = None
    delay: float = 0.0
    drop: bool = False
    times: int = 1

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.method not in ("*", method):
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id


@dataclass
class Sent:
    """A message in a chat as its reader sees it now (after edits and deletions)."""

    message_id: int
    chat_id: int
    text: str
    from_bot: bool
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    photo: bool = False
    document: bytes | None = None
    deleted: bool = False
    edits: int = 0
    sent_at: float = field(default_factory=time.monotonic)

    @property
    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def data_of(self, label: str) -> str:
        for row in self.buttons:
            for button in row:
                if button["text"] == label:
                    return str(button["callback_data"])
        raise KeyError(label)


@dataclass(frozen=True)
class _Wire:
    """A result already written as JSON."""

    json: bytes


def _update_id(update: dict[str, Any]) -> int:
    return int(update["update_id"])


def plain(text: str) -> str:
    """What a reader sees of an HTML-formatted text."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


class BotAPI:
    """The emulator. `start()` it, point `TELEGRAM_BASE_URL` at `base_url`, `stop()` it."""

    def __init__(self, token: str = "123456:TEST-emulator-token") -> None:
        self.token = token
        self.updates: list[dict[str, Any]] = []
        self._encoded: list[bytes] = []
        """Each update as JSON, written once when it is pushed (a backlog is served many times
        faster than if every poll wrote it again)."""
        self.confirmed = 0  # every update below this id was confirmed by an offset
        self.messages: dict[tuple[int, int], Sent] = {}
        self._by_chat: dict[int, list[Sent]] = {}
        self._waiters: dict[int, list[asyncio.Future[None]]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.faults: list[Fault] = []
        self.commands: list[dict[str, Any]] = []
        self.description = ""
        self.short_description = ""
        self.webhook: dict[str, Any] | None = None
        self.webhook_statuses: list[int] = []
        self._posts: set[asyncio.Task[None]] = set()
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, Iterator[int]] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._closing = False
        self.down = False
        self.limits = SendLimits()
        self.rate_limited = True
        """Whether sends are held to Telegram's rates (see `tests/telegram_limits.py`)."""
        self.queries = Queries()
        self.too_many: list[tuple[str, Any, int]] = []
        """Sends refused for the rate limits: (method, chat_id, retry_after)."""

    # ---- running --------------------------------------------------------------------

    def start(self) -> BotAPI:
        self._thread.start()
        self._run(self._start())
        return self

    async def _start(self) -> None:
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        self._closing = True
        self._run(self._notify())  # long polls still waiting answer at once
        if self._runner is not None:
            self._run(self._runner.cleanup())
            self._runner = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    @property
    def base_url(self) -> str:
        """For `TELEGRAM_BASE_URL`: the token is appended by python-telegram-bot."""
        return f"http://127.0.0.1:{self.port}/bot"

    def _run(self, coro: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def _call(self, fn: Callable[[], Any]) -> Any:
        async def wrapped() -> Any:
            result = fn()
            await self._notify()
            return result

        return self._run(wrapped())

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    # ---- HTTP -----------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        if request.content_type == "application/json":
            raw = await request.json()
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                raw[key] = value.file.read() if hasattr(value, "file") else value
        raw.update(request.query)
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if isinstance(value, str) and key in _JSON_PARAMS:
                value = json.loads(value)
            elif isinstance(value, str) and key in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
                value = int(value)
            elif key == "timeout" and isinstance(value, str):
                value = float(value)
            params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        params = await self._params(request)
        self.calls.append((method, params))
        if self.down:
            return self._error(502, "Bad Gateway")
        fault = next((f for f in self.faults if f.matches(method, params)), None)
        if fault is not None:
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                assert request.transport is not None
                request.transport.abort()
                return web.Response(status=500)
            if fault.status != 200:
                extra = {"retry_after": fault.retry_after} if fault.retry_after else None
                return self._error(fault.status, fault.description, extra)
        chat = params.get("chat_id")
        if self.rate_limited and is_send(method) and isinstance(chat, int):
            retry = self.limits.check(chat, time.monotonic())
            if retry:
                self.too_many.append((method, chat, retry))
                return self._error(
                    429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                )
        answer = getattr(self, f"_api_{method}", None)
        if answer is None:
            return self._error(404, "Not Found: method not found")
        try:
            result = await answer(params)
        except ApiError as exc:
            return self._error(exc.status, exc.description)
        await self._notify()
        if isinstance(result, _Wire):
            body = b'{"ok":true,"result":' + result.json + b"}"
            return web.Response(body=body, content_type="application/json")
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(
        status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    # ---- the methods the bot calls ------------------------------------------------------

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands", [])
        if isinstance(commands, str):
            commands = json.loads(commands)
        for command in commands:  # Telegram's limits: 1-32 characters, 1-256 for the text
            name, text = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name.islower() and 1 <= len(text) <= 256):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands = commands
        return True

    async def _api_getMyCommands(self, params: dict[str, Any]) -> Any:
        return self.commands

    async def _api_setMyDescription(self, params: dict[str, Any]) -> Any:
        text = params.get("description") or ""
        if len(text) > 512:
            raise ApiError(400, "Bad Request: description is too long")
        self.description = text
        return True

    async def _api_setMyShortDescription(self, params: dict[str, Any]) -> Any:
        text = params.get("short_description") or ""
        if len(text) > 120:
            raise ApiError(400, "Bad Request: short description is too long")
        self.short_description = text
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {"url": params.get("url"), "secret": params.get("secret_token")}
        return True

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        url = self.webhook["url"] if self.webhook else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self.confirmed = max(self.confirmed, offset)
        deadline = time.monotonic() + timeout
        assert self._changed is not None
        async with self._changed:
            while True:
                # Update ids rise with the list: find the first unconfirmed one by halving, so
                # a backlog of 100,000 costs each poll a few steps, not a walk through all.
                first = bisect.bisect_left(self.updates, self.confirmed, key=_update_id)
                ready = self._encoded[first : first + limit]
                left = deadline - time.monotonic()
                if self.down:
                    raise ApiError(502, "Bad Gateway")
                if ready or left <= 0 or self._closing:
                    return _Wire(b"[" + b",".join(ready) + b"]")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)

    def _outgoing(self, chat_id: Any, text: str, markup: Any, **extra: Any) -> Sent:
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(str(button.get("callback_data", "")).encode()) > MAX_CALLBACK:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        ids = self._message_ids.setdefault(chat_id, itertools.count(1))
        sent = Sent(
            next(ids), chat_id, text, True, (markup or {}).get("inline_keyboard", []), **extra
        )
        self._store(sent)
        return sent

    def _message(self, sent: Sent, **extra: Any) -> dict[str, Any]:
        chat = self._chat(sent.chat_id)
        body: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER if sent.from_bot else self._user(sent.chat_id),
            **extra,
        }
        if sent.text and not (sent.photo or sent.document):
            body["text"] = sent.text
        elif sent.text:
            body["caption"] = sent.text
        if sent.buttons:
            body["reply_markup"] = {"inline_keyboard": sent.buttons}
        return body

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        text = params.get("text", "")
        shown = plain(text) if params.get("parse_mode") == "HTML" else text
        if not shown.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(shown) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        sent = self._outgoing(params.get("chat_id"), shown, params.get("reply_markup"))
        return self._message(sent)

    async def _api_sendPhoto(self, params: dict[str, Any]) -> Any:
        caption = plain(params.get("caption", ""))
        sent = self._outgoing(
            params.get("chat_id"), caption, params.get("reply_markup"), photo=True
        )
        photo = [{"file_id": "photo-1", "file_unique_id": "p1", "width": 600, "height": 300}]
        return self._message(sent, photo=photo)

    async def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        document = params.get("document")
        data = document if isinstance(document, bytes) else b""
        caption = plain(params.get("caption", ""))
        sent = self._outgoing(params.get("chat_id"), caption, None, document=data)
        doc = {"file_id": "doc-1", "file_unique_id": "d1", "file_name": "my-data.json"}
        return self._message(sent, document=doc)

    def _existing(self, params: dict[str, Any]) -> Sent:
        found = self.messages.get((params.get("chat_id"), params.get("message_id")))  # type: ignore[arg-type]
        if found is None or found.deleted:
            raise ApiError(400, "Bad Request: message to edit not found")
        return found

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        found = self._existing(params)
        text = params.get("text", "")
        shown = plain(text) if params.get("parse_mode") == "HTML" else text
        buttons = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        if shown == found.text and buttons == found.buttons:
            raise ApiError(400, "Bad Request: message is not modified")
        found.text, found.buttons, found.edits = shown, buttons, found.edits + 1
        self._touch(found.chat_id)
        return self._message(found, edit_date=int(time.time()))

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        found = self._existing(params)
        buttons = (params.get("reply_markup") or {}).get("inline_keyboard", [])
        if buttons == found.buttons:
            raise ApiError(400, "Bad Request: message is not modified")
        found.buttons, found.edits = buttons, found.edits + 1
        self._touch(found.chat_id)
        return self._message(found, edit_date=int(time.time()))

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        if not self.queries.answer(str(params.get("callback_query_id")), time.monotonic()):
            raise ApiError(400, QUERY_TOO_OLD)
        return True

    @staticmethod
    def _too_old(sent: Sent) -> bool:
        return time.monotonic() - sent.sent_at > DELETABLE_FOR

    async def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        found = self.messages.get((params.get("chat_id"), params.get("message_id")))  # type: ignore[arg-type]
        if found is None or found.deleted:
            raise ApiError(400, "Bad Request: message to delete not found")
        if self._too_old(found):
            raise ApiError(400, CANNOT_DELETE)
        found.deleted = True
        return True

    async def _api_deleteMessages(self, params: dict[str, Any]) -> Any:
        chat = params.get("chat_id")
        found = [self.messages.get((chat, m)) for m in params.get("message_ids", [])]  # type: ignore[arg-type]
        present = [m for m in found if m is not None and not m.deleted]
        if any(self._too_old(m) for m in present):
            raise ApiError(400, CANNOT_DELETE)
        for message in present:
            message.deleted = True
        return True

    # ---- acting as users ----------------------------------------------------------------

    @staticmethod
    def _user(user_id: int) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User{user_id}",
            "language_code": "en",
        }

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        if chat_id < -1_000_000_000_000:
            return {"id": chat_id, "type": "channel", "title": "A channel"}
        return {"id": chat_id, "type": "supergroup", "title": "A group"}

    def _push(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        full = {"update_id": update_id, **update}
        self.updates.append(full)
        self._encoded.append(json.dumps(full).encode())
        if self.webhook and self.webhook.get("url"):
            # As Telegram does once a webhook is set: POST it, with the secret header.
            self.confirmed = update_id + 1
            task = self._loop.create_task(self._post_to_webhook(full))
            self._posts.add(task)
            task.add_done_callback(self._posts.discard)
        return update_id

    async def _post_to_webhook(self, update: dict[str, Any]) -> None:
        import aiohttp

        assert self.webhook is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook.get("secret") or ""}
        async with aiohttp.ClientSession() as session:
            for _ in range(20):  # Telegram retries a webhook that fails
                try:
                    async with session.post(self.webhook["url"], json=update, headers=headers) as r:
                        self.webhook_statuses.append(r.status)
                        if r.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)

    def _incoming(self, user_id: int, chat_id: int, **body: Any) -> dict[str, Any]:
        ids = self._message_ids.setdefault(chat_id, itertools.count(1))
        message = {
            "message_id": next(ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            **({"from": self._user(user_id)} if chat_id > -1_000_000_000_000 else {}),
            **body,
        }
        text = body.get("text", "")
        self._store(Sent(message["message_id"], chat_id, text, False))
        return message

    def _store(self, sent: Sent) -> None:
        self.messages[(sent.chat_id, sent.message_id)] = sent
        self._by_chat.setdefault(sent.chat_id, []).append(sent)  # ids rise: stays in order
        self._touch(sent.chat_id)

    def _touch(self, chat_id: Any) -> None:
        """Wake the simulated users waiting on this chat (and only them)."""
        for waiter in self._waiters.pop(chat_id, ()):
            if not waiter.done():
                waiter.set_result(None)

    def send(self, user_id: int, text: str, chat_id: int | None = None) -> int:
        """She types `text` (a command gets its `bot_command` entity, as Telegram adds it)."""

        def act() -> int:
            body: dict[str, Any] = {"text": text}
            command = re.match(r"/\S+", text)
            if command:
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command[0])}]
            message = self._incoming(user_id, chat_id or user_id, **body)
            return self._push({"message": message})

        return int(self._call(act))

    def send_many(self, chats: list[int], texts: list[str]) -> int:
        """Each of `chats` sends its text, all at once (one hop to the server's loop, however
        many): a burst from one chat, or a crowd of chats. The last update id."""

        def act() -> int:
            last = 0
            for chat_id, text in zip(chats, texts, strict=True):
                last = self._push({"message": self._incoming(chat_id, chat_id, text=text)})
            return last

        return int(self._call(act))

    def send_raw(self, update: dict[str, Any]) -> int:
        """Any update body (`{"message": ...}`, `{"callback_query": ...}`), as given."""
        return int(self._call(lambda: self._push(update)))

    def send_media(self, user_id: int, kind: str) -> int:
        media: dict[str, Any] = {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "s1",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            },
            "photo": [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}],
            "voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 3},
        }
        return int(
            self._call(
                lambda: self._push(
                    {"message": self._incoming(user_id, user_id, **{kind: media[kind]})}
                )
            )
        )

    def edit(self, user_id: int, message_id: int, text: str) -> int:
        def act() -> int:
            body = {
                "message_id": message_id,
                "date": int(time.time()) - 5,
                "edit_date": int(time.time()),
                "chat": self._chat(user_id),
                "from": self._user(user_id),
                "text": text,
            }
            return self._push({"edited_message": body})

        return int(self._call(act))

    def press(
        self,
        user_id: int,
        label: str | None = None,
        *,
        on: Sent | None = None,
        data: str | None = None,
    ) -> int:
        """She taps the newest button with `label` (or one on `on`, or sends forged `data`).

        Like a person, she waits (a while) for the button to appear before tapping it.
        """
        if on is None and label is not None:
            self.wait_for(lambda: any(label in m.labels for m in self.visible(user_id)))

        def act() -> int:
            shown = on or (
                self._newest_with(user_id, label) if label else self._visible(user_id)[-1]
            )
            payload = data if data is not None else shown.data_of(label or "")
            return self._tap(user_id, shown, payload)

        return int(self._call(act))

    def _tap(self, user_id: int, shown: Sent, data: str) -> int:
        """A callback query, as Telegram sends it when she taps a button on `shown`."""
        query = {
            "id": str(next(self._update_ids) * 7),
            "from": self._user(user_id),
            "chat_instance": f"ci-{user_id}",
            "data": data,
            "message": self._message(shown),
        }
        self.queries.issue(query["id"], time.monotonic())
        return self._push({"callback_query": query})

    def _newest_with(self, chat_id: int, label: str | None) -> Sent:
        for sent in reversed(self._visible(chat_id)):
            if label in sent.labels:
                return sent
        recent = [m.text[:40] for m in self._visible(chat_id)[-3:]]
        raise AssertionError(f"no button {label!r} in chat {chat_id}; last messages: {recent}")

    # ---- reading what she sees --------------------------------------------------------

    def _visible(self, chat_id: int) -> list[Sent]:
        return [m for m in self._by_chat.get(chat_id, []) if m.from_bot and not m.deleted]

    def visible(self, chat_id: int) -> list[Sent]:
        """The bot's messages in a chat, oldest first, as she sees them now."""
        return list(self._run(self._async(lambda: self._visible(chat_id))))

    def all_in(self, chat_id: int) -> list[Sent]:
        """Every message in the chat, hers too, deleted or not."""
        return list(self._run(self._async(lambda: list(self._by_chat.get(chat_id, [])))))

    def last(self, chat_id: int) -> Sent:
        shown = self.visible(chat_id)
        if not shown:
            raise AssertionError(f"nothing in chat {chat_id}")
        return shown[-1]

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.visible(chat_id)]

    async def _async(self, fn: Callable[[], Any]) -> Any:
        return fn()

    def wait_for(self, what: Callable[[], Any], timeout: float = 15.0) -> Any:
        """Wait until `what()` is truthy and return it. `what` runs in the caller's thread,
        so it may use this class's public (thread-safe) methods."""
        deadline = time.monotonic() + timeout
        while True:
            found = what()
            if found or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        if not found:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        return found

    def wait_text(self, chat_id: int, contains: str, timeout: float = 15.0) -> Sent:
        """Wait for a bot message in the chat that contains `contains`."""
        return self.wait_for(
            lambda: next((m for m in reversed(self.visible(chat_id)) if contains in m.text), None),
            timeout,
        )

    def wait_handled(self, update_id: int, timeout: float = 15.0, quiet: float = 0.3) -> None:
        """Wait until the bot confirmed `update_id` and has sent nothing for `quiet` seconds."""
        self.wait_for(lambda: self.confirmed > update_id, timeout)
        last = -1
        while True:
            count = len(self.calls)
            if count == last:
                return
            last = count
            time.sleep(quiet)

    def wait_polling(self, timeout: float = 20.0) -> None:
        self.wait_for(lambda: any(m == "getUpdates" for m, _ in self.calls), timeout)

    def called(self, method: str) -> list[dict[str, Any]]:
        return [p for m, p in list(self.calls) if m == method]

    # ---- simulated users on the emulator's own loop (load tests) ------------------------

    def run_users(
        self, session: Callable[[BotAPI, int], Any], users: list[int], timeout: float
    ) -> Any:
        """Run `session(api, user_id)` coroutines for all users at once, on the server's loop."""

        async def everyone() -> Any:
            return await asyncio.gather(*(session(self, u) for u in users))

        return self._run(everyone(), timeout)

    async def until(self, chat_id: int, check: Callable[[], Any], within: float = 30.0) -> Any:
        """On the loop: wait until `check()` holds, woken only by changes in `chat_id`."""
        deadline = time.monotonic() + within
        while not (found := check()):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting in chat {chat_id}")
            waiter = self._loop.create_future()
            self._waiters.setdefault(chat_id, []).append(waiter)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, left)
        return found

    async def a_send(self, user_id: int, text: str) -> None:
        body: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            body["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        self._push({"message": self._incoming(user_id, user_id, **body)})
        await self._notify()

    async def a_press(self, user_id: int, label: str) -> None:
        shown = self._newest_with(user_id, label)
        self._tap(user_id, shown, shown.data_of(label))
        await self._notify()

    def bot_texts(self, chat_id: int) -> list[str]:
        """On the loop: the texts of the bot's visible messages in a chat."""
        return [m.text for m in self._visible(chat_id)]

    # ---- Telegram's limits, turned up or down --------------------------------------------

    def callback_answers(self, mode: str) -> None:
        """How answers to button presses fare: "expire" (Telegram's rule), "refuse" (every
        press reaches the bot too late to be answered, as after a restart or behind a backlog)
        or "accept"."""
        assert mode in ("expire", "refuse", "accept"), mode
        self._call(lambda: setattr(self.queries, "mode", mode))

    def paid_broadcasts(self, per_second: float) -> None:
        """The overall sending limit of a bot that pays for broadcasts (up to 1000 a second)."""
        self._call(lambda: self.limits.paid_broadcasts(per_second))

    def lift_chat_limits(self, per_second: float) -> None:
        """Per-chat sends far above Telegram's rate (see `SendLimits.lift_chat_limits`)."""
        self._call(lambda: self.limits.lift_chat_limits(per_second))

    def age(self, chat_id: int, hours: float) -> None:
        """Make every message in the chat so far `hours` older (the 48-hour deletion rule)."""

        def older() -> None:
            for sent in self._by_chat.get(chat_id, []):
                sent.sent_at -= hours * 3600

        self._call(older)

    # ---- faults ---------------------------------------------------------------------------

    def fail(self, **fault: Any) -> None:
        self._call(lambda: self.faults.append(Fault(**fault)))

    @contextmanager
    def outage(self) -> Iterator[None]:
        """Telegram unreachable: every call, long polls in flight too, gets a 502."""
        self._call(lambda: setattr(self, "down", True))
        try:
            yield
        finally:
            self._call(lambda: setattr(self, "down", False))

    def clear_faults(self) -> None:
        self._call(self.faults.clear)

    @contextmanager
    def failing(self, **fault: Any) -> Iterator[None]:
        self.fail(**{"times": 10**9, **fault})
        try:
            yield
        finally:
            self.clear_faults()


class ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description
