"""Several processes on one PostgreSQL database: no check-in twice, none left behind."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from sqlalchemy.engine import URL

from tests.dbcheck import needs_postgres, rows
from tests.e2e.conftest import BotProcess, errors_in
from tests.e2e.test_faults import MOOD, seed_due_checkins
from tests.emulator import BotAPI

DUE = 10_000
WORKERS = 4


@needs_postgres
def test_four_senders_deliver_10000_check_ins_exactly_once(
    api: BotAPI, start_bot: Callable[..., BotProcess], db_url: URL
) -> None:
    # 10,000 check-ins at Telegram's usual 30 a second would take over five minutes; this
    # test is about exactly-once across processes, not about the rate. A bot that pays for
    # broadcasts may send 1000 a second: the emulator allows that, the four workers share it.
    api.paid_broadcasts(1000)
    rate = str(1000 // WORKERS)
    first = start_bot(CHECKIN_SENDS_PER_SECOND=rate)  # migrates the database
    seed_due_checkins(db_url, range(1, DUE + 1))
    others = [start_bot(CHECKIN_SENDS_PER_SECOND=rate, wait=False) for _ in range(WORKERS - 1)]

    def delivered() -> int:
        return sum(
            1 for m, p in list(api.calls) if m == "sendMessage" and MOOD in str(p.get("text"))
        )

    api.wait_for(lambda: delivered() >= DUE, timeout=240)
    time.sleep(2)  # a poll period more: nothing else may arrive

    per_chat = Counter(
        p["chat_id"] for m, p in list(api.calls) if m == "sendMessage" and MOOD in str(p["text"])
    )
    assert len(per_chat) == DUE, "a check-in was left behind"
    assert max(per_chat.values()) == 1, "a check-in was sent twice"
    assert rows(db_url, "SELECT status, count(*) FROM checkins GROUP BY status") == [("sent", DUE)]
    for worker in (first, *others):
        assert worker.alive()
        assert errors_in(worker.log) == []
