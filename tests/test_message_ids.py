"""Her chat's message ids: recorded as each message goes out, offered for deleting for 48 hours.

"Hide" and /forget can only clear what was recorded, so every id is written as
its message is sent; an id recorded after /forget must not bring a row about
her back; ids past Telegram's 48 hours are never offered and are dropped in time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import URL

from bot.db.chat import DELETABLE_FOR, PRUNE_EVERY
from bot.db.database import Database
from bot.service import Service
from tests.dbcheck import forget, plant, rows


async def _hide(db: Database, user_id: int, now: datetime) -> list[tuple[int, int]]:
    """What the hide button would delete (and the record of it goes, as hide does)."""
    async with db.connection.transaction() as tx:
        return await db.chat.take_in(tx, user_id, now)


async def test_each_message_sent_is_there_for_hide_at_once(service: Service) -> None:
    now = datetime.now(UTC)
    await plant(service.db, 7, now)

    await service.sent(7, 70, [101])
    await service.sent(7, 70, [102, 103])

    assert sorted(await _hide(service.db, 7, now)) == [(70, 101), (70, 102), (70, 103)]


async def test_a_message_sent_after_forget_brings_no_row_about_her_back(
    service: Service, db_url: URL
) -> None:
    now = datetime.now(UTC)
    await plant(service.db, 7, now)
    await forget(service.db, 7, now)

    await service.sent(7, 70, [101])
    await service.sent(7, 70, [102, 103])

    assert rows(db_url, "SELECT count(*) FROM chat_messages") == [(0,)]
    assert rows(db_url, "SELECT count(*) FROM users") == [(0,)]


async def test_ids_past_deleting_are_never_offered_and_are_dropped_in_time(
    db: Database, db_url: URL
) -> None:
    now = datetime.now(UTC)
    long_ago = now - DELETABLE_FOR - timedelta(minutes=1)
    await plant(db, 7, long_ago)
    first = PRUNE_EVERY + 1  # no id in this run is one that drops old ids
    async with db.connection.transaction() as tx:
        await db.chat.remember_in(tx, 7, 70, range(first, first + 5), long_ago)
    async with db.connection.transaction() as tx:
        await db.chat.remember_in(tx, 7, 70, [first + 5], now)

    kept = rows(db_url, "SELECT count(*) FROM chat_messages")
    async with db.connection.transaction() as tx:
        offered = await db.chat.deletable_in(tx, 7, now)
    async with db.connection.transaction() as tx:
        await db.chat.remember_in(tx, 7, 70, [PRUNE_EVERY * 3], now)

    assert kept == [(6,)]  # nothing dropped yet: no id divisible by PRUNE_EVERY came
    assert offered == [(70, first + 5)]
    assert rows(db_url, "SELECT message_id FROM chat_messages ORDER BY message_id") == [
        (first + 5,),
        (PRUNE_EVERY * 3,),
    ]
