"""The conversation as a pure state machine: (state, input) -> (state, replies).

Nothing here knows Telegram, a terminal or a database. The adapters load her
`State`, call `step`, store the new state in the same transaction and show the
replies, so every conversation can be tested as plain function calls and a
restart between two answers loses nothing.

A button names the question it belongs to, so a tap on an old message is
recognised instead of being taken as an answer to whatever is asked now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot import guidance, safety
from bot.content import END, Content, Step, normalize
from bot.dialogue import (
    CONTINUE,
    DONE,
    KEEP,
    NONE,
    RESTART,
    Action,
    Button,
    Choice,
    Command,
    Input,
    Reply,
)

SHORT_LABEL = 12
"""Buttons whose labels are all this short share one row; longer ones get a row each."""


def _ids(raw: Any) -> tuple[str, ...]:
    """A stored list of ids, or nothing if what is stored is not one."""
    if not isinstance(raw, list):
        return ()
    return tuple(item for item in raw if isinstance(item, str))


@dataclass(frozen=True)
class State:
    """Where she is. Serialised to JSON by `to_dict`; read back by `from_dict`.

    `paused`: the safety resources were shown and the questions wait for her
    "continue". `confirming`: she sent /start mid-way and was asked whether to
    start over; it sits on top of `paused`, so "keep going" returns to the pause.
    """

    step: str | None = None
    answers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    selected: tuple[str, ...] = ()
    profile: Mapping[str, tuple[str, ...]] | None = None
    welcomed: bool = False
    paused: bool = False
    confirming: bool = False

    @property
    def mid_way(self) -> bool:
        return self.step is not None and bool(self.answers or self.selected)

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": 1,
            "step": self.step,
            "answers": {k: list(v) for k, v in self.answers.items()},
            "selected": list(self.selected),
            "profile": {k: list(v) for k, v in self.profile.items()} if self.profile else None,
            "welcomed": self.welcomed,
            "paused": self.paused,
            "confirming": self.confirming,
        }

    @classmethod
    def from_dict(cls, data: Any, content: Content) -> State:
        """Rebuild a stored state, dropping whatever the current content does not know.

        A coach may rename a step between her two answers, and a damaged row
        must never lock her out: she then starts the questions afresh.
        """
        if not isinstance(data, Mapping):
            return cls()

        def answers(raw: Any) -> dict[str, tuple[str, ...]]:
            if not isinstance(raw, Mapping):
                return {}
            return {k: _ids(v) for k, v in raw.items() if isinstance(k, str) and content.step(k)}

        step = data.get("step")
        current = content.step(step) if isinstance(step, str) else None
        profile = answers(data.get("profile")) or None
        welcomed = data.get("welcomed") is True
        if current is None:
            return cls(profile=profile, welcomed=welcomed)
        return cls(
            step=current.id,
            answers=answers(data.get("answers")),
            selected=tuple(a for a in _ids(data.get("selected")) if current.answer(a)),
            profile=profile,
            welcomed=welcomed,
            paused=data.get("paused") is True,
            confirming=data.get("confirming") is True,
        )


@dataclass(frozen=True)
class Outcome:
    """The new state and what to show.

    `settle` rewrites the message whose button she pressed, without buttons,
    so the chat reads as a record of her answers; `refresh` redraws it with new
    buttons (the ticks of a multi-select).
    """

    state: State
    replies: tuple[Reply, ...] = ()
    settle: str | None = None
    refresh: Reply | None = None


def question(content: Content, step: Step, selected: tuple[str, ...] = ()) -> Reply:
    """A question with one button per answer (ticked ones marked on a multi-select)."""
    mark = content.messages["selected_mark"]
    if step.multi:
        rows = [
            (Button(f"{mark}{a.label}" if a.id in selected else a.label, Choice(step.id, a.id)),)
            for a in step.answers
        ]
        rows.append(
            (
                Button(step.none_label, Action(NONE, step.id)),
                Button(step.done_label, Action(DONE, step.id)),
            )
        )
        return Reply(text=step.question, buttons=tuple(rows), kind="question")
    buttons = tuple(Button(a.label, Choice(step.id, a.id)) for a in step.answers)
    if all(len(b.label) <= SHORT_LABEL for b in buttons):
        return Reply(text=step.question, buttons=(buttons,), kind="question")
    return Reply(text=step.question, buttons=tuple((b,) for b in buttons), kind="question")


def _resources_hold(content: Content) -> tuple[Reply, ...]:
    go_on = Button(content.messages["resources_continue"], Action(CONTINUE))
    return (
        safety.resources(content),
        Reply(text=content.messages["resources_paused"], buttons=((go_on,),)),
    )


def _restart_prompt(content: Content) -> Reply:
    m = content.messages
    return Reply(
        text=m["restart_confirm"],
        buttons=(
            (Button(m["restart_yes"], Action(RESTART)), Button(m["restart_no"], Action(KEEP))),
        ),
    )


def prompt(content: Content, state: State) -> tuple[Reply, ...]:
    """What she needs to see to go on: the restart question, the safety pause, or the question."""
    if state.confirming:
        return (_restart_prompt(content),)
    if state.paused:
        return _resources_hold(content)
    current = content.step(state.step)
    return (question(content, current, state.selected),) if current else ()


def help_replies(content: Content) -> tuple[Reply, ...]:
    m, t, g = content.messages, content.tactics, content.guidance
    commands = "\n".join(f"/{name}: {text}" for name, text in m.commands.items())
    return (
        Reply(title=m["help_title"], text=f"{m['help_commands_title']}\n{commands}"),
        Reply(title=g.avoid_title, text=guidance.bullets(t.avoid)),
        Reply(title=g.embrace_title, text=guidance.bullets(t.embrace)),
    )


def _answered(content: Content, step: Step, answer_ids: tuple[str, ...]) -> str:
    labels = [a.label for a in step.answers if a.id in answer_ids]
    said = ", ".join(labels) or content.messages["none_selected"]
    return content.messages["answered"].format(question=step.question, answer=said)


def _begin(content: Content, state: State) -> Outcome:
    first = content.steps[0]
    fresh = State(step=first.id, profile=state.profile, welcomed=True)
    intro = () if state.welcomed else (Reply(text=content.messages["welcome"]),)
    return Outcome(fresh, (*intro, question(content, first)))


def _advance(content: Content, state: State, step: Step, chosen: tuple[str, ...]) -> Outcome:
    """Record `chosen` for `step` and move on: resources, the next question, or guidance."""
    answers = {**state.answers, step.id: chosen}
    answer = step.answer(chosen[0]) if len(chosen) == 1 and not step.multi else None
    following = content.after(step, answer)
    settle = _answered(content, step, chosen)
    if following == END:
        done = State(profile=answers, welcomed=state.welcomed)
        return Outcome(done, guidance.compose(content, answers), settle=settle)
    moved = replace(state, step=following, answers=answers, selected=())
    if answer is not None and answer.resources_first:
        held = replace(moved, paused=True)
        return Outcome(held, _resources_hold(content), settle=settle)
    return Outcome(moved, prompt(content, moved), settle=settle)


def _command(content: Content, state: State, name: str) -> Outcome:
    m = content.messages
    if name == "start":
        if state.mid_way:
            return Outcome(replace(state, confirming=True), (_restart_prompt(content),))
        return _begin(content, state)
    if name == "help":
        return Outcome(state, (*help_replies(content), *prompt(content, state)))
    if name == "cancel":
        if state.step is None:
            return Outcome(state, (Reply(text=m["nothing_to_cancel"]),))
        stopped = State(profile=state.profile, welcomed=state.welcomed)
        return Outcome(stopped, (Reply(text=m["cancelled"]),))
    return Outcome(state, (Reply(text=m["unknown_command"]), *prompt(content, state)))


def _stale(content: Content, state: State, key: str = "stale_button") -> Outcome:
    current = prompt(content, state)
    if not current:
        key = "after_guidance" if state.profile else "idle"
    return Outcome(state, (Reply(text=content.messages[key]), *current))


def _choice(content: Content, state: State, choice: Choice) -> Outcome:
    step = content.step(choice.step)
    answer = step.answer(choice.answer) if step else None
    if step is None or answer is None:
        return _stale(content, state)
    if state.paused or state.confirming:
        # An answer button can still be on screen from before; what she was asked last comes first.
        return Outcome(state, prompt(content, state))
    if choice.step != state.step:
        if choice.step in state.answers:
            settled = _answered(content, step, state.answers[step.id])
            replies = (Reply(text=content.messages["already_answered"]), *prompt(content, state))
            return Outcome(state, replies, settle=settled)
        return _stale(content, state)
    if step.multi:
        picked = set(state.selected) ^ {answer.id}
        selected = tuple(a.id for a in step.answers if a.id in picked)
        toggled = replace(state, selected=selected)
        return Outcome(toggled, refresh=question(content, step, selected))
    return _advance(content, state, step, (answer.id,))


def _action(content: Content, state: State, action: Action) -> Outcome:
    m = content.messages
    if action.name == RESTART and state.confirming:
        return replace(_begin(content, state), settle=m["restart_confirm"])
    if action.name == KEEP and state.confirming:
        kept = replace(state, confirming=False)
        replies = (Reply(text=m["resumed"]), *prompt(content, kept))
        return Outcome(kept, replies, settle=m["resumed"])
    if state.confirming:
        return Outcome(state, prompt(content, state))
    if action.name == CONTINUE and state.paused:
        going = replace(state, paused=False)
        return Outcome(going, prompt(content, going), settle=m["resources_paused"])
    step = content.step(state.step)
    if (
        action.name in (DONE, NONE)
        and step is not None
        and step.multi
        and action.step == step.id
        and not state.paused
    ):
        chosen = state.selected if action.name == DONE else ()
        return _advance(content, state, step, chosen)
    return _stale(content, state)


def _text(content: Content, state: State, text: str) -> Outcome:
    m = content.messages
    step = content.step(state.step)
    if step is None:
        return _stale(content, state, "after_guidance" if state.profile else "idle")
    if state.paused or state.confirming:
        return Outcome(state, prompt(content, state))
    answer = step.match(text)
    if answer is not None:
        chosen = _choice(content, state, Choice(step.id, answer.id))
        # A typed tick has no pressed message to redraw: show the question afresh.
        redrawn = (chosen.refresh,) if chosen.refresh else ()
        return Outcome(chosen.state, (*chosen.replies, *redrawn))
    if step.multi:
        said = normalize(text)
        if said == normalize(step.done_label):
            return _action(content, state, Action(DONE, step.id))
        if said == normalize(step.none_label):
            return _action(content, state, Action(NONE, step.id))
    nudge = m["nudge_multi"] if step.multi else m["nudge_single"]
    return Outcome(state, (Reply(text=nudge), *prompt(content, state)))


def respond(content: Content, state: State, event: Input) -> Outcome:
    """Apply one input to her state. Total: every input yields an outcome, none raises."""
    if isinstance(event, Command):
        return _command(content, state, event.name)
    if isinstance(event, Choice):
        return _choice(content, state, event)
    if isinstance(event, Action):
        return _action(content, state, event)
    return _text(content, state, event.text)
