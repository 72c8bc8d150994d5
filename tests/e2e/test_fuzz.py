"""Thousands of random updates against the real process: nothing crashes, nothing is corrupted.

Hypothesis builds batches of updates of every kind a bot can receive (any
text, commands known and unknown, stickers, photos, voice, edits, forged and
stale button data, group and channel updates, users it has never seen). After
each batch: no handler raised (the error handler logged nothing), every
private message got an answer, and every stored state is one the bot can read
back as it is.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import URL

from bot.content import load_content
from bot.core.state import State
from bot.db.url import normalize
from tests.dbcheck import SERVER, fresh_database, rows
from tests.e2e.conftest import BotProcess, bot_environment, errors_in
from tests.emulator import BotAPI

CONTENT = load_content()
EXAMPLES = 100 if SERVER else 250
"""Fewer on PostgreSQL: the SQLite run has already sent its 250 batches through every handler;
again on the server, the batches check what only a database can get wrong (no row lost or
doubled, every step committed), and CI's 15 minutes are shared with everything else."""
STATS = {"updates": 0, "batches": 0}

SPECIAL_TEXTS = [
    "",
    " ",
    "x" * 4096,
    "<b>bold</b> & <script>alert(1)</script>",
    "*bold* _it_ `code` [link](http://x) ~~s~~ ||spoiler||",
    "\u202eتبدو الحياة صعبة\u202c",
    "שלום, אני לא בטוחה",
    "👩‍👧‍👦🔥💔" * 50,
    "\x00\x01\x02\x1b[31m",
    "{question} {answer} %s %d {0}",
    "Yes",
    "he hit me",
    "Europe/Berlin",
    "19:30",
    "/start@steady_test_bot",
    "/start@other_bot",
    "/START now please",
]
COMMANDS = [f"/{c}" for c in CONTENT.messages.commands] + ["/unknown", "/", "/ start", "/quit"]
CALLBACKS = [
    "c|safety|yes",
    "c|safety|nope",
    "c|nostep|yes",
    "a|continue|",
    "a|forget|",
    "a|hide|",
    "a|mood|99999999:3",
    "a|mood|1:9",
    "a|kept|abc:yes",
    "a|did|abc:yes",
    "a|mood|²:1",
    "a|plan|²",
    "a|plan|99",
    "a|dc|9:yes",
    "a|dc_start|",
    "a|urge_wait|999",
    "a|urge_after|1:waited",
    "a|talk|-1",
    "a|talk_for|nowhere",
    "a|ci_open|x",
    "a|upd_step|nowhere",
    "a|safe_now|",
    "a|draft|",
    "a|note|",
    "a|ci_zone|Mars/Olympus",
    "a|ci_cadence|hourly",
    "a|ci_time|25:99",
    "a|ci_weekday|9",
    "a|ci_pause_for|forever",
    "a|country|zz",
    "x|y|z",
    "||",
    "",
]

texts = st.one_of(
    st.sampled_from(SPECIAL_TEXTS),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
)
user_ids = st.one_of(st.integers(1, 40), st.integers(10**9, 2**52))


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            [
                "text",
                "text",
                "command",
                "command",
                "media",
                "edit",
                "press",
                "press",
                "group",
                "channel",
            ]
        )
    )
    user = draw(user_ids)
    return {
        "kind": kind,
        "user": user,
        "text": draw(texts) if kind in ("text", "edit", "group") else "",
        "command": draw(st.sampled_from(COMMANDS)) + draw(st.sampled_from(["", " now", " 😀"])),
        "media": draw(st.sampled_from(["sticker", "photo", "voice"])),
        "data": draw(st.one_of(st.sampled_from(CALLBACKS), st.text(max_size=80))),
        "real_button": draw(st.booleans()),
    }


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BotAPI, BotProcess, URL]]:
    folder = tmp_path_factory.mktemp("fuzz")
    with ExitStack() as stack:
        if SERVER:
            url = stack.enter_context(fresh_database())
        else:
            url = normalize(f"sqlite:///{folder / 'bot.sqlite3'}")
        api = BotAPI().start()
        stack.callback(api.stop)
        # Thousands of updates from a handful of people: this test is about crashes and
        # corruption, not pacing (tests/e2e/test_fairness.py holds that to Telegram's rates),
        # so a person's burst is not made to wait a second a message.
        api.paid_broadcasts(1000)
        api.lift_chat_limits(1000)
        env = bot_environment(api, url)
        bot = BotProcess(env, folder).start()
        stack.callback(bot.stop)
        api.wait_polling()
        yield api, bot, url
    print(f"\nfuzz: {STATS['updates']} updates in {STATS['batches']} batches")


def play(api: BotAPI, update: dict[str, Any]) -> int:
    user, kind = update["user"], update["kind"]
    if kind == "text":
        return api.send(user, update["text"] or " ")
    if kind == "command":
        return api.send(user, update["command"])
    if kind == "media":
        return api.send_media(user, update["media"])
    if kind == "edit":
        return api.edit(user, 1, update["text"] or "edited")
    if kind == "group":
        return api.send(user, update["text"] or "hi", chat_id=-100 - user % 1000)
    if kind == "channel":
        return api.send_raw(
            {
                "channel_post": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": -1001234567890, "type": "channel", "title": "C"},
                    "text": update["text"] or "post",
                }
            }
        )
    shown = api.visible(user)
    with_buttons = [m for m in shown if m.buttons]
    if update["real_button"] and with_buttons:
        message = with_buttons[-1]
        data = message.buttons[0][0]["callback_data"]
        return api.press(user, on=message, data=data)
    if shown:
        return api.press(user, on=shown[-1], data=update["data"])
    return api.send_raw(
        {
            "callback_query": {
                "id": "q1",
                "from": {"id": user, "is_bot": False, "first_name": "U"},
                "chat_instance": "ci",
                "data": update["data"],
            }
        }
    )


def wait_quiet(api: BotAPI, last_update: int, quiet: float = 0.12) -> None:
    api.wait_for(lambda: api.confirmed > last_update, timeout=30)
    seen = -1
    while len(api.calls) != seen:
        seen = len(api.calls)
        time.sleep(quiet)


def sends_to(api: BotAPI, chat_id: int, since: int) -> int:
    methods = ("sendMessage", "sendDocument", "sendPhoto")
    return sum(1 for m, p in api.calls[since:] if m in methods and p.get("chat_id") == chat_id)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(updates(), min_size=1, max_size=20))
def test_random_updates_never_crash_or_corrupt(
    running: tuple[BotAPI, BotProcess, URL], batch: list[dict[str, Any]]
) -> None:
    api, bot, db_url = running
    since = len(api.calls)
    last = 0
    for update in batch:
        last = play(api, update)
    STATS["updates"] += len(batch)
    STATS["batches"] += 1
    wait_quiet(api, last)

    private = {u["user"] for u in batch if u["kind"] in ("text", "command", "media")}
    for user in private:  # every private message is answered (a reply can take a moment)
        api.wait_for(lambda user=user: sends_to(api, user, since) >= 1, timeout=10)
    assert bot.alive(), bot.log[-3000:]
    assert errors_in(bot.log) == [], bot.log[-3000:]
    for (raw,) in rows(db_url, "SELECT state FROM users"):
        stored = json.loads(raw) if isinstance(raw, str) else raw
        assert State.from_dict(stored, CONTENT).to_dict() == stored
