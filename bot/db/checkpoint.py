"""SQLite's write-ahead log folded into the database file on a thread of its own.

By default SQLite checkpoints inside the COMMIT that pushes the log past 1,000
pages, and a checkpoint ends with an fsync: measured here, 17 to 40 ms during
which the event loop, and so every woman waiting for an answer, stands still.
With a million schedules about every other claim of check-ins paid it. So the
bot's connection never checkpoints (`wal_autocheckpoint=0`); after a commit
that wrote, this thread is woken and runs a PASSIVE checkpoint on a connection
of its own. PASSIVE never waits for a lock and never blocks a writer, and
`sqlite3` lets go of the GIL while SQLite works, so the loop carries on.

At most one checkpoint runs every `EVERY` seconds; the log grows by what is
written in between, and a checkpoint that finds readers in the way simply
leaves the rest for the next one. A crash loses nothing: the log is the
committed data until it is folded in, and SQLite replays it on the next open.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

EVERY = 1.0
"""Seconds between checkpoints at most: the log stays a second of writes long."""

JOIN_TIMEOUT = 30.0
"""How long closing waits for a checkpoint in progress (it is one fsync, usually ms)."""

log = logging.getLogger(__name__)


class Checkpointer:
    """A thread that checkpoints one SQLite file when told something was written."""

    def __init__(self, path: Path, every: float = EVERY) -> None:
        self._path = path
        self._every = every
        self._written = threading.Event()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0
        """How many checkpoints ran (for tests and benchmarks)."""

    def written(self) -> None:
        """A commit wrote to the log: checkpoint soon. Cheap enough to call after every one."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"checkpoint {self._path.name}", daemon=True
            )
            self._thread.start()
        self._written.set()

    def close(self) -> None:
        """Stop the thread after one last checkpoint of what was written (blocks briefly)."""
        self._closing.set()
        self._written.set()
        if self._thread is not None:
            self._thread.join(JOIN_TIMEOUT)

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=0")
            while True:
                self._written.wait()
                self._written.clear()
                self._checkpoint(conn)
                if self._closing.is_set() or self._closing.wait(self._every):
                    if self._written.is_set():
                        self._checkpoint(conn)
                    return
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.checkpoints += 1
        except sqlite3.Error as exc:  # the file went away, a disk error: the next one may work
            log.warning("checkpoint failed: %s", type(exc).__name__)
