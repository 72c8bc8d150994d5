"""The bot as a real process against the Bot API emulator.

Each test gets its own emulator on 127.0.0.1 and its own SQLite file; `bot`
starts `python -m bot <command>` with the contract's environment variables
and stops it (SIGTERM, then SIGKILL if it hangs) when the test ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from bot.db.url import normalize
from tests.dbcheck import SERVER, fresh_database
from tests.emulator import BotAPI

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """One `python -m bot` process; its output goes to files the test can read."""

    def __init__(self, env: dict[str, str], workdir: Path, command: str = "run") -> None:
        self.env, self.workdir, self.command = env, workdir, command
        self.proc: subprocess.Popen[bytes] | None = None
        self.runs = 0

    def start(self) -> BotProcess:
        self.runs += 1
        with (self.workdir / f"bot-{self.runs}.log").open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", self.command],
                cwd=self.workdir,  # no stray .env from a developer's checkout
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    @property
    def log(self) -> str:
        return "".join(
            (self.workdir / f"bot-{i}.log").read_text(errors="replace")
            for i in range(1, self.runs + 1)
        )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, as a service manager would; SIGKILL if it does not end in time."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        self.proc = None
        return code

    def kill(self) -> None:
        """SIGKILL: the process dies mid-whatever, as in a power cut of the process."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()
        self.proc = None


@pytest.fixture
def api() -> Iterator[BotAPI]:
    emulator = BotAPI().start()
    yield emulator
    emulator.stop()


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[URL]:
    """The bot's database: a SQLite file, or a fresh database on TEST_DATABASE_URL's server.

    Not migrated here: the bot migrates it at start, as in production.
    """
    if not SERVER:
        yield normalize(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
        return
    with fresh_database() as url:
        yield url


def database_url(url: URL) -> str:
    """`DATABASE_URL` as an operator would write it (password included)."""
    return url.render_as_string(hide_password=False)


def bot_environment(api: BotAPI, url: URL, **extra: str) -> dict[str, str]:
    """The contract's variables for a bot process talking to `api` on the database at `url`."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {
        **keep,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "DATABASE_URL": database_url(url),
        "CHECKIN_POLL_SECONDS": "1",
        "LOG_LEVEL": "INFO",
        **extra,
    }


@pytest.fixture
def bot_env(api: BotAPI, db_url: URL) -> dict[str, str]:
    return bot_environment(api, db_url)


@pytest.fixture
def start_bot(
    bot_env: dict[str, str], tmp_path: Path, api: BotAPI
) -> Iterator[Callable[..., BotProcess]]:
    """Start the bot (waiting until it polls); every process started is stopped at the end."""
    started: list[BotProcess] = []

    def start(command: str = "run", wait: bool = True, **env: str) -> BotProcess:
        process = BotProcess({**bot_env, **env}, tmp_path, command).start()
        started.append(process)
        if wait:
            before = len(api.called("getUpdates"))
            deadline = time.monotonic() + 30
            while len(api.called("getUpdates")) <= before:
                if not process.alive():
                    raise AssertionError(f"the bot exited:\n{process.log}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"the bot never polled:\n{process.log}")
                time.sleep(0.05)
        return process

    yield start
    for process in started:
        process.stop()


def errors_in(log: str) -> list[str]:
    """Log lines at ERROR or above (the error handler's, or a crash)."""
    return [line for line in log.splitlines() if " ERROR " in line or "Traceback" in line]
