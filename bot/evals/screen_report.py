"""What `python -m bot safety eval` prints, and the first-look record it prints beside it.

`bot.evals.screen` loads the labelled sets and counts; this module runs the screen over them and
lays the figures out: a table per measure (first look, model cross-validated, tuned), then one
`name value unit` line per overall figure, as the benchmarks print theirs. The first look lives
in `tests/data/crisis/first_look.yaml`: each section is written once by
`python -m bot safety record SECTION`, before the tuning it measures, and never rewritten.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.content import Content
from bot.core.safety import model as screen_model
from bot.core.safety import screen as safety
from bot.evals import screen as safety_eval
from bot.evals.screen import OVERALL, Labelled, Tally

Screen = Callable[[Content, str], safety.Alarm | None]
Figures = dict[str, dict[str, Any]]
"""Per group (category or set, and `overall`): crisis, ordinary, recall %, false_alarms %."""

SECTIONS = {
    "baseline": (
        "the rules as they were before this work (content/safety.yaml at the commit below), "
        "no model, on every message of the category sets"
    ),
    "first_look": (
        "rules widened and a model trained on the dev split and the two first sets only "
        "(python -m bot safety train --holdout fresh); measured on the fresh split, which no "
        "rule or model had been tuned on"
    ),
    "second_look": (
        "the tuned screen (rules tuned on dev and fresh, model trained on every set but this "
        "split: python -m bot safety train --holdout second) on the second split, written after "
        "the tuning and measured before any change for it"
    ),
    "third_look": (
        "the screen after the generalising work (rule families per screening question, a model "
        "that reads concepts and skip-grams, trained on every set but this split, which did not "
        "exist yet) on the third split, written after that work, committed, and measured before "
        "any change for it"
    ),
}
MEASURED = {"first_look": "fresh", "second_look": "second", "third_look": "third"}
"""The split each look measures; the baseline measures every split there was."""
LONGEST = 4096
"""Telegram's longest message: the screen must answer it in under 50 ms."""


def figures(content: Content, messages: list[Labelled], screen: Screen) -> dict[str, Figures]:
    """Per split, per category and overall: how `screen` does on `messages`."""
    out = {}
    for split in safety_eval.SPLITS:
        chosen = [m for m in messages if m.split == split]
        if chosen:
            flagged = [screen(content, m.text) is not None for m in chosen]
            out[split] = as_figures(safety_eval.tally(chosen, flagged))
    return out


def as_figures(tallies: dict[str, Tally]) -> Figures:
    return {group: t.as_dict() for group, t in tallies.items()}


def _commit() -> str:
    """The commit the working tree is at, marked `+changes` when it differs from it."""
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"{head}+changes" if git("status", "--porcelain", "--", "bot", "content") else head


def record(content: Content, section: str, path: Path = safety_eval.FIRST_LOOK) -> dict[str, Any]:
    """Append one section of first-look figures to `path`; refuse if it is already there."""
    existing = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    if existing and section in existing:
        raise ValueError(f"{path.name} already has {section!r}; first-look figures are final")
    messages = [m for p in safety_eval.category_sets() for m in safety_eval.load(p)]
    if section == "baseline":
        screen: Screen = safety_eval.rules_only
    else:
        screen = safety.screen
        messages = [m for m in messages if m.split == MEASURED[section]]
    entry = {
        section: {
            "date": dt.date.today().isoformat(),
            "commit": _commit(),
            "screen": SECTIONS[section],
            **figures(content, messages, screen),
        }
    }
    with path.open("a", encoding="utf-8") as out:
        out.write("\n" + yaml.safe_dump(entry, sort_keys=False, width=100, default_flow_style=None))
    return entry


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
    """The recorded figures, as recorded: baseline (dev and fresh) and the first look."""
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
        f"first look ({path.relative_to(safety_eval.DATA.parents[1])}, recorded "
        f"{first['date']} at {first['commit']}, before any tuning on the fresh split)"
    )
    return [
        *table(title, columns, list(first["fresh"])),
        *overall_lines("safety.baseline.dev", base["dev"][OVERALL]),
        *overall_lines("safety.baseline.fresh", base["fresh"][OVERALL]),
        *(line for name, look in looks for line in overall_lines(name, look[OVERALL])),
    ]


def cross_validated_section(content: Content, messages: list[Labelled]) -> list[str]:
    """The model refitted on four folds and scored on the fifth, for every message, with the
    threshold the training sets from those scores; and the whole screen with that model."""
    from bot.evals import screen_train as safety_train

    texts = [safety.blank(content, m.text) for m in messages]
    crisis = [m.crisis for m in messages]
    rules = [safety.rule_alarm(content, m.text) is not None for m in messages]
    scores = safety_train.out_of_fold(texts, messages)
    cut = safety_train.threshold(scores, crisis, rules, safety_train.TARGET_FALSE_ALARMS)
    model = [bool(s >= cut) for s in scores]
    alone = as_figures(safety_eval.tally(messages, model))
    either = [a or b for a, b in zip(rules, model, strict=True)]
    screen = as_figures(safety_eval.tally(messages, either))
    title = (
        f"model, {safety_train.FOLDS}-fold cross-validated (folds stratified by category and "
        f"label, seed {safety_train.SEED}; rules as tuned)"
    )
    columns = {"model alone": alone, "rules + CV model": screen}
    return [
        *table(title, columns, list(alone)),
        *overall_lines("safety.cv.model", alone[OVERALL]),
        *overall_lines("safety.cv.screen", screen[OVERALL]),
    ]


def longest_message(content: Content, messages: list[Labelled]) -> str:
    """4,096 characters of ordinary messages that raise no alarm together: the screen's longest
    path (every rule tried, every window scored)."""
    text = ""
    for message in messages:
        if message.crisis:
            continue
        candidate = f"{text} {message.text}." if text else f"{message.text}."
        if safety.screen(content, candidate[:LONGEST]) is None:
            text = candidate
        if len(text) >= LONGEST:
            break
    return text[:LONGEST]


def timing_lines(content: Content, messages: list[Labelled], runs: int = 21) -> list[str]:
    """Wall-clock time of the screen on the longest message (median and worst of `runs`), and
    the processor time it used: on a shared machine the wall clock also counts other people's
    work, the processor time only ours."""
    text = longest_message(content, messages)
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        safety.screen(content, text)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return [
        f"safety.screen_{len(text)}.ms {statistics.median(wall):.1f} ms",
        f"safety.screen_{len(text)}.max_ms {max(wall):.1f} ms",
        f"safety.screen_{len(text)}.cpu_ms {statistics.median(cpu):.1f} ms",
    ]


def tuned_section(content: Content, messages: list[Labelled]) -> tuple[list[str], int]:
    """The shipped screen on every message; what it missed and what it flagged, by name."""
    alarms = [safety.screen(content, m.text) for m in messages]
    tallies = as_figures(safety_eval.tally(messages, [a is not None for a in alarms]))
    model = screen_model.packaged()
    title = f"tuned: rules + shipped model on every set ({len(content.safety.rules)} rules"
    title += f", {len(model.words) + len(model.chars):,} n-grams)" if model else ", no model)"
    missed = [m for m, a in zip(messages, alarms, strict=True) if m.crisis and a is None]
    flagged = [(m, a) for m, a in zip(messages, alarms, strict=True) if not m.crisis and a]
    return [
        *table(title, {"tuned": tallies}, list(tallies)),
        *overall_lines("safety.tuned", tallies[OVERALL]),
        *(f"missed [{m.group}, {m.split}]: {m.text}" for m in missed),
        *(f"false alarm [{m.group}, {m.split}] {a.why()}: {m.text}" for m, a in flagged),
    ], len(missed)


def stale(content: Content, messages: list[Labelled]) -> list[str]:
    """A warning when the weights were trained on other sets, behind another benign list or
    with other concepts."""
    from bot.evals import screen_train as safety_train
    from bot.evals.screen_concepts import CONCEPTS

    about = screen_model.about()
    trained = about.get("trained_on", {})
    model = screen_model.packaged()
    if (
        trained.get("messages") == len(messages)
        and about.get("benign") == safety_train.fingerprint(content)
        and model is not None
        and model.concepts == CONCEPTS
    ):
        return []
    return ["# the weights file is stale: run `python -m bot safety train`"]


def report(content: Content, cross_validate: bool = True) -> tuple[list[str], int]:
    """Every section of `safety eval`, and how many crisis messages the screen missed."""
    messages = safety_eval.load_all()
    crisis = sum(m.crisis for m in messages)
    out = [
        f"safety.messages {len(messages)} count",
        f"safety.crisis {crisis} count",
        f"safety.ordinary {len(messages) - crisis} count",
        *stale(content, messages),
        "",
        *first_look_section(),
        "",
    ]
    if cross_validate:
        out += [*cross_validated_section(content, messages), ""]
    tuned, missed = tuned_section(content, messages)
    return [*out, *timing_lines(content, messages), "", *tuned], missed
