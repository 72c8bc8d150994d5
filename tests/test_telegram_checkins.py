"""Check-ins through the Telegram handlers: set up by buttons and typing, delivered, answered.

The clock is moved instead of waited for: the conversation and the sender
share a fake clock, and the sender sends with the application's own bot
through the offline request, so what she sees is what Telegram would show.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import URL
from telegram.ext import ApplicationBuilder

from bot.config import Settings
from bot.content import Content
from bot.core.checkins.records import ScheduleWrite
from bot.core.schedule import DAILY, Plan
from bot.db.database import open_database
from bot.service import Service
from bot.telegram.app import build
from bot.telegram.sender import CheckinSender
from tests.clocked_bot import app as _app  # noqa: F401 (fixtures: see tests/clocked_bot.py)
from tests.clocked_bot import clock as _clock  # noqa: F401
from tests.clocked_bot import her as _her  # noqa: F401
from tests.clocked_bot import sender as _sender  # noqa: F401
from tests.clocked_bot import talk as _talk  # noqa: F401
from tests.dbcheck import plant
from tests.offline import Chat, OfflineRequest
from tests.test_sender import Clock, rows


async def set_up_daily(her: Chat, content: Content, at: str, *, typed: bool = True) -> None:
    """Daily check-ins at `at` UTC, shown plainly: the set-up as she would go through it."""
    c = content.checkins
    await her.send("/checkins")
    await her.press(c.cadence("daily").label)  # type: ignore[union-attr]
    await (her.send(at) if typed else her.press(at))
    await her.press("UTC")
    await her.press(c.discreet_no)


async def test_a_check_in_set_a_minute_ahead_arrives_and_is_answered(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender, db_url: URL
) -> None:
    c = content.checkins
    await her.send("/checkins")
    await her.press(c.cadence("daily").label)  # type: ignore[union-attr]
    await her.send("15:43")  # typed
    await her.press("UTC")  # tapped
    await her.press(c.discreet_no)
    confirmed = c.confirmed.format(when="Tuesday 15:43", zone="UTC")
    assert her.last().plain == f"{confirmed} {c.around.format(minutes=30)}"

    await sender.tick()
    assert content.checkins.checkin_mood not in her.last().plain  # not yet

    clock.now += timedelta(minutes=1)
    await sender.tick()
    checkin = her.last()
    assert checkin.plain.endswith(c.checkin_mood)
    assert checkin.labels == [m.label for m in c.moods]

    encouragement = checkin.plain.split("\n\n")[0]
    await her.press(c.moods[3].label)
    assert c.moods[3].label in checkin.plain  # the question now shows her answer
    assert checkin.plain.startswith(encouragement)  # and still its encouragement
    assert checkin.buttons == []
    asked = her.last()
    assert asked.plain == c.questions[0].text  # the first check-in asks the first question
    await her.press(c.did_yes)
    await her.press(c.note_label)
    await her.send("Called my sister instead of him.")
    assert her.last().plain == c.note_saved
    assert rows(db_url, "SELECT mood, did, question, note FROM checkins") == [
        (4, 1, c.questions[0].id, "Called my sister instead of him.")
    ]

    # A second tick the same minute sends nothing more.
    await sender.tick()
    assert sum(c.checkin_mood in m.plain for m in her.visible()) == 1


async def test_progress_shows_a_chart_and_counts_what_she_did_never_a_streak(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender
) -> None:
    c = content.checkins
    await her.send("/progress")
    assert her.last().plain.startswith(c.progress_title)
    assert her.last().plain.endswith(c.progress_empty)
    assert her.last().photo is None

    await set_up_daily(her, content, "16:00")
    asked = []
    for day, (mood, did) in enumerate(((2, "did_no"), (3, "did_yes"), (4, "did_yes")), 1):
        clock.now = datetime(2026, 11, 24, 16, 0, 30, tzinfo=UTC) + timedelta(days=day)
        await sender.tick()
        await her.press(c.moods[mood - 1].label)
        asked.append(her.last().plain)
        await her.press(getattr(c, did))

    await her.send("/progress")
    shown = her.last()
    assert shown.photo is not None
    assert shown.photo.startswith(b"\x89PNG")
    assert "Check-ins answered: 3" in shown.plain
    # Never the same question twice in a row; each yes counted as what she did.
    assert asked == [q.text for q in c.questions[:3]]
    for question in c.questions[1:3]:
        assert question.count.format(n=1) in shown.plain
    assert c.questions[0].count.format(n=1) not in shown.plain


async def test_stop_means_nothing_more_arrives(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender
) -> None:
    c = content.checkins
    await set_up_daily(her, content, "20:00", typed=False)
    await her.send("/stop")
    clock.now += timedelta(days=3)
    await sender.tick()
    assert not any(c.checkin_mood in m.plain for m in her.visible())


async def test_the_bot_starts_its_sender_and_stops_it_before_shutting_down(
    db_url: URL, content: Content
) -> None:
    settings = Settings(
        database_url=db_url, telegram_bot_token="123456:TEST-token", checkin_poll_seconds=0.05
    )
    db = open_database(db_url)
    plan = Plan(DAILY, 9, 0, "UTC")
    due = datetime.now(UTC) - timedelta(seconds=1)
    await plant(db, 5, datetime.now(UTC), write=ScheduleWrite(plan, due))
    request = OfflineRequest()
    builder = ApplicationBuilder().request(request).get_updates_request(OfflineRequest())
    application = build(settings, Service(content, db), builder)
    await application.initialize()
    assert application.post_init is not None
    assert application.post_stop is not None
    assert application.post_shutdown is not None
    await application.post_init(application)
    for _ in range(200):
        if request.called("sendMessage"):
            break
        await asyncio.sleep(0.01)
    await application.post_stop(application)
    await application.shutdown()
    await application.post_shutdown(application)

    sent = request.called("sendMessage")
    assert [int(m["chat_id"]) for m in sent] == [5]
    assert content.checkins.checkin_mood in sent[0]["text"]
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "checkins"]


async def test_a_discreet_check_in_names_nothing_arrives_silently_and_opens_in_place(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender
) -> None:
    c = content.checkins
    cover = c.covers[0]
    await her.send("/checkins")
    await her.press(c.cadence("daily").label)  # type: ignore[union-attr]
    await her.send("15:43")
    await her.press("UTC")
    await her.press(c.discreet_yes)
    await her.press(cover.label)
    clock.now += timedelta(minutes=1)

    await sender.tick()

    arrived = her.last()
    [sent] = [p for p in her.request.called("sendMessage") if cover.text in p["text"]]
    assert arrived.plain == cover.text
    assert sent.get("disable_notification") is True
    for word in ("him", "husband", "marriage", "leave", "chase"):
        assert word not in arrived.plain.lower()
    assert arrived.labels == [c.open_label]

    await her.press(c.open_label)

    assert her.last() is arrived  # edited in place, no new message
    assert arrived.plain.endswith(c.checkin_mood)
    assert arrived.labels == [*(m.label for m in c.moods), c.fold_label]


async def test_checkins_can_turn_discreet_mode_on_and_off(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender
) -> None:
    c = content.checkins
    await set_up_daily(her, content, "20:00", typed=False)

    await her.send("/checkins")
    await her.press(c.discreet_on_label)
    assert her.last().plain == c.discreet_on
    clock.now = datetime(2026, 11, 24, 20, 0, 30, tzinfo=UTC)
    await sender.tick()
    assert her.last().plain == c.covers[0].text

    await her.send("/checkins")
    await her.press(c.discreet_off_label)
    assert her.last().plain == c.discreet_off


async def test_a_low_mood_is_met_with_care_for_her_and_the_sos_hint(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender
) -> None:
    c = content.checkins
    await set_up_daily(her, content, "15:43")
    clock.now += timedelta(minutes=1)
    await sender.tick()

    await her.press(c.moods[0].label)

    opening = c.reply_low.split("{care}")[0]
    [care] = [t for t in her.texts() if t.startswith(opening.splitlines()[0])]
    assert any(option in care for option in c.care)
    assert "/sos" in care
    assert not any(word in care.lower() for word in (" him", "husband", "marriage"))
