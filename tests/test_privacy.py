"""Her data is hers: /mydata, /forget, the hide button, and nothing in the logs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from bot.config import Settings
from bot.content import Content
from bot.core.checkins.records import Claimed, ScheduleWrite
from bot.core.checkins.wording import NOTE
from bot.core.inputs import FORGET, Action, Command, Text
from bot.core.schedule import DAILY, Plan
from bot.db.database import open_database
from bot.db.models import Base
from bot.db.url import sqlite_path
from bot.service import Service
from tests.dbcheck import plant, rows, sqlite_only
from tests.offline import Chat, start_app
from tests.test_telegram import PROFILE, answer_all

TOKEN = "123456:TEST-token-SECRET"


@pytest.fixture
def settings(db_url: URL) -> Settings:
    return Settings(database_url=db_url, telegram_bot_token=TOKEN)


@pytest.fixture
async def her(settings: Settings, content: Content) -> AsyncIterator[Chat]:
    app, request = await start_app(settings, content)
    yield Chat(app, request, user_id=9001)
    await app.shutdown()
    await app.post_shutdown(app)  # type: ignore[misc]


def rows_about(db_url: URL, user_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if "user_id" in table.c:
            sql = f"SELECT count(*) FROM {table.name} WHERE user_id = {user_id:d}"
            [(counts[table.name],)] = rows(db_url, sql)
    return counts


async def test_mydata_sends_everything_stored_about_her_as_json(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    await her.press("Yes")
    await her.send("/mydata")

    document = her.last()
    assert document.text == content.messages.mydata_caption
    assert document.document is not None
    data = json.loads(document.document)
    [user] = data["tables"]["users"]
    assert user["user_id"] == her.user_id
    assert user["state"]["answers"] == {"safety": ["yes"]}
    assert data["tables"]["chat_messages"]


async def test_forget_asks_first_and_no_keeps_everything(
    her: Chat, content: Content, db_url: URL
) -> None:
    await her.send("/start")
    await her.send("/forget")
    await her.press(content.messages.forget_no)

    assert rows_about(db_url, her.user_id)["users"] == 1
    assert content.messages.forget_kept in her.texts()


async def test_forget_deletes_every_row_about_her_and_clears_the_chat(
    her: Chat, content: Content, db_url: URL
) -> None:
    await her.send("/start")
    await answer_all(her, content, **PROFILE, tactics="begging")
    await her.send("/forget")
    await her.press(content.messages.forget_yes)

    assert set(rows_about(db_url, her.user_id).values()) == {0}
    left = her.visible(include_hers=True)
    assert [m.plain for m in left] == [content.messages.forgotten]


async def test_reading_after_forget_writes_nothing_about_her_again(
    her: Chat, content: Content, db_url: URL
) -> None:
    await her.send("/start")
    await her.send("/forget")
    await her.press(content.messages.forget_yes)
    for command in ("/sos", "/about", "/help", "/mydata"):
        await her.send(command)

    assert rows_about(db_url, her.user_id)["users"] == 0


async def test_forget_leaves_other_people_alone(
    settings: Settings, content: Content, her: Chat, db_url: URL
) -> None:
    other = Chat(her.app, her.request, user_id=9002)
    await other.send("/start")
    await her.send("/start")
    await her.send("/forget")
    await her.press(content.messages.forget_yes)

    assert rows_about(db_url, other.user_id)["users"] == 1
    assert other.visible()


async def test_the_hide_button_clears_her_plan_from_the_chat(her: Chat, content: Content) -> None:
    await her.send("/start")
    await answer_all(her, content, **PROFILE)
    assert any(content.plan.opening in t for t in her.texts())

    await her.press(content.messages.hide_label)

    assert her.visible(include_hers=True) == []
    await her.send("/start")  # she can carry on afterwards
    assert her.last().plain == content.steps[0].question


async def test_a_whole_conversation_leaves_no_words_ids_or_token_in_the_logs(
    her: Chat, content: Content, debug_logs: pytest.LogCaptureFixture
) -> None:
    secret = "my husband Daniel said something unforgivable"
    await her.send("/start")
    await her.send(secret)
    await answer_all(her, content, **PROFILE, tactics="chasing")
    await her.send("he hit me")
    await her.send("/mydata")

    logged = "\n".join(r.getMessage() for r in debug_logs.records)
    for words in (secret, "he hit me", *her.texts()):
        assert words not in logged
    for answer in PROFILE.values():
        assert answer not in logged
    assert TOKEN not in logged
    assert str(her.user_id) not in logged


class Unauthorized(BaseHTTPRequestHandler):
    """A Bot API that refuses every token, as Telegram does a revoked one."""

    def do_POST(self) -> None:
        body = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"})
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


def test_a_bad_token_stops_the_bot_with_a_clear_message_and_never_prints_it(
    tmp_path: Path,
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Unauthorized)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": f"http://127.0.0.1:{server.server_port}/bot",
            "DATABASE_URL": f"sqlite:///{tmp_path}/bot.sqlite3",
            "LOG_LEVEL": "DEBUG",
        }
        done = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            cwd=Path(__file__).resolve().parents[1],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.shutdown()
        server.server_close()

    assert done.returncode == 2
    assert "refused TELEGRAM_BOT_TOKEN" in done.stderr
    assert TOKEN not in done.stdout + done.stderr
    assert "SECRET" not in done.stdout + done.stderr


@sqlite_only
async def test_her_deleted_words_are_gone_from_the_database_files(
    content: Content, db_url: URL
) -> None:
    marker = "MAGENTA-HERON-4471"
    service = Service(content, open_database(db_url))
    now = datetime.now(UTC)
    await plant(service.db, 9002, now, write=ScheduleWrite(Plan(DAILY, 9, 0, "UTC"), now))
    await service.db.queue.claim_due(
        now, 10, lambda due: Claimed("worth_01", ["worth_01"], now + timedelta(days=1), "for_you")
    )
    [delivery] = await service.db.queue.waiting(now, 10)
    await service.handle(9002, 9002, Action(NOTE, str(delivery.id)))
    await service.handle(9002, 9002, Text(f"note to self {marker} " * 20))
    path = sqlite_path(db_url)
    assert path is not None
    assert rows(db_url, "SELECT count(*) FROM checkins WHERE note IS NOT NULL") == [(1,)]

    await service.handle(9002, 9002, Command("forget"))
    await service.handle(9002, 9002, Action(FORGET))
    await service.close()

    for file in path.parent.glob(f"{path.name}*"):  # the database, its -wal and -shm
        assert marker.encode() not in file.read_bytes(), file.name


async def test_a_reply_that_fails_half_way_still_leaves_nothing_behind_after_hide(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    await answer_all(her, content, **PROFILE)
    hide = her.with_button(content.messages.hide_label)
    sends = 0

    def second_send_refused(method: str, params: dict[str, Any]) -> tuple[int, str] | None:
        nonlocal sends
        if method == "sendMessage":
            sends += 1
            if sends == 2:
                return 400, "Bad Request: something on Telegram's side"
        return None

    her.request.refuse = second_send_refused
    await her.send("he hit me last night")  # the crisis reply: several messages, one refused
    her.request.refuse = None
    assert content.messages.crisis_intro in her.texts()  # the first went out
    assert content.messages.error in her.texts()  # then the apology

    await her.press(content.messages.hide_label, on=hide)

    assert her.visible(include_hers=True) == []
