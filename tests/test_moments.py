"""The hard moments: /draft, /urge and /talk, through the pure core and the Telegram handlers.

The draft she writes passes through and is gone: the tests look for it in the
database and in every log line, and find only that a draft was read.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import URL
from telegram.ext import Application, ApplicationBuilder

from bot.config import Settings
from bot.content import Content
from bot.core import drafts, router
from bot.core.checkins.records import URGE
from bot.core.inputs import Command, Text
from bot.core.moments import talk
from bot.core.replies import Effect
from bot.core.state import Mode, State
from bot.core.turn import Context
from bot.db.database import open_database
from bot.service import Service
from bot.telegram.app import build
from bot.telegram.render import decode
from bot.telegram.sender import CheckinSender
from tests.dbcheck import rows
from tests.offline import Chat, OfflineRequest
from tests.test_flow import FULL_RUN, labels, press, walk
from tests.test_sender import Clock, FakeBot, FastThrottle

NEEDY = "Please please don't leave me, answer me right now or it's over"
WARM = "I love you and I'll respect the time you need"
MARKER = "PURPLE-GIRAFFE-7731"


# ---- /draft ---------------------------------------------------------------------------------


def test_draft_on_the_same_line_is_read_at_once(content: Content) -> None:
    out = router.respond(content, State(), Command("draft", NEEDY))

    said = out.replies[0].text
    for found in drafts.check(content.drafts, NEEDY):
        assert content.drafts.pattern(found.pattern).name in said
        assert found.quote in said
    assert out.state.drafts == 1
    assert out.state.overlay is None


def test_draft_alone_asks_for_the_message_then_reads_the_next_one(content: Content) -> None:
    asked = router.respond(content, State(), Command("draft"))
    assert asked.state.mode is Mode.DRAFTING
    assert asked.replies[0].text == content.drafts.texts.ask

    read = router.respond(content, asked.state, Text(WARM))

    assert content.drafts.texts.nothing_stands_out in read.replies[0].text
    assert read.state.mode is Mode.IDLE
    assert read.state.drafts == 1


def test_a_draft_mid_assessment_keeps_her_place_in_the_questions(content: Content) -> None:
    at_cause = walk(content, {k: FULL_RUN[k] for k in ("safety", "how_said")})
    asked = router.respond(content, at_cause.state, Command("draft"))

    read = router.respond(content, asked.state, Text(NEEDY))

    assert read.replies[-1].text == content.steps[2].question
    assert read.state.step == at_cause.state.step
    assert read.state.answers == at_cause.state.answers


def test_a_crisis_phrase_in_a_draft_stops_the_wording_advice_after_the_lines(
    content: Content,
) -> None:
    out = router.respond(content, State(), Command("draft", "if you leave I will kill myself"))

    crisis_lines = [
        line.name for c in content.resources.countries for line in c.lines if line.kind == "crisis"
    ]
    assert out.replies[0].kind == "resources"
    assert any(name in out.replies[0].text for name in crisis_lines)
    assert out.replies[-1].text == content.drafts.texts.crisis_stop  # a kind word, then nothing
    names = {p.name for p in content.drafts.patterns}
    assert not any(name in r.text for r in out.replies for name in names)
    # Her own life, not danger from him: her path does not move.
    assert out.state.unsafe is None
    assert out.state.risks == ("own",)


def test_on_the_safety_path_the_reading_puts_her_safety_first(content: Content) -> None:
    out = router.respond(content, State(unsafe="no"), Command("draft", WARM))

    assert out.replies[0].text.startswith(content.drafts.texts.safety_first)


def test_check_another_asks_again(content: Content) -> None:
    read = router.respond(content, State(), Command("draft", WARM))

    again = press(content, read, content.drafts.texts.again_label)

    assert again.state.mode is Mode.DRAFTING


# ---- /urge ----------------------------------------------------------------------------------


def test_urge_offers_to_write_it_first_or_to_wait(content: Content) -> None:
    u = content.moments.urge
    out = router.respond(content, State(), Command("urge"))

    assert out.replies[0].text == u.intro
    assert labels(out.replies[0]) == [
        u.write_label,
        *(u.pause_label.format(minutes=m) for m in u.pauses),
    ]
    written = press(content, out, u.write_label)
    assert written.state.mode is Mode.DRAFTING


def test_waiting_queues_one_check_back_at_the_end_of_the_pause(content: Content) -> None:
    u = content.moments.urge
    now = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)
    offered = router.respond(content, State(), Command("urge"))
    pause = next(b for r in offered.replies for row in r.buttons for b in row if "10" in b.label)

    waiting = router.respond(content, offered.state, pause.input, Context(now=now))

    assert waiting.later is not None
    assert waiting.later.kind == URGE
    assert waiting.later.due_at == now + timedelta(minutes=10)
    assert waiting.replies[0].text == u.waiting.format(minutes=10)


# ---- /talk ----------------------------------------------------------------------------------


def test_talk_pages_start_with_the_script_her_plan_points_to(content: Content) -> None:
    dead_set = {**dict(FULL_RUN), "firmness": ("dead_set",)}
    state = State(profile=dead_set)

    scripts = talk.scripts(content, state)
    first = talk.page(content, state)

    assert scripts[0].id == "break"
    assert scripts[0].lines[0] in first.text
    assert content.plan.page_label.format(page=1, pages=len(scripts)) in first.text
    turned = talk.page(content, state, 2)
    assert scripts[1].lines[0] in turned.text


def test_on_the_safety_path_talk_offers_an_advocate_not_scripts(content: Content) -> None:
    out = router.respond(content, State(unsafe="unsure"), Command("talk"))

    assert out.replies[0].text == content.moments.talk.safety_first
    assert not any(
        line in out.replies[0].text for s in content.moments.talk.scripts for line in s.lines
    )


# ---- through the Telegram handlers: nothing of the draft is kept ----------------------------


@pytest.fixture
async def app(db_url: URL, content: Content) -> AsyncIterator[Application]:
    settings = Settings(database_url=db_url, telegram_bot_token="123456:TEST-token")
    builder = ApplicationBuilder().request(OfflineRequest()).get_updates_request(OfflineRequest())
    application = build(settings, Service(content, open_database(db_url)), builder, checkins=False)
    await application.initialize()
    yield application
    await application.shutdown()
    assert application.post_shutdown is not None
    await application.post_shutdown(application)


async def test_the_draft_is_never_stored_or_logged(
    app: Application, db_url: URL, content: Content, debug_logs: pytest.LogCaptureFixture
) -> None:
    request = app.bot.request
    assert isinstance(request, OfflineRequest)
    her = Chat(app, request)
    await her.send("/start")
    await her.send(f"/draft please don't leave me {MARKER}")
    await her.send("/draft")
    await her.send(f"answer me now {MARKER}")

    assert any(content.drafts.pattern("begging").name in t for t in her.texts())
    dumped = "\n".join(
        str(row)
        for table in ("users", "chat_messages", "schedules", "checkins")
        for row in rows(db_url, f"SELECT * FROM {table}")
    )
    assert MARKER not in dumped
    assert '"drafts": 2' in dumped  # only the count
    assert MARKER not in debug_logs.text


async def test_the_urge_check_back_arrives_once_even_with_a_restart_in_between(
    db_url: URL, content: Content
) -> None:
    clock = Clock(datetime(2026, 11, 24, 22, 0, tzinfo=UTC))
    service = Service(content, open_database(db_url), clock=clock)
    u = content.moments.urge
    offered = await service.handle(7, 7, Command("urge"))
    pause = next(b for row in offered.replies[0].buttons for b in row if "20" in b.label)
    await service.handle(7, 7, pause.input)
    bot = FakeBot()

    first = CheckinSender(
        content, service.db.queue, bot, FastThrottle(), clock=clock, rng=random.Random(1)
    )
    await first.tick()
    assert bot.sent == []  # not before the pause is up
    clock.now += timedelta(minutes=20)
    # The process restarts before the check-back goes out.
    await service.close()
    again = Service(content, open_database(db_url), clock=clock)
    second = CheckinSender(
        content, again.db.queue, bot, FastThrottle(), clock=clock, rng=random.Random(1)
    )
    await second.store.recover()
    await second.tick()
    await second.tick()

    assert [s.text for s in bot.sent] == [u.check_back]
    [[waited], _, _] = [row for row in bot.sent[0].markup.inline_keyboard]
    tapped = decode(waited.callback_data)
    assert tapped is not None
    response = await again.handle(7, 7, tapped)
    assert response.outcome.record is not None
    assert response.outcome.record.did is True
    progress = await again.handle(7, 7, Command("progress"))
    assert progress.outcome.effect is Effect.PROGRESS
    assert u.waited_label not in str(progress.shows)
    assert content.checkins.progress_urges.format(n=1) in str(progress.shows[0])
    await again.close()
