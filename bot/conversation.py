"""One input through the flow inside one transaction: the seam both adapters call.

The pure flow runs inside the store's transaction, so reading her state,
moving it on and writing it back is one atomic step wherever the update comes
from (Telegram, the console, a second worker).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot import flow
from bot.content import Content
from bot.db.store import Store
from bot.dialogue import Input


class Conversation:
    def __init__(self, content: Content, store: Store) -> None:
        self.content = content
        self.store = store

    async def handle(self, user_id: int, chat_id: int, event: Input) -> flow.Outcome:
        """Apply `event` to her stored state; return what to show.

        Someone with no row who only reads (/sos, /about, /mydata after /forget)
        leaves no row behind: a row is created only once her state moves.
        """

        def apply(raw: dict[str, Any] | None) -> tuple[dict[str, Any] | None, flow.Outcome]:
            state = flow.State.from_dict(raw, self.content)
            outcome = flow.respond(self.content, state, event)
            after = outcome.state.to_dict()
            if raw is None and after == state.to_dict():
                return None, outcome
            return after, outcome

        return await self.store.transition(user_id, chat_id, apply)

    async def export(self, user_id: int) -> bytes:
        """Everything stored about her, as a readable JSON document."""
        tables = await self.store.export(user_id)
        document = {"exported_at": datetime.now(UTC).isoformat(), "tables": tables}
        return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()
