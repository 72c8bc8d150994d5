"""Simulated women walking the assessment against the emulator, each tap timed to its answer.

They run as coroutines on the emulator's own loop (`BotAPI.run_users`), so a
tap is queued in the emulator exactly as Telegram would deliver it, and its
answer is seen the moment it arrives there. A tap's latency runs from queuing
it to the arrival of the answer she waits for: the next question, the pressed
keyboard redrawn with her tick, the first page of guidance; for the bare echo,
its one message. What she reads between taps is read on the emulator's loop
(`BotAPI.messages` and `until`), never through its blocking, thread-safe methods.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.emulator import BotAPI, Sent


@dataclass(frozen=True)
class Tap:
    """One thing she does: send `text`, or press the button labelled `label`."""

    text: str = ""
    label: str = ""
    data: str = ""
    """The button's callback data: what the echo, which draws no buttons, is sent instead."""
    expect: str | None = None
    """The answer is a new message of the bot containing this; None: any new message."""
    edits: bool = False
    """The answer is the pressed message redrawn (a tick), not a new message."""


@dataclass(frozen=True)
class Woman:
    """A woman of the load: when she arrives, what she taps, and her pauses in between."""

    user: int
    arrives: float
    """Seconds after the load starts."""
    taps: tuple[Tap, ...]
    pauses: tuple[float, ...]
    """Seconds between seeing an answer and her next tap: one fewer than her taps."""


@dataclass(frozen=True)
class Timed:
    user: int
    queued: float
    """`time.monotonic()` when the tap was queued in the emulator."""
    seconds: float | None
    """Until the answer arrived; None if it did not within the patience."""


@dataclass
class Record:
    """What a run of the load saw."""

    taps: list[Timed] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)
    """Women whose last tap was answered."""


class Chat:
    """Her chat as the emulator holds it. Message ids in a chat rise by one, hers and the
    bot's alike, so the newest is found by looking one past the last one seen."""

    def __init__(self, api: BotAPI, user: int) -> None:
        self.api, self.user = api, user
        self._top = 0

    def top(self) -> int:
        while (self.user, self._top + 1) in self.api.messages:
            self._top += 1
        return self._top

    def after(self, message_id: int) -> Iterator[Sent]:
        """The bot's messages newer than `message_id`, oldest first."""
        for number in range(message_id + 1, self.top() + 1):
            sent = self.api.messages[(self.user, number)]
            if sent.from_bot:
                yield sent

    def newest(self, label: str | None = None) -> Sent | None:
        """The bot's newest visible message (with a button labelled `label`, if given)."""
        for number in range(self.top(), 0, -1):
            sent = self.api.messages[(self.user, number)]
            if sent.from_bot and not sent.deleted and (label is None or label in sent.labels):
                return sent
        return None


async def _press(api: BotAPI, user: int, on: Sent, data: str) -> None:
    """Queue her press on `on` carrying `data`, as Telegram delivers a callback query.

    `BotAPI.a_press` finds a button by its label, and the echo draws none; so
    both bots get their presses through the emulator's own `_tap`, the one
    private call here, and the echo's lands on its newest message.
    """
    api._tap(user, on, data)
    await api._notify()


async def tap(api: BotAPI, chat: Chat, act: Tap, *, echo: bool, patience: float) -> Timed:
    """Do `act` in her chat and time it to its answer."""
    user = chat.user
    on: Sent | None = None
    if act.label:
        label = None if echo else act.label
        try:
            # Like a person, she taps only what is on her screen; this wait is not timed.
            on = await api.until(user, lambda: chat.newest(label), within=patience)
        except AssertionError:  # the emulator's way of saying the wait timed out
            return Timed(user, time.monotonic(), None)
    seen, edits = chat.top(), (on.edits if on is not None else 0)
    expect = None if echo else act.expect

    def answered() -> bool:
        if act.edits and not echo:
            return on is not None and on.edits > edits
        return any(expect is None or expect in m.text for m in chat.after(seen))

    queued = time.monotonic()
    if on is None:
        await api.a_send(user, act.text)
    else:
        await _press(api, user, on, act.data if echo else on.data_of(act.label))
    try:
        await api.until(user, answered, within=patience)
    except AssertionError:  # the emulator's way of saying the wait timed out
        return Timed(user, queued, None)
    return Timed(user, queued, time.monotonic() - queued)


async def walk(
    api: BotAPI,
    woman: Woman,
    record: Record,
    *,
    echo: bool,
    start: float,
    stop: float,
    patience: float,
) -> None:
    """Her taps from her arrival on, each after its pause, until the last or until `stop`."""
    await asyncio.sleep(max(0.0, start + woman.arrives - time.monotonic()))
    chat = Chat(api, woman.user)
    for number, each in enumerate(woman.taps):
        if number:
            await asyncio.sleep(woman.pauses[number - 1])
        if time.monotonic() >= stop:
            return  # the load is over; she would go on, but nobody is timing her
        timed = await tap(api, chat, each, echo=echo, patience=patience)
        record.taps.append(timed)
        if timed.seconds is None:
            return  # unanswered: where she is now is anyone's guess
    record.finished.append(woman.user)
