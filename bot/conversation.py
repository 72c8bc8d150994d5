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
        """Apply `event` to her stored state; return what to show."""

        def apply(raw: dict[str, Any] | None) -> tuple[dict[str, Any], flow.Outcome]:
            outcome = flow.respond(self.content, flow.State.from_dict(raw, self.content), event)
            return outcome.state.to_dict(), outcome

        return await self.store.transition(user_id, chat_id, apply)

    async def export(self, user_id: int) -> bytes:
        """Everything stored about her, as a readable JSON document."""
        tables = await self.store.export(user_id)
        document = {"exported_at": datetime.now(UTC).isoformat(), "tables": tables}
        return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()
