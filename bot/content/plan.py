"""plan.yaml: how her answers become one plan, and the pieces it is made of.

Her case (the first of `cases` that matches), her exceptions (every one that
matches), then the pieces that serve them on her path. The rules live here, in
content, so a coach can read and change them; `bot.core.plan` only applies them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Literal

from bot.content.fields import (
    ContentModel,
    Filled,
    Id,
    Label,
    Name,
    Pattern,
    Text,
    Title,
    Word,
    fills,
)

When = tuple[Mapping[str, tuple[Word, ...]], ...]
"""Alternatives; one matches when every step it names has one of the listed answers.
No alternatives at all matches everyone."""
Path = Literal["coaching", "safety"]
GOALS = ("save", "understand", "dignity", "skipped")
SAFETY_REASONS = ("no", "unsure", "alarm", "danger")


def matches(when: When, profile: Mapping[str, Sequence[str]]) -> bool:
    if not when:
        return True
    return any(
        all(set(profile.get(step, ())) & set(wanted) for step, wanted in alternative.items())
        for alternative in when
    )


class Case(ContentModel):
    id: Id
    name: Name
    when: When


class Piece(ContentModel):
    """One part of a plan: a page of its own, and perhaps the one thing to do this week."""

    id: Id
    path: Path
    serves: tuple[Id, ...]
    """The cases and exceptions it belongs to."""
    when: When = ()
    unless: tuple[Id, ...] = ()
    """Exceptions that keep it out."""
    claims: When = ()
    """What its words say about her answers; it must never reach someone who did not give them."""
    never_with: tuple[Id, ...] = ()
    coaching_only: bool = False
    confronts: bool = False
    """Has her stand up to him face to face: never shown once danger from him is on record
    (a sign she named, or her words), even after the way back to the coaching path."""
    guarded_only: bool = False
    """Shown on the coaching path only while danger from him is on record."""
    priority: int = 0
    this_week: Text
    title: Title
    text: Text
    talk: Id | None = None
    """The /talk script offered on its page."""
    sources: tuple[str, ...] = ()
    """Where its facts come from (safety pieces)."""


class ArticlePoint(ContentModel):
    """One of the article's points, and what in her plan carries it (see plan.yaml)."""

    id: Id
    point: Text
    serves: tuple[Id, ...] = ()
    unless: tuple[Id, ...] = ()
    carried_by: tuple[Id, ...]
    says: Pattern


TACTICS = "tactics"
"""In `carried_by`: her own tactics' pages, or the short list when she ticked none."""


class Goals(ContentModel):
    """A framing line per answer to "what are you hoping for?" (or none)."""

    save: Text
    understand: Text
    dignity: Text
    skipped: Text


class SafetySummary(ContentModel):
    """Why her plan puts safety first, in one sentence, by what put her on the safety path."""

    no: Text
    unsure: Text
    alarm: Text
    danger: Text


class Plan(ContentModel):
    cases: tuple[Case, ...]
    exceptions: tuple[Case, ...]
    article_points: tuple[ArticlePoint, ...]
    summary: Annotated[Filled, fills("how_said", "cause", "contact", "firmness")]
    safety_summary: SafetySummary
    safety_summary_end: Text
    framing: Goals
    safety_framing: Goals
    opening: Text
    safety_opening: Text
    this_week_title: Title
    page_label: Annotated[Filled, fills("page", "pages")]
    back_label: Label
    next_label: Label
    update_label: Label
    safety_plan_label: Label
    lists_label: Label
    tactics_title: Title
    tactics_intro: Text
    instead_label: Label
    steer_clear_title: Title
    steer_clear: Text
    pieces: tuple[Piece, ...]


def case_of(plan: Plan, profile: Mapping[str, Sequence[str]]) -> Case:
    """Her one primary situation: the first case whose rules match (the last matches all)."""
    return next(c for c in plan.cases if matches(c.when, profile))


def exceptions_of(plan: Plan, profile: Mapping[str, Sequence[str]]) -> tuple[Case, ...]:
    return tuple(e for e in plan.exceptions if matches(e.when, profile))


def pieces_for(
    plan: Plan, profile: Mapping[str, Sequence[str]], path: Path, guarded: bool = False
) -> tuple[Piece, ...]:
    """The pieces of her plan, in file order (see the rules at the top of plan.yaml).

    `guarded`: danger from him is on record; nothing that has her confront him is shown,
    and the pieces written for that are."""
    case = case_of(plan, profile)
    exceptions = {e.id for e in exceptions_of(plan, profile)}
    served = exceptions | {case.id}
    return tuple(
        p
        for p in plan.pieces
        if p.path == path
        and served & set(p.serves)
        and matches(p.when, profile)
        and not exceptions & set(p.unless)
        and not (guarded and p.confronts)
        and (guarded or not p.guarded_only)
    )


def points_for(plan: Plan, profile: Mapping[str, Sequence[str]]) -> tuple[ArticlePoint, ...]:
    """The article's points that belong in her coaching plan."""
    case = case_of(plan, profile)
    exceptions = {e.id for e in exceptions_of(plan, profile)}
    served = exceptions | {case.id}
    return tuple(
        p
        for p in plan.article_points
        if (not p.serves or served & set(p.serves)) and not exceptions & set(p.unless)
    )


def carried(
    plan: Plan, profile: Mapping[str, Sequence[str]], tactic_texts: Sequence[str], guarded: bool
) -> dict[str, bool]:
    """Per point of her coaching plan, whether a page of it says it: a carrying piece shown to
    her, or (`tactics`) the tactics pages, whose texts are `tactic_texts`."""
    shown = {p.id: p for p in pieces_for(plan, profile, "coaching", guarded)}
    out = {}
    for point in points_for(plan, profile):
        texts = [
            *(f"{shown[c].title}\n{shown[c].text}" for c in point.carried_by if c in shown),
            *(tactic_texts if TACTICS in point.carried_by else ()),
        ]
        out[point.id] = any(point.says.search(t.lower()) for t in texts)
    return out
