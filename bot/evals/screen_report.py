"""What `python -m bot safety eval` prints: every look at the crisis screen, then its timing.

The yes/no screen's looks (baseline, first, second and third, recorded in
`tests/data/crisis/first_look.yaml` before the tuning each measured) are printed as recorded:
they are the history the graded screen is measured against. Then the graded screen
(`bot.evals.graded_report`): its first look on the fourth batch beside the yes/no screen's on
the same batch, its heads cross-validated, and the shipped screen on every set; then how long
it takes on the longest message and on a usual one.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import yaml

from bot.content import Content
from bot.core.safety import heads as screen_heads
from bot.core.safety import reading as graded
from bot.evals import graded_report, screen_timing
from bot.evals import screen as safety_eval
from bot.evals.screen import OVERALL

Figures = dict[str, dict[str, Any]]
"""Per group (category or set, and `overall`): crisis, ordinary, recall %, false_alarms %."""


def _cell(figure: dict[str, Any] | None) -> str:
    if not figure:
        return ""
    return f"{figure['recall']:5.1f}%  {figure['false_alarms']:5.1f}%"


def table(title: str, columns: dict[str, Figures], groups: list[str]) -> list[str]:
    """A commented header, then one row per group: recall and false alarms for each column."""
    width = 20
    out = [
        f"# {title}",
        "# " + " " * width + "".join(f"{name:<{width}}" for name in columns),
        "# " + f"{'category or set':<{width}}" + f"{'recall  false':<{width}}" * len(columns),
    ]
    for group in groups:
        cells = "".join(f"{_cell(col.get(group)):<{width}}" for col in columns.values())
        out.append(f"  {group:<{width}}{cells}".rstrip())
    return out


def overall_lines(prefix: str, figure: dict[str, Any]) -> list[str]:
    return [
        f"{prefix}.recall {figure['recall']:.1f} %",
        f"{prefix}.false_alarm_rate {figure['false_alarms']:.1f} %",
    ]


def first_look_section(path: Path = safety_eval.FIRST_LOOK) -> list[str]:
    """The yes/no screen's recorded figures, as recorded: baseline and its three looks."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    base, first = data["baseline"], data["first_look"]
    columns = {
        "baseline, dev": base["dev"],
        "baseline, fresh": base["fresh"],
        "first look, fresh": first["fresh"],
    }
    looks = [("safety.first_look", first["fresh"])]
    for section, split in (("second_look", "second"), ("third_look", "third")):
        if section in data:
            columns[section.replace("_", " ")] = data[section][split]
            looks.append((f"safety.{section}", data[section][split]))
    title = (
        f"the yes/no screen's looks ({path.relative_to(safety_eval.DATA.parents[1])}, recorded "
        "before the tuning each measured; an alarm was the resources)"
    )
    return [
        *table(title, columns, list(first["fresh"])),
        *overall_lines("safety.baseline.dev", base["dev"][OVERALL]),
        *overall_lines("safety.baseline.fresh", base["fresh"][OVERALL]),
        *(line for name, look in looks for line in overall_lines(name, look[OVERALL])),
    ]


def timing_lines(content: Content, runs: int = 21) -> list[str]:
    """Wall-clock time of the whole graded screen (readings, rules, both heads) on the longest
    message (median and worst of `runs`) and on a usual one, and the processor time it used:
    on a shared machine the wall clock also counts other people's work, the processor time
    only ours. `python -m bench screen` adds the slowest input an adversarial search finds."""
    texts = screen_timing.ordinary_texts()
    text = screen_timing.longest_message(content, texts)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        graded.read(content, text)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    short = screen_timing.short_message(texts)
    short_ms, _ = screen_timing.median_ms(lambda: graded.read(content, short), runs * 10)
    return [
        f"safety.screen_{len(text)}.ms {statistics.median(wall):.1f} ms",
        f"safety.screen_{len(text)}.max_ms {max(wall):.1f} ms",
        f"safety.screen_{len(text)}.cpu_ms {statistics.median(cpu):.1f} ms",
        f"safety.screen_{screen_timing.SHORT}_words.ms {short_ms:.3f} ms",
    ]


def stale(content: Content, messages: list[safety_eval.Labelled]) -> list[str]:
    """A warning when the heads were trained on other sets or behind another benign list."""
    from bot.evals import screen_train as safety_train

    about = screen_heads.about()
    trained = about.get("trained_on", {})
    if trained.get("messages") == len(messages) and about.get("benign") == (
        safety_train.fingerprint(content)
    ):
        return []
    return ["# the heads' weights are stale: run `python -m bot safety train`"]


def report(content: Content, cross_validate: bool = True) -> tuple[list[str], int]:
    """Every section of `safety eval`, and how many crisis messages the screen did not meet."""
    messages = safety_eval.load_all()
    crisis = sum(m.crisis for m in messages)
    graded_lines, missed = graded_report.report(content, cross_validate)
    out = [
        f"safety.messages {len(messages)} count",
        f"safety.crisis {crisis} count",
        f"safety.ordinary {len(messages) - crisis} count",
        *stale(content, messages),
        "",
        *first_look_section(),
        "",
        *timing_lines(content),
        "",
        *graded_lines,
    ]
    return out, missed
