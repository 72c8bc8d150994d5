"""Her plan: one message she pages through, composed from her answers and `plan.yaml`.

Page one says her situation in one sentence, in her own terms, frames it by
what she wants, and names the one thing to do this week. A page follows for
each piece of her plan, then her own tactics with why they matter for her and
what to do instead. Pages are recomposed from her stored answers whenever she
turns one, so an old page's buttons keep working after a restart.

What she has told the bot about danger (`Told`) decides which plan: on the
safety path it is the safety plan, and nothing in it moves her toward him; on
the coaching path with danger on record (a sign she named, then the way back),
nothing has her confront him, an advocate comes before any big talk, and her
safety plan stays one tap away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.content import Content, Piece
from bot.content.plan import case_of, exceptions_of, pieces_for
from bot.core.inputs import HIDE, Action
from bot.core.moments import talk, urge
from bot.core.replies import Button, Reply
from bot.core.safety.told import Told
from bot.core.state import State

Profile = Mapping[str, Sequence[str]]

PAGE, UPDATE, LISTS, SAFE_NOW, SAFETY_PLAN = "plan", "update", "lists", "safe_now", "safety_plan"
"""Button actions on the plan: turn a page, change an answer, the lists, the way back, and
her safety plan (shown from the coaching plan while danger is on record)."""
ACTIONS = frozenset({PAGE, UPDATE, LISTS, SAFE_NOW, SAFETY_PLAN})
FIRST_PAGE_LIMIT = 700
"""Page one fits one phone screen."""


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


def shown_pieces(content: Content, profile: Profile, told: Told) -> tuple[Piece, ...]:
    """The pieces of her plan on her path, as what she has told the bot allows."""
    return pieces_for(content.plan, profile, told.path, told.guarded)


def _summary(content: Content, profile: Profile, told: Told) -> str:
    plan = content.plan
    if told.reason:
        why = getattr(plan.safety_summary, told.reason, plan.safety_summary.unsure)
        return f"{why} {plan.safety_summary_end}"
    phrases = {}
    for name in ("how_said", "cause", "contact", "firmness"):
        step = content.step(name)
        chosen = profile.get(name, ())
        answer = step.answer(chosen[0]) if step and chosen else None
        phrases[name] = answer.phrase if answer and answer.phrase else ""
    return plan.summary.format(**phrases)


def _framing(content: Content, profile: Profile, told: Told) -> str:
    goals = content.plan.safety_framing if told.unsafe else content.plan.framing
    chosen = profile.get("goal", ())
    return getattr(goals, chosen[0]) if chosen and hasattr(goals, chosen[0]) else goals.skipped


COACHING = Told()
"""What a woman who has told the bot of no danger is: the default for a plan's pages."""


def pages(content: Content, profile: Profile, told: Told = COACHING) -> tuple[Reply, ...]:
    """Every page of her plan, in order (without the buttons)."""
    plan = content.plan
    shown = shown_pieces(content, profile, told)
    lead = max(shown, key=lambda p: p.priority)
    first = "\n\n".join(
        (
            _summary(content, profile, told),
            _framing(content, profile, told),
            f"{plan.this_week_title}: {lead.this_week}",
        )
    )
    result = [Reply(text=first, kind="plan")]
    result += [Reply(title=p.title, text=p.text, kind="plan") for p in shown]
    return (*result, *_tactic_pages(content, profile, told))


def _tactic_pages(content: Content, profile: Profile, told: Told) -> list[Reply]:
    """Her own tactics, a page each, with why they matter for her and what to do instead; on
    the coaching path, when she ticked none, the short list of what to steer clear of."""
    plan = content.plan
    picked = set(picked_tactics(content, profile))
    mine = [t for t in content.tactics.avoid if t.id in picked]
    if not mine:
        if told.unsafe:
            return []
        return [Reply(title=plan.steer_clear_title, text=plan.steer_clear, kind="plan")]
    out = []
    for i, t in enumerate(mine):
        instead = t.instead_safe if told.unsafe else t.instead
        intro = f"{plan.tactics_intro}\n\n" if i == 0 else ""
        text = f"{intro}{t.why}\n\n{plan.instead_label}: {instead}"
        out.append(Reply(title=f"{plan.tactics_title}: {t.name}", text=text, kind="plan"))
    return out


def _turns(content: Content, action: str, number: int, count: int) -> list[Button]:
    plan = content.plan
    turn = []
    if number > 1:
        turn.append(Button(plan.back_label, Action(action, str(number - 1))))
    if number < count:
        turn.append(Button(plan.next_label, Action(action, str(number + 1))))
    return turn


def page(content: Content, state: State, number: int = 1) -> Reply:
    """Page `number` (from 1) of her plan with its buttons; out of range turns to the nearest."""
    plan = content.plan
    profile = state.profile or {}
    told = Told.of(state)
    every = pages(content, profile, told)
    number = min(max(number, 1), len(every))
    shown = every[number - 1]
    label = plan.page_label.format(page=number, pages=len(every))
    turn = _turns(content, PAGE, number, len(every))
    rows: list[tuple[Button, ...]] = [tuple(turn)] if turn else []
    pieces = shown_pieces(content, profile, told)
    piece = pieces[number - 2] if 2 <= number <= len(pieces) + 1 else None
    if piece is not None and piece.talk and talk.offered(content, state, piece.talk):
        rows.append((Button(content.moments.talk.menu_label, Action(talk.FOR, piece.talk)),))
    rows.append((Button(urge.label(content, state), Action(urge.URGE_NOW)),))
    rows.append(
        (Button(plan.update_label, Action(UPDATE)), Button(plan.lists_label, Action(LISTS)))
    )
    if told.unsafe:
        rows.append((Button(content.safety_plan.way_back.label, Action(SAFE_NOW)),))
    elif told.guarded:
        rows.append((Button(plan.safety_plan_label, Action(SAFETY_PLAN)),))
    rows.append((Button(content.messages.hide_label, Action(HIDE)),))
    return Reply(
        title=shown.title,
        text=f"{shown.text}\n\n{label}",
        buttons=tuple(rows),
        kind="plan",
        pages=every if number == 1 else (),
    )


def safety_page(content: Content, state: State, number: int = 1) -> Reply:
    """A page of her safety plan, reached from the coaching plan while danger is on record."""
    pieces = pieces_for(content.plan, state.profile or {}, "safety")
    number = min(max(number, 1), len(pieces))
    shown = pieces[number - 1]
    label = content.plan.page_label.format(page=number, pages=len(pieces))
    turn = _turns(content, SAFETY_PLAN, number, len(pieces))
    rows = [tuple(turn)] if turn else []
    rows.append((Button(content.messages.hide_label, Action(HIDE)),))
    return Reply(
        title=shown.title, text=f"{shown.text}\n\n{label}", buttons=tuple(rows), kind="plan"
    )


def compose(content: Content, state: State) -> tuple[Reply, ...]:
    """What she gets after her last answer: a short opening, then her plan at page one. The
    opening on the safety path speaks to her safety, never thanks her for telling of danger."""
    opening = content.plan.safety_opening if Told.of(state).unsafe else content.plan.opening
    return (Reply(text=opening), page(content, state))
