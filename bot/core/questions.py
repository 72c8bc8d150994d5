"""The questions: answering them by button or by typing, the safety pause, the end.

Handles her inputs while she is in the questions (asking, or held at the
safety resources) and when she is idle. A button names the question it
belongs to, so a tap on an old message is recognised instead of being taken as
an answer to whatever is asked now. "No" or "Not sure" to the safety question
puts her on the safety path for good (only the way back takes her off it).
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import END, Content, Step, normalize
from bot.core import asks, heard, plan
from bot.core.checkins import wording
from bot.core.inputs import CONTINUE, DONE, NONE, SKIP, Action, Choice, Input, Text
from bot.core.replies import Reply
from bot.core.state import DangerCheck, State, graver
from bot.core.turn import Context, Outcome


def begin(content: Content, state: State) -> Outcome:
    """The first question (with the welcome, the first time); what she finished is kept."""
    first = content.steps[0]
    fresh = replace(state.kept(), step=first.id, welcomed=True)
    m = content.messages
    intro = () if state.welcomed else (Reply(text=m.welcome), Reply(text=m.about))
    return Outcome(fresh, (*intro, asks.question(content, first)))


def _finish(
    content: Content, state: State, answers: dict[str, tuple[str, ...]], ctx: Context
) -> Outcome:
    """After her last answer: a short opening, her plan, the check-in offer (three at most)."""
    done = replace(state.kept(), profile=answers)
    has_checkins = ctx.schedule is not None and ctx.schedule.active
    offer = () if has_checkins else (wording.offer(content),)
    return Outcome(done, (*plan.compose(content, done), *offer))


def _advance(
    content: Content, state: State, step: Step, chosen: tuple[str, ...], ctx: Context
) -> Outcome:
    """Record `chosen` for `step` and move on: resources, the next question, or her plan."""
    answers = {**state.answers, step.id: chosen}
    answer = step.answer(chosen[0]) if len(chosen) == 1 and not step.multi else None
    following = content.after(step, answer)
    settle = asks.settled_answer(content, step, chosen)
    before: tuple[Reply, ...] = ()
    if answer is not None and answer.safety_path:
        state = replace(state, unsafe=graver(state.unsafe, answer.id))
    elif state.unsafe and step.id == content.steps[0].id:
        # Saying "yes" in a new round does not take her off the safety path; the way back does
        # (a button under her plan, once she has one).
        way_back = content.safety_plan.way_back
        before = (Reply(text=way_back.stays if state.profile else way_back.stays_no_plan),)
    if following == END:
        return replace(_finish(content, state, answers, ctx), settle=settle)
    moved = replace(state, step=following, answers=answers, selected=())
    if answer is not None and answer.resources_first:
        paused = replace(moved, held=True)
        if answer.danger_check:
            offered = replace(paused, overlay=DangerCheck())
            shown = (*asks.safety_replies(content, offered), *asks.prompt(content, offered))
            return Outcome(offered, shown, settle=settle)
        return Outcome(paused, asks.held(content, paused), settle=settle)
    return Outcome(moved, (*before, *asks.prompt(content, moved)), settle=settle)


def choose(content: Content, state: State, choice: Choice, ctx: Context) -> Outcome:
    """A tap on an answer button."""
    step = content.step(choice.step)
    answer = step.answer(choice.answer) if step else None
    if step is None or answer is None:
        return Outcome(state, asks.stale(content, state))
    if state.held:
        # An answer button can still be on screen from before; what she was asked last comes first.
        return Outcome(state, asks.prompt(content, state))
    if choice.step != state.step:
        if choice.step in state.answers:
            settled = asks.settled_answer(content, step, state.answers[step.id])
            replies = (Reply(text=content.messages.already_answered), *asks.prompt(content, state))
            return Outcome(state, replies, settle=settled)
        return Outcome(state, asks.stale(content, state))
    if step.multi:
        picked = set(state.selected) ^ {answer.id}
        selected = tuple(a.id for a in step.answers if a.id in picked)
        toggled = replace(state, selected=selected)
        return Outcome(toggled, refresh=asks.question(content, step, selected))
    return _advance(content, state, step, (answer.id,), ctx)


def act(content: Content, state: State, action: Action, ctx: Context) -> Outcome:
    """Continue after the resources; Done, None of these, or Skip on the question she is on."""
    if action.name == CONTINUE and state.held:
        going = replace(state, held=False)
        return Outcome(going, asks.prompt(content, going), settle=content.messages.resources_paused)
    step = content.step(state.step)
    if step is not None and action.arg == step.id and not state.held:
        if action.name in (DONE, NONE) and step.multi:
            chosen = state.selected if action.name == DONE else ()
            return _advance(content, state, step, chosen, ctx)
        if action.name == SKIP and step.optional:
            return _advance(content, state, step, (), ctx)
    return Outcome(state, asks.stale(content, state))


def type_answer(content: Content, state: State, text: str, ctx: Context) -> Outcome:
    """Something she typed while in the questions (or idle)."""
    step = content.step(state.step)
    kind = heard.acknowledge(content, text)
    if step is None:
        said = kind or asks.idle_text(content, state)
        return Outcome(state, asks.stale(content, state, said))
    if state.held:
        return Outcome(
            state, (*((Reply(text=kind),) if kind else ()), *asks.prompt(content, state))
        )
    answer = step.match(text)
    if answer is not None:
        chosen = choose(content, state, Choice(step.id, answer.id), ctx)
        # A typed tick has no pressed message to redraw: show the question afresh.
        redrawn = (chosen.refresh,) if chosen.refresh else ()
        return Outcome(chosen.state, (*chosen.replies, *redrawn))
    if step.multi:
        said = normalize(text)
        if step.done_label and said == normalize(step.done_label):
            return act(content, state, Action(DONE, step.id), ctx)
        if step.none_label and said == normalize(step.none_label):
            return act(content, state, Action(NONE, step.id), ctx)
    m = content.messages
    nudge = m.nudge_multi if step.multi else m.nudge_single
    # Something painful is heard first, with care; then, gently, the question.
    said = f"{kind}\n\n{nudge}" if kind else nudge
    return Outcome(state, (Reply(text=said), *asks.prompt(content, state)))


def handle(content: Content, state: State, event: Input, ctx: Context) -> Outcome:
    """Her input while asking, held or idle (commands and global buttons never come here)."""
    if isinstance(event, Choice):
        return choose(content, state, event, ctx)
    if isinstance(event, Text):
        return type_answer(content, state, event.text, ctx)
    if isinstance(event, Action):
        return act(content, state, event, ctx)
    return Outcome(state, asks.stale(content, state))
