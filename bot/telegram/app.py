"""Build the python-telegram-bot Application: handlers in order, commands, error handler.

Registration order matters: the first matching handler in a group wins, so the
private-chat handlers come first and a catch-all for groups last.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.service import Service
from bot.telegram.backlog import Digest, Reader
from bot.telegram.errors import make_error_handler
from bot.telegram.handlers import Handlers
from bot.telegram.intake import Intake
from bot.telegram.ordering import QUEUE, PerChatOrder
from bot.telegram.sender import CheckinSender
from bot.telegram.throttle import SharedLimiter, Throttle

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
"""New messages in a private chat."""
EDITED = filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE
"""Her edits of messages she sent earlier: read for danger, answered once."""


class SteadyApplication(Application):  # type: ignore[type-arg]
    """python-telegram-bot's Application, with two changes.

    It keeps no ids for persistence: 22.x adds the chat and user id of every
    update to two sets and empties them only when persistence is configured.
    This bot keeps its state in its own database, so without this the sets would
    grow with every person who ever wrote, and her id would stay in memory after
    /forget.

    Stopping tells the throttle first, so replies queued behind a flood wait
    give up instead of holding the process for minutes (`Throttle.acquire`), and
    waits for every update already taken in (`PerChatOrder` answers python-telegram-bot
    as soon as an update is in its chat's line, before it is worked on).
    """

    def __init__(self, *, throttle: Throttle, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.throttle = throttle

    def _mark_for_persistence_update(self, *, update: object = None, job: Any = None) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)

    async def stop(self) -> None:
        self.throttle.closing = True
        order = self.update_processor
        if isinstance(order, PerChatOrder):
            order.closing()
        await super().stop()
        if isinstance(order, PerChatOrder):
            await order.drained()


def build(
    settings: Settings,
    service: Service,
    builder: ApplicationBuilder | None = None,
    *,
    checkins: bool = True,
) -> Application:
    """The Application for `service`; `builder` lets tests plug in an offline request.

    The check-in sender starts with the bot (`run_polling`, `run_webhook`)
    and stops before it: it shares the bot's connection and the throttle.
    `checkins=False` leaves it out (tests that drive a sender themselves).
    """
    messages = service.content.messages
    throttle = Throttle(settings.checkin_sends_per_second)
    order = PerChatOrder(reader=Reader(service.worrying))
    senders: list[CheckinSender] = []

    async def post_init(app: Application) -> None:
        try:
            await app.bot.set_my_commands(
                [BotCommand(name, text) for name, text in messages.commands.items()]
            )
            # Anyone who opens her chat sees these: they say nothing about him or the marriage.
            await app.bot.set_my_description(messages.description)
            await app.bot.set_my_short_description(messages.short_description)
        except TelegramError as exc:  # the menu is a convenience; the bot works without it
            log.warning("could not register the command menu: %s", type(exc).__name__)
        if not (checkins and settings.checkin_sender):
            return
        sender = CheckinSender(
            service.content,
            service.db.queue,
            app.bot,
            throttle,
            poll_seconds=settings.checkin_poll_seconds,
            clock=service.clock,
            folds=service.db.folds,
            paid=settings.allow_paid_broadcast,
        )
        sender.start()
        senders.append(sender)

    async def post_stop(app: Application) -> None:
        while senders:
            await senders.pop().stop()

    async def post_shutdown(app: Application) -> None:
        await service.close()

    if builder is None:  # polling reads each answer before it is parsed (see `intake`)
        builder = ApplicationBuilder().get_updates_request(Intake(order, connection_pool_size=1))
    if settings.telegram_bot_token:
        builder = builder.token(settings.telegram_bot_token)
    app = (
        builder.base_url(settings.telegram_base_url)
        .application_class(SteadyApplication, {"throttle": throttle})
        .rate_limiter(SharedLimiter(throttle))
        # Bounded: while the bot holds all it may, polling waits here (see `ordering`).
        .update_queue(asyncio.Queue(maxsize=QUEUE))
        .concurrent_updates(order)
        .job_queue(None)  # check-ins have their own sender; no idle scheduler
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    h = Handlers(service)

    async def caught_up(digest: Digest) -> None:
        await h.caught_up(app, digest)

    order.answer = caught_up
    app.add_handlers(
        [
            MessageHandler(PRIVATE & filters.COMMAND, h.command),
            # Words under a photo or a file are read like words typed alone.
            MessageHandler(PRIVATE & (filters.TEXT | filters.CAPTION), h.text),
            MessageHandler(PRIVATE, h.other_message),
            MessageHandler(EDITED, h.edited),
            CallbackQueryHandler(h.button),
            # Commands, mentions and replies to the bot; service messages get no answer.
            MessageHandler(
                ~filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT,
                h.group_message,
            ),
            ChatMemberHandler(h.added_to_group, ChatMemberHandler.MY_CHAT_MEMBER),
        ]
    )
    app.add_error_handler(make_error_handler(messages.error, service.sent))
    return app
