"""`/draft` on the safety path, measured on `tests/data/drafts_safety.yaml`.

Each draft is read as the bot reads it for a woman on the safety path (the whole core: the
crisis screen first, then the patterns), and what she would see is checked:

- never a word that moves her toward him (safety_plan.yaml: toward_him), never a calmer shape
  written for the coaching path, never a reason that measures her by him: target none;
- a boundary is named as one (recall and precision of the `boundary` pattern);
- self-blame is named, kindly (recall and precision of `self_blame`), and never echoed;
- words of a crisis stop the wording advice: the lines or the direct question, nothing more.

The set was written by someone who had not seen the rules and committed before any rule for
boundaries or self-blame existed; the first look (`drafts_safety_first_look.yaml`) was measured
once, before any tuning, and is printed beside the current figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.content import Content, normalize
from bot.core import router
from bot.core.drafts import check
from bot.core.inputs import Command
from bot.core.replies import Reply
from bot.core.state import Asked, State

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
LABELLED = DATA / "drafts_safety.yaml"
FIRST_LOOK = DATA / "drafts_safety_first_look.yaml"
KINDS = ("boundary", "plea", "self_blame", "crisis", "neutral")
NAMED = ("boundary", "self_blame")
"""The kinds a pattern of the same name must find."""
ON_THE_SAFETY_PATH = State(profile={"safety": ("no",)}, unsafe="no", welcomed=True)


@dataclass(frozen=True)
class Draft:
    text: str
    kinds: frozenset[str]


@dataclass
class Named:
    positives: int = 0
    caught: int = 0
    """Named in what she was shown."""
    false: int = 0
    found: int = 0
    """Found by the pattern's rules, whether or not the crisis screen spoke first (a draft it
    asks about gets no wording advice at all, a boundary's naming included)."""

    @property
    def rules_recall(self) -> float:
        return 100.0 * self.found / self.positives if self.positives else 100.0

    @property
    def recall(self) -> float:
        return 100.0 * self.caught / self.positives if self.positives else 100.0

    @property
    def precision(self) -> float:
        found = self.caught + self.false
        return 100.0 * self.caught / found if found else 100.0


@dataclass
class Report:
    drafts: int = 0
    named: dict[str, Named] = field(default_factory=lambda: {k: Named() for k in NAMED})
    toward_him: list[tuple[Draft, str]] = field(default_factory=list)
    crisis: int = 0
    crisis_stopped: int = 0
    crisis_missed: list[Draft] = field(default_factory=list)
    wording_after_crisis: list[Draft] = field(default_factory=list)
    misses: list[tuple[str, Draft]] = field(default_factory=list)
    false: list[tuple[str, Draft]] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        return {
            "drafts": self.drafts,
            **{
                kind: {
                    "positives": n.positives,
                    "recall": round(n.recall, 1),
                    "precision": round(n.precision, 1),
                }
                for kind, n in self.named.items()
            },
            "toward_him": len(self.toward_him),
            "crisis": self.crisis,
            "crisis_stopped": round(100.0 * self.crisis_stopped / self.crisis, 1)
            if self.crisis
            else 100.0,
        }


def load(path: Path = LABELLED) -> list[Draft]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for i, item in enumerate(data["drafts"]):
        kinds = frozenset(item.get("kinds") or ())
        if not kinds or kinds - set(KINDS):
            raise ValueError(f"{path.name}: drafts[{i}]: kinds {sorted(kinds)}")
        out.append(Draft(str(item["text"]), kinds))
    return out


def shown(content: Content, text: str) -> tuple[tuple[Reply, ...], State]:
    """What she sees for `text` as a draft on the safety path, and where it leaves her."""
    done = router.respond(content, ON_THE_SAFETY_PATH, Command("draft", text))
    return done.replies, done.state


def _forbidden(content: Content) -> tuple[list[Any], list[str]]:
    """The patterns and the coaching-path texts that must never reach her on this path."""
    plan = content.safety_plan
    patterns = [*plan.toward_him, *plan.measured_by_him]
    coaching = [normalize(p.instead) for p in content.drafts.patterns if p.instead]
    return patterns, coaching


def evaluate(content: Content, drafts: list[Draft]) -> Report:
    report = Report()
    patterns, coaching = _forbidden(content)
    names = {p.name for p in content.drafts.patterns}
    for draft in drafts:
        report.drafts += 1
        replies, after = shown(content, draft.text)
        text = normalize("\n".join(r.text for r in replies))
        for rule in patterns:
            if found := rule.search(text):
                report.toward_him.append((draft, found.group(0)))
        report.toward_him += [(draft, c[:40]) for c in coaching if c in text]
        for kind in NAMED:
            name = content.drafts.pattern(kind).name
            found = any(name in r.text for r in replies)
            score = report.named[kind]
            if kind in draft.kinds:
                score.positives += 1
                score.caught += found
                score.found += kind in {f.pattern for f in check(content.drafts, draft.text)}
                if not found:
                    report.misses.append((kind, draft))
            elif found:
                score.false += 1
                report.false.append((kind, draft))
        if "crisis" in draft.kinds:
            report.crisis += 1
            asked = isinstance(after.overlay, Asked)
            lines = any(r.kind == "resources" for r in replies)
            wording = any(name in r.text for r in replies for name in names)
            if (asked or lines) and not wording:
                report.crisis_stopped += 1
            elif not (asked or lines):
                report.crisis_missed.append(draft)
            else:
                report.wording_after_crisis.append(draft)
    return report


def load_first_look(path: Path = FIRST_LOOK) -> dict[str, Any] | None:
    if not path.exists():
        return None
    figures: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["figures"]
    return figures


def lines(report: Report, first_look: dict[str, Any] | None = None) -> list[str]:
    """One `name value unit` line per figure, the first look beside it; then what went wrong."""
    before = first_look or {}

    def beside(*keys: str) -> str:
        value: Any = before
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return f"  (first look {value})" if value is not None else ""

    out = [f"drafts.safety.labelled {report.drafts} count"]
    for kind, n in report.named.items():
        out += [
            f"drafts.safety.{kind}.positives {n.positives} count",
            f"drafts.safety.{kind}.recall {n.recall:.1f} %{beside(kind, 'recall')}",
            f"drafts.safety.{kind}.precision {n.precision:.1f} %{beside(kind, 'precision')}",
            f"drafts.safety.{kind}.rules_recall {n.rules_recall:.1f} %",
        ]
    figures = report.figures()
    out += [
        f"drafts.safety.toward_him {figures['toward_him']} count{beside('toward_him')}",
        f"drafts.safety.crisis {report.crisis} count",
        f"drafts.safety.crisis_stopped {figures['crisis_stopped']:.1f} %{beside('crisis_stopped')}",
    ]
    out += [f"toward him [{found!r}]: {d.text!r}" for d, found in report.toward_him]
    out += [f"missed [{kind}]: {d.text!r}" for kind, d in report.misses]
    out += [f"false [{kind}]: {d.text!r}" for kind, d in report.false]
    out += [f"crisis missed: {d.text!r}" for d in report.crisis_missed]
    out += [f"wording after a crisis: {d.text!r}" for d in report.wording_after_crisis]
    return out


def record(content: Content, commit: str, path: Path = FIRST_LOOK) -> dict[str, Any]:
    """Write the first look, once: the figures only (the misses are not read before it)."""
    if path.exists():
        raise ValueError(f"{path.name} exists; a first look is measured once")
    import datetime as dt

    entry = {
        "date": dt.date.today().isoformat(),
        "rules": f"content/drafts.yaml at {commit}",
        "labelled": f"{LABELLED.name} (committed before the rules for boundaries and self-blame)",
        "protocol": (
            "The set was written by a writer who had not seen the /draft rules and committed "
            "(137de71). The boundary and self-blame patterns were then written from the kinds' "
            "definitions alone, without opening the set, and measured once here; only these "
            "figures were read before tuning. The crisis figure is the screen's at that commit "
            "(its rules only: the graded heads were not trained yet)."
        ),
        "figures": evaluate(content, load()).figures(),
        "first_rules": {
            kind: [rule.pattern.pattern for rule in content.drafts.pattern(kind).rules]
            for kind in NAMED
        },
    }
    path.write_text(
        "# First look at /draft on the safety path: measured once, before any tuning. Never "
        "edit this file.\n" + yaml.safe_dump(entry, sort_keys=False, width=100),
        encoding="utf-8",
    )
    return entry
