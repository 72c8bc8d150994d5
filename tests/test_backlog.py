"""A chat that sends more than its line holds: the oldest are folded, read, answered once;
and a bot that holds all it may stops fetching.

The update processor runs real coroutines that wait on a gate the test opens; the
crisis screen is stood in for by a function that flags one word.
"""

from __future__ import annotations

import asyncio
import json
import time
import tracemalloc
from typing import Any

import pytest
from telegram import Chat, Message, MessageEntity, Update, User
from telegram.ext import ApplicationBuilder

from bot.config import Settings
from bot.content import Content
from bot.db.database import open_database
from bot.service import Service
from bot.telegram.app import build
from bot.telegram.backlog import Digest, Reader
from bot.telegram.intake import Intake
from bot.telegram.ordering import LINE, QUEUE, PerChatOrder
from tests.offline import OfflineRequest
from tests.test_telegram_memory import reachable_with

A, B = 101, 102


def message_in(chat_id: int, n: int, text: str, command: bool = False) -> Update:
    chat = Chat(chat_id, "private")
    user = User(chat_id, "Her", is_bot=False)
    entities = [MessageEntity(MessageEntity.BOT_COMMAND, 0, len(text))] if command else None
    message = Message(n, None, chat, from_user=user, text=text, entities=entities)  # type: ignore[arg-type]
    return Update(n, message=message)


class Her:
    """One chat and what the processor did with its updates."""

    def __init__(self, processor: PerChatOrder, chat_id: int = A) -> None:
        self.processor, self.chat_id = processor, chat_id
        self.handled: list[str] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.n = 0

    async def send(self, text: str, command: bool = False) -> None:
        self.n += 1

        async def handle() -> None:
            self.handled.append(text)
            await self.gate.wait()

        await self.processor.process_update(
            message_in(self.chat_id, self.n, text, command), handle()
        )

    async def first_in_hand(self) -> None:
        """Her first message, being answered (slowly: a flood wait, say) when the rest come."""
        self.gate.clear()
        await self.send("first")
        await asyncio.sleep(0)


def folding(worrying: str = "scared") -> tuple[PerChatOrder, list[Digest]]:
    answered: list[Digest] = []

    async def answer(digest: Digest) -> None:
        answered.append(digest)

    reader = Reader(lambda text: worrying in text)
    return PerChatOrder(reader=reader, answer=answer), answered


async def test_the_oldest_texts_past_her_line_are_read_for_danger_and_answered_once() -> None:
    processor, answered = folding()
    her = Her(processor)
    await her.first_in_hand()
    for n in range(1, 100):
        await her.send("I'm scared to go home" if n == 40 else f"message {n}")
    her.gate.set()
    await processor.drained()

    [digest] = answered
    assert digest.folded == 99 - (LINE - 1)  # all but the newest, which keep their places
    assert digest.worrying == ["I'm scared to go home"]
    assert digest.read_all
    assert her.handled == ["first", *(f"message {n}" for n in range(100 - (LINE - 1), 100))]
    assert list(digest.message_ids) == list(range(2, 2 + digest.folded))  # to clear at /forget


async def test_commands_and_presses_are_never_folded_and_a_line_of_them_stays_bounded() -> None:
    processor, answered = folding()
    her = Her(processor)
    await her.first_in_hand()
    for n in range(5):
        await her.send(f"text {n}")
    for n in range(25):
        await her.send(f"/cmd{n}", command=True)
    assert processor.waiting(A) == 1 + LINE
    her.gate.set()
    await processor.drained()

    [digest] = answered
    assert digest.folded == 5  # every text, none of the commands
    assert her.handled == ["first", *(f"/cmd{n}" for n in range(6, 25))]
    assert processor.dropped == 6  # the oldest commands, once nothing else could be folded


async def test_a_burst_outrunning_the_reader_keeps_the_newest_unread_and_says_so() -> None:
    reader = Reader(lambda text: False, per_chat=4 * 4096, total=16 * 4096)
    answered: list[Digest] = []

    async def answer(digest: Digest) -> None:
        answered.append(digest)

    processor = PerChatOrder(reader=reader, answer=answer)
    her = Her(processor)
    await her.first_in_hand()
    for n in range(1, 200):  # all at once: the reader gets no turn in between
        await her.send(f"{n:04d}" + "x" * 4000)
    assert reader.unread <= 4 * 4096
    her.gate.set()
    await processor.drained()

    [digest] = answered
    assert not digest.read_all
    assert digest.skipped == digest.folded - 4
    assert reader.unread == 0


async def test_taking_updates_in_waits_while_the_bot_holds_all_it_may() -> None:
    processor = PerChatOrder(slots=2, in_hand=5)
    gate = asyncio.Event()

    async def handle() -> None:
        await gate.wait()

    for chat in range(1, 6):
        await processor.process_update(message_in(chat, 1, "hello"), handle())
    sixth = asyncio.ensure_future(processor.process_update(message_in(6, 1, "hi"), handle()))
    await asyncio.sleep(0.05)

    assert not sixth.done()  # full: python-telegram-bot's fetching waits here
    assert processor.in_hand == 5
    gate.set()
    await asyncio.wait_for(sixth, 1)
    await processor.drained()
    assert processor.in_hand == 0


class Endless(OfflineRequest):
    """A Telegram whose getUpdates always has a full batch more: each a new woman's hello."""

    def __init__(self) -> None:
        super().__init__()
        self.polls = 0
        self._ids = iter(range(1, 10**9))

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if not url.endswith("/getUpdates"):
            return await super().do_request(url, method, *args, **kwargs)
        self.polls += 1
        batch = []
        for _ in range(QUEUE):
            n = next(self._ids)
            chat = {"id": 10_000 + n, "type": "private", "first_name": "Her"}
            user = {"id": 10_000 + n, "is_bot": False, "first_name": "Her"}
            message = {"message_id": 1, "date": int(time.time()), "chat": chat, "from": user}
            batch.append({"update_id": n, "message": {**message, "text": "hello"}})
        return 200, json.dumps({"ok": True, "result": batch}).encode()


async def test_polling_waits_while_the_bot_holds_all_it_may(
    settings: Settings, content: Content
) -> None:
    telegram = Endless()
    builder = ApplicationBuilder().request(OfflineRequest()).get_updates_request(telegram)
    app = build(settings, Service(content, open_database(settings.database_url)), builder)
    order = app.update_processor
    assert isinstance(order, PerChatOrder)
    order.capacity = 50
    gate = asyncio.Event()

    async def slow(update: object, context: object) -> None:
        await gate.wait()

    app.handlers[0][1].callback = slow  # every hello waits for the gate
    await app.initialize()
    await app.updater.start_polling(poll_interval=0, timeout=0)  # type: ignore[union-attr]
    await app.start()
    try:
        await asyncio.sleep(0.3)
        polls = telegram.polls
        await asyncio.sleep(0.3)

        assert order.in_hand == 50
        assert telegram.polls == polls <= 2  # the first batch in hand, the second queued
        gate.set()
        for _ in range(100):
            await asyncio.sleep(0.01)
            if telegram.polls > polls:
                break
        assert telegram.polls > polls  # room again: fetching goes on
    finally:
        gate.set()
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


def raw(n: int, chat: int, text: str, **extra: Any) -> dict[str, Any]:
    """An update as Telegram's JSON has it."""
    who = {"id": chat, "type": "private", "first_name": "Her"}
    body = {"message_id": n, "date": 0, "chat": who, "from": {**who, "is_bot": False}}
    return {"update_id": n, "message": {**body, "text": text, **extra}}


async def test_a_flooding_chats_messages_are_folded_before_they_are_parsed() -> None:
    processor, answered = folding()
    her = Her(processor)
    await her.first_in_hand()
    for n in range(1, 30):  # her line is full, its oldest folded
        await her.send(f"message {n}")
    folded = processor.folded
    command = {"entities": [{"type": "bot_command", "offset": 0, "length": 6}]}
    answer = [
        raw(100, A, "more"),
        raw(101, A, "/start", **command),  # a command: parsed and taken in as ever
        raw(102, B, "hello"),  # someone else: as ever
        raw(103, A, "I'm scared to go home"),
        raw(104, A, "the last of this answer"),  # kept, so the offset confirms them all
    ]
    payload = json.dumps({"ok": True, "result": answer}).encode()

    parsed = Intake(processor, connection_pool_size=1).parse_json_payload(payload)

    assert [u["update_id"] for u in parsed["result"]] == [101, 102, 104]
    assert processor.folded == folded + 2
    her.gate.set()
    await processor.drained()
    assert "I'm scared to go home" in answered[0].worrying  # read for danger all the same
    assert list(answered[0].message_ids)[-1] == 103


def traced_peak(burst: int) -> int:
    """Bytes at most held while one chat's `burst` long texts are taken in at once."""

    async def run() -> None:
        processor = PerChatOrder(reader=Reader(lambda text: False))
        her = Her(processor)
        await her.first_in_hand()
        for n in range(burst):
            await her.send(f"{n:05d} " + "words " * 600)
        her.gate.set()
        await processor.drained()

    tracemalloc.start()
    try:
        asyncio.run(run())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_however_long_one_chats_burst() -> None:
    small, large = traced_peak(500), traced_peak(5000)

    assert large < small * 1.3


async def test_her_folded_words_are_let_go_once_answered() -> None:
    word = "qzxvkplmtrw"
    processor, answered = folding(worrying=word)
    her = Her(processor)
    await her.first_in_hand()
    for n in range(60):
        await her.send(f"the {word} again, {n}" if n % 7 == 0 else f"message {n}")
    her.gate.set()
    await processor.drained()
    assert answered[0].worrying  # the stand-in screen heard the word
    for digest in answered:
        digest.worrying.clear()  # as `Handlers.caught_up` does once the text is in hand
    her.handled.clear()
    del answered

    assert reachable_with(word, besides=word) == []


@pytest.fixture(autouse=True)
def _no_warnings_about_unawaited(recwarn: Any) -> Any:
    """A folded update's coroutine is closed, never left unawaited."""
    yield
    assert not [w for w in recwarn if "never awaited" in str(w.message)]
