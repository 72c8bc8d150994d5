"""The bare python-telegram-bot echo, the baseline `bench latency` sets the bot beside.

`TELEGRAM_BOT_TOKEN=... TELEGRAM_BASE_URL=... python -m bench.echo_bot` polls
like `python -m bot run` and answers every message and every button press with
one sendMessage, and does nothing else: no database, no rate limiter, no
answerCallbackQuery, python-telegram-bot's defaults (as in the library's own
echo example). Whatever the bot costs beyond this is its own. SIGTERM stops it.
"""

from __future__ import annotations

import logging
import os
import sys

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """She wrote or pressed something: say it back, once."""
    chat = update.effective_chat
    if chat is None:
        return
    if update.callback_query is not None:
        said = update.callback_query.data
    else:
        said = update.effective_message.text if update.effective_message else None
    await context.bot.send_message(chat.id, said or "?")


def build(token: str, base_url: str) -> Application:
    app = Application.builder().token(token).base_url(base_url).build()
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, echo))
    app.add_handler(CallbackQueryHandler(echo))
    return app


def main() -> int:
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    # Warnings and errors only: httpx logs every request (with the token) at INFO.
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    token = os.environ.get("TELEGRAM_BOT_TOKEN")
    if not token:
        print(
            "Set TELEGRAM_BOT_TOKEN (and TELEGRAM_BASE_URL for a local Bot API).",
            file=sys.stderr,
        )
        return 2
    base_url = os.environ.get("TELEGRAM_BASE_URL") or "https://api.telegram.org/bot"
    build(token, base_url).run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
