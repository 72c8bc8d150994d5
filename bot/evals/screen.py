"""Measure the crisis screen on the labelled sets: `python -m bot safety eval`.

Recall on crisis messages is the figure that matters (a missed crisis is the failure we
cannot afford); the false-alarm rate on ordinary messages says how often she is shown
resources she did not need. The sets are the two first ones in `tests/data/` and one file per
category in `tests/data/crisis/`; `bot.evals.screen_report` prints the figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.content import Content
from bot.core.safety import reading as graded
from bot.core.safety import screen as safety
from bot.core.safety.reading import RISK_OF_GROUP

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
CATEGORIES = DATA / "crisis"
FIRST_LOOK = CATEGORIES / "first_look.yaml"
LEGACY_SETS = (DATA / "crisis_messages.yaml", DATA / "crisis_heldout.yaml")
DEFAULT_SETS = LEGACY_SETS
LABELS = ("crisis", "ordinary")
SPLITS = ("dev", "fresh", "second", "third", "fourth", "extra", "extra2", "fifth")
"""`fresh`: kept apart when written and measured once, before any tuning, for the first look;
`second` and `third`: each written after the tuning before it and measured once, before any
change for it; `fourth`: written by writers who had not seen the screen, for the graded
screen's first look; `extra`: written for training by writers who had not seen the screen
or the fourth batch (like `dev`); `fifth`: written by writers who had seen neither the screen
nor any earlier message, for a first look at the screen as tuned on every earlier batch."""
OVERALL = "overall"


@dataclass(frozen=True)
class Labelled:
    text: str
    crisis: bool
    category: str | None = None
    split: str = "dev"
    group: str = ""
    """The category file it comes from, or the name of a set without categories."""
    risk: str | None = None
    """For a crisis message, the risk it is about: "own" (her own life) or "him"."""


@dataclass
class Report:
    """How the graded screen met one labelled set: crisis messages it neither showed the
    resources for nor asked about (missed), ordinary ones shown the resources, and asked."""

    crisis: int = 0
    ordinary: int = 0
    misses: list[Labelled] = field(default_factory=list)
    shown: list[tuple[Labelled, graded.Reading]] = field(default_factory=list)
    asked: list[tuple[Labelled, graded.Reading]] = field(default_factory=list)

    @property
    def met(self) -> float:
        return 1 - len(self.misses) / self.crisis if self.crisis else 1.0

    def lines(self) -> list[str]:
        """Stable `name value unit` lines, then what went wrong, one per line."""

        def why(reading: graded.Reading) -> str:
            return "; ".join(a.why() for a in reading.why)

        ordinary = self.ordinary or 1
        out = [
            f"safety.messages {self.crisis + self.ordinary} count",
            f"safety.crisis {self.crisis} count",
            f"safety.ordinary {self.ordinary} count",
            f"safety.met {self.met * 100:.1f} %",
            f"safety.shown {100 * len(self.shown) / ordinary:.1f} %",
            f"safety.asked {100 * len(self.asked) / ordinary:.1f} %",
        ]
        out += [f"missed [{m.category or m.group}]: {m.text}" for m in self.misses]
        out += [f"shown [{m.group}] {why(r)}: {m.text}" for m, r in self.shown]
        out += [f"asked [{m.group}] {why(r)}: {m.text}" for m, r in self.asked]
        return out


@dataclass
class Tally:
    """Recall and false alarms of one group of messages."""

    crisis: int = 0
    ordinary: int = 0
    caught: int = 0
    false_alarms: int = 0

    def add(self, crisis: bool, flagged: bool) -> None:
        if crisis:
            self.crisis += 1
            self.caught += flagged
        else:
            self.ordinary += 1
            self.false_alarms += flagged

    @property
    def recall(self) -> float:
        return self.caught / self.crisis if self.crisis else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.ordinary if self.ordinary else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "crisis": self.crisis,
            "ordinary": self.ordinary,
            "recall": round(self.recall * 100, 1),
            "false_alarms": round(self.false_alarm_rate * 100, 1),
        }


def load(path: Path) -> list[Labelled]:
    """One labelled set. A category file names its category once at the top; a message without
    `split` is `dev`. A label or split that is not one of ours is an error, not an ordinary
    message: a typo must not quietly turn a crisis into a false alarm's alibi."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    category, group = data.get("category"), data.get("group")
    out = []
    for i, m in enumerate(data["messages"]):
        label, split = m.get("label"), m.get("split", "dev")
        if label not in LABELS or split not in SPLITS:
            raise ValueError(f"{path.name}: messages[{i}]: label {label!r}, split {split!r}")
        risk = RISK_OF_GROUP.get(group or m.get("category", "")) if label == "crisis" else None
        if label == "crisis" and risk is None:
            raise ValueError(f"{path.name}: messages[{i}]: a crisis message needs its group")
        out.append(
            Labelled(
                str(m["text"]),
                label == "crisis",
                m.get("category", category),
                split,
                category or path.stem,
                risk,
            )
        )
    return out


def category_sets(directory: Path = CATEGORIES) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p != FIRST_LOOK)


def load_all() -> list[Labelled]:
    """Every labelled message: the first two sets, then the category files."""
    return [m for path in (*LEGACY_SETS, *category_sets()) for m in load(path)]


def evaluate(
    content: Content,
    messages: list[Labelled],
    read: Callable[[Content, str], graded.Reading] = graded.read,
) -> Report:
    report = Report()
    for message in messages:
        reading = read(content, message.text)
        if message.crisis:
            report.crisis += 1
            if reading.quiet:
                report.misses.append(message)
        else:
            report.ordinary += 1
            if reading.alarm:
                report.shown.append((message, reading))
            elif reading.ask:
                report.asked.append((message, reading))
    return report


def tally(messages: Iterable[Labelled], flagged: Iterable[bool]) -> dict[str, Tally]:
    """Per group (category or set) and overall, in the order the groups first appear."""
    out: dict[str, Tally] = {}
    overall = Tally()
    for message, hit in zip(messages, flagged, strict=True):
        out.setdefault(message.group, Tally()).add(message.crisis, hit)
        overall.add(message.crisis, hit)
    out[OVERALL] = overall
    return out


def rules_only(content: Content, text: str) -> safety.Alarm | None:
    """The screen without its model: what the rules alone catch."""
    return safety.rule_alarm(content, text)
