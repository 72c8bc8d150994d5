"""Checks across a file or across files, which no single field can make.

An answer's `next` names a step that exists, an answer of the tactics question
names an `avoid` tactic, a guidance rule names real steps and answers, ids are
unique, and no text the bot can send pressures her to keep talking.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from bot.content.errors import at
from bot.content.guidance import CASES, Guidance, Tactics
from bot.content.questions import END, Assessment, normalize

if TYPE_CHECKING:
    from bot.content.load import Content


def _unique(file: str, items: Iterable[tuple[str, str]]) -> None:
    """`items`: (path of the id, id); the second use of an id is named."""
    seen: set[str] = set()
    for path, ident in items:
        if ident in seen:
            raise at(file, path, f"duplicate id {ident!r}")
        seen.add(ident)


def assessment(found: Assessment, tactics: Tactics) -> None:
    file = "assessment.yaml"
    steps = found.steps
    if not steps:
        raise at(file, "steps", "expected a non-empty list")
    _unique(file, ((f"steps[{i}].id", s.id) for i, s in enumerate(steps)))
    known = {s.id for s in steps} | {END}
    avoid = {t.id for t in tactics.avoid}
    for i, step in enumerate(steps):
        where = f"steps[{i}]"
        if not step.answers:
            raise at(file, f"{where}.answers", "expected a non-empty list")
        _unique(file, ((f"{where}.answers[{j}].id", a.id) for j, a in enumerate(step.answers)))
        if step.multi:
            for key in ("done_label", "none_label"):
                if getattr(step, key) is None:
                    raise at(file, f"{where}.{key}", "missing")
        for j, answer in enumerate(step.answers):
            if answer.next and answer.next not in known:
                raise at(
                    file, f"{where}.answers[{j}].next", f"leads to unknown step {answer.next!r}"
                )
            if step.multi and answer.tactic not in avoid:
                raise at(
                    file,
                    f"{where}.answers[{j}].tactic",
                    f"{answer.tactic!r} is not an 'avoid' id in tactics.yaml",
                )
    if not any(a.resources_first for a in steps[0].answers):
        raise at(
            file,
            "steps[0]",
            "the first step must be the safety question (an answer with resources_first)",
        )


def guidance(found: Guidance, questions: Assessment) -> None:
    file = "guidance.yaml"
    answers = {s.id: {a.id for a in s.answers} for s in questions.steps}
    _unique(file, ((f"sections[{i}].id", s.id) for i, s in enumerate(found.sections)))
    for i, section in enumerate(found.sections):
        for j, alternative in enumerate(section.when):
            where = f"sections[{i}].when[{j}]"
            if not alternative:
                raise at(file, where, "expected a mapping of step id to answer ids")
            for step_id, wanted in alternative.items():
                if step_id not in answers:
                    raise at(file, f"{where}.{step_id}", f"unknown step {step_id!r}")
                unknown = set(wanted) - answers[step_id]
                if not wanted or unknown:
                    raise at(
                        file, f"{where}.{step_id}", f"unknown answers {sorted(unknown) or wanted}"
                    )
    missing = set(CASES) - {s.case for s in found.sections}
    if missing:
        raise at(file, "sections", f"no section for the cases {sorted(missing)}")


def unique_ids(content: Content) -> None:
    for kind in ("avoid", "embrace"):
        tactics = getattr(content.tactics, kind)
        _unique("tactics.yaml", ((f"{kind}[{i}].id", t.id) for i, t in enumerate(tactics)))
    _unique(
        "encouragements.yaml",
        ((f"messages[{i}].id", e.id) for i, e in enumerate(content.encouragements)),
    )
    _unique(
        "checkins.yaml",
        ((f"cadences[{i}].id", c.id) for i, c in enumerate(content.checkins.cadences)),
    )


SHOWN_FILES = {
    "assessment.yaml": "assessment",
    "guidance.yaml": "guidance",
    "tactics.yaml": "tactics",
    "encouragements.yaml": "encouragement_file",
    "resources.yaml": "resources",
    "messages.yaml": "messages",
    "checkins.yaml": "checkins",
}
"""The files whose texts the bot sends (safety.yaml holds patterns, not texts)."""


def _texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string inside a model, with its key path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{path}[{i}]")


def shown_texts(content: Content) -> Iterator[tuple[str, str, str]]:
    """(file, key path, text) for every text the bot can send."""
    for file, attribute in SHOWN_FILES.items():
        for path, text in _texts(getattr(content, attribute), ""):
            yield file, path, text


def no_pressure(content: Content) -> None:
    """Refuse any text that pressures her to keep talking or guilts her for going quiet."""
    for file, path, text in shown_texts(content):
        lowered = normalize(text)
        for rule in content.safety.pressure:
            if rule.search(lowered):
                raise at(
                    file,
                    path,
                    f"pressures her ({rule.pattern!r} in safety.yaml: pressure); "
                    "the bot never pushes her to keep talking",
                )
