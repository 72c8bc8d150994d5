"""One input through the core inside one transaction, and what it asks the adapters to show.

Both adapters (Telegram and the console) call `Service.handle` and show the
`Response` it returns; neither reaches into the database. Whatever an input
does (export, forget, hide, progress) is carried out here, in the turn's own
transaction (see `bot.db.turns`), and comes back as things to show and
message ids to delete.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from bot.content import Content
from bot.core import progress, router, seen
from bot.core.checkins import nearby, rotation, spread
from bot.core.checkins.answers import referenced
from bot.core.checkins.records import Delivered, Snapshot
from bot.core.inputs import Input
from bot.core.replies import Effect, Reply
from bot.core.safety.told import Told
from bot.core.state import State
from bot.core.turn import Context, Outcome
from bot.db.database import Database
from bot.db.turns import KEEP, Decision, Done, Pool, StateDict

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Document:
    """A file to send her: her data, as JSON."""

    data: bytes
    filename: str
    caption: str


@dataclass(frozen=True)
class Photo:
    """A picture to send her: her progress chart, with its summary as the caption."""

    png: bytes
    caption: str


Show = Reply | Document | Photo


@dataclass(frozen=True)
class Response:
    """What an input comes to, for an adapter to show.

    `settle` and `refresh` rewrite the message whose button she pressed; `shows`
    go out in order; `delete` are messages of this chat to remove (hide, forget);
    `forgot`: she was just forgotten, so nothing more about her may be written.
    """

    outcome: Outcome
    shows: tuple[Show, ...]
    delete: tuple[int, ...] = ()
    unrecorded: tuple[int, ...] = ()
    """Ids of her messages still to record (`Service.sent`) once the replies are out."""

    @property
    def forgot(self) -> bool:
        return self.outcome.effect is Effect.FORGET

    @property
    def replies(self) -> tuple[Reply, ...]:
        return self.outcome.replies


def _pool(
    content: Content, before: State, outcome: Outcome, snap: Snapshot | None
) -> Pool | Literal["keep"] | None:
    """Her schedule's pool key after this turn, so the claim can trust the one on her row.

    Worked out when her schedule is written or, with a schedule, when her answers or her
    path changed; otherwise kept. Without a readable schedule there is nothing to keep:
    None lets the store clear a key her changed state would make stale.
    """
    after = outcome.state
    guarded = Told.of(after).guarded
    changed = (
        after.profile != before.profile
        or after.unsafe != before.unsafe
        or guarded != Told.of(before).guarded
    )
    if outcome.write is not None or (snap is not None and changed):
        key = rotation.pool_key(content, after.profile, after.unsafe, guarded)
        return Pool(key, rotation.rules(content))
    return KEEP if snap is not None else None


class Service:
    def __init__(self, content: Content, db: Database, clock: Clock = utc_now) -> None:
        self.content = content
        self.db = db
        self.clock = clock

    async def handle(
        self, user_id: int, chat_id: int, event: Input, incoming: int | None = None
    ) -> Response:
        """Apply `event` to her stored state; return what to show.

        Someone with no row who only reads (/sos, /about, /mydata after /forget)
        leaves no row behind: a row is created only once her state moves.
        `incoming`: the id of her message, remembered in the same transaction.
        """
        now = self.clock()
        content = self.content

        def apply(
            raw: StateDict | None, snap: Snapshot | None, delivered: Delivered | None
        ) -> Decision[Outcome]:
            state = State.from_dict(raw, content)
            outcome = router.respond(content, state, event, Context(now, snap, delivered))
            after = outcome.state.to_dict()
            keep = None if raw is None and after == state.to_dict() else after
            return Decision(
                keep,
                outcome,
                outcome.write,
                outcome.record,
                outcome.effect,
                outcome.later,
                outcome.cover_queued,
                pool=_pool(content, state, outcome, snap),
            )

        done = await self.db.turns.turn(
            user_id, chat_id, apply, referenced(event), now, incoming=incoming
        )
        if done.result.effect is Effect.FORGET:
            await self.db.scrub()
        return await self._respond(done, chat_id, now)

    async def _respond(self, done: Done[Outcome], chat_id: int, now: datetime) -> Response:
        outcome = done.result
        shows: list[Show] = []
        if outcome.effect is Effect.EXPORT:
            shows.append(self._export(done.export or {}, now))
        elif outcome.effect is Effect.PROGRESS:
            shows.append(await self._progress(done.history or [], outcome.state.drafts))
        after = await self._quieter(outcome, now)
        delete = tuple(sorted({m for c, m in done.deletable if c == chat_id}))
        return Response(outcome, (*shows, *outcome.replies, *after), delete, done.unrecorded)

    async def _quieter(self, outcome: Outcome, now: datetime) -> tuple[Reply, ...]:
        """When she just chose a time around which more check-ins are due than the window
        she was told about can hold, a quieter time nearby (`nearby`)."""
        write = outcome.write
        due = nearby.checked(write)
        if write is None or due is None:
            return ()
        most = nearby.capacity()
        if await self.db.queue.crowd(due, spread.WINDOW) <= most:
            return ()
        for other in nearby.candidates(due):
            if (
                other > now
                and await self.db.queue.crowd(other, spread.WINDOW) < most * nearby.QUIETER
            ):
                return (nearby.offer(self.content, write.plan, due, other),)
        return ()

    def _export(self, tables: dict[str, Any], now: datetime) -> Document:
        document = {"exported_at": now.isoformat(), "tables": tables}
        data = json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()
        return Document(data, "my-data.json", self.content.messages.mydata_caption)

    async def _progress(self, history: list[Any], drafts: int) -> Show:
        """Her history as a chart with a summary caption, or as text when there is no chart."""
        content = self.content
        text = progress.summary(content, history, drafts)
        png = None
        if history:
            try:
                # Drawing takes tens of milliseconds: keep it off the loop everyone shares.
                png = await asyncio.to_thread(progress.chart, content, history)
            except Exception as exc:  # the words still go out without the picture
                log.warning("could not draw a progress chart: %s", type(exc).__name__)
        if png is None:
            return Reply(text=text, title=content.checkins.progress_title)
        return Photo(png, text)

    def worrying(self, text: str) -> bool:
        """Whether the crisis screen hears anything in `text` (folded messages are read with
        it before they are let go, `bot.telegram.backlog`)."""
        return seen.worrying(self.content, text)

    async def sent(self, user_id: int, chat_id: int, message_ids: Iterable[int]) -> None:
        """Remember ids of messages just sent to her (or hers), so hide and /forget find them."""
        await self.db.chat.remember(user_id, chat_id, message_ids)

    async def close(self) -> None:
        await self.db.close()
