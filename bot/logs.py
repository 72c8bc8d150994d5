"""Logging set-up that keeps her words and the token out of every log line.

python-telegram-bot logs request parameters (her messages, our replies) at
DEBUG, and httpx logs request URLs (which contain the token) at INFO, so those
loggers are held above those levels whatever LOG_LEVEL says.
"""

from __future__ import annotations

import logging


def configure(level: str) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level, force=True
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLevelName(level)))
    logging.getLogger("alembic").setLevel(logging.WARNING)
