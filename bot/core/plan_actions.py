"""The buttons on her plan: turn a page, the full lists, update an answer, the way back.

They work wherever she is: a page is recomposed from her stored answers, so an
old plan's buttons still work after a restart.
"""

from __future__ import annotations

from bot.content import Content
from bot.core import asks, plan, update
from bot.core.inputs import Action, number
from bot.core.plan import LISTS, PAGE, SAFE_NOW, UPDATE
from bot.core.safety import way_back
from bot.core.state import State
from bot.core.turn import Context, Outcome


def button(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    """One of the plan's buttons; None for a page that makes no sense (a forged tap)."""
    if action.name == UPDATE:
        return update.begin(content, state)
    if action.name == SAFE_NOW:
        return way_back.begin(content, state)
    if action.name == LISTS:
        return Outcome(state, (*plan.lists(content, state.unsafe), *asks.prompt(content, state)))
    if action.name == PAGE and state.profile:
        page = number(action.arg)
        if page is None:
            return None
        return Outcome(state, edit=plan.page(content, state.profile, state.unsafe, page))
    return None
