"""What she needs to see to go on, in each mode: the question, the pause, the confirmation.

Every handler ends by showing her where she is; they all come here for it, so
no handler calls another to redraw a question. Renderers only: nothing here
moves her state.
"""

from __future__ import annotations

from bot.content import Content, Step
from bot.core.checkins import wording
from bot.core.inputs import CONTINUE, DONE, FORGET, KEEP, KEEP_DATA, NONE, RESTART, Action, Choice
from bot.core.replies import Button, Reply, laid_out
from bot.core.safety.resources import country_question, resources
from bot.core.state import Confirm, Mode, State


def question(content: Content, step: Step, selected: tuple[str, ...] = ()) -> Reply:
    """A question with one button per answer (ticked ones marked on a multi-select)."""
    if step.multi:
        mark = content.messages.selected_mark
        buttons = [
            (Button(f"{mark}{a.label}" if a.id in selected else a.label, Choice(step.id, a.id)),)
            for a in step.answers
        ]
        assert step.none_label is not None  # content check: a multi-select has both labels
        assert step.done_label is not None
        buttons.append(
            (
                Button(step.none_label, Action(NONE, step.id)),
                Button(step.done_label, Action(DONE, step.id)),
            )
        )
        return Reply(text=step.question, buttons=tuple(buttons), kind="question")
    answers = tuple(Button(a.label, Choice(step.id, a.id)) for a in step.answers)
    return Reply(text=step.question, buttons=laid_out(answers), kind="question")


def safety_replies(content: Content, state: State) -> tuple[Reply, ...]:
    """The resources for her country, and the country question if she has not been asked."""
    ask = () if state.country else (country_question(content),)
    return (resources(content, state.country), *ask)


def held(content: Content, state: State) -> tuple[Reply, ...]:
    """The resources, and the questions waiting for her to go on."""
    go_on = Button(content.messages.resources_continue, Action(CONTINUE))
    return (
        *safety_replies(content, state),
        Reply(text=content.messages.resources_paused, buttons=((go_on,),)),
    )


def restart_prompt(content: Content) -> Reply:
    m = content.messages
    buttons = ((Button(m.restart_yes, Action(RESTART)), Button(m.restart_no, Action(KEEP))),)
    return Reply(text=m.restart_confirm, buttons=buttons)


def forget_prompt(content: Content) -> Reply:
    m = content.messages
    buttons = ((Button(m.forget_yes, Action(FORGET)), Button(m.forget_no, Action(KEEP_DATA))),)
    return Reply(text=m.forget_confirm, buttons=buttons)


def prompt(content: Content, state: State) -> tuple[Reply, ...]:
    """What she needs to see to go on from `state` (nothing when she is idle)."""
    mode = state.mode
    if mode is Mode.CONFIRM_RESTART:
        return (restart_prompt(content),)
    if mode is Mode.CONFIRM_FORGET:
        return (forget_prompt(content),)
    if mode is Mode.SETUP:
        assert state.setup is not None
        return (wording.setup_question(content, state.setup),)
    if mode is Mode.NOTING:
        return (Reply(text=content.checkins.ask_note),)
    if mode is Mode.HELD:
        return held(content, state)
    current = content.step(state.step)
    return (question(content, current, state.selected),) if current else ()


def then_prompt(content: Content, state: State, replies: tuple[Reply, ...]) -> tuple[Reply, ...]:
    """`replies`, then where she is (unless a reply already shows it)."""
    again = tuple(r for r in prompt(content, state) if r not in replies)
    return (*replies, *again)


def idle_text(content: Content, state: State) -> str:
    return content.messages.after_guidance if state.profile else content.messages.idle


def stale(content: Content, state: State, text: str | None = None) -> tuple[Reply, ...]:
    """A tap on something no longer active: say so kindly and show where she is."""
    current = prompt(content, state)
    said = text if text is not None else content.messages.stale_button
    if not current:
        said = idle_text(content, state)
    return (Reply(text=said), *current)


def is_confirm(state: State, what: str) -> bool:
    return isinstance(state.overlay, Confirm) and state.overlay.what == what
