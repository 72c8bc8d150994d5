"""Nothing stalls or dies quietly: a locked database, a locked start, Telegram away at start."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from bot.content import load_content
from bot.db.migrate import upgrade
from bot.db.url import sqlite_path
from tests.dbcheck import sqlite_only
from tests.e2e.conftest import BotProcess, errors_in
from tests.e2e.test_faults import checkins_in, seed_due_checkins
from tests.emulator import BotAPI

CONTENT = load_content()
HER = 801
Start = Callable[..., BotProcess]


@contextmanager
def write_lock_held(db_url: URL, seconds: float) -> Iterator[threading.Event]:
    """Another process holds the SQLite file's write lock (a console, a backup) for `seconds`,
    or until the event it yields is set, if that comes first."""
    path = sqlite_path(db_url)
    assert isinstance(path, Path)
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("PRAGMA journal_mode=WAL")  # as the bot leaves the file
        other.execute("BEGIN IMMEDIATE")
        taken.set()
        release.wait(seconds)
        other.execute("ROLLBACK")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait(5)
    try:
        yield release
    finally:
        release.set()
        holder.join()


@sqlite_only
def test_help_is_answered_at_once_while_another_process_holds_the_write_lock(
    api: BotAPI, start_bot: Start, db_url: URL
) -> None:
    bot = start_bot()
    api.send(HER, "/start")
    api.press(HER, CONTENT.steps[0].answers[0].label)
    api.wait_text(HER, CONTENT.steps[1].question)
    help_title = CONTENT.messages.help_title

    with write_lock_held(db_url, 2.0):
        started = time.monotonic()
        api.send(HER, "/help")
        api.wait_text(HER, help_title, timeout=5)
        took = time.monotonic() - started

    assert took < 0.2, f"/help took {took * 1000:.0f} ms behind a lock held for 2 s"
    api.press(HER, CONTENT.steps[1].answers[0].label)  # and writing goes on after it
    api.wait_text(HER, CONTENT.steps[2].question)
    assert errors_in(bot.log) == []


@sqlite_only
def test_the_check_in_sender_survives_a_database_locked_when_it_starts(
    api: BotAPI, start_bot: Start, db_url: URL
) -> None:
    upgrade(db_url)
    seed_due_checkins(db_url, range(HER, HER + 1))

    # Held until the sender's first round has given up waiting for it (after 5 s).
    with write_lock_held(db_url, 60):
        bot = start_bot()
        api.wait_for(lambda: "check-in round failed" in bot.log, timeout=30)
        assert checkins_in(api, HER) == 0

    api.wait_for(lambda: checkins_in(api, HER) == 1, timeout=15)
    assert bot.alive()
    assert "OperationalError" in bot.log


def test_telegram_unreachable_at_start_is_retried_until_it_is_back(
    api: BotAPI, start_bot: Start
) -> None:
    with api.outage():
        bot = start_bot(wait=False)
        api.wait_for(lambda: len(api.called("getMe")) >= 3, timeout=30)
        assert bot.alive()

    api.wait_polling()
    api.send(HER, "/start")
    api.wait_text(HER, CONTENT.steps[0].question)
    tries = [line for line in bot.log.splitlines() if "unreachable at start-up" in line]
    assert len(tries) >= 3, bot.log
    assert all("NetworkError" in line for line in tries)
    assert api.token not in bot.log
    assert api.token.partition(":")[2] not in bot.log
    assert "Traceback" not in bot.log
    assert bot.stop() == 0


def test_stopping_while_telegram_is_unreachable_at_start_is_clean(
    api: BotAPI, start_bot: Start
) -> None:
    with api.outage():
        bot = start_bot(wait=False)
        api.wait_for(lambda: len(api.called("getMe")) >= 2, timeout=30)
        assert bot.stop() == 0
    assert "Traceback" not in bot.log
