"""A bot as a real process against the Bot API emulator: started, watched, stopped by its PID.

`bench latency` and `bench.e2e_load` start `python -m bot run` (or the bare
echo, `python -m bench.echo_bot`) in a throwaway folder with only the
contract's variables set, so a developer's `.env` or `DATABASE_URL` never
reaches it, and stop it with SIGTERM (SIGKILL only if it will not end).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT
from tests.emulator import BotAPI

PATIENCE = 60.0
"""Seconds to wait for a first getUpdates, or for the process to end after SIGTERM."""
KEPT = ("PATH", "HOME", "LANG", "TMPDIR")


def emulator() -> BotAPI:
    """A started Bot API emulator on 127.0.0.1 that answers at once and limits nothing.

    The benchmarks measure the bot, not Telegram's limits: should the emulator
    gain a strict mode (flood waits, presses that expire), turn it off here.
    """
    return BotAPI().start()


def environment(api: BotAPI, **extra: str) -> dict[str, str]:
    """The contract's variables for a process talking to `api`; `extra` adds or overrides."""
    kept = {name: value for name, value in os.environ.items() if name in KEPT}
    return {
        **kept,
        "PYTHONPATH": str(ROOT),
        "PTB_TIMEDELTA": "1",
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class Process:
    """`python -m MODULE ARGS...` in `folder`; everything it prints goes to `folder/NAME.log`."""

    def __init__(self, command: list[str], env: dict[str, str], folder: Path, name: str) -> None:
        self.command, self.env, self.folder = command, env, folder
        self.log_path = folder / f"{name}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with self.log_path.open("ab") as out:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", *self.command],
                cwd=self.folder,  # no stray .env from a developer's checkout
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_polling(self, api: BotAPI, patience: float = PATIENCE) -> None:
        """Until the process asks `api` for updates; a process that ends or hangs is an error."""
        deadline = time.monotonic() + patience
        while not api.called("getUpdates"):
            if self._proc is None or self._proc.poll() is not None:
                raise RuntimeError(f"`{' '.join(self.command)}` ended:\n{self.log[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"`{' '.join(self.command)}` never polled:\n{self.log[-3000:]}")
            time.sleep(0.05)

    def stop(self, patience: float = PATIENCE) -> int | None:
        """SIGTERM by PID, as a service manager would, and wait; SIGKILL if it will not end."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(patience)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
        return proc.returncode

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def errors(self) -> list[str]:
        """Log lines at ERROR or above (an error handler's, or a crash)."""
        return [
            line
            for line in self.log.splitlines()
            if " ERROR " in line or " CRITICAL " in line or "Traceback" in line
        ]
