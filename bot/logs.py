"""Logging set-up that keeps her words and the bot's secrets out of every log line.

python-telegram-bot logs request parameters (her messages, our replies) at
DEBUG, httpx logs request URLs (which contain the token) at INFO, and
aiosqlite logs SQL parameters at DEBUG, so those loggers are held above those
levels whatever LOG_LEVEL says. Some library exceptions quote the token
(`InvalidToken`), so every formatted line, traceback included, is also
scrubbed of the secrets it is given.

Libraries also log what they were given when something goes wrong: when
python-telegram-bot cannot parse an update it logs the whole update (her text,
her id) at CRITICAL. So a library's record keeps its message but loses its
arguments (numbers aside) and the messages of its exceptions (their types and
stacks stay): the bot's own records, which never carry her words, are left as
they are.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from typing import Any, TextIO

REDACTED = "[redacted]"
WITHHELD = "[withheld]"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OWN = "bot"


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


def _harmless(arg: Any) -> Any:
    return arg if isinstance(arg, int | float) else WITHHELD


class WithholdLibraryDetails(logging.Filter):
    """A library's record without what it was given: arguments and exception messages."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == OWN or record.name.startswith(OWN + "."):
            return True
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            try:
                record.msg = str(record.msg) % tuple(_harmless(a) for a in args)
            except (TypeError, ValueError, KeyError):
                record.msg = f"{record.msg} {WITHHELD}"
            record.args = None
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            stack = "".join(traceback.format_tb(error.__traceback__)).rstrip()
            record.msg = f"{record.msg}\n{type(error).__name__} (message withheld)\n{stack}"
            record.exc_info = None
            record.exc_text = None
        return True


def handler(secrets: Iterable[str], stream: TextIO | None = None) -> logging.Handler:
    """The one handler every record goes through: redacted, library details withheld."""
    out = logging.StreamHandler(stream)
    out.setFormatter(RedactingFormatter(FORMAT, secrets))
    out.addFilter(WithholdLibraryDetails())
    return out


def configure(level: str, secrets: Iterable[str | None] = ()) -> None:
    logging.basicConfig(level=level, handlers=[handler([s for s in secrets if s])], force=True)
    quiet_libraries(level)


def quiet_libraries(level: str) -> None:
    """Hold the libraries that would log her words or the token above those levels."""
    at_least_info = max(logging.INFO, logging.getLevelName(level))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(at_least_info)
    logging.getLogger("aiosqlite").setLevel(at_least_info)
    logging.getLogger("alembic").setLevel(logging.WARNING)
