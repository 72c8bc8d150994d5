"""Slash commands: they work in every mode, and end by showing her where she is.

A command ends a note she was asked for (she moved on); /start and /cancel end
a check-in set-up; everything else keeps what she was in the middle of.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core import asks, help, questions, update
from bot.core.checkins import manage, wording
from bot.core.moments import draft, talk, urge
from bot.core.replies import Effect, Reply
from bot.core.state import Confirm, Drafting, Noting, Setup, State
from bot.core.turn import Context, Outcome

PROGRESS = "progress"


def help_replies(content: Content, state: State) -> tuple[Reply, ...]:
    """/help: one message she pages through (commands, then the two lists)."""
    return (help.page(content, state),)


def handle(content: Content, state: State, name: str, ctx: Context, arg: str = "") -> Outcome:
    m = content.messages
    if isinstance(state.overlay, Noting | Drafting):
        state = state.settled()
    if name in wording.COMMANDS:
        return manage.command(content, state, name, ctx)
    if name == PROGRESS:
        return Outcome(state, effect=Effect.PROGRESS)
    if name == "cancel" and state.setup is not None:
        left = state.settled()
        return Outcome(
            left, (Reply(text=content.checkins.setup_cancelled), *asks.prompt(content, left))
        )
    if name == "start":
        if state.setup is not None:
            state = state.settled()
        if state.mid_way:
            return Outcome(
                replace(state, overlay=Confirm("restart")), (asks.restart_prompt(content),)
            )
        return questions.begin(content, state)
    if name == "help":
        return Outcome(state, (*help_replies(content, state), *asks.prompt(content, state)))
    if name == "sos":
        return Outcome(state, (*asks.safety_replies(content, state), *asks.prompt(content, state)))
    if name == "about":
        return Outcome(state, (Reply(text=m.about), *asks.prompt(content, state)))
    if name == "mydata":
        return Outcome(state, effect=Effect.EXPORT)
    if name == "forget":
        back = state.overlay if isinstance(state.overlay, Setup) else None
        asking = replace(state, overlay=Confirm("forget", back))
        return Outcome(asking, (asks.forget_prompt(content),))
    if name == "update":
        return update.begin(content, state)
    if name == "draft":
        return draft.begin(content, state, arg)
    if name in ("moment", "urge"):  # /urge: the older name, still understood
        return urge.begin(content, state)
    if name == "talk":
        return talk.command(content, state)
    if name == "cancel":
        if state.step is None:
            return Outcome(state, (Reply(text=m.nothing_to_cancel),))
        return Outcome(state.kept(), (Reply(text=m.cancelled),))
    return Outcome(state, (Reply(text=m.unknown_command), *asks.prompt(content, state)))
