"""What she needs to see to go on, in each mode: the question, the pause, the confirmation.

Every handler ends by showing her where she is; they all come here for it, so
no handler calls another to redraw a question. Renderers only: nothing here
moves her state.
"""

from __future__ import annotations

from bot.content import Content, Step
from bot.core.checkins import wording
from bot.core.inputs import (
    CONTINUE,
    DONE,
    FORGET,
    KEEP,
    KEEP_DATA,
    NONE,
    RESTART,
    SKIP,
    Action,
    Choice,
)
from bot.core.replies import Button, Reply, answered, laid_out
from bot.core.safety.resources import country_question, resources
from bot.core.state import Asked, Confirm, DangerCheck, Mode, State, Updating


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
    rows = laid_out(answers)
    if step.optional and step.skip_label:
        rows = (*rows, (Button(step.skip_label, Action(SKIP, step.id)),))
    return Reply(text=step.question, buttons=rows, kind="question")


def settled_answer(content: Content, step: Step, answer_ids: tuple[str, ...]) -> str:
    """The pressed question rewritten as the record of her answer."""
    labels = [a.label for a in step.answers if a.id in answer_ids]
    skipped = step.skip_label if step.optional and not step.multi else None
    said = ", ".join(labels) or skipped or content.messages.none_selected
    return answered(content, step.question, said)


def safety_replies(content: Content, state: State) -> tuple[Reply, ...]:
    """The resources for her country, and the country question if she has not been asked."""
    ask = () if state.country else (country_question(content),)
    return (resources(content, state.country), *ask)


def go_on(content: Content) -> Reply:
    """The questions wait; one button to carry on when she is ready."""
    button = Button(content.messages.resources_continue, Action(CONTINUE))
    return Reply(text=content.messages.resources_paused, buttons=((button,),))


def held(content: Content, state: State) -> tuple[Reply, ...]:
    """The resources, and the questions waiting for her to go on."""
    return (*safety_replies(content, state), go_on(content))


def restart_prompt(content: Content) -> Reply:
    m = content.messages
    buttons = ((Button(m.restart_yes, Action(RESTART)), Button(m.restart_no, Action(KEEP))),)
    return Reply(text=m.restart_confirm, buttons=buttons)


def forget_prompt(content: Content) -> Reply:
    m = content.messages
    buttons = ((Button(m.forget_yes, Action(FORGET)), Button(m.forget_no, Action(KEEP_DATA))),)
    return Reply(text=m.forget_confirm, buttons=buttons)


# ---- the danger check (see bot.core.safety.danger) ----------------------------------

DANGER_START, DANGER_NOT_NOW, DANGER_ANSWER = "dc_start", "dc_not_now", "dc"
"""Buttons: begin the check, not now, and an answer (`arg`: "<index>:yes|no|skip")."""
DANGER_ACTIONS = frozenset({DANGER_START, DANGER_NOT_NOW, DANGER_ANSWER})


def danger_offer(content: Content) -> Reply:
    check = content.safety_plan.danger_check
    buttons = (
        (
            Button(check.start_label, Action(DANGER_START)),
            Button(check.skip_all_label, Action(DANGER_NOT_NOW)),
        ),
    )
    return Reply(text=check.offer, buttons=buttons)


def danger_question(content: Content, index: int) -> Reply:
    check = content.safety_plan.danger_check
    asked = check.questions[index]
    buttons = (
        (
            Button(check.yes_label, Action(DANGER_ANSWER, f"{index}:yes")),
            Button(check.no_label, Action(DANGER_ANSWER, f"{index}:no")),
            Button(check.skip_label, Action(DANGER_ANSWER, f"{index}:skip")),
        ),
    )
    return Reply(text=asked.text, buttons=buttons, kind="question")


def danger_prompt(content: Content, overlay: DangerCheck) -> Reply:
    """Where she is in the check: the offer, or the question she is on."""
    return danger_offer(content) if overlay.index < 0 else danger_question(content, overlay.index)


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
    if isinstance(state.overlay, DangerCheck):
        return (danger_prompt(content, state.overlay),)
    if mode is Mode.WAY_BACK:
        return (way_back_prompt(content),)
    if isinstance(state.overlay, Updating):
        return (update_prompt(content, state.overlay),)
    if mode is Mode.DRAFTING:
        return (Reply(text=content.drafts.texts.ask),)
    if mode is Mode.HELD:
        # The lines were shown when the questions began to wait; /sos shows them again.
        return (go_on(content),)
    if isinstance(state.overlay, Asked):
        return (crisis_question(content, state.overlay),)
    current = content.step(state.step)
    return (question(content, current, state.selected),) if current else ()


CRISIS_ANSWER = "risk"
"""A button of the crisis screen's direct question: `arg` "<risk>:yes|okay|unsure"."""


def crisis_question(content: Content, overlay: Asked) -> Reply:
    """The direct question about the first risk still to ask, with its three answers."""
    ask = content.crisis.ask
    risk = overlay.risks[0]
    buttons = (
        (
            Button(ask.yes_label, Action(CRISIS_ANSWER, f"{risk}:yes")),
            Button(ask.okay_label, Action(CRISIS_ANSWER, f"{risk}:okay")),
        ),
        (Button(ask.unsure_label, Action(CRISIS_ANSWER, f"{risk}:unsure")),),
    )
    return Reply(text=ask.question(risk), buttons=buttons, kind="question")


def way_back_prompt(content: Content) -> Reply:
    """The safety question again, with what she said in mind."""
    safety = content.steps[0]
    again = question(content, safety)
    return Reply(
        text=f"{content.safety_plan.way_back.asked}\n\n{again.text}",
        buttons=again.buttons,
        kind="question",
    )


UPDATE_STEP = "upd_step"
"""A button of /update's first question: `arg` is the step whose answer changed."""
UPDATE_KEEP = "upd_keep"


def update_prompt(content: Content, overlay: Updating) -> Reply:
    """Which answer changed (a button per question), or that question, asked again."""
    m = content.messages
    step = content.step(overlay.step)
    if step is None:
        buttons = tuple((Button(s.topic, Action(UPDATE_STEP, s.id)),) for s in content.steps)
        keep = (Button(m.update_keep_label, Action(UPDATE_KEEP)),)
        return Reply(text=m.update_ask, buttons=(*buttons, keep))
    return question(content, step, overlay.selected)


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
