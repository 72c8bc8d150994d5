"""The two confirmations: start the questions over, and delete everything about her.

Each is an overlay with two buttons; anything else she sends while one is open
shows the question again, so nothing is lost or deleted by accident.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core import asks, questions
from bot.core.inputs import FORGET, KEEP, KEEP_DATA, RESTART, Action, Input
from bot.core.replies import Effect, Reply
from bot.core.state import Mode, State
from bot.core.turn import Outcome


def handle(content: Content, state: State, event: Input) -> Outcome:
    m = content.messages
    restart = state.mode is Mode.CONFIRM_RESTART
    if isinstance(event, Action) and restart and event.name == RESTART:
        return replace(questions.begin(content, state), settle=m.restart_confirm)
    if isinstance(event, Action) and restart and event.name == KEEP:
        kept = state.settled()
        return Outcome(kept, (Reply(text=m.resumed), *asks.prompt(content, kept)), settle=m.resumed)
    if isinstance(event, Action) and not restart and event.name == FORGET:
        return Outcome(State(), (Reply(text=m.forgotten),), effect=Effect.FORGET)
    if isinstance(event, Action) and not restart and event.name == KEEP_DATA:
        kept = state.settled()
        return Outcome(kept, asks.prompt(content, kept), settle=m.forget_kept)
    return Outcome(state, asks.prompt(content, state))
