"""What `python -m bot safety eval` prints, and the first-look record it prints beside it.

`bot.safety_eval` loads the labelled sets and counts; this module runs the screen over them
and lays the figures out (one `name value unit` line per figure, as the benchmarks do). The
first look lives in `tests/data/crisis/first_look.yaml`: each section is written once by
`python -m bot safety record SECTION`, before the tuning it measures, and never rewritten.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot import safety, safety_eval
from bot.content import Content
from bot.safety_eval import Labelled, Tally

Screen = Callable[[Content, str], safety.Alarm | None]

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
}


def figures(
    content: Content, messages: list[Labelled], screen: Screen
) -> dict[str, dict[str, Tally]]:
    """Per split, per category and overall: how `screen` does on `messages`."""
    out = {}
    for split in safety_eval.SPLITS:
        chosen = [m for m in messages if m.split == split]
        if chosen:
            flagged = [screen(content, m.text) is not None for m in chosen]
            out[split] = safety_eval.tally(chosen, flagged)
    return out


def _commit() -> str:
    """The commit the working tree is at, marked `+changes` when it differs from it."""
    root = Path(__file__).resolve().parents[1]

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
        messages = [m for m in messages if m.split == "fresh"]
    measured = figures(content, messages, screen)
    entry = {
        section: {
            "date": dt.date.today().isoformat(),
            "commit": _commit(),
            "screen": SECTIONS[section],
            **{
                split: {group: t.as_dict() for group, t in groups.items()}
                for split, groups in measured.items()
            },
        }
    }
    with path.open("a", encoding="utf-8") as out:
        out.write("\n" + yaml.safe_dump(entry, sort_keys=False, width=100, default_flow_style=None))
    return entry
