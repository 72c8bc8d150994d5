"""The conversation as a pure state machine: (state, input) -> outcome.

Nothing here knows Telegram, a terminal or a database: the service loads her
`State`, calls `respond`, and stores the outcome in the same transaction.

Each input goes to exactly one handler. Commands and the buttons that work
anywhere (her data, her country, check-ins) have a handler of their own; any
other input goes to the handler of the mode she is in (`State.mode`):

    anywhere (ROUTES)                    by mode (MODE_HANDLERS)
    /command         -> commands         asking, held, idle      -> questions
    hide, country    -> privacy          confirm restart, forget -> confirm
    plan's buttons   -> plan_actions     setup (typed answers)   -> checkins.setup
    set-up buttons   -> checkins.setup   noting (her typed note) -> checkins.answers
    pause, stop ...  -> checkins.manage  danger check            -> safety.danger
    mood, did, note  -> checkins.answers way back                -> safety.way_back
    urge, talk pages -> moments          updating an answer      -> update
                                         drafting (her message)  -> moments.draft
                                         asked (screen unsure)   -> safety.asking

Text is screened for danger first, in every mode (`safety.crisis`); a draft is screened as
a draft (`moments.draft`), which asks rather than moves her path.
`python -m bot content graph` draws the machine from this code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from bot.content import Content
from bot.core import (
    asks,
    commands,
    confirm,
    help,
    plan,
    plan_actions,
    privacy,
    questions,
    seen,
    update,
)
from bot.core.checkins import answers, manage, setup, wording
from bot.core.inputs import Action, CaughtUp, Command, Edited, Input, Text
from bot.core.moments import draft, talk, urge
from bot.core.safety import asking, crisis, danger, way_back
from bot.core.safety.follow import follow
from bot.core.state import Mode, State
from bot.core.turn import Context, Outcome

Handler = Callable[[Content, State, Input, Context], Outcome]
ButtonHandler = Callable[[Content, State, Action, Context], "Outcome | None"]


def _setup_mode(content: Content, state: State, event: Input, ctx: Context) -> Outcome:
    if isinstance(event, Text):
        return setup.typed(content, state, event.text, ctx)
    return Outcome(state, asks.prompt(content, state))


def _noting_mode(content: Content, state: State, event: Input, ctx: Context) -> Outcome:
    assert isinstance(event, Text)  # `route` settles a note overlay for any other input
    noted = answers.note(content, state, event.text)
    # Her note is kept even when it worries us; the resources come first all the same.
    alarmed = crisis.intercept(content, noted.state, event.text)
    return noted if alarmed is None else replace(alarmed, record=noted.record)


def _confirm_mode(content: Content, state: State, event: Input, ctx: Context) -> Outcome:
    return confirm.handle(content, state, event)


def _drafting_mode(content: Content, state: State, event: Input, ctx: Context) -> Outcome:
    assert isinstance(event, Text)  # `route` settles the overlay for any other input
    return draft.read(content, state, event.text)


def _danger_mode(content: Content, state: State, event: Input, ctx: Context) -> Outcome:
    return danger.handle(content, state, event)


def _way_back_mode(content: Content, state: State, event: Input, ctx: Context) -> Outcome:
    return way_back.handle(content, state, event)


def _asked_mode(content: Content, state: State, event: Input, ctx: Context) -> Outcome:
    return asking.handle(content, state, event)


MODE_HANDLERS: dict[Mode, Handler] = {
    Mode.IDLE: questions.handle,
    Mode.ASKING: questions.handle,
    Mode.HELD: questions.handle,
    Mode.CONFIRM_RESTART: _confirm_mode,
    Mode.CONFIRM_FORGET: _confirm_mode,
    Mode.SETUP: _setup_mode,
    Mode.NOTING: _noting_mode,
    Mode.DANGER_CHECK: _danger_mode,
    Mode.WAY_BACK: _way_back_mode,
    Mode.UPDATING: update.handle,
    Mode.DRAFTING: _drafting_mode,
    Mode.ASKED: _asked_mode,
}
"""Who handles an input that is not a command or a button that works anywhere."""


def _privacy(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    return privacy.button(content, state, action)


def _talk(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    return talk.button(content, state, action)


def _help(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    return help.button(content, state, action)


def _draft(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    return draft.button(content, state, action)


ROUTES: list[tuple[frozenset[str], ButtonHandler]] = [
    (privacy.ACTIONS, _privacy),
    (plan.ACTIONS, plan_actions.button),
    (urge.ACTIONS, urge.button),
    (talk.ACTIONS, _talk),
    (help.ACTIONS, _help),
    (draft.ACTIONS, _draft),
    (wording.SETUP_ACTIONS, setup.button),
    (wording.MANAGE_ACTIONS, manage.button),
    (wording.ANSWER_ACTIONS, answers.button),
]
"""Buttons that work in every mode, by action name; a None answer means a stale tap."""


def route(content: Content, state: State, event: Input, ctx: Context) -> Outcome:
    """The one handler for `event` in `state`, and what it decided."""
    if isinstance(event, Command):
        return commands.handle(content, state, event.name, ctx, event.arg)
    if isinstance(event, Action):
        for names, handler in ROUTES:
            if event.name in names:
                done = handler(content, state, event, ctx)
                return done if done is not None else Outcome(state, asks.stale(content, state))
    if isinstance(event, Edited | CaughtUp):  # not a step: read for danger, acknowledged
        return seen.handle(content, state, event)
    if state.mode in (Mode.NOTING, Mode.DRAFTING) and not isinstance(event, Text):
        state = state.settled()  # a tap elsewhere: she moved on from the note or the draft
    if isinstance(event, Text) and state.mode not in (Mode.NOTING, Mode.DRAFTING):
        alarmed = crisis.intercept(content, state, event.text)
        if alarmed is not None:
            return alarmed
    return MODE_HANDLERS[state.mode](content, state, event, ctx)


def respond(content: Content, state: State, event: Input, ctx: Context | None = None) -> Outcome:
    """Apply one input to her state. Total: every input yields an outcome, none raises.

    `ctx` carries the clock and her schedule; without one it is now and no schedule. Whatever
    handler took the input, what follows from danger newly on record follows here (`follow`).
    """
    ctx = ctx or Context(now=datetime.now(UTC))
    return follow(content, state, route(content, state, event, ctx), ctx)
