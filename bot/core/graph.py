"""The conversation drawn as a Mermaid state diagram, from the content and the router itself.

The questions and their branches come from `assessment.yaml`. The modes and
the moves between them are found by running the pure core: each mode's
representative state is given the inputs she could send there (commands, the
buttons it shows, plain and alarming text), and every change of mode is an
arrow. So the drawing cannot drift from the code: `python -m bot content graph`
prints it, the README embeds it, and a test fails when the README's copy is stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime

from bot.content import END, Content
from bot.core import asks, router
from bot.core.inputs import Action, Choice, Command, Input, Text
from bot.core.plan import SAFE_NOW, UPDATE
from bot.core.state import (
    Asked,
    Confirm,
    DangerCheck,
    Drafting,
    Mode,
    Noting,
    Setup,
    State,
    Updating,
    WayBack,
)
from bot.core.turn import Context

ALARM = "he hit me and I'm scared"
"""Text the crisis screen always raises an alarm on (its own tests hold it)."""
UNSURE = "i just want to disappear"
"""Text the crisis screen is unsure about, and asks her about (its own tests hold it)."""
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
EVERYWHERE = 0.6
"""A move found from this share of the modes or more is drawn once, from anywhere."""


def _profile(content: Content) -> dict[str, tuple[str, ...]]:
    return {s.id: ((s.answers[0].id,) if not s.multi else ()) for s in content.steps}


def representatives(content: Content) -> dict[Mode, State]:
    """One state of each mode, as she would be in it."""
    done = _profile(content)
    second = content.steps[1].id
    asking = State(step=second, answers={content.steps[0].id: ("yes",)}, welcomed=True)
    held = State(step=second, answers={content.steps[0].id: ("no",)}, held=True, unsafe="no")
    return {
        Mode.IDLE: State(profile=done, welcomed=True),
        Mode.ASKING: asking,
        Mode.HELD: held,
        Mode.CONFIRM_RESTART: State(**{**asking.__dict__, "overlay": Confirm("restart")}),
        Mode.CONFIRM_FORGET: State(profile=done, overlay=Confirm("forget")),
        Mode.SETUP: State(profile=done, overlay=Setup("cadence")),
        Mode.NOTING: State(profile=done, overlay=Noting(1)),
        Mode.DANGER_CHECK: State(**{**held.__dict__, "overlay": DangerCheck(), "unsafe": "unsure"}),
        Mode.WAY_BACK: State(profile=done, unsafe="no", overlay=WayBack()),
        Mode.UPDATING: State(profile=done, overlay=Updating()),
        Mode.DRAFTING: State(profile=done, overlay=Drafting()),
        Mode.ASKED: State(profile=done, overlay=Asked(("own",), "0" * 16)),
    }


def _label(event: Input) -> str:
    if isinstance(event, Command):
        return f"/{event.name}"
    if isinstance(event, Text):
        return {ALARM: "alarming words", UNSURE: "words it is unsure of"}.get(
            event.text, "typed text"
        )
    if isinstance(event, Choice):
        return "an answer"
    return event.name


def _inputs(content: Content, state: State) -> Iterator[Input]:
    for name, _ in content.messages.commands.items():
        yield Command(name)
    yield Text("hello")
    yield Text(ALARM)
    yield Text(UNSURE)
    yield Action(UPDATE)
    yield Action(SAFE_NOW)
    for reply in asks.prompt(content, state):
        for row in reply.buttons:
            for button in row:
                yield button.input


def moves(content: Content) -> dict[tuple[str, str], set[str]]:
    """(from mode, to mode) -> the inputs that make that move."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mode, state in representatives(content).items():
        for event in _inputs(content, state):
            after = router.respond(content, state, event, Context(now=NOW)).state.mode
            if after is not mode:
                found[(mode.value, after.value)].add(_label(event))
    return found


def mermaid(content: Content) -> str:
    """The conversation as a Mermaid `stateDiagram-v2`."""
    lines = ["stateDiagram-v2", "    direction LR", "    [*] --> idle"]
    lines.append("    state asking {")
    first = content.steps[0]
    lines.append(f"        [*] --> {first.id}")
    for step in content.steps:
        lines.append(f"        {step.id} : {step.topic}")
        targets: dict[str, list[str]] = defaultdict(list)
        for answer in step.answers:
            following = content.after(step, answer if not step.multi else None)
            if answer.resources_first:
                targets["held"].append(answer.label)
            elif following != END:
                targets[following].append(answer.label)
        if step.multi:
            after = content.after(step, None)
            targets[after if after != END else "[*]"].append(step.done_label or "done")
        elif content.after(step, None) == END:
            targets["[*]"].append("her plan")
        if step.optional:
            following = content.after(step, None)
            targets[following if following != END else "[*]"].append(step.skip_label or "skip")
        for target, labels in targets.items():
            if target == "held":
                continue
            shown = ", ".join(labels[:3]) + (", ..." if len(labels) > 3 else "")
            lines.append(f"        {step.id} --> {target} : {shown}")
    lines.append("    }")
    for step in content.steps:
        held = [a.label for a in step.answers if a.resources_first]
        if held:
            lines.append(f"    {step.id} --> held : {', '.join(held)}")
    found = moves(content)
    modes = len(representatives(content))
    by_target: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (source, target), labels in found.items():
        for label in labels:
            by_target[(target, label)].add(source)
    anywhere = {key for key, sources in by_target.items() if len(sources) >= EVERYWHERE * modes}
    if anywhere:
        lines.append('    state "from any mode" as anywhere')
        for target in sorted({t for t, _ in anywhere}):
            labels = sorted(label for t, label in anywhere if t == target)
            lines.append(f"    anywhere --> {target} : {', '.join(labels)}")
    for (source, target), labels in sorted(found.items()):
        rest = sorted(label for label in labels if (target, label) not in anywhere)
        if rest and source != target:
            commands = [label for label in rest if label.startswith("/")]
            if len(commands) > 3:  # a note or a draft gives way to any command
                rest = [label for label in rest if not label.startswith("/")] + ["other commands"]
            lines.append(f"    {source} --> {target} : {', '.join(rest)}")
    return "\n".join(lines) + "\n"
