"""Her plan: one message she pages through, composed from her answers and `plan.yaml`.

Page one says her situation in one sentence, in her own terms, frames it by
what she wants, and names the one thing to do this week. A page follows for
each piece of her plan, then her own tactics with why they backfire and what
to do instead. Pages are recomposed from her stored answers whenever she turns
one, so an old page's buttons keep working after a restart. On the safety path
the plan is the safety plan, and nothing in it moves her toward him.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot.content import Content, Tactic
from bot.content.plan import case_of, exceptions_of, pieces_for
from bot.core.inputs import HIDE, Action
from bot.core.moments import talk, urge
from bot.core.replies import Button, Reply

Profile = Mapping[str, Sequence[str]]

PAGE, UPDATE, LISTS, SAFE_NOW = "plan", "update", "lists", "safe_now"
"""Button actions on the plan: turn to a page, change an answer, the lists, the way back."""
ACTIONS = frozenset({PAGE, UPDATE, LISTS, SAFE_NOW})
FIRST_PAGE_LIMIT = 700
"""Page one fits one phone screen."""


def bullets(items: Iterable[Tactic]) -> str:
    return "\n".join(f"• {t.name}: {t.text}" for t in items)


def picked_tactics(content: Content, profile: Profile) -> list[str]:
    """The avoid-tactic ids she said she has caught herself in, in content order."""
    chosen = {
        answer.tactic
        for step in content.steps
        if step.multi
        for answer in step.answers
        if answer.id in profile.get(step.id, ())
    }
    return [t.id for t in content.tactics.avoid if t.id in chosen]


def situations(content: Content, profile: Profile, unsafe: str | None = None) -> frozenset[str]:
    """What her check-ins are chosen for: `safety` on the safety path, else her case and
    exceptions (volatile or drifting; shut_out, dead_set, wavering)."""
    if unsafe:
        return frozenset({"safety"})
    plan = content.plan
    return frozenset({case_of(plan, profile).id, *(e.id for e in exceptions_of(plan, profile))})


def _summary(content: Content, profile: Profile, unsafe: str | None) -> str:
    plan = content.plan
    if unsafe:
        why = getattr(plan.safety_summary, unsafe, plan.safety_summary.unsure)
        return f"{why} {plan.safety_summary_end}"
    phrases = {}
    for name in ("how_said", "cause", "contact", "firmness"):
        step = content.step(name)
        chosen = profile.get(name, ())
        answer = step.answer(chosen[0]) if step and chosen else None
        phrases[name] = answer.phrase if answer and answer.phrase else ""
    return plan.summary.format(**phrases)


def _framing(content: Content, profile: Profile, unsafe: str | None) -> str:
    goals = content.plan.safety_framing if unsafe else content.plan.framing
    chosen = profile.get("goal", ())
    return getattr(goals, chosen[0]) if chosen and hasattr(goals, chosen[0]) else goals.skipped


def pages(content: Content, profile: Profile, unsafe: str | None = None) -> tuple[Reply, ...]:
    """Every page of her plan, in order (without the buttons)."""
    plan = content.plan
    shown = pieces_for(plan, profile, "safety" if unsafe else "coaching")
    lead = max(shown, key=lambda p: p.priority)
    first = "\n\n".join(
        (
            _summary(content, profile, unsafe),
            _framing(content, profile, unsafe),
            f"{plan.this_week_title}: {lead.this_week}",
        )
    )
    result = [Reply(text=first, kind="plan")]
    result += [Reply(title=p.title, text=p.text, kind="plan") for p in shown]
    picked = set(picked_tactics(content, profile))
    mine = [t for t in content.tactics.avoid if t.id in picked]
    if mine:
        lines = [plan.tactics_intro]
        for t in mine:
            instead = t.instead_safe if unsafe else t.instead
            lines.append(f"• {t.name}: {t.why}\n{plan.instead_label}: {instead}")
        result.append(Reply(title=plan.tactics_title, text="\n\n".join(lines), kind="plan"))
    return tuple(result)


def page(content: Content, profile: Profile, unsafe: str | None = None, number: int = 1) -> Reply:
    """Page `number` (from 1) as a message with its buttons; out of range turns to the nearest."""
    plan = content.plan
    every = pages(content, profile, unsafe)
    number = min(max(number, 1), len(every))
    shown = every[number - 1]
    label = plan.page_label.format(page=number, pages=len(every))
    turn = []
    if number > 1:
        turn.append(Button(plan.back_label, Action(PAGE, str(number - 1))))
    if number < len(every):
        turn.append(Button(plan.next_label, Action(PAGE, str(number + 1))))
    rows: list[tuple[Button, ...]] = [tuple(turn)] if turn else []
    pieces = pieces_for(plan, profile, "safety" if unsafe else "coaching")
    piece = pieces[number - 2] if 2 <= number <= len(pieces) + 1 else None
    if piece is not None and piece.talk and not unsafe:
        rows.append((Button(content.moments.talk.menu_label, Action(talk.FOR, piece.talk)),))
    rows.append((Button(content.moments.urge_label, Action(urge.URGE_NOW)),))
    rows.append(
        (Button(plan.update_label, Action(UPDATE)), Button(plan.lists_label, Action(LISTS)))
    )
    if unsafe:
        rows.append((Button(content.safety_plan.way_back.label, Action(SAFE_NOW)),))
    rows.append((Button(content.messages.hide_label, Action(HIDE)),))
    return Reply(
        title=shown.title,
        text=f"{shown.text}\n\n{label}",
        buttons=tuple(rows),
        kind="plan",
        pages=every if number == 1 else (),
    )


def compose(content: Content, profile: Profile, unsafe: str | None = None) -> tuple[Reply, ...]:
    """What she gets after her last answer: a short opening, then her plan at page one."""
    return (Reply(text=content.plan.opening), page(content, profile, unsafe))


def lists(content: Content, unsafe: str | None = None) -> tuple[Reply, ...]:
    """The two lists: what tends to backfire, what tends to help (safe ones only, if unsafe)."""
    m = content.messages
    return (
        Reply(title=m.avoid_title, text=bullets(content.tactics.avoid)),
        Reply(title=m.embrace_title, text=bullets(content.tactics.embrace_for(bool(unsafe)))),
    )
