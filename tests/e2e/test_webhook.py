"""Webhook mode: `python -m bot webhook` behind a secret, serving a conversation end to end."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Callable

from bot.content import load_content
from tests.e2e.conftest import BotProcess, errors_in
from tests.emulator import BotAPI

CONTENT = load_content()
SECRET = "s3cret-token_for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(url: str, update: dict[str, object], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def serving(url: str) -> bool:
    """Whether the bot's server answers yet: python-telegram-bot registers the
    webhook with Telegram before its server listens, so a refused connection
    right after setWebhook means "not yet", not "broken"."""
    try:
        return post(url, {"update_id": 1}, SECRET) == 200
    except urllib.error.URLError:
        return False


def test_webhook_refuses_requests_without_the_secret_and_serves_a_conversation(
    api: BotAPI, start_bot: Callable[..., BotProcess]
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-hook"
    bot = start_bot(
        "webhook",
        wait=False,
        WEBHOOK_URL=url,
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    api.wait_for(lambda: api.webhook and api.webhook.get("secret") == SECRET, timeout=30)
    assert api.webhook is not None
    assert api.webhook["url"] == url

    forged = {
        "update_id": 999,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": 66, "type": "private", "first_name": "X"},
            "from": {"id": 66, "is_bot": False, "first_name": "X"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    api.wait_for(lambda: serving(url), timeout=30)
    assert post(url, forged, None) == 403
    assert post(url, forged, "wrong") == 403
    assert api.texts(66) == []

    her = 77
    api.send(her, "/start")  # the emulator posts it, with the secret, as Telegram would
    api.press(her, CONTENT.steps[0].answers[0].label)
    api.wait_text(her, CONTENT.steps[1].question)
    assert api.called("getUpdates") == []  # no polling in webhook mode
    assert errors_in(bot.log) == []


def test_webhook_mode_without_a_secret_refuses_to_start(
    api: BotAPI, start_bot: Callable[..., BotProcess]
) -> None:
    bot = start_bot("webhook", wait=False, WEBHOOK_URL="https://bot.example.org/hook")
    assert bot.proc is not None
    assert bot.proc.wait(30) == 2
    assert "WEBHOOK_SECRET" in bot.log
