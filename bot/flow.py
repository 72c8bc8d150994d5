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
from datetime import UTC, datetime
from typing import Any

from bot import checkins, guidance, safety
from bot.checkins import Context, Record, ScheduleWrite, Setup
from bot.content import END, Content, Step, normalize
from bot.dialogue import (
    CONTINUE,
    DONE,
    EXPORT,
    FORGET,
    HIDE,
    KEEP,
    KEEP_DATA,
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
    # A list, not a generator: twice as fast, and every update and claimed row reads a state.
    return tuple([item for item in raw if isinstance(item, str)])


@dataclass(frozen=True)
class State:
    """Where she is. Serialised to JSON by `to_dict`; read back by `from_dict`.

    `paused`: the safety resources were shown and the questions wait for her
    "continue". `confirming`: she sent /start mid-way and was asked whether to
    start over; it sits on top of `paused`, so "keep going" returns to the pause.
    `country`: an ISO code, `safety.OTHER`, `safety.SKIP`, or None (not asked yet).
    `confirming_forget`: /forget asked her to confirm.
    `setup`: she is setting check-ins up (it sits beside the questions, which wait).
    `noting`: the check-in whose note her next message is.
    """

    step: str | None = None
    answers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    selected: tuple[str, ...] = ()
    profile: Mapping[str, tuple[str, ...]] | None = None
    welcomed: bool = False
    paused: bool = False
    confirming: bool = False
    country: str | None = None
    confirming_forget: bool = False
    setup: Setup | None = None
    noting: int | None = None

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
            "country": self.country,
            "confirming_forget": self.confirming_forget,
            "setup": self.setup.to_dict() if self.setup else None,
            "noting": self.noting,
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
        country = data.get("country")
        noting = data.get("noting")
        kept: dict[str, Any] = {
            "setup": Setup.from_dict(data.get("setup")),
            "noting": noting if isinstance(noting, int) and not isinstance(noting, bool) else None,
            "profile": answers(data.get("profile")) or None,
            "welcomed": data.get("welcomed") is True,
            "country": safety.known_country(content, country) if isinstance(country, str) else None,
            "confirming_forget": data.get("confirming_forget") is True,
        }
        if current is None:
            return cls(**kept)
        # Built once rather than built and then `replace`d: every update reads her state.
        return cls(
            **kept,
            step=current.id,
            answers=answers(data.get("answers")),
            selected=tuple(a for a in _ids(data.get("selected")) if current.answer(a)),
            paused=data.get("paused") is True,
            confirming=data.get("confirming") is True,
        )


@dataclass(frozen=True)
class Outcome:
    """The new state and what to show.

    `settle` rewrites the message whose button she pressed, without buttons,
    so the chat reads as a record of her answers; `refresh` redraws it with new
    buttons (the ticks of a multi-select). `effect` asks the adapter to export,
    forget, hide or show progress before it shows the replies. `write` and
    `record` are check-in changes, stored in the transaction that stores `state`.
    """

    state: State
    replies: tuple[Reply, ...] = ()
    settle: str | None = None
    refresh: Reply | None = None
    effect: str | None = None
    write: ScheduleWrite | None = None
    record: Record | None = None


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


def _safety_replies(content: Content, state: State) -> tuple[Reply, ...]:
    """The resources for her country, and the country question if she has not been asked."""
    ask = () if state.country else (safety.country_question(content),)
    return (safety.resources(content, state.country), *ask)


def _resources_hold(content: Content, state: State) -> tuple[Reply, ...]:
    go_on = Button(content.messages["resources_continue"], Action(CONTINUE))
    return (
        *_safety_replies(content, state),
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
    if state.setup is not None:
        return checkins.setup_prompt(content, state.setup)
    if state.paused:
        return _resources_hold(content, state)
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


def _from_turn(content: Content, state: State, turn: checkins.Turn) -> Outcome:
    """A check-in turn as an outcome; what she was in the middle of is asked again after it."""
    after = replace(state, setup=turn.setup, noting=turn.noting)
    if turn.stale and not turn.replies:
        return _stale(content, after)
    again = tuple(r for r in prompt(content, after) if r not in turn.replies)
    return Outcome(
        after,
        (*turn.replies, *again),
        settle=turn.settle,
        effect=turn.effect,
        write=turn.write,
        record=turn.record,
    )


def _answered(content: Content, step: Step, answer_ids: tuple[str, ...]) -> str:
    labels = [a.label for a in step.answers if a.id in answer_ids]
    said = ", ".join(labels) or content.messages["none_selected"]
    return content.messages["answered"].format(question=step.question, answer=said)


def _begin(content: Content, state: State) -> Outcome:
    first = content.steps[0]
    fresh = State(step=first.id, profile=state.profile, welcomed=True, country=state.country)
    m = content.messages
    intro = () if state.welcomed else (Reply(text=m["welcome"]), Reply(text=m["about"]))
    return Outcome(fresh, (*intro, question(content, first)))


def _advance(
    content: Content, state: State, step: Step, chosen: tuple[str, ...], ctx: Context
) -> Outcome:
    """Record `chosen` for `step` and move on: resources, the next question, or guidance."""
    answers = {**state.answers, step.id: chosen}
    answer = step.answer(chosen[0]) if len(chosen) == 1 and not step.multi else None
    following = content.after(step, answer)
    settle = _answered(content, step, chosen)
    if following == END:
        done = State(profile=answers, welcomed=state.welcomed, country=state.country)
        hide = ((Button(content.messages["hide_label"], Action(HIDE)),),)
        answer_ = tuple(replace(r, buttons=hide) for r in guidance.compose(content, answers))
        has_checkins = ctx.schedule is not None and ctx.schedule.active
        offer = () if has_checkins else (checkins.offer(content),)
        return Outcome(done, (*answer_, *offer), settle=settle)
    moved = replace(state, step=following, answers=answers, selected=())
    if answer is not None and answer.resources_first:
        held = replace(moved, paused=True)
        return Outcome(held, _resources_hold(content, held), settle=settle)
    return Outcome(moved, prompt(content, moved), settle=settle)


def _command(content: Content, state: State, name: str, ctx: Context) -> Outcome:
    m = content.messages
    state = replace(state, noting=None)
    if name in checkins.COMMANDS:
        return _from_turn(content, state, checkins.command(content, state.setup, name, ctx))
    if name == checkins.PROGRESS:
        return Outcome(state, effect=checkins.PROGRESS)
    if name == "cancel" and state.setup is not None:
        left = replace(state, setup=None)
        return Outcome(
            left, (Reply(text=content.checkins["setup_cancelled"]), *prompt(content, left))
        )
    if name == "start":
        state = replace(state, setup=None)
        if state.mid_way:
            return Outcome(replace(state, confirming=True), (_restart_prompt(content),))
        return _begin(content, state)
    if name == "help":
        return Outcome(state, (*help_replies(content), *prompt(content, state)))
    if name == "sos":
        if state.paused and not state.confirming:
            return Outcome(state, prompt(content, state))
        return Outcome(state, (*_safety_replies(content, state), *prompt(content, state)))
    if name == "about":
        return Outcome(state, (Reply(text=m["about"]), *prompt(content, state)))
    if name == "mydata":
        return Outcome(state, effect=EXPORT)
    if name == "forget":
        buttons = (
            (Button(m["forget_yes"], Action(FORGET)), Button(m["forget_no"], Action(KEEP_DATA))),
        )
        asking = replace(state, confirming_forget=True)
        return Outcome(asking, (Reply(text=m["forget_confirm"], buttons=buttons),))
    if name == "cancel":
        if state.step is None:
            return Outcome(state, (Reply(text=m["nothing_to_cancel"]),))
        stopped = State(profile=state.profile, welcomed=state.welcomed, country=state.country)
        return Outcome(stopped, (Reply(text=m["cancelled"]),))
    return Outcome(state, (Reply(text=m["unknown_command"]), *prompt(content, state)))


def _stale(content: Content, state: State, key: str = "stale_button") -> Outcome:
    current = prompt(content, state)
    if not current:
        key = "after_guidance" if state.profile else "idle"
    return Outcome(state, (Reply(text=content.messages[key]), *current))


def _choice(content: Content, state: State, choice: Choice, ctx: Context) -> Outcome:
    step = content.step(choice.step)
    answer = step.answer(choice.answer) if step else None
    if step is None or answer is None:
        return _stale(content, state)
    if state.paused or state.confirming or state.setup is not None:
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
    return _advance(content, state, step, (answer.id,), ctx)


def _privacy_action(content: Content, state: State, action: Action) -> Outcome | None:
    """Forget, keep, hide and the country: buttons that work at any point of the conversation."""
    m = content.messages
    if action.name == FORGET and state.confirming_forget:
        return Outcome(State(), (Reply(text=m["forgotten"]),), effect=FORGET)
    if action.name == KEEP_DATA and state.confirming_forget:
        kept = replace(state, confirming_forget=False)
        return Outcome(kept, prompt(content, kept), settle=m["forget_kept"])
    if action.name == HIDE:
        return Outcome(state, effect=HIDE)
    if action.name == safety.COUNTRY:
        code = safety.known_country(content, action.arg)
        if code is None:
            return None
        told = replace(state, country=code)
        label = next((c.name for c in content.resources.countries if c.code == code), None)
        said = label or m["country_other" if code == safety.OTHER else "country_skip"]
        settle = m["answered"].format(question=m["country_question"], answer=said)
        if told.paused or code == safety.SKIP:
            return Outcome(told, prompt(content, told), settle=settle)
        replies = (safety.resources(content, code), *prompt(content, told))
        return Outcome(told, replies, settle=settle)
    return None


def _action(content: Content, state: State, action: Action, ctx: Context) -> Outcome:
    m = content.messages
    privacy = _privacy_action(content, state, action)
    if privacy is not None:
        return privacy
    if action.name in checkins.ACTIONS:
        turn = checkins.action(content, state.setup, state.noting, action, ctx)
        return _stale(content, state) if turn is None else _from_turn(content, state, turn)
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
        and action.arg == step.id
        and not state.paused
    ):
        chosen = state.selected if action.name == DONE else ()
        return _advance(content, state, step, chosen, ctx)
    return _stale(content, state)


def _crisis(content: Content, state: State, text: str) -> Outcome | None:
    """Resources first when her words suggest danger; the questions wait for her to go on."""
    if safety.screen(content, text) is None:
        return None
    step = content.step(state.step)
    answer = step.match(text) if step and not (state.paused or state.confirming) else None
    if answer is not None and answer.resources_first:
        return None  # "not safe" typed at the safety question: the answer shows resources itself
    intro = Reply(text=content.messages["crisis_intro"], kind="resources")
    if step is None:
        idle = Reply(text=content.messages["crisis_idle"])
        return Outcome(state, (intro, *_safety_replies(content, state), idle))
    held = replace(state, paused=True, confirming=False)
    return Outcome(held, (intro, *prompt(content, held)))


def _text(content: Content, state: State, text: str, ctx: Context) -> Outcome:
    m = content.messages
    crisis = _crisis(content, state, text)
    if state.noting is not None:
        # Her note is kept even when it worries us; the resources come first all the same.
        noted = _from_turn(
            content, state, checkins.note_text(content, state.setup, state.noting, text)
        )
        if crisis is None:
            return noted
        return replace(crisis, state=replace(crisis.state, noting=None), record=noted.record)
    if crisis is not None:
        return crisis
    if state.setup is not None and not state.confirming:
        return _from_turn(content, state, checkins.setup_text(content, state.setup, text, ctx))
    step = content.step(state.step)
    if step is None:
        return _stale(content, state, "after_guidance" if state.profile else "idle")
    if state.paused or state.confirming:
        return Outcome(state, prompt(content, state))
    answer = step.match(text)
    if answer is not None:
        chosen = _choice(content, state, Choice(step.id, answer.id), ctx)
        # A typed tick has no pressed message to redraw: show the question afresh.
        redrawn = (chosen.refresh,) if chosen.refresh else ()
        return Outcome(chosen.state, (*chosen.replies, *redrawn))
    if step.multi:
        said = normalize(text)
        if said == normalize(step.done_label):
            return _action(content, state, Action(DONE, step.id), ctx)
        if said == normalize(step.none_label):
            return _action(content, state, Action(NONE, step.id), ctx)
    nudge = m["nudge_multi"] if step.multi else m["nudge_single"]
    return Outcome(state, (Reply(text=nudge), *prompt(content, state)))


def respond(content: Content, state: State, event: Input, ctx: Context | None = None) -> Outcome:
    """Apply one input to her state. Total: every input yields an outcome, none raises.

    `ctx` carries the clock and her schedule; without one it is now and no schedule.
    """
    ctx = ctx or Context(now=datetime.now(UTC))
    if isinstance(event, Command):
        return _command(content, state, event.name, ctx)
    if isinstance(event, Choice):
        return _choice(content, state, event, ctx)
    if isinstance(event, Action):
        return _action(content, state, event, ctx)
    return _text(content, state, event.text, ctx)
