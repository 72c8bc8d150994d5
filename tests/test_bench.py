"""The benchmarks run end to end at a tiny size and print figures a script can read.

Only the shape of the output is checked, never a timing: figures depend on
the machine. Each benchmark finishes here in a second or two.
"""

from __future__ import annotations

import re

import pytest

from bot.benchmarks import checkins, jobqueue, sendrate, startup, updates
from bot.content import Content

FIGURE = re.compile(r"^(?P<name>[a-z0-9_.]+) (?P<value>-?\d+(?:\.\d+)?) (?P<unit>\S+)$")


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

    updates.measure(content, lines.append, rounds=1, echo_updates=20, assessments=2)

    found = figures(lines)
    for name in ("update.echo.us", "update.bot.us", "update.bot.per_s", "update.ratio"):
        assert found[name] > 0
    assert found["update.bot.us"] > found["update.bot.core_us"] > 0
    assert found["update.bot.api_calls"] > 1


def test_checkins_claims_advances_and_measures_memory(content: Content) -> None:
    lines: list[str] = []
    size = checkins.DUE

    checkins.measure(content, [size], lines.append)

    found = figures(lines)
    for part in ("insert.s", "due_query.ms", "claim.ms", "claim_decide.ms", "advance.ms"):
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
