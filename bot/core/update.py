"""/update: change one answer and get the new plan at once, keeping the rest.

She picks which answer changed, answers that question again, and her plan is
recomposed from her answers with the new one. Her check-ins stay as they are;
the answers of the plan she had before are kept for /mydata. The safety
question, while she is on the safety path, is the way back (`safety.way_back`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.content import Content, Step
from bot.core import asks, plan
from bot.core.asks import UPDATE_KEEP, UPDATE_STEP
from bot.core.inputs import DONE, NONE, SKIP, Action, Choice, Input, Text
from bot.core.replies import Reply, answered
from bot.core.safety import way_back
from bot.core.state import KEEP_PREVIOUS, State, Updating, graver
from bot.core.turn import Context, Outcome


def begin(content: Content, state: State) -> Outcome:
    """Which answer has changed? (Nothing to update before her first plan.)"""
    if not state.profile:
        return Outcome(state, (Reply(text=content.messages.update_nothing),))
    asking = replace(state, overlay=Updating())
    return Outcome(asking, asks.prompt(content, asking))


def _apply(
    content: Content, state: State, step: Step, chosen: tuple[str, ...], ctx: Context
) -> Outcome:
    """Her new answer for `step`: the new plan, her earlier answers kept for /mydata."""
    before: Mapping[str, tuple[str, ...]] = state.profile or {}
    profile = {**before, step.id: chosen}
    previous = state.previous
    if profile != dict(before):
        entry = {"at": ctx.now.isoformat(), "answers": {k: list(v) for k, v in before.items()}}
        previous = (*previous, entry)[-KEEP_PREVIOUS:]
    unsafe = state.unsafe
    answer = step.answer(chosen[0]) if len(chosen) == 1 else None
    if answer is not None and answer.safety_path:
        unsafe = graver(unsafe, answer.id)
    after = replace(state, overlay=None, profile=profile, previous=previous, unsafe=unsafe)
    shown = (Reply(text=content.messages.update_new_plan), plan.page(content, after))
    return Outcome(after, shown, settle=asks.settled_answer(content, step, chosen))


def handle(content: Content, state: State, event: Input, ctx: Context) -> Outcome:
    """Her input while updating: which answer, then the answer itself."""
    overlay = state.overlay
    assert isinstance(overlay, Updating)  # the router sends only updating mode here
    m = content.messages
    if isinstance(event, Action) and event.name == UPDATE_KEEP:
        return Outcome(replace(state, overlay=None), settle=m.update_kept)
    step = content.step(overlay.step)
    if step is None:
        chosen = (
            content.step(event.arg)
            if isinstance(event, Action) and event.name == UPDATE_STEP
            else None
        )
        if chosen is None:
            return Outcome(state, asks.prompt(content, state))
        settle = answered(content, m.update_ask, chosen.topic)
        if chosen.id == content.steps[0].id and state.unsafe:
            return replace(way_back.begin(content, replace(state, overlay=None)), settle=settle)
        ticks = tuple((state.profile or {}).get(chosen.id, ())) if chosen.multi else ()
        asking = replace(state, overlay=Updating(chosen.id, ticks))
        return Outcome(asking, asks.prompt(content, asking), settle=settle)
    if isinstance(event, Text):
        found = step.match(event.text)
        event = Choice(step.id, found.id) if found else event
    if isinstance(event, Choice) and event.step == step.id and step.answer(event.answer):
        if not step.multi:
            return _apply(content, state, step, (event.answer,), ctx)
        picked = set(overlay.selected) ^ {event.answer}
        ticks = tuple(a.id for a in step.answers if a.id in picked)
        toggled = replace(state, overlay=Updating(step.id, ticks))
        return Outcome(toggled, refresh=asks.question(content, step, ticks))
    if isinstance(event, Action) and event.arg == step.id:
        if event.name == DONE and step.multi:
            return _apply(content, state, step, overlay.selected, ctx)
        if (event.name == NONE and step.multi) or (event.name == SKIP and step.optional):
            return _apply(content, state, step, (), ctx)
    return Outcome(state, asks.prompt(content, state))
