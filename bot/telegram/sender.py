"""The check-in sender: one loop for every schedule, not one job per user.

Each round claims due schedules in batches (an indexed range scan on
`next_due_at`), which queues one delivery per schedule and moves the schedule
on in the same transaction. Then the queue is sent through the shared
`Throttle`. A delivery is marked `sending` right before it goes to Telegram
and `sent` right after, so after a crash:

- claimed but not yet sent (`pending`): sent on restart, nothing lost;
- with Telegram when the process died (`sending`): never sent again, since it
  may well have arrived (at most once);
- sent: done.

A busy minute goes out over the window she was told about at set-up
(`spread`): each round the sender counts the slots due in the next hour and a
half, minute by minute, and claims early whatever must start now for every
slot to go out within the window, in the order they are due. The safety
path's are claimed on their own, when due, and sent first: never the late ones.
With paid broadcasts on (`paid`), a send beyond Telegram's free 30 a second
carries `allow_paid_broadcast`, and only such a send (each costs Stars).

The next slot is counted from the moment of claiming, at least `MIN_GAP`
ahead, so after downtime she gets one catch-up check-in, not one per missed
slot, and never two within a few hours. Memory holds one batch at a time.

Sending goes round the chats: each pass reads every chat's oldest ready
delivery (`Deliveries.waiting`), so one woman's many deliveries never hold up
the others. A check-back more than an hour late is dropped, with a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.content import Content
from bot.core.checkins import answers, rotation, spread, wording
from bot.core.checkins.records import URGE, Claimed, Delivery, Due
from bot.core.moments import urge
from bot.core.replies import Reply
from bot.db.folds import Folds, Opened
from bot.db.queue import CheckinQueue
from bot.service import Clock, utc_now
from bot.telegram import render
from bot.telegram.errors import describe
from bot.telegram.throttle import CLAIMED, Throttle, retry_seconds

log = logging.getLogger(__name__)

BATCH = 500
PASS = 100
"""Deliveries read at once (fewer at a low rate: see `drain`)."""
MAX_ATTEMPTS = 5
FOLD_BATCH = 100
BACKOFF = timedelta(seconds=30)
"""Retry after 30 s, 1 min, 2 min, 4 min; then the slot is given up."""
MAX_PAUSE = 300.0
"""After failed rounds the loop waits one poll period, then twice that, ... up to 5 minutes."""
ALIVE_EVERY = timedelta(minutes=1)
"""How often a DEBUG line says the sender is still running."""
COUNT_EVERY = timedelta(minutes=1)
"""How often the slots ahead are counted again for `spread.plan`."""
SOONEST = 0.05
"""The shortest wait between rounds when a minute is about to be due."""


def _ended(task: asyncio.Task[None]) -> None:
    """`run` catches every error; should anything still end it, say so instead of going quiet."""
    error = None if task.cancelled() else task.exception()
    if error is not None:
        log.critical("the check-in sender stopped: %s", describe(error))


class CheckinSender:
    def __init__(
        self,
        content: Content,
        queue: CheckinQueue,
        bot: Any,
        throttle: Throttle,
        *,
        poll_seconds: float = 30.0,
        batch: int = BATCH,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        pause: Callable[[float], Awaitable[Any]] | None = None,
        folds: Folds | None = None,
        window: timedelta = spread.WINDOW,
        paid: bool = False,
    ) -> None:
        self.content = content
        self.store = queue
        self.folds = folds
        self.bot = bot
        self.throttle = throttle
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.clock = clock
        self.rng = rng or random.Random()
        self._pause = pause or self._until_stopped
        """Waits between rounds: until stopped, or for so many seconds (tests: a fake clock)."""
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.sent = 0
        self.window = window
        """How far from her time a check-in may go (the set-up told her); 0: never early."""
        self.paid = paid
        """Paid broadcasts: beyond the free 30 a second, sends carry `allow_paid_broadcast`."""
        self._counted: tuple[datetime, int, list[int]] | None = None
        """The slots ahead as last counted: from which minute, those overdue, per minute."""
        self._wake: datetime | None = None
        """When the plan next has a minute due or starting early."""

    # ---- the loop ---------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._task = asyncio.get_running_loop().create_task(self.run(), name="checkins")
        self._task.add_done_callback(_ended)

    async def stop(self, grace: float = 5.0) -> None:
        """Stop after the send in flight; a send stuck longer than `grace` is cancelled."""
        self._stop.set()
        if self._task is None:
            return
        task, self._task = self._task, None
        _, stuck = await asyncio.wait({task}, timeout=grace)
        if stuck:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run(self) -> None:
        """Rounds until stopped. No error ends it: a failed round (the database locked or
        gone, anything) is logged by type and tried again after a backoff, and so is the
        recovery at start, which must happen before anything is sent."""
        recovered = False
        failures = 0
        alive_at: datetime | None = None
        while not self._stop.is_set():
            try:
                if not recovered:
                    stuck = await self.store.recover()
                    recovered = True
                    if stuck:
                        log.warning(
                            "%d check-ins were with Telegram at a crash; not sent again", stuck
                        )
                claimed = await self.tick()
                failures = 0
            except Exception as exc:  # a database hiccup must not end check-ins for everyone
                failures += 1
                claimed = 0
                # A blip is a warning; the same failure round after round needs someone.
                level = logging.WARNING if failures < 3 else logging.ERROR
                log.log(level, "check-in round failed (%d in a row): %s", failures, describe(exc))
            now = self.clock()
            if alive_at is None or now - alive_at >= ALIVE_EVERY:
                alive_at = now
                log.debug("check-in sender alive: %d sent since start", self.sent)
            if failures:
                pause = min(self.poll_seconds * 2 ** (failures - 1), MAX_PAUSE)
            elif claimed < self.batch:
                pause = self.poll_seconds
                if self._wake is not None:  # a minute due before the poll: wake for it
                    pause = min(pause, max(SOONEST, (self._wake - now).total_seconds()))
            else:
                continue  # a full batch: there may be more due right now
            await self._pause(pause)

    async def _until_stopped(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def tick(self) -> int:
        """One round: claim what is due, send everything that is ready, fold back what was
        opened a while ago. Returns claimed."""
        claimed = await self.claim()
        await self.drain()
        await self.fold()
        return claimed

    # ---- folding opened check-ins back ------------------------------------------------

    async def fold(self) -> int:
        """Fold every discreet check-in opened more than `FOLD_AFTER` ago back behind its
        neutral line: someone else may pick up her phone. Returns how many were folded."""
        if self.folds is None:
            return 0
        done = 0
        while not self._stop.is_set():
            due = await self.folds.due(self.clock() - answers.FOLD_AFTER, FOLD_BATCH)
            folded = [await self._fold_one(opened) for opened in due]
            done += sum(folded)
            if len(due) < FOLD_BATCH or not any(folded):
                break  # all done, or Telegram is holding us back: the next round tries again
        return done

    async def _fold_one(self, opened: Opened) -> int:
        cover = wording.cover_message(self.content, opened.id, opened.cover)
        await self.throttle.acquire(opened.chat_id, urgent=False)
        extra = {"rate_limit_args": CLAIMED} if getattr(self.bot, "rate_limiter", None) else {}
        try:
            await self.bot.edit_message_text(
                render.to_html(cover)[0],
                chat_id=opened.chat_id,
                message_id=opened.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=render.keyboard(cover),
                **extra,
            )
        except RetryAfter as exc:
            self.throttle.flood(opened.chat_id, retry_seconds(exc))
            return 0  # still open: the next round tries again
        except (Forbidden, BadRequest) as exc:
            # Gone from her chat (hidden, deleted) or already showing its line: nothing to fold.
            log.info("an opened check-in could not be folded back (%s)", type(exc).__name__)
        except (NetworkError, TelegramError) as exc:
            log.info("folding an opened check-in failed (%s); trying again", type(exc).__name__)
            return 0
        await self.folds.folded(opened)
        return 1

    # ---- claiming ---------------------------------------------------------------------

    def _decide(self, now: datetime) -> Callable[[Due], Claimed]:
        def decide(due: Due) -> Claimed:
            return rotation.decide(self.content, due, now, self.rng)

        return decide

    async def claim_safety(self) -> int:
        """Claim the safety path's due slots, on time, whatever else is waiting before them."""
        now = self.clock()
        return await self.store.claim_due(now, self.batch, self._decide(now), safety=True)

    async def claim(self) -> int:
        """Claim the safety path's due slots, then what is due or must start early."""
        first = await self.claim_safety()
        now = self.clock()
        front = await self.front(now)
        self._wake = front.wake
        return first + await self.store.claim_due(
            now, self.batch, self._decide(now), front=front.until
        )

    async def front(self, now: datetime) -> spread.Front:
        """Up to which slot to claim now (`spread.plan`), from the slots ahead, counted
        again once a minute (one indexed count a minute of them)."""
        minute = now.replace(second=0, microsecond=0)
        counted = self._counted
        if counted is None or not counted[0] <= now < counted[0] + COUNT_EVERY:
            ahead = int(spread.AHEAD / spread.MINUTE)
            overdue, counts = await self.store.load(minute, ahead, spread.AHEAD)
            counted = self._counted = (minute, overdue, counts)
        return spread.plan(
            now, counted[0], counted[2], counted[1], self.throttle.per_second, self.window
        )

    # ---- sending ----------------------------------------------------------------------

    async def drain(self) -> int:
        """Send every queued check-in that is ready; returns how many went out."""
        done = 0
        # A pass is about two seconds of sending: between passes, the safety path's slots
        # that fell due are claimed, and go to the front of the next pass.
        per_pass = min(PASS, max(5, int(self.throttle.per_second * 2)))
        while not self._stop.is_set():
            if late := await self.store.expire(self.clock()):
                log.info("%d check-backs more than an hour late were dropped", late)
            if done:
                await self.claim_safety()
            ready = await self.store.waiting(self.clock(), per_pass)
            if not ready:
                break
            # A delivery to a chat that was written to less than a second ago waits for a
            # later pass instead of holding up everyone behind it.
            sent_now, deferred = 0, []
            for delivery in ready:
                if self._stop.is_set():
                    break
                if self.throttle.chat_busy(delivery.chat_id):
                    deferred.append(delivery)
                    continue
                sent_now += await self.deliver(delivery)
            done += sent_now
            if deferred and not sent_now:
                await self.throttle.ready(deferred[0].chat_id)
                done += await self.deliver(deferred[0])
        return done

    def message_for(self, delivery: Delivery) -> tuple[Reply, bool]:
        """What goes out, and whether without a sound: for a woman whose messages are discreet
        (as her setting is now, not as it was when this was queued), a neutral line that opens
        in place, silently; else the check-back after /urge or the check-in itself."""
        if delivery.cover:
            return wording.cover_message(self.content, delivery.id, delivery.cover), True
        if delivery.kind == URGE:
            return urge.check_back(self.content, delivery.id), False
        return wording.checkin_message(self.content, delivery.id, delivery.encouragement), False

    async def deliver(self, delivery: Delivery) -> int:
        """Send one check-in and record what happened; 1 if it went out."""
        # Wait for a free slot first, mark the delivery, then take the slot: the slot's
        # time is the moment of sending, and a delivery never sits marked while waiting.
        await self.throttle.ready(delivery.chat_id)
        if not await self.store.start_sending(delivery):
            return 0  # she paused or stopped since it was claimed
        await self.throttle.acquire(delivery.chat_id, urgent=False)
        reply, quietly = self.message_for(delivery)
        extra: dict[str, Any] = {}
        if getattr(self.bot, "rate_limiter", None):
            extra["rate_limit_args"] = CLAIMED
        if self.paid and self.throttle.beyond_free():
            extra["allow_paid_broadcast"] = True
        try:
            message = await self.bot.send_message(
                delivery.chat_id,
                render.to_html(reply)[0],
                parse_mode=ParseMode.HTML,
                reply_markup=render.keyboard(reply),
                disable_notification=quietly,
                **extra,
            )
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            whole_bot = self.throttle.flood(delivery.chat_id, seconds)
            held = "every chat" if whole_bot else "one chat"
            log.warning("Telegram asked to slow down for %.0f s (%s held)", seconds, held)
            await self.store.later(delivery, self.clock() + timedelta(seconds=seconds))
            return 0
        except Forbidden:
            log.info("a check-in chat is closed to the bot; her schedule is switched off")
            await self.store.failed(delivery, blocked=True)
            return 0
        except BadRequest as exc:
            log.warning("Telegram refused a check-in (%s); moving on", type(exc).__name__)
            await self.store.failed(delivery)
            return 0
        except (NetworkError, TelegramError) as exc:
            attempts = delivery.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                log.warning(
                    "a check-in failed %d times (%s); giving up", attempts, type(exc).__name__
                )
                await self.store.failed(delivery)
            else:
                wait = BACKOFF * 2 ** (attempts - 1)
                log.info("a check-in will be retried in %s (%s)", wait, type(exc).__name__)
                await self.store.later(delivery, self.clock() + wait)
            return 0
        if not await self.store.sent(delivery, message.message_id, self.clock()):
            # She asked to be forgotten while it was on its way: it goes too.
            with contextlib.suppress(TelegramError):
                await self.bot.delete_message(delivery.chat_id, message.message_id)
            return 0
        self.sent += 1
        return 1
