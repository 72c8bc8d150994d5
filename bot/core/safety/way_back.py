"""The way back off the safety path: "Things are different now, I feel safe".

It asks the safety question again; only a "Yes" here moves her back to the
coaching path. Nothing else does: not a new round of the questions, not the
passing of time. What she named stays: a danger sign, or words about him that
worried the screen, is said back to her on the way back and kept on record
(`Told.guarded`), so the coaching never has her confront him.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core import asks, plan
from bot.core.inputs import Choice, Input
from bot.core.replies import Reply
from bot.core.safety.told import Told
from bot.core.state import State, WayBack, graver
from bot.core.turn import Outcome


def begin(content: Content, state: State) -> Outcome:
    """The safety question again, on top of wherever she is."""
    if not state.unsafe:
        return Outcome(state, asks.stale(content, state))
    asking = replace(state, overlay=WayBack())
    return Outcome(asking, asks.prompt(content, asking))


def back_text(content: Content, state: State) -> str:
    """What she hears as she goes back: with danger on record, it is named and kept."""
    way_back = content.safety_plan.way_back
    check = content.safety_plan.danger_check
    named = [q.named for sign in state.signs if (q := check.question(sign))]
    if named:
        return way_back.back_signs.format(signs=" and ".join(named))
    return way_back.back_alarm if Told.of(state).guarded else way_back.back


def handle(content: Content, state: State, event: Input) -> Outcome:
    """Her answer to the safety question asked again; anything else asks it again."""
    safety = content.steps[0]
    answer = None
    if isinstance(event, Choice) and event.step == safety.id:
        answer = safety.answer(event.answer)
    if answer is None:
        return Outcome(state, asks.prompt(content, state))
    way_back = content.safety_plan.way_back
    settle = asks.settled_answer(content, safety, (answer.id,))
    if answer.safety_path:
        after = replace(state, overlay=None, unsafe=graver(state.unsafe, answer.id))
        said = Reply(text=way_back.still_unsafe)
    else:
        profile = {**(state.profile or {}), safety.id: (answer.id,)}
        after = replace(
            state, overlay=None, unsafe=None, profile=profile if state.profile else None
        )
        said = Reply(text=back_text(content, after))
    if after.step is None and after.profile:
        shown = (said, plan.page(content, after))
    else:
        shown = (said, *asks.prompt(content, after))
    return Outcome(after, shown, settle=settle)
