"""The benchmarks run end to end at a tiny size and print figures a script can read.

Only the shape of the output is checked, never a timing: figures depend on
the machine. Each benchmark finishes here in a few seconds. The last tests
keep the benchmarks out of the product: the bot never imports them, the wheel
does not ship them, and the bot holds no SQL outside `bot/db/`.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

from bench import (
    backlog,
    checkins,
    e2e_load,
    fairness,
    jobqueue,
    latency,
    screen,
    sendrate,
    startup,
    updates,
)
from bench.common import ROOT, checkout_environment
from bot.content import Content

FIGURE = re.compile(r"^(?P<name>[a-z0-9_.]+) (?P<value>-?\d+(?:\.\d+)?) (?P<unit>\S+)$")
PRODUCT = ROOT / "bot"


def figures(lines: list[str]) -> dict[str, float]:
    """`name value unit` lines as {name: value}; every line must be one, every name unique."""
    found: dict[str, float] = {}
    for line in lines:
        match = FIGURE.match(line)
        assert match, f"not a figure line: {line!r}"
        assert match["name"] not in found, f"figure printed twice: {line!r}"
        found[match["name"]] = float(match["value"])
    return found


def test_updates_compares_the_bot_with_a_bare_echo_bot(content: Content) -> None:
    lines: list[str] = []

    updates.measure(content, lines.append, rounds=1, echo_updates=20, assessments=2, counted=1)

    found = figures(lines)
    for name in ("update.echo.us", "update.bot.us", "update.bot.per_s", "update.ratio"):
        assert found[name] > 0
    assert found["update.bot.us"] > found["update.bot.core_us"] > 0
    assert found["update.bot.core_ratio"] > 0
    assert found["update.bot.api_calls"] > 1
    # Each press is answered, the pressed message redrawn and, mostly, a question sent.
    assert found["update.bot.api_calls_per_press"] > 2
    # At least a question for every step and the guidance after them.
    assert found["update.bot.messages_per_assessment"] > len(content.steps) + 1


def test_checkins_claims_advances_and_measures_memory(content: Content) -> None:
    lines: list[str] = []
    size = checkins.DUE

    checkins.measure(content, [size], lines.append)

    found = figures(lines)
    parts = ("insert.s", "due_query.ms", "claim_first.ms", "claim.ms", "claim_decide.ms")
    for part in (*parts, "advance.ms"):
        assert found[f"checkins.{size}.{part}"] >= 0
    assert found[f"checkins.{size}.claim.ms"] > found[f"checkins.{size}.claim_decide.ms"]
    assert found[f"checkins.{size}.peak_rss.mib"] > 0


@pytest.mark.skipif(
    not jobqueue.available(), reason="needs APScheduler (pip install -e '.[bench]')"
)
def test_the_jobqueue_it_is_compared_with_holds_a_job_per_user() -> None:
    found = jobqueue.jobs(200)

    assert found["resident_bytes"] >= 0
    assert found["traced_bytes"] > 0


def test_sendrate_keeps_telegrams_limits(content: Content) -> None:
    lines: list[str] = []

    sendrate.measure(content, lines.append, seconds=1.0)

    found = figures(lines)
    assert found["sendrate.messages"] > 1
    assert found["sendrate.busiest_second.messages"] <= 30
    assert found["sendrate.per_chat_max.messages"] == 1


def test_startup_times_the_bot_to_its_first_poll() -> None:
    lines: list[str] = []

    startup.measure(lines.append, runs=1)

    found = figures(lines)
    assert found["startup.new_db.ms"] > 0
    assert found["startup.ms"] > 0
    # Settled, a full collection no longer walks what the bot loaded for good.
    assert 0 <= found["startup.full_gc_settled.ms"] < found["startup.full_gc.ms"]


def test_latency_load_brings_taps_at_the_rate_asked_for(content: Content) -> None:
    load = latency.plan(content, rate=10, seconds=600, pause=(1.0, 4.0))

    # Her taps as they would come with instant answers: arrival, then a pause before each.
    moments = []
    for woman in load.women:
        moment = woman.arrives
        moments.append(moment)
        for pause in woman.pauses:
            moment += pause
            moments.append(moment)
    timed = [m for m in moments if load.warmup <= m < load.warmup + load.seconds]

    assert 8 <= len(timed) / load.seconds <= 12
    assert latency.plan(content, rate=10, seconds=600, pause=(1.0, 4.0)) == load  # same for both
    assert all(w.taps[0].text == "/start" and w.taps[-1].expect is None for w in load.women)


def test_latency_times_the_bot_and_the_bare_echo_under_the_same_load(content: Content) -> None:
    arguments = ["--seconds", "3", "--rates", "5", "--pause", "0.05", "0.2"]

    done = subprocess.run(
        [sys.executable, "-m", "bench", "latency", *arguments],
        cwd=ROOT,
        env=checkout_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == "", "progress goes to stderr only on a terminal"
    found = figures(done.stdout.splitlines())
    for bot in ("echo", "bot"):
        name = f"latency.5_per_s.{bot}"
        assert 0 < found[f"{name}.p50_ms"] <= found[f"{name}.p95_ms"] <= found[f"{name}.p99_ms"]
        assert found[f"{name}.taps"] > 0
        assert found[f"{name}.unanswered"] == 0
        assert found[f"{name}.errors"] == 0
    assert found["latency.5_per_s.p95_ratio"] > 0
    assert found["latency.5_per_s.echo.api_calls_per_tap"] == 1.0
    assert found["latency.5_per_s.bot.api_calls_per_tap"] > 1
    assert found["latency.5_per_s.bot.messages_per_assessment"] > len(content.steps) + 1


def test_fairness_times_her_steps_beside_flooded_chats_and_a_burst(content: Content) -> None:
    lines: list[str] = []

    fairness.measure(
        content, lines.append, seconds=0.3, floods=(3,), messages=5, burst=60, length=300
    )

    found = figures(lines)
    for scene in ("alone", "flooded_3", "burst"):
        name = f"fairness.{scene}"
        assert found[f"{name}.steps"] >= len(content.steps)
        assert 0 < found[f"{name}.p50.ms"] <= found[f"{name}.p95.ms"] <= found[f"{name}.max.ms"]
    assert found["fairness.burst.replies"] >= 0  # answered once, when its turn comes
    assert found["fairness.burst.taken_in.s"] > 0
    assert found["fairness.group_refusals_20000.ms"] > 0


def test_backlog_measures_memory_per_update_held_and_under_a_crowd() -> None:
    lines: list[str] = []

    backlog.measure(lines.append, chats=40, idle=0.1)

    found = figures(lines)
    assert found["backlog.per_1000_in_hand.mib"] > 0
    assert found["backlog.answered"] == found["backlog.chats"] == 40
    assert 0 < found["backlog.rss_start.mib"] <= found["backlog.rss_peak.mib"]
    assert found["backlog.rss_idle.mib"] > 0


def test_screen_times_a_long_message_a_usual_one_and_the_slowest_it_finds(
    content: Content,
) -> None:
    lines: list[str] = []

    screen.measure(content, lines.append, runs=1, short_runs=1, worst_runs=1, mixes=1)

    found = figures(lines)
    assert found["screen.4096.ms"] > 0
    assert found["screen.20_words.ms"] > 0
    assert found["screen.4096.cpu_ms"] >= 0
    worst = [name for name in found if name.startswith("screen.worst.")]
    assert len(worst) == 2
    assert {name.rsplit(".", 1)[1] for name in worst} == {"ms", "chars"}


def test_the_closed_loop_load_script_still_runs() -> None:
    found = e2e_load.run(users=2, seconds=1.0)

    assert found["steps"] > 0
    assert found["errors"] == 0


def test_the_wheel_ships_the_bot_without_benchmarks_or_tests() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    find = config["tool"]["setuptools"]["packages"]["find"]
    tops = [d for d in ROOT.iterdir() if d.is_dir() and d.name[0] not in "._"]
    packages = {".".join(p.parent.relative_to(ROOT).parts) for d in tops for p in d.rglob("*.py")}

    # How setuptools filters what it found: a dotted name matches a pattern as fnmatch does.
    shipped = {
        name
        for name in packages
        if any(fnmatchcase(name, p) for p in find.get("include", ["*"]))
        and not any(fnmatchcase(name, p) for p in find.get("exclude", []))
    }

    assert {"bot", "bot.db", "bot.telegram"} <= shipped
    assert {"bench", "tests", "tests.e2e"} <= packages
    assert {name.split(".")[0] for name in shipped} == {"bot"}


def _python_files() -> list[Path]:
    return sorted(PRODUCT.rglob("*.py"))


def test_nothing_in_the_bot_imports_the_benchmarks_or_the_tests() -> None:
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found += [f"{path}: {n}" for n in names if n.split(".")[0] in ("bench", "tests")]

    assert found == []


SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA)\b")


def test_the_bot_holds_no_sql_outside_its_db_package() -> None:
    found = []
    for path in _python_files():
        if PRODUCT / "db" in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and SQL.search(text):
                found.append(f"{path}: {text[:60]!r}")

    assert found == []
