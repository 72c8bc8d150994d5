"""Discreet follows her path: through the Telegram handlers, the sender and the offline Bot API.

Once something she says puts danger on record, what the bot sends unasked goes out behind a
neutral line, silently: check-ins she set up plainly, check-ins already queued, the check-back
after /urge. An opened one folds back by itself, or when she taps "Hide". Anyone who opens her
chat sees a command menu and a description that say nothing about him or the marriage.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.engine import URL

from bot.config import Settings
from bot.content import Content
from bot.core.checkins.answers import FOLD_AFTER
from bot.telegram.sender import CheckinSender
from tests.clocked_bot import app as _app  # noqa: F401 (fixtures: see tests/clocked_bot.py)
from tests.clocked_bot import clock as _clock  # noqa: F401
from tests.clocked_bot import her as _her  # noqa: F401
from tests.clocked_bot import sender as _sender  # noqa: F401
from tests.clocked_bot import talk as _talk  # noqa: F401
from tests.offline import Chat, start_app
from tests.test_sender import Clock
from tests.test_telegram_checkins import set_up_daily

ABOUT_HIM = re.compile(r"\b(him|his|he|husband|marriage|married|leav\w*|text him)\b", re.I)


def sent_silently(her: Chat) -> list[bool]:
    """For each message the bot sent her, whether it came without a sound."""
    return [
        bool(params.get("disable_notification"))
        for params in her.request.called("sendMessage")
        if int(params["chat_id"]) == her.user_id
    ]


def covers(content: Content) -> set[str]:
    return {c.text for c in content.checkins.covers}


async def test_after_an_alarm_her_plain_check_ins_arrive_silent_behind_a_neutral_line(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender
) -> None:
    await set_up_daily(her, content, "16:00")

    await her.send("he hit me last night")

    told = [t for t in her.texts() if t == content.checkins.discreet_now]
    assert told, "she is told her check-ins are discreet now, and how to change it"
    clock.now += timedelta(hours=1)
    await sender.tick()
    checkin = her.last()
    assert checkin.plain in covers(content)
    assert checkin.labels == [content.checkins.open_label]
    assert sent_silently(her)[-1] is True


async def test_a_check_in_queued_before_the_alarm_goes_out_discreetly_too(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender
) -> None:
    await set_up_daily(her, content, "16:00")
    clock.now += timedelta(hours=1)
    assert await sender.claim() == 1  # queued plainly

    await her.send("he hit me last night")
    await sender.drain()

    assert her.last().plain in covers(content)
    assert sent_silently(her)[-1] is True


async def test_the_check_back_after_urge_follows_a_path_that_moved_after_it_was_queued(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender
) -> None:
    u = content.moments.urge
    await her.send("/urge")
    await her.press(u.pause_label.format(minutes=10))  # queued plainly: no danger on record

    await her.send("he hit me last night")
    clock.now += timedelta(minutes=11)
    await sender.tick()

    back = her.last()
    assert back.plain in covers(content)
    assert sent_silently(her)[-1] is True
    await her.press(content.checkins.open_label, on=back)
    assert back.plain == u.check_back  # opened in place
    assert content.checkins.fold_label in back.labels


async def test_an_opened_check_in_folds_back_by_itself_and_on_hide(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender
) -> None:
    c = content.checkins
    await set_up_daily(her, content, "16:00")
    await her.send("/checkins")
    await her.press(c.discreet_on_label)
    clock.now += timedelta(hours=1)
    await sender.tick()
    checkin = her.last()
    assert checkin.plain in covers(content)

    await her.press(c.open_label, on=checkin)
    assert checkin.plain.endswith(c.checkin_mood)
    await sender.fold()
    assert checkin.plain.endswith(c.checkin_mood)  # not yet: she has only just opened it

    clock.now += FOLD_AFTER + timedelta(seconds=1)
    assert await sender.fold() == 1
    assert checkin.plain in covers(content)
    assert checkin.labels == [c.open_label]

    await her.press(c.open_label, on=checkin)
    await her.press(c.fold_label, on=checkin)
    assert checkin.plain in covers(content)
    clock.now += FOLD_AFTER * 2
    assert await sender.fold() == 0  # folded already: nothing left to fold


async def test_the_menu_and_the_description_say_nothing_about_him(
    db_url: URL, content: Content
) -> None:
    settings = Settings(database_url=db_url, telegram_bot_token="123456:TEST-token")
    app, request = await start_app(settings, content)
    try:
        [menu] = request.called("setMyCommands")
        [description] = request.called("setMyDescription")
        [short] = request.called("setMyShortDescription")
    finally:
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)

    commands = menu["commands"]
    commands = commands if isinstance(commands, list) else __import__("json").loads(commands)
    shown = [f"/{c['command']} {c['description']}" for c in commands]
    assert "/moment For a hard moment" in shown
    assert not [line for line in shown if ABOUT_HIM.search(line)]
    assert not ABOUT_HIM.search(description["description"])
    assert not ABOUT_HIM.search(short["short_description"])
