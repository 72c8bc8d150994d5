"""Logging set-up that keeps her words and the bot's secrets out of every log line.

python-telegram-bot logs request parameters (her messages, our replies) at
DEBUG, httpx logs request URLs (which contain the token) at INFO, and
aiosqlite logs SQL parameters at DEBUG, so those loggers are held above those
levels whatever LOG_LEVEL says. Some library exceptions quote the token
(`InvalidToken`), so every formatted line, traceback included, is also
scrubbed of the secrets it is given.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

REDACTED = "[redacted]"


class RedactingFormatter(logging.Formatter):
    """A formatter that replaces each secret (and a token's part after the colon) everywhere."""

    def __init__(self, fmt: str, secrets: Iterable[str]) -> None:
        super().__init__(fmt)
        parts = set()
        for secret in secrets:
            if secret:
                parts.add(secret)
                tail = secret.partition(":")[2]
                if len(tail) >= 8:
                    parts.add(tail)
        # Longest first, so a token is replaced whole before its tail is looked for.
        self._secrets = sorted(parts, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure(level: str, secrets: Iterable[str | None] = ()) -> None:
    handler = logging.StreamHandler()
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    handler.setFormatter(RedactingFormatter(fmt, [s for s in secrets if s]))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    quiet_libraries(level)


def quiet_libraries(level: str) -> None:
    """Hold the libraries that would log her words or the token above those levels."""
    at_least_info = max(logging.INFO, logging.getLevelName(level))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(at_least_info)
    logging.getLogger("aiosqlite").setLevel(at_least_info)
    logging.getLogger("alembic").setLevel(logging.WARNING)
