"""The same conversation in a terminal: the whole bot, no token, no network.

It runs the very flow and database the Telegram adapter uses, as a local user
of its own, so anyone can try the bot (or a coach can proofread content)
before creating a Telegram bot. Every message with buttons is numbered while
it is on screen: `2.3` presses button 3 of message [2], `3` button 3 of the
latest, and a button's label typed as it reads presses that button.

Check-ins and the check-back after /urge come from the same queue the Telegram
sender (`bot.telegram.sender`) sends from, claimed by a small loop of the
console's own: once on opening (what fell due while it was closed) and then
every poll period on the service's clock, printed between her prompts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.console.screen import Screen, buttons_of, parse, render
from bot.core import plan
from bot.core.checkins import answers, rotation, wording
from bot.core.checkins.records import Claimed, Delivery, Due
from bot.core.inputs import Action, Command, Input
from bot.core.replies import Effect, Reply
from bot.core.state import State
from bot.service import Document, Photo, Service, Show

log = logging.getLogger(__name__)

CLEAR_SCREEN = "\033[2J\033[H"

CONSOLE_USER_ID = 0
"""Telegram ids are positive, so the console's own row never meets a real user's."""

POLL_SECONDS = 30.0
"""How often the console looks for due check-ins (`CHECKIN_POLL_SECONDS` when started from
the command line)."""
CLAIM_BATCH = 500
READY_LIMIT = 1000
"""Ready deliveries read at once. The queue returns each chat's oldest; hers is among them."""
FOLD_BATCH = 100

Read = Callable[[], Awaitable[str | None]]
Write = Callable[[str], None]
Sleep = Callable[[float], Awaitable[object]]


async def _stdin() -> str | None:
    try:
        line = await asyncio.to_thread(input, "> ")
    except EOFError:
        return None
    if not sys.stdin.isatty():
        # Piped input is not echoed by a terminal; show it so a saved session reads as one.
        print(line)
    return line


def _prompt_again() -> None:
    """After a check-in printed while `input` waits: the prompt again below it."""
    if sys.stdin.isatty():
        print("> ", end="", flush=True)


class Console:
    """What she sees: turns and check-ins printed as numbered messages, one at a time."""

    def __init__(
        self,
        service: Service,
        write: Write,
        user_id: int,
        rng: random.Random,
        again: Callable[[], None],
    ) -> None:
        self.service = service
        self.content = service.content
        self.write = write
        self.user_id = user_id
        self.rng = rng
        self.again = again
        self.screen = Screen()
        self._checkins: dict[int, int] = {}
        """The number of the message showing each delivery, for folding it back."""
        self._lock = asyncio.Lock()
        """A turn and a check-in round print one after the other, never interleaved."""

    # ---- printing -----------------------------------------------------------------

    def _print(self, show: Show, number: int | None = None) -> int | None:
        """Print a new message; returns its number when it offers buttons."""
        if isinstance(show, Document):
            text = show.data.decode()
        elif isinstance(show, Photo):
            text = show.caption
        else:
            number = self.screen.add(buttons_of(show)) if number is None else number
            text = render(self.content, show, number)
        self.write("")
        self.write(text)
        return number

    def _redraw(self, number: int, reply: Reply) -> None:
        """Message `number` rewritten in place: printed again under the same number."""
        turned = replace(reply, pages=())  # a page turned to is that page, not all of them
        self.screen.put(number, buttons_of(turned))
        self.write("")
        self.write(render(self.content, turned, number if turned.buttons else None))

    # ---- her turns ----------------------------------------------------------------

    async def turn(self, event: Input, pressed: int | None = None) -> None:
        """One input through the service, and what it shows; `pressed`: the message whose
        button it was (the one an edit rewrites; typed input has none, as in Telegram)."""
        async with self._lock:
            latest = self.screen.latest()
            response = await self.service.handle(self.user_id, self.user_id, event)
            outcome = response.outcome
            if outcome.effect in (Effect.HIDE, Effect.FORGET):
                self.write(CLEAR_SCREEN)
                self.screen.clear()
                self._checkins.clear()
                pressed = None
            if pressed is None:
                for show in response.shows:
                    self._print(show)
                return
            if outcome.settle is None:
                # A page turned or ticks redrawn: the answer itself, so it comes first.
                redrawn = outcome.edit or outcome.refresh
                if redrawn is not None:
                    self._redraw(pressed, redrawn)
            elif outcome.edit is None and pressed != latest:
                # An answer to a message further up: its record here, where she reads.
                self.write("")
                self.write(outcome.settle)
            for show in response.shows:
                self._print(show)
            if outcome.settle is not None:
                if outcome.edit is not None:
                    self._redraw(pressed, outcome.edit)
                else:
                    self.screen.put(pressed, [])  # the record of her answer: no buttons now

    async def greet(self) -> None:
        """Her plan's first page when she has one (and the questions if she is partway
        through them again); otherwise the questions, as /start would."""
        state = State.from_dict(await self.service.db.turns.state_of(self.user_id), self.content)
        if state.profile:
            async with self._lock:
                self.write("")
                self.write(self.content.messages.console_welcome_back)
                # The plan's own "page 1" button: the core recomposes it from her answers.
                response = await self.service.handle(
                    self.user_id, self.user_id, Action(plan.PAGE, "1")
                )
                if response.outcome.edit is not None:
                    self._print(replace(response.outcome.edit, pages=()))
            if not state.mid_way:
                return
        await self.turn(Command("start"))

    # ---- check-ins ----------------------------------------------------------------

    async def round(self) -> int:
        """One round: claim what is due, show what is ready for her, fold back the discreet
        ones she opened a while ago. Returns how many messages it printed.

        A claim queues every due schedule in the database, hers or not, exactly as a
        second Telegram sender would; only hers are shown here, the rest stay queued
        for the Telegram sender.
        """
        async with self._lock:
            content, queue, now = self.content, self.service.db.queue, self.service.clock()

            def decide(due: Due) -> Claimed:
                return rotation.decide(content, due, now, self.rng)

            while await queue.claim_due(now, CLAIM_BATCH, decide) == CLAIM_BATCH:
                pass
            await queue.expire(now)  # a check-back hours late would only be noise
            printed = 0
            tried: set[int] = set()
            while (delivery := await self._ready(tried)) is not None:
                tried.add(delivery.id)
                printed += await self._deliver(delivery)
            return printed + await self._fold()

    async def _ready(self, tried: set[int]) -> Delivery | None:
        """Her oldest delivery ready to go (not one tried already this round), if any."""
        ready = await self.service.db.queue.waiting(self.service.clock(), READY_LIMIT)
        mine = (d for d in ready if d.user_id == self.user_id and d.id not in tried)
        return next(mine, None)

    async def _deliver(self, delivery: Delivery) -> int:
        queue = self.service.db.queue
        if not await queue.start_sending(delivery):
            return 0  # she paused or stopped since it was claimed
        reply, _quietly = wording.delivery_message(self.content, delivery)
        number = self.screen.add(buttons_of(reply))
        # The store keeps the message id of what went out (folding reads it): its number here.
        if not await queue.sent(delivery, number or 0, self.service.clock()):
            if number is not None:
                self.screen.put(number, [])
            return 0  # she was forgotten while it was on its way
        self._print(reply, number)
        if number is not None:
            self._checkins[delivery.id] = number
        return 1

    async def _fold(self) -> int:
        """Opened discreet check-ins back behind their neutral line after `FOLD_AFTER`."""
        folds, printed = self.service.db.folds, 0
        opened_before = self.service.clock() - answers.FOLD_AFTER
        for opened in await folds.due(opened_before, FOLD_BATCH):
            if opened.user_id != self.user_id:
                continue  # another woman's, in her Telegram chat: the Telegram sender's to fold
            number = self._checkins.get(opened.id)
            if number is not None:  # still on this screen (not from before a restart or hide)
                self._redraw(number, wording.cover_message(self.content, opened.id, opened.cover))
                printed += 1
            await folds.folded(opened)
        return printed

    async def try_round(self) -> int:
        """A round whose failure is logged, not raised: the conversation goes on."""
        try:
            return await self.round()
        except Exception as exc:  # a database hiccup must not end the conversation
            log.warning("a check-in round failed: %s", type(exc).__name__)
            return 0

    async def keep_checking(self, every: float, sleep: Sleep) -> None:
        """A round every `every` seconds until cancelled, the prompt again after one printed."""
        while True:
            await sleep(every)
            if await self.try_round():
                self.again()


async def run_console(
    service: Service,
    read: Read = _stdin,
    write: Write = print,
    user_id: int = CONSOLE_USER_ID,
    *,
    poll_seconds: float = POLL_SECONDS,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
) -> None:
    """Talk until /quit or end of input.

    Opens with her plan when she has one, else as /start would; then whatever fell
    due while the console was closed. Time is the service's clock, and `sleep`
    waits between check-in rounds, so a test moves a fake clock instead of waiting.
    """
    again = _prompt_again if read is _stdin else (lambda: None)
    console = Console(service, write, user_id, rng or random.Random(), again)
    messages = service.content.messages
    write(messages.console_intro)
    await console.greet()
    await console.try_round()
    ticking = asyncio.create_task(console.keep_checking(poll_seconds, sleep), name="checkins")
    try:
        while True:
            line = await read()
            if line is None or line.strip().lower() in ("/quit", "/exit"):
                write(messages.console_bye)
                return
            event, pressed = parse(line, console.screen)
            if event is not None:
                await console.turn(event, pressed)
    finally:
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
