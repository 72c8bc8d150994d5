"""Telegram's limits, as strict as Telegram, for the Bot API emulator (`tests/emulator.py`).

A fake that always says yes hides the failures users meet, so the emulator
refuses what Telegram refuses:

- Sending rates: about 30 messages a second for the whole bot, about one a
  second in a private chat after a short burst, 20 a minute in a group. Over
  a limit, a send gets 429 "Too Many Requests: retry after N" with
  `parameters.retry_after`, as Telegram answers. Edits and answers to button
  presses are not counted (Telegram's documented limits are for messages sent).
- Button presses: an answer to a press that comes more than `CALLBACK_TIMEOUT`
  seconds after the press, a second answer, or one for an id Telegram never
  issued gets 400 "query is too old and response timeout expired or query ID
  is invalid".
- Deleting: a message older than 48 hours cannot be deleted. The Bot API
  documents only that `deleteMessages` skips messages it cannot find; for one
  it may not delete, the emulator takes the stricter reading and refuses the
  whole call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

GLOBAL_PER_SECOND = 30.0
GLOBAL_BURST = 30.0
PRIVATE_PER_SECOND = 1.0
PRIVATE_BURST = 20.0
GROUP_PER_SECOND = 20 / 60
GROUP_BURST = 20.0
CALLBACK_TIMEOUT = 15.0
DELETABLE_FOR = 48 * 3600.0

QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CANNOT_DELETE = "Bad Request: message can't be deleted"

SENDS = ("sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage")
"""The methods counted against the sending limits (any `send*` the bot may add is too)."""


def is_send(method: str) -> bool:
    return method in SENDS or method.startswith("send")


@dataclass
class Bucket:
    """A token bucket: `burst` sends at once, then `rate` a second."""

    rate: float
    burst: float
    tokens: float = -1.0
    at: float = 0.0

    def wait(self, now: float) -> float:
        """Seconds until a send is allowed (0: now)."""
        if self.tokens < 0:
            self.tokens, self.at = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass
class SendLimits:
    """The sending limits of one bot; `check` says how long a send must wait (0: it may go)."""

    per_second: float = GLOBAL_PER_SECOND
    burst: float = GLOBAL_BURST
    chats: dict[int, Bucket] = field(default_factory=dict)
    _bot: Bucket | None = None
    per_chat: float | None = None
    """A test's own per-chat rate (and burst) instead of Telegram's; None: Telegram's."""

    def paid_broadcasts(self, per_second: float) -> None:
        """A bot that pays for broadcasts may send up to 1000 a second overall."""
        self.per_second = self.burst = per_second
        self._bot = None

    def lift_chat_limits(self, per_second: float) -> None:
        """Let each chat take `per_second` (and as large a burst): for tests about something
        other than pacing, which `tests/e2e/test_fairness.py` holds to Telegram's rates."""
        self.per_chat = per_second
        self.chats.clear()

    def check(self, chat_id: int, now: float) -> int:
        """Retry-after seconds if the send is refused; 0 if it was allowed (and counted)."""
        if self._bot is None:
            self._bot = Bucket(self.per_second, self.burst)
        chat = self.chats.get(chat_id)
        if chat is None:
            private = chat_id > 0
            if self.per_chat is not None:
                chat = self.chats[chat_id] = Bucket(self.per_chat, self.per_chat)
            else:
                chat = self.chats[chat_id] = Bucket(
                    PRIVATE_PER_SECOND if private else GROUP_PER_SECOND,
                    PRIVATE_BURST if private else GROUP_BURST,
                )
        wait = max(self._bot.wait(now), chat.wait(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._bot.take()
        chat.take()
        return 0


@dataclass
class Queries:
    """Callback queries Telegram issued and whether they were answered.

    `mode`: "expire" (Telegram's rule), "refuse" (every answer is too late, as
    after a restart or behind a backlog) or "accept" (a lax Telegram).
    """

    mode: str = "expire"
    timeout: float = CALLBACK_TIMEOUT
    issued: dict[str, float] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)
    refused: int = 0

    def issue(self, query_id: str, now: float) -> None:
        self.issued[query_id] = now

    def answer(self, query_id: str, now: float) -> bool:
        """Whether an answer to `query_id` now is accepted."""
        if self.mode == "accept":
            return True
        pressed = self.issued.get(query_id)
        ok = (
            self.mode == "expire"
            and pressed is not None
            and now - pressed <= self.timeout
            and query_id not in self.answered
        )
        self.answered.add(query_id)
        if not ok:
            self.refused += 1
        return ok
