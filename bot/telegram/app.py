"""Build the python-telegram-bot Application: handlers in order, commands, error handler.

Registration order matters: the first matching handler in a group wins, so the
private-chat handlers come first and a catch-all for groups last.
"""

from __future__ import annotations

from telegram import BotCommand
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
from bot.telegram.dispatcher import Dispatcher
from bot.telegram.errors import make_error_handler
from bot.telegram.handlers import Handlers
from bot.telegram.ordering import PerChatOrder
from bot.telegram.throttle import SharedLimiter, Throttle

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
"""New messages in a private chat; edits are deliberately left unanswered."""


def build(
    settings: Settings,
    service: Service,
    builder: ApplicationBuilder | None = None,
    *,
    checkins: bool = True,
) -> Application:
    """The Application for `service`; `builder` lets tests plug in an offline request.

    The check-in dispatcher starts with the bot (`run_polling`, `run_webhook`)
    and stops before it: it shares the bot's connection and the throttle.
    `checkins=False` leaves it out (tests that drive a dispatcher themselves).
    """
    messages = service.content.messages
    throttle = Throttle(settings.checkin_sends_per_second)
    dispatchers: list[Dispatcher] = []

    async def post_init(app: Application) -> None:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in messages.commands.items()])
        if not (checkins and settings.checkin_dispatcher):
            return
        dispatcher = Dispatcher(
            service.content,
            service.db.queue,
            app.bot,
            throttle,
            poll_seconds=settings.checkin_poll_seconds,
            clock=service.clock,
        )
        dispatcher.start()
        dispatchers.append(dispatcher)

    async def post_stop(app: Application) -> None:
        while dispatchers:
            await dispatchers.pop().stop()

    async def post_shutdown(app: Application) -> None:
        await service.close()

    builder = builder or ApplicationBuilder()
    if settings.telegram_bot_token:
        builder = builder.token(settings.telegram_bot_token)
    app = (
        builder.base_url(settings.telegram_base_url)
        .rate_limiter(SharedLimiter(throttle))
        .concurrent_updates(PerChatOrder())
        .job_queue(None)  # check-ins have their own dispatcher; no idle scheduler
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    h = Handlers(service)
    app.add_handlers(
        [
            MessageHandler(PRIVATE & filters.COMMAND, h.command),
            MessageHandler(PRIVATE & filters.TEXT, h.text),
            MessageHandler(PRIVATE, h.other_message),
            CallbackQueryHandler(h.button),
            # Commands, mentions and replies to the bot; service messages get no answer.
            MessageHandler(
                ~filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT,
                h.group_message,
            ),
            ChatMemberHandler(h.added_to_group, ChatMemberHandler.MY_CHAT_MEMBER),
        ]
    )
    app.add_error_handler(make_error_handler(messages.error))
    return app
