"""One input through the core inside one transaction: the seam both adapters call.

The pure flow runs inside the store's transaction, so reading her state and
schedule, moving them on and writing them back is one atomic step wherever the
update comes from (Telegram, the console, a second worker).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot import checkins, flow
from bot.checkins import Answered, Context, Delivered, Record, ScheduleWrite, Snapshot
from bot.content import Content
from bot.db.store import Store
from bot.dialogue import Input

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Conversation:
    def __init__(self, content: Content, store: Store, clock: Clock = utc_now) -> None:
        self.content = content
        self.store = store
        self.clock = clock

    async def handle(self, user_id: int, chat_id: int, event: Input) -> flow.Outcome:
        """Apply `event` to her stored state; return what to show.

        Someone with no row who only reads (/sos, /about, /mydata after /forget)
        leaves no row behind: a row is created only once her state moves.
        """
        now = self.clock()

        def apply(
            raw: dict[str, Any] | None, snap: Snapshot | None, delivered: Delivered | None
        ) -> tuple[dict[str, Any] | None, ScheduleWrite | None, Record | None, flow.Outcome]:
            state = flow.State.from_dict(raw, self.content)
            ctx = Context(now=now, schedule=snap, checkin=delivered)
            outcome = flow.respond(self.content, state, event, ctx)
            after = outcome.state.to_dict()
            if raw is None and after == state.to_dict():
                return None, outcome.write, outcome.record, outcome
            return after, outcome.write, outcome.record, outcome

        return await self.store.turn(
            user_id, chat_id, apply, checkin_id=checkins.referenced(event), now=now
        )

    async def export(self, user_id: int) -> bytes:
        """Everything stored about her, as a readable JSON document."""
        tables = await self.store.export(user_id)
        document = {"exported_at": self.clock().isoformat(), "tables": tables}
        return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()

    async def history(self, user_id: int) -> list[Answered]:
        return await self.store.history(user_id)
