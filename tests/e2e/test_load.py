"""200 people at once: every reply arrives, none twice, everyone sees the same conversation."""

from __future__ import annotations

from collections.abc import Callable

from bot.content import load_content
from tests.e2e.conftest import BotProcess, errors_in
from tests.e2e.load import one_assessment
from tests.emulator import BotAPI

CONTENT = load_content()
USERS = list(range(2001, 2201))


def test_200_users_at_once_get_every_reply_once(
    api: BotAPI, start_bot: Callable[..., BotProcess]
) -> None:
    # About 3,400 messages: at Telegram's usual 30 a second that is two minutes of waiting
    # for the rate, not a test of 200 people at once. The bot and the emulator both take
    # the paid-broadcast limit (1000 a second); per-chat limits stay as strict as Telegram.
    api.paid_broadcasts(1000)
    bot = start_bot(CHECKIN_SENDS_PER_SECOND="1000")
    latencies: list[float] = []

    async def session(api: BotAPI, user: int) -> None:
        await one_assessment(api, user, CONTENT, latencies)

    api.run_users(session, USERS, timeout=240)

    assert len(latencies) == len(USERS) * (len(CONTENT.steps) + 1)
    # Her last answer is settled into the record just after her plan goes out: let it land.
    last = CONTENT.steps[-1].question
    api.wait_for(
        lambda: all(last not in t or "→" in t for u in USERS for t in api.texts(u)), timeout=30
    )
    reference = api.texts(USERS[0])
    assert len(reference) == len(set(reference)), "a reply was doubled"
    for user in USERS[1:]:
        assert api.texts(user) == reference, f"user {user} saw a different conversation"
    assert errors_in(bot.log) == []
