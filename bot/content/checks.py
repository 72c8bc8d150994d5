"""Checks across a file or across files, which no single field can make.

An answer's `next` names a step that exists, an answer of the tactics question
names an `avoid` tactic, a guidance rule names real steps and answers, ids are
unique, and no text the bot can send pressures her to keep talking.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from bot.content.errors import at
from bot.content.plan import Plan, carried, case_of, matches, pieces_for
from bot.content.questions import END, Assessment, normalize
from bot.content.tactics import Tactics

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
        if step.optional and step.skip_label is None:
            raise at(
                file, f"{where}.skip_label", "missing: an optional question needs a skip button"
            )
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


def _conditions(file: str, where: str, when: Any, answers: dict[str, set[str]]) -> None:
    for j, alternative in enumerate(when):
        at_j = f"{where}[{j}]"
        if not alternative:
            raise at(file, at_j, "expected a mapping of step id to answer ids")
        for step_id, wanted in alternative.items():
            if step_id not in answers:
                raise at(file, f"{at_j}.{step_id}", f"unknown step {step_id!r}")
            unknown = set(wanted) - answers[step_id]
            if not wanted or unknown:
                raise at(file, f"{at_j}.{step_id}", f"unknown answers {sorted(unknown) or wanted}")


def plan(found: Plan, questions: Assessment) -> None:
    """Every rule names real steps and answers, and every piece names real cases and pieces."""
    file = "plan.yaml"
    answers = {s.id: {a.id for a in s.answers} for s in questions.steps}
    for kind in ("cases", "exceptions"):
        entries = getattr(found, kind)
        _unique(file, ((f"{kind}[{i}].id", c.id) for i, c in enumerate(entries)))
        for i, entry in enumerate(entries):
            _conditions(file, f"{kind}[{i}].when", entry.when, answers)
    if not found.cases or found.cases[-1].when:
        raise at(file, "cases", "the last case must have no rules (`when: []`): she always has one")
    cases = {c.id for c in found.cases}
    exceptions = {e.id for e in found.exceptions}
    pieces = {p.id for p in found.pieces}
    _unique(file, ((f"pieces[{i}].id", p.id) for i, p in enumerate(found.pieces)))
    for i, piece in enumerate(found.pieces):
        where = f"pieces[{i}]"
        _conditions(file, f"{where}.when", piece.when, answers)
        _conditions(file, f"{where}.claims", piece.claims, answers)
        for key, known in (
            ("serves", cases | exceptions),
            ("unless", exceptions),
            ("never_with", pieces),
        ):
            unknown = set(getattr(piece, key)) - known
            if unknown:
                raise at(file, f"{where}.{key}", f"unknown ids {sorted(unknown)}")
        if piece.path == "safety" and piece.coaching_only:
            raise at(file, f"{where}.coaching_only", "a safety-path piece cannot be coaching-only")
    for name in ("how_said", "cause", "contact", "firmness"):
        step = questions.by_id.get(name)
        if step is None:
            raise at(file, "summary", f"names {{{name}}}, which is not a step of assessment.yaml")
        for j, answer in enumerate(step.answers):
            if answer.phrase is None:
                where = f"steps[{questions.steps.index(step)}].answers[{j}].phrase"
                raise at("assessment.yaml", where, "missing: plan.yaml's summary uses it")


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
    "plan.yaml": "plan",
    "safety_plan.yaml": "safety_plan",
    "heard.yaml": "heard",
    "tactics.yaml": "tactics",
    "encouragements.yaml": "encouragement_file",
    "resources.yaml": "resources",
    "messages.yaml": "messages",
    "checkins.yaml": "checkins",
    "drafts.yaml": "drafts",
    "moments.yaml": "moments",
    "crisis.yaml": "crisis",
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


def _profiles(content: Content) -> Iterator[dict[str, tuple[str, ...]]]:
    """Every combination of single answers to the questions the plan's rules read."""
    questions = content.assessment
    read = {
        step
        for rules in (
            *(c.when for c in (*content.plan.cases, *content.plan.exceptions)),
            *(p.when for p in content.plan.pieces),
            *(p.claims for p in content.plan.pieces),
        )
        for alternative in rules
        for step in alternative
    }
    steps = [s for s in questions.steps if s.id in read]
    for combo in itertools.product(
        *([(a.id,) for a in s.answers] + [()] * (s.multi or s.optional) for s in steps)
    ):
        yield {s.id: chosen for s, chosen in zip(steps, combo, strict=True)}


def tactic_texts(content: Content, profile: dict[str, tuple[str, ...]]) -> list[str]:
    """What her tactics pages say: each tactic she ticked, or the short list if none."""
    ticked = {
        answer.tactic
        for step in content.steps
        if step.multi
        for answer in step.answers
        if answer.id in profile.get(step.id, ())
    }
    picked = [t for t in content.tactics.avoid if t.id in ticked]
    if not picked:
        return [content.plan.steer_clear]
    return [f"{t.name}\n{t.why}\n{t.instead}" for t in picked]


def _missing_points(content: Content, profile: dict[str, tuple[str, ...]], said: str) -> None:
    """Refuse a coaching plan, with danger on record or not, that leaves out an article point."""
    for guarded in (False, True):
        found = carried(content.plan, profile, tactic_texts(content, profile), guarded)
        missing = sorted(point for point, there in found.items() if not there)
        if missing:
            state = "with danger on record" if guarded else "on the coaching path"
            raise at(
                "plan.yaml",
                "article_points",
                f"the plan {state} for the answers {said} leaves out {missing}: add a piece "
                "that says it, or fix what carries it",
            )


def combinations(content: Content) -> None:
    """Walk every combination of answers on both paths: she always has a plan, and no plan
    shows two pieces that contradict each other or a piece that claims what she did not say;
    every coaching plan carries the article's points for her case (plan.yaml: article_points)."""
    found = content.plan
    index = {p.id: i for i, p in enumerate(found.pieces)}
    for profile in _profiles(content):
        case_of(found, profile)  # exactly one: the last case matches everyone
        said = ", ".join(f"{k}={'/'.join(v) or '-'}" for k, v in profile.items())
        _missing_points(content, profile, said)
        for path in ("coaching", "safety"):
            shown = pieces_for(found, profile, path)  # type: ignore[arg-type]
            if not shown:
                raise at("plan.yaml", "pieces", f"no {path} piece for the answers {said}")
            ids = {p.id for p in shown}
            for piece in shown:
                clash = ids & set(piece.never_with)
                if clash:
                    raise at(
                        "plan.yaml",
                        f"pieces[{index[piece.id]}].never_with",
                        f"{piece.id!r} would stand beside {sorted(clash)} for the answers {said}",
                    )
                if piece.claims and not matches(piece.claims, profile):
                    raise at(
                        "plan.yaml",
                        f"pieces[{index[piece.id]}].claims",
                        f"{piece.id!r} would be shown for the answers {said}; it does not fit them",
                    )


def _safety_path_texts(content: Content) -> Iterator[tuple[str, str, str]]:
    """(file, key path, text) for every text the safety path can show."""
    for i, piece in enumerate(content.plan.pieces):
        if piece.path == "safety":  # a coaching piece never reaches the safety path
            for key in ("this_week", "title", "text"):
                yield "plan.yaml", f"pieces[{i}].{key}", getattr(piece, key)
    for i, avoid in enumerate(content.tactics.avoid):
        for key in ("why", "instead_safe"):
            yield "tactics.yaml", f"avoid[{i}].{key}", getattr(avoid, key)
    for i, embrace in enumerate(content.tactics.embrace):
        if not embrace.coaching_only:
            yield "tactics.yaml", f"embrace[{i}].how", embrace.how
    for i, note in enumerate(content.encouragements):
        if not note.coaching_only:
            yield "encouragements.yaml", f"messages[{i}].text", note.text
    for i, script in enumerate(content.moments.talk.scripts):
        if not script.coaching_only:
            for j, line in enumerate(script.lines):
                yield "moments.yaml", f"talk.scripts[{i}].lines[{j}]", line
    for path, text in _texts(content.moments.moment, "moment"):
        yield "moments.yaml", path, text
    yield "moments.yaml", "talk.safety_first", content.moments.talk.safety_first
    plan = content.plan
    for path, text in _texts(plan.safety_summary, "safety_summary"):
        yield "plan.yaml", path, text
    for path, text in _texts(plan.safety_framing, "safety_framing"):
        yield "plan.yaml", path, text
    yield "plan.yaml", "safety_opening", plan.safety_opening
    yield "moments.yaml", "moment_label", content.moments.moment_label
    for i, pattern in enumerate(content.drafts.patterns):
        yield "drafts.yaml", f"patterns[{i}].safe", pattern.safe
    yield "drafts.yaml", "texts.safety_first", content.drafts.texts.safety_first
    for path, text in _texts(content.crisis, ""):
        yield "crisis.yaml", path, text
    for path, text in _texts(content.safety_plan.danger_check, "danger_check"):
        yield "safety_plan.yaml", path, text
    checkins = content.checkins
    for i, question in enumerate(checkins.questions):
        if not question.coaching_only:
            yield "checkins.yaml", f"questions[{i}].text", question.text
    for i, care in enumerate(checkins.care):
        yield "checkins.yaml", f"care[{i}]", care


def _refuse_matches(
    texts: Iterable[tuple[str, str, str]], patterns: Iterable[re.Pattern[str]], why: str
) -> None:
    rules = tuple(patterns)
    for file, path, text in texts:
        lowered = normalize(text)
        for rule in rules:
            found = rule.search(lowered)
            if found:
                raise at(file, path, why.format(found=found.group(0)))


def safe_on_the_safety_path(content: Content) -> None:
    """Refuse an unmarked text that moves her toward him (safety_plan.yaml: toward_him) or
    gives a reason that measures her by him (measured_by_him) where the safety path shows it."""
    plan = content.safety_plan
    _refuse_matches(
        _safety_path_texts(content),
        plan.toward_him,
        "moves her toward him ({found!r}, safety_plan.yaml: toward_him) but is not marked "
        "coaching_only: the safety path would show it",
    )


def never_measured_by_him(content: Content) -> None:
    """Refuse any text whose reason measures her by his decision or by its effect on him
    (safety_plan.yaml: measured_by_him): her reasons are her dignity, her worth, her peace."""
    _refuse_matches(
        shown_texts(content),
        content.safety_plan.measured_by_him,
        "gives a reason that measures her by him ({found!r}, safety_plan.yaml: "
        "measured_by_him); say what it means for her instead",
    )


def _guarded_texts(content: Content) -> Iterator[tuple[str, str, str]]:
    """(file, key path, text) for every coaching text shown while danger from him is on record
    (after the way back): everything not marked `confronts`."""
    for i, piece in enumerate(content.plan.pieces):
        if piece.path == "coaching" and not piece.confronts:
            for key in ("this_week", "title", "text"):
                yield "plan.yaml", f"pieces[{i}].{key}", getattr(piece, key)
    for i, embrace in enumerate(content.tactics.embrace):
        if not embrace.confronts:
            yield "tactics.yaml", f"embrace[{i}].how", embrace.how
    for i, script in enumerate(content.moments.talk.scripts):
        if not script.confronts:
            for j, line in enumerate(script.lines):
                yield "moments.yaml", f"talk.scripts[{i}].lines[{j}]", line
    for i, note in enumerate(content.encouragements):
        if not note.confronts:
            yield "encouragements.yaml", f"messages[{i}].text", note.text


def no_confrontation_when_guarded(content: Content) -> None:
    """Refuse an unmarked text that has her confront him (safety_plan.yaml: confronting)."""
    _refuse_matches(
        _guarded_texts(content),
        content.safety_plan.confronting,
        "has her confront him ({found!r}, safety_plan.yaml: confronting) but is not marked "
        "confronts: it would be shown after she named a danger sign",
    )
