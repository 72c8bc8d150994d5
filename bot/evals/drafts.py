"""Measure the `/draft` patterns on the labelled set: `python -m bot drafts eval`.

Recall per pattern says how often a draft showing it is caught (target: at least 90%);
precision says how often a finding is right; "calm flagged" is the share of drafts fine to
send that get any finding at all (target: at most 5%). The first-look figures, measured once
before the rules were tuned, are printed beside the current ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.content.drafts import Drafts
from bot.core.drafts import Finding, check

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
LABELLED = DATA / "drafts.yaml"
FIRST_LOOK = DATA / "drafts_first_look.yaml"
HELDOUT = DATA / "drafts_heldout.yaml"

RECALL_TARGET = 90.0
"""Per pattern, in percent."""
CALM_FLAGGED_TARGET = 5.0
"""Share of calm drafts with any finding, in percent."""


@dataclass(frozen=True)
class Labelled:
    """One draft of the set: its patterns, or the kind of calm it is when it has none."""

    text: str
    patterns: frozenset[str]
    calm: str | None = None


@dataclass
class Score:
    """One pattern's counts: drafts showing it, how many were caught, findings that were wrong."""

    positives: int = 0
    caught: int = 0
    false_findings: int = 0

    @property
    def recall(self) -> float:
        return 100.0 * self.caught / self.positives if self.positives else 100.0

    @property
    def precision(self) -> float:
        found = self.caught + self.false_findings
        return 100.0 * self.caught / found if found else 100.0


@dataclass
class Report:
    """A set measured: a Score per pattern, the calm drafts flagged, and every miss."""

    scores: dict[str, Score]
    needy: int = 0
    calm: int = 0
    calm_flagged: list[tuple[Labelled, list[Finding]]] = field(default_factory=list)
    misses: list[tuple[str, Labelled]] = field(default_factory=list)
    false_findings: list[tuple[Finding, Labelled]] = field(default_factory=list)

    @property
    def calm_flagged_rate(self) -> float:
        return 100.0 * len(self.calm_flagged) / self.calm if self.calm else 0.0

    def figures(self) -> dict[str, Any]:
        """The figures in the shape the first-look file stores them: percentages, one decimal."""
        return {
            "patterns": {
                pattern: {
                    "positives": s.positives,
                    "recall": round(s.recall, 1),
                    "precision": round(s.precision, 1),
                }
                for pattern, s in self.scores.items()
            },
            "calm_drafts": self.calm,
            "calm_flagged": round(self.calm_flagged_rate, 1),
        }

    def missed_targets(self) -> list[str]:
        """Each target not met, said plainly; empty when all hold."""
        missed = [
            f"recall of {pattern} is {s.recall:.1f}% (target at least {RECALL_TARGET:.0f}%)"
            for pattern, s in self.scores.items()
            if round(s.recall, 1) < RECALL_TARGET
        ]
        if round(self.calm_flagged_rate, 1) > CALM_FLAGGED_TARGET:
            missed.append(
                f"calm drafts flagged {self.calm_flagged_rate:.1f}% "
                f"(target at most {CALM_FLAGGED_TARGET:.0f}%)"
            )
        return missed

    def figure_lines(
        self, first_look: dict[str, Any] | None = None, name: str = "drafts"
    ) -> list[str]:
        """One `name value unit` line per figure, the first-look figure beside it if known."""
        before = first_look or {}
        patterns_before = before.get("patterns", {})

        def beside(value: Any) -> str:
            return f"  (first look {value} %)" if value is not None else ""

        out = [
            f"{name}.labelled {self.needy + self.calm} count",
            f"{name}.needy {self.needy} count",
            f"{name}.calm {self.calm} count",
        ]
        for pattern, s in self.scores.items():
            was = patterns_before.get(pattern, {})
            out += [
                f"{name}.{pattern}.positives {s.positives} count",
                f"{name}.{pattern}.recall {s.recall:.1f} %{beside(was.get('recall'))}",
                f"{name}.{pattern}.precision {s.precision:.1f} %{beside(was.get('precision'))}",
            ]
        calm_before = beside(before.get("calm_flagged"))
        out.append(f"{name}.calm_flagged {self.calm_flagged_rate:.1f} %{calm_before}")
        return out

    def detail_lines(self) -> list[str]:
        """Every miss, false finding and flagged calm draft, one a line, for whoever tunes."""
        out = [f"missed [{pattern}]: {d.text!r}" for pattern, d in self.misses]
        out += [
            f"false [{f.pattern}/{f.rule}] {f.quote!r}: {d.text!r}" for f, d in self.false_findings
        ]
        out += [
            f"calm flagged [{d.calm}] {', '.join(f'{f.pattern}/{f.rule}' for f in fs)}: {d.text!r}"
            for d, fs in self.calm_flagged
        ]
        return out


def load(path: Path, known: set[str]) -> list[Labelled]:
    """The labelled drafts; a pattern the content does not know is a mistake in the set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    drafts = []
    for i, item in enumerate(data["drafts"]):
        patterns = frozenset(item.get("patterns") or ())
        unknown = patterns - known
        if unknown:
            raise ValueError(f"{path.name}: drafts[{i}]: unknown patterns {sorted(unknown)}")
        if not patterns and not item.get("calm"):
            raise ValueError(f"{path.name}: drafts[{i}]: needs patterns, or calm: its kind")
        drafts.append(Labelled(str(item["text"]), patterns, item.get("calm")))
    return drafts


def load_first_look(path: Path = FIRST_LOOK) -> dict[str, Any] | None:
    """The figures measured once before tuning, or None if they were never stored."""
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    figures: dict[str, Any] = data["figures"]
    return figures


def evaluate(rules: Drafts, drafts: list[Labelled]) -> Report:
    """Scores for the patterns this set labels. A finding of a pattern it does not label (a
    boundary, self-blame: `drafts_safety` measures those) is not scored, and an affirming one
    (a clear boundary, named as good) does not count as flagging a calm draft."""
    scored = {p for d in drafts for p in d.patterns}
    report = Report(scores={p.id: Score() for p in rules.patterns if p.id in scored})
    for draft in drafts:
        findings = [f for f in check(rules, draft.text) if not rules.pattern(f.pattern).affirms]
        found = {f.pattern for f in findings}
        if draft.patterns:
            report.needy += 1
        else:
            report.calm += 1
            if findings:
                report.calm_flagged.append((draft, findings))
        for pattern in draft.patterns:
            score = report.scores[pattern]
            score.positives += 1
            if pattern in found:
                score.caught += 1
            else:
                report.misses.append((pattern, draft))
        for finding in findings:
            if finding.pattern in scored and finding.pattern not in draft.patterns:
                report.scores[finding.pattern].false_findings += 1
                if draft.patterns:  # a calm draft's findings are listed under calm flagged
                    report.false_findings.append((finding, draft))
    return report


def main(rules: Drafts, data: Path | None = None) -> int:
    """Print the figures; non-zero when a target is missed.

    Without `data`: the labelled set with the first look beside it and its misses, then the
    held-out set's figures alone (its misses are not printed: it is not for tuning).
    """
    known = {p.id for p in rules.patterns}
    path = data or LABELLED
    report = evaluate(rules, load(path, known))
    print(
        f"# {path.name}: targets recall >= {RECALL_TARGET:.0f}% per pattern, "
        f"calm flagged <= {CALM_FLAGGED_TARGET:.0f}%"
    )
    print("\n".join(report.figure_lines(None if data else load_first_look())))
    if data is None:
        held = evaluate(rules, load(HELDOUT, known))
        print(f"# {HELDOUT.name}: written before tuning and never tuned on; no target")
        print("\n".join(held.figure_lines(name="drafts.heldout")))
    missed = report.missed_targets()
    for line in [*report.detail_lines(), *(f"target missed: {m}" for m in missed)]:
        print(line)
    return 1 if missed else 0
