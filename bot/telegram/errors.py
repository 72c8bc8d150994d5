"""The error handler: log what failed without what she wrote, and never stop the bot."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatType
from telegram.error import NetworkError, RetryAfter
from telegram.ext import ContextTypes

log = logging.getLogger(__name__)


def describe(error: BaseException) -> str:
    """The exception's type and stack, without its message (which may quote her text)."""
    stack = "".join(traceback.format_tb(error.__traceback__))
    return f"{type(error).__name__}\n{stack}".rstrip()


Record = Callable[[int, int, list[int]], Awaitable[None]]
"""Notes the ids of messages sent to her (`Service.sent`), so "Hide" and /forget find them."""


def make_error_handler(apology: str, record: Record | None = None):  # type: ignore[no-untyped-def]
    """An error handler that logs safely and tells her, kindly, that her answers are safe.

    The apology's id is recorded like any other message sent to her.
    """

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error or Exception()
        if update is None and isinstance(error, NetworkError):
            # Polling lost Telegram for a moment; python-telegram-bot retries with backoff.
            log.warning("Telegram unreachable (%s); retrying", type(error).__name__)
            return
        update_id = update.update_id if isinstance(update, Update) else None
        if isinstance(error, RetryAfter):
            # Telegram kept refusing sends to this chat (a flood wait, again and again): her
            # answers are stored, only the reply is lost, and an apology would be refused too.
            log.warning("update %s: a reply was refused by flood control; dropped", update_id)
            return
        log.error("update %s failed: %s", update_id, describe(error))
        chat = update.effective_chat if isinstance(update, Update) else None
        user = update.effective_user if isinstance(update, Update) else None
        if chat is not None and chat.type == ChatType.PRIVATE:
            try:
                sent = await context.bot.send_message(chat.id, apology)
                if record is not None and user is not None:
                    await record(user.id, chat.id, [sent.message_id])
            except Exception as exc:  # the apology is best effort; the bot goes on
                log.error("could not send the apology: %s", type(exc).__name__)

    return on_error
