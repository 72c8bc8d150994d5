"""Settings, read once from the environment and `.env`, validated, then passed down.

Nothing else in the bot reads `os.environ`. The token is kept out of `repr`
so a settings object in a traceback or a log line never shows it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy.engine import URL

from bot import paths
from bot.db import url as db_url

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_SWITCH = {"on": True, "true": True, "1": True, "yes": True}
_SWITCH |= {"off": False, "false": False, "0": False, "no": False}


class ConfigError(ValueError):
    """A setting that cannot work; the message names it and says what is expected."""


@dataclass(frozen=True)
class Settings:
    database_url: URL
    telegram_bot_token: str | None = field(default=None, repr=False)
    telegram_base_url: str = DEFAULT_BASE_URL
    content_dir: Path = field(default_factory=paths.content_dir)
    checkin_poll_seconds: float = 30.0
    log_level: str = "INFO"
    checkin_sender: bool = True
    checkin_sends_per_second: int = 30
    allow_paid_broadcast: bool = False
    """Telegram's paid broadcasts: check-ins beyond the free 30 a second carry
    `allow_paid_broadcast` (up to 1,000 a second, each such message paid for in Stars)."""
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        token = get("TELEGRAM_BOT_TOKEN")
        if token is not None and not _TOKEN.match(token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then "
                "letters); copy it again from @BotFather"
            )
        try:
            database_url = db_url.normalize(
                get("DATABASE_URL") or db_url.default_url(Path(get("DATA_DIR") or "data"))
            )
        except db_url.DatabaseUrlError as exc:
            raise ConfigError(str(exc)) from None
        poll = get("CHECKIN_POLL_SECONDS") or "30"
        try:
            poll_seconds = float(poll)
        except ValueError:
            raise ConfigError(
                f"CHECKIN_POLL_SECONDS must be a number of seconds, not {poll!r}"
            ) from None
        if not 0.1 <= poll_seconds <= 3600:
            raise ConfigError("CHECKIN_POLL_SECONDS must be between 0.1 and 3600")
        level = (get("LOG_LEVEL") or "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
        # CHECKIN_DISPATCHER is the name this setting had before the sender was
        # renamed; deployments that set it keep working.
        sender_name = "CHECKIN_SENDER" if get("CHECKIN_SENDER") else "CHECKIN_DISPATCHER"
        sender = (get(sender_name) or "on").lower()
        if sender not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
            raise ConfigError(f"{sender_name} must be on or off, not {sender!r}")
        paid_text = (get("ALLOW_PAID_BROADCAST") or "off").lower()
        if paid_text not in _SWITCH:
            raise ConfigError(f"ALLOW_PAID_BROADCAST must be on or off, not {paid_text!r}")
        paid = _SWITCH[paid_text]
        # Paid broadcasts are for sending faster than 30 a second: on, the rate defaults to
        # Telegram's paid limit.
        rate = get("CHECKIN_SENDS_PER_SECOND") or ("1000" if paid else "30")
        if not rate.isdecimal() or not 1 <= int(rate) <= 1000:
            raise ConfigError(
                f"CHECKIN_SENDS_PER_SECOND must be a whole number from 1 to 1000, not {rate!r}"
            )
        webhook_url = get("WEBHOOK_URL")
        if webhook_url is not None and not re.match(r"^https?://[^/\s]+(/\S*)?$", webhook_url):
            raise ConfigError("WEBHOOK_URL must be a full URL such as https://bot.example.org/hook")
        secret = get("WEBHOOK_SECRET")
        if secret is not None and not _SECRET.match(secret):
            raise ConfigError(
                "WEBHOOK_SECRET must be 1 to 256 characters of letters, digits, _ and - "
                "(Telegram's rule for secret tokens)"
            )
        port_text = get("WEBHOOK_PORT") or "8443"
        if not port_text.isdecimal() or not 0 < int(port_text) < 65536:
            raise ConfigError(f"WEBHOOK_PORT must be a port number, not {port_text!r}")
        return cls(
            checkin_sender=sender in ("on", "true", "1", "yes"),
            checkin_sends_per_second=int(rate),
            allow_paid_broadcast=paid,
            webhook_url=webhook_url,
            webhook_secret=secret,
            webhook_listen=get("WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=int(port_text),
            database_url=database_url,
            telegram_bot_token=token,
            telegram_base_url=get("TELEGRAM_BASE_URL") or DEFAULT_BASE_URL,
            content_dir=Path(get("CONTENT_DIR") or paths.content_dir()),
            checkin_poll_seconds=poll_seconds,
            log_level=level,
        )


def load_settings(dotenv_path: Path = Path(".env")) -> Settings:
    """Settings from `.env` overlaid by the real environment (which wins)."""
    from_file = {k: v for k, v in dotenv_values(dotenv_path).items() if v is not None}
    return Settings.from_env({**from_file, **os.environ})
