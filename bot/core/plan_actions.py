"""The buttons on her plan: turn a page, the full lists, update an answer, the way back, and
her safety plan (from the coaching plan while danger is on record).

They work wherever she is: a page is recomposed from her stored answers, so an
old plan's buttons still work after a restart.
"""

from __future__ import annotations

from bot.content import Content
from bot.core import asks, help, plan, update
from bot.core.inputs import Action, number
from bot.core.plan import LISTS, PAGE, SAFE_NOW, SAFETY_PLAN, UPDATE
from bot.core.safety import way_back
from bot.core.safety.told import Told
from bot.core.state import State
from bot.core.turn import Context, Outcome


def button(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    """One of the plan's buttons; None for a page that makes no sense (a forged tap)."""
    if action.name == UPDATE:
        return update.begin(content, state)
    if action.name == SAFE_NOW:
        return way_back.begin(content, state)
    if action.name == LISTS:
        lists = help.page(content, state, help.LISTS_PAGE)
        return Outcome(state, (lists, *asks.prompt(content, state)))
    page = number(action.arg)
    if action.name == PAGE and state.profile and page is not None:
        return Outcome(state, edit=plan.page(content, state, page))
    if action.name == SAFETY_PLAN and Told.of(state).guarded:
        # Opened from her plan in a message of its own (no page named); its pages turn in place.
        if not action.arg:
            return Outcome(state, (plan.safety_page(content, state),))
        if page is not None:
            return Outcome(state, edit=plan.safety_page(content, state, page))
    return None
