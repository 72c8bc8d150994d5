"""What every benchmark shares: the figure line, progress on a terminal, memory, databases.

A figure is one line, `name value unit`, with a fixed number of decimals per
figure, so a script can read the output and two runs can be diffed.
"""

from __future__ import annotations

import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL

from bench._bot import sqlite_url, upgrade

Out = Callable[[str], None]
ROOT = Path(__file__).resolve().parents[1]
"""The checkout: `bench` runs from it, and the processes it starts run `bot` from it."""


def figure(out: Out, name: str, value: float, unit: str, decimals: int = 1) -> None:
    """Print one figure: `update.echo.us 84.1 us`."""
    shown = f"{value:.{decimals}f}"
    if float(shown) == 0:
        shown = shown.lstrip("-")  # a hair below zero is noise, not a sign
    out(f"{name} {shown} {unit}")


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank `p`th percentile: a value that was measured, never an interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def progress(label: str, done: int, total: int) -> None:
    """One stderr line that updates in place; only on a terminal, so piped output stays clean."""
    if sys.stderr.isatty():
        end = "\n" if done >= total else ""
        print(f"\r  {label}: {done:,}/{total:,}", end=end, file=sys.stderr, flush=True)


def note(text: str) -> None:
    """A progress note for a step that takes a while (terminal only)."""
    if sys.stderr.isatty():
        print(f"  {text}", file=sys.stderr, flush=True)


def _status_mib(field: str) -> float | None:
    """A memory line of /proc/self/status (Linux), in MiB; None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mib() -> float:
    """This process's resident memory now, else its peak so far."""
    return _status_mib("VmRSS") or peak_rss_mib()


def peak_rss_mib() -> float:
    """This process's peak resident memory.

    `ru_maxrss` on Linux also counts the peak of the process that started
    this one (a fork copies its high-water mark and exec keeps it), so a child
    started by a benchmark that just filled a million rows would report that
    fill. VmHWM is the same high-water mark for this program alone.
    """
    return _status_mib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def temp_database(name: str = "bench.sqlite3") -> Iterator[tuple[Path, URL]]:
    """A migrated SQLite file in a throwaway folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bot-bench-") as folder:
        path = Path(folder) / name
        url = sqlite_url(path)
        upgrade(url)
        yield path, url


def run_child(task: str, **arguments: Any) -> dict[str, Any]:
    """Run `task` of `bench.child` in a fresh Python; return the figures it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.child", task, json.dumps(arguments)],
        capture_output=True,
        text=True,
        check=False,
        env=checkout_environment(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child {task!r} failed:\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def checkout_environment(**extra: str) -> dict[str, str]:
    """This environment, with the checkout first on the import path, so `-m bench` and
    `-m bot` in a child are this checkout's wherever the child starts."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **extra}
