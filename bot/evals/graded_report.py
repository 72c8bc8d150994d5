"""What `python -m bot safety eval` prints about the graded screen, and its first-look record.

Three looks, per category and per band (`bot.evals.graded`): the first look on the fourth batch
(recorded once in `tests/data/crisis/first_look.yaml`, before any tuning on it, beside the old
yes/no screen's figures on the same batch), the heads cross-validated (each message scored by a
head not fitted on it, with the thresholds set from those scores), and the shipped screen on
every set (tuned).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.content import Content
from bot.core.safety import reading as graded
from bot.evals import graded as bands
from bot.evals import screen as safety_eval
from bot.evals.screen import Labelled

SECTIONS = {
    "fourth_before": (
        "the yes/no screen as it stood before the graded one (rules and one model, an alarm is "
        "the resources) on the fourth batch, written by writers who had not seen the screen; "
        "measured at the commit below (the data commit), before any change for it"
    ),
    "graded_first_look": (
        "the graded screen (rule bands, a head per risk trained with the fourth split held out, "
        "thresholds set on cross-validated scores) on the fourth batch, before any rule or head "
        "was changed for it"
    ),
    "fifth_look": (
        "the graded screen as tuned on every earlier batch (rules and heads as shipped, the heads "
        "trained on every split but the fifth) on the fifth batch, written by writers who had "
        "seen neither the screen nor any earlier message, before any rule or head was changed "
        "for it"
    ),
}
MEASURED = {"fourth_before": "fourth", "graded_first_look": "fourth", "fifth_look": "fifth"}


def record(
    content: Content,
    section: str,
    commit: str,
    figures: dict[str, Any] | None = None,
    path: Path = safety_eval.FIRST_LOOK,
) -> dict[str, Any]:
    """Append one graded section to the first-look file; refuse if it is already there.

    `figures`: for a section measured elsewhere (the old screen, from its own commit)."""
    existing = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    if existing and section in existing:
        raise ValueError(f"{path.name} already has {section!r}; first-look figures are final")
    given = figures is not None
    if figures is None:
        split = MEASURED[section]
        messages = [m for m in safety_eval.load_all() if m.split == split]
        figures = bands.bands(messages, [graded.read(content, m.text) for m in messages])
    entry = {
        section: {
            "date": dt.date.today().isoformat(),
            "commit": commit,
            "screen": SECTIONS[section],
            **({} if given else _fingerprints()),
            MEASURED[section]: figures,
        }
    }
    with path.open("a", encoding="utf-8") as out:
        out.write("\n" + yaml.safe_dump(entry, sort_keys=False, width=100, default_flow_style=None))
    return entry


def _fingerprints() -> dict[str, str]:
    """What was measured, exactly: the rules and the heads' weights, by their SHA-256."""
    from bot import paths
    from bot.core.safety import heads

    rules = paths.content_dir() / "safety.yaml"
    return {
        "rules_sha256": hashlib.sha256(rules.read_bytes()).hexdigest()[:16],
        "heads_sha256": hashlib.sha256(heads.WEIGHTS.read_bytes()).hexdigest()[:16],
    }


def first_look_lines(path: Path = safety_eval.FIRST_LOOK) -> list[str]:
    """The graded first looks as recorded: the fourth batch's beside the old screen's on the
    same batch, then the fifth batch's."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "graded_first_look" not in data:
        return ["# the graded screen's first look is not recorded yet"]
    look = data["graded_first_look"]["fourth"]
    columns = {"graded, first look": look}
    if "fourth_before" in data:
        old = data["fourth_before"]["fourth"]
        columns["yes/no before"] = {
            g: {"met": f["recall"], "shown": f["false_alarms"], "asked": 0.0}
            for g, f in old.items()
        }
    out = _look_lines(data, "graded_first_look", "safety.graded.first_look", columns)
    if "fifth_look" in data:
        fifth = {"graded, fifth look": data["fifth_look"]["fifth"]}
        out += ["", *_look_lines(data, "fifth_look", "safety.graded.fifth_look", fifth)]
    return out


def _look_lines(
    data: dict[str, Any], section: str, prefix: str, columns: dict[str, Any]
) -> list[str]:
    """One recorded look: its table, its overall figures and the first-look targets it missed."""
    recorded = data[section]
    split = MEASURED[section]
    look = recorded[split]
    title = (
        f"{section.replace('_', ' ')} on the {split} batch (recorded {recorded['date']} at "
        f"{recorded['commit']}, before any tuning on it)"
    )
    missed = bands.missed_targets(look, bands.TARGETS["first_look"])
    return [
        *bands.table(title, columns, list(look)),
        *bands.overall_lines(prefix, look),
        *(f"# first-look target missed: {m}" for m in missed),
    ]


def cross_validated(content: Content, messages: list[Labelled]) -> bands.Figures:
    """The rules and the heads, each message scored by heads not fitted on it, with the
    thresholds the training sets from those scores."""
    from bot.evals import screen_train as training

    texts = [safety_eval_blank(content, m.text) for m in messages]
    rules = [training.rule_bands(content, m.text) for m in messages]
    scores = {
        risk: training.out_of_fold(texts, messages, [m.crisis and m.risk == risk for m in messages])
        for risk in graded.RISKS
    }
    cuts = training.thresholds(scores, np.asarray([not m.crisis for m in messages]), rules)
    readings = []
    for i, rule in enumerate(rules):
        risk_bands = dict(rule)
        for risk, (ask_at, alarm_at) in cuts.items():
            if risk_bands.get(risk) == graded.ALARM:
                continue
            if scores[risk][i] >= alarm_at:
                risk_bands[risk] = graded.ALARM
            elif scores[risk][i] >= ask_at:
                risk_bands[risk] = graded.ASK
        readings.append(
            graded.Reading(
                alarm=tuple(r for r in graded.RISKS if risk_bands.get(r) == graded.ALARM),
                ask=tuple(r for r in graded.RISKS if risk_bands.get(r) == graded.ASK),
            )
        )
    return bands.bands(messages, readings)


def safety_eval_blank(content: Content, text: str) -> str:
    from bot.core.safety.screen import blank

    return blank(content, text)


def report(content: Content, cross_validate: bool = True) -> tuple[list[str], int]:
    """The graded sections of `safety eval`, and how many crisis messages the screen did not
    meet (neither the resources nor a question)."""
    messages = safety_eval.load_all()
    out = [*first_look_lines(), ""]
    if cross_validate:
        cv = cross_validated(content, messages)
        out += [
            *bands.table("heads 5-fold cross-validated, rules as shipped", {"CV": cv}, list(cv)),
            *bands.overall_lines("safety.graded.cv", cv),
            "",
        ]
    readings = [graded.read(content, m.text) for m in messages]
    tuned = bands.bands(messages, readings)
    missed = [m for m, r in zip(messages, readings, strict=True) if m.crisis and r.quiet]
    shown = [(m, r) for m, r in zip(messages, readings, strict=True) if not m.crisis and r.alarm]
    asked = [
        (m, r)
        for m, r in zip(messages, readings, strict=True)
        if not m.crisis and r.ask and not r.alarm
    ]
    out += [
        *bands.table("tuned: the shipped screen on every set", {"tuned": tuned}, list(tuned)),
        *bands.overall_lines("safety.graded.tuned", tuned),
        *(
            f"# tuned target missed: {m}"
            for m in bands.missed_targets(tuned, bands.TARGETS["tuned"])
        ),
        *(f"missed [{m.group}, {m.split}]: {m.text}" for m in missed),
        *(f"shown [{m.group}, {m.split}] {_why(r)}: {m.text}" for m, r in shown),
        *(f"asked [{m.group}, {m.split}] {_why(r)}: {m.text}" for m, r in asked),
    ]
    return out, len(missed)


def _why(reading: graded.Reading) -> str:
    return "; ".join(a.why() for a in reading.why)
