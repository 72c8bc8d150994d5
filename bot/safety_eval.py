"""Measure the crisis screen on a labelled set: `python -m bot safety eval`.

Recall on crisis messages must stay at 100% (a missed crisis is the failure
that matters); the false-alarm rate on ordinary messages says how often she
is shown resources she did not need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot import safety
from bot.content import Content

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DEFAULT_SETS = (DATA / "crisis_messages.yaml", DATA / "crisis_heldout.yaml")


@dataclass(frozen=True)
class Labelled:
    text: str
    crisis: bool
    category: str | None = None


@dataclass
class Report:
    crisis: int = 0
    ordinary: int = 0
    misses: list[Labelled] = field(default_factory=list)
    false_alarms: list[tuple[Labelled, safety.Alarm]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return 1 - len(self.misses) / self.crisis if self.crisis else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.ordinary if self.ordinary else 0.0

    def lines(self) -> list[str]:
        """Stable `name value unit` lines, then what went wrong, one per line."""
        out = [
            f"safety.messages {self.crisis + self.ordinary} count",
            f"safety.crisis {self.crisis} count",
            f"safety.ordinary {self.ordinary} count",
            f"safety.recall {self.recall * 100:.1f} %",
            f"safety.false_alarm_rate {self.false_alarm_rate * 100:.1f} %",
        ]
        out += [f"missed [{m.category}]: {m.text}" for m in self.misses]
        out += [f"false alarm [{a.category}/{a.rule}]: {m.text}" for m, a in self.false_alarms]
        return out


def load(path: Path) -> list[Labelled]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Labelled(str(m["text"]), m["label"] == "crisis", m.get("category"))
        for m in data["messages"]
    ]


def evaluate(content: Content, messages: list[Labelled]) -> Report:
    report = Report()
    for message in messages:
        alarm = safety.screen(content, message.text)
        if message.crisis:
            report.crisis += 1
            if alarm is None:
                report.misses.append(message)
        else:
            report.ordinary += 1
            if alarm is not None:
                report.false_alarms.append((message, alarm))
    return report
