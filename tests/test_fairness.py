"""One chat never holds up another: flood waits per chat, update slots per chat.

The throttle runs on a fake clock where the story is about time; the update
processor runs real coroutines that wait on a gate the test opens.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from telegram import Chat, Message, Update, User
from telegram.error import NetworkError, RetryAfter

from bot.telegram.ordering import LINE, PerChatOrder
from bot.telegram.throttle import CHAT_MEMORY, SharedLimiter, Throttle

A, B, C, D = 101, 102, 103, 104
GROUP = -500


class FakeTime(Throttle):
    """The real throttle on a fake monotonic clock: sleeping moves the clock."""

    def __init__(self, per_second: int = 30) -> None:
        self.t = 0.0

        async def sleep(seconds: float) -> None:
            self.t += seconds

        super().__init__(per_second, clock=lambda: self.t, sleep=sleep)


# ---- flood waits ------------------------------------------------------------------------


async def test_a_flood_wait_in_one_chat_holds_that_chat_and_nobody_else() -> None:
    throttle = FakeTime()
    for chat in range(300, 315):  # someone else's guidance, many messages at once
        await throttle.acquire(chat)
    await throttle.acquire(A)

    whole_bot = throttle.flood(A, 3)
    await throttle.acquire(B)
    other = throttle.t
    await throttle.acquire(A)

    assert not whole_bot
    assert other == 0.0
    assert throttle.t >= 3.0


async def test_a_flood_wait_while_the_bot_sends_near_its_limit_holds_only_that_chat() -> None:
    throttle = FakeTime()
    for chat in range(1, 26):  # 25 chats, one message each, within the second
        await throttle.acquire(chat)

    whole_bot = throttle.flood(7, 2)
    await throttle.acquire(B)

    # The window counts every send, so the bot never goes over its own limit: the flood
    # wait is chat 7's, and B's message goes at once.
    assert not whole_bot
    assert throttle.t == 0.0


async def test_flood_waits_in_three_chats_at_once_hold_only_those_three() -> None:
    throttle = FakeTime()
    assert not throttle.flood(A, 1)
    assert not throttle.flood(B, 1)
    assert not throttle.flood(C, 1)

    await throttle.acquire(D)
    assert throttle.t == 0.0  # the calm chat waits for nobody
    await throttle.acquire(C)
    assert throttle.t >= 1.0


async def test_ten_flooded_chats_beside_a_calm_one_never_make_her_wait() -> None:
    throttle = FakeTime()
    for chat in range(200, 210):
        assert not throttle.flood(chat, 3)
        await asyncio.sleep(0)

    for _ in range(5):  # her answers, half a second apart, while all ten are held
        await throttle.acquire(D)
        throttle.t += 0.5

    assert throttle.t == pytest.approx(2.5)  # none of her answers waited at all
    assert all(throttle.held(chat) for chat in range(200, 210))


async def test_a_flood_wait_that_no_chat_can_be_blamed_for_holds_everyone() -> None:
    throttle = FakeTime()
    assert throttle.flood(None, 2)  # e.g. setMyCommands

    await throttle.acquire(D)
    assert throttle.t >= 2.0


async def test_a_chat_flooded_again_stays_its_own_even_while_the_bot_is_busy() -> None:
    throttle = FakeTime()
    await throttle.acquire(A)
    throttle.flood(A, 3)
    await throttle.acquire(A)  # after the wait, one more try
    for chat in range(200, 230):
        await throttle.acquire(chat)

    assert not throttle.flood(A, 3)  # Telegram's flood waits for a chat come in runs


async def test_a_group_over_twenty_a_minute_is_held_alone() -> None:
    throttle = FakeTime()
    for _ in range(20):
        await throttle.acquire(GROUP)
        throttle.t += 2.5  # well under one a second, but 20 within a minute
    for chat in range(1, 30):
        await throttle.acquire(chat)

    assert not throttle.flood(GROUP, 40)


async def test_a_reply_waiting_out_its_chats_flood_wait_does_not_hold_check_ins() -> None:
    throttle = Throttle()
    throttle.flood(A, 0.5)
    reply = asyncio.ensure_future(throttle.acquire(A))
    await asyncio.sleep(0)

    started = time.monotonic()
    await throttle.acquire(B, urgent=False)
    waited = time.monotonic() - started
    await reply

    assert waited < 0.1


async def test_once_the_bot_is_stopping_a_reply_gives_up_instead_of_waiting() -> None:
    throttle = FakeTime()
    throttle.flood(A, 30)
    throttle.closing = True

    with pytest.raises(RetryAfter):
        await throttle.acquire(A)
    assert throttle.t == 0.0
    await throttle.acquire(B)  # an ordinary send still goes


async def test_the_throttle_forgets_a_chat_a_minute_after_its_last_message() -> None:
    throttle = FakeTime()
    await throttle.acquire(A)
    throttle.flood(B, 1)

    throttle.t += CHAT_MEMORY + 2
    await throttle.acquire(C)

    assert throttle.chats_remembered == 1  # only C, written to just now


# ---- the limiter around each Bot API call -------------------------------------------------


def failing(*errors: BaseException) -> tuple[Callable[[], Awaitable[Any]], list[int]]:
    calls: list[int] = []

    async def call() -> Any:
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "sent"

    return call, calls


async def test_an_answer_to_a_press_is_tried_once_and_never_waits() -> None:
    limiter = SharedLimiter(Throttle())
    call, calls = failing(NetworkError("connection reset"))

    with pytest.raises(NetworkError):
        await limiter.process_request(call, (), {}, "answerCallbackQuery", {}, None)
    assert calls == [1]


async def test_a_reply_to_a_flooded_chat_waits_for_it_while_others_go_at_once() -> None:
    throttle = Throttle()
    limiter = SharedLimiter(throttle)
    flooded, calls = failing(RetryAfter(timedelta(seconds=0.4)))
    calm, _ = failing()

    to_a = asyncio.ensure_future(
        limiter.process_request(flooded, (), {}, "sendMessage", {"chat_id": A}, None)
    )
    await asyncio.sleep(0.05)
    started = time.monotonic()
    to_b = await limiter.process_request(calm, (), {}, "sendMessage", {"chat_id": B}, None)
    calm_took = time.monotonic() - started

    assert to_b == "sent"
    assert calm_took < 0.1
    assert await to_a == "sent"
    assert calls == [1, 1]


# ---- update slots and lines ---------------------------------------------------------------
# (more in tests/test_backlog.py: what is folded, read and answered once)


def message_in(chat_id: int, n: int, text: str | None = None) -> Update:
    chat = Chat(chat_id, "private")
    user = User(chat_id, "Her", is_bot=False)
    message = Message(n, None, chat, from_user=user, text=text or f"#{n}")  # type: ignore[arg-type]
    return Update(n, message=message)


async def test_a_chat_sending_150_messages_holds_one_slot_and_at_most_its_line() -> None:
    processor = PerChatOrder(slots=4)
    gate, order = asyncio.Event(), []

    async def handle(n: int) -> None:
        order.append(n)
        await gate.wait()

    await processor.process_update(message_in(A, 0), handle(0))
    await asyncio.sleep(0)  # her first message is being answered
    for n in range(1, 150):  # when 149 more arrive at once
        await processor.process_update(message_in(A, n), handle(n))
    calm = asyncio.Event()

    async def answer_her() -> None:
        calm.set()

    await processor.process_update(message_in(B, 999), answer_her())
    await asyncio.wait_for(calm.wait(), 1)

    assert processor.busy_slots == 1  # the burst's one update in hand
    assert processor.waiting(A) == 1 + LINE  # and its line: the newest 19, the rest folded
    gate.set()
    await processor.drained()
    assert order == [0, *range(131, 150)]  # in order; the folded ones answered once instead
    assert processor.active_chats == 0
    assert processor.in_hand == 0


async def test_replies_asking_more_than_telegram_allows_go_out_first_come_first_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("bot.telegram.throttle.WINDOW", 0.05)  # the same story, 20 times faster
    throttle = Throttle()
    served: list[int] = []

    async def reply(n: int) -> None:
        await throttle.acquire(1000 + n)
        served.append(n)

    asking = []
    for n in range(150):  # five times what the window allows, arriving one after another
        asking.append(asyncio.ensure_future(reply(n)))
        await asyncio.sleep(0.001)
    await asyncio.gather(*asking)

    assert served == list(range(150))
