"""/draft: she writes the message she means to send him, and reads what may land badly.

The crisis screen reads it first, as a draft: words that raise a risk stop the
wording advice entirely (the lines, a kind word, nothing after), and danger
from him is asked about, never taken as read, so a draft never moves her path
by itself. What she has told the bot about danger decides the reading: on the
safety path nothing in it moves her toward him.

One screen at a time: a summary first (each pattern named, with her words),
then one pattern a page. The draft passes through and is gone: the pages turn
from the patterns' numbers in the button, never her words, and only the count
of drafts read over is kept, for /progress.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core import asks, drafts
from bot.core.inputs import Action, number
from bot.core.replies import Button, Reply
from bot.core.safety import crisis
from bot.core.safety.reading import read as read_risks
from bot.core.safety.told import Told
from bot.core.state import Asked, Drafting, State
from bot.core.turn import Outcome

AGAIN, PAGE = "draft", "draft_page"
"""Buttons: check another message; turn a page of the patterns (`arg`
"<page>:<pattern numbers, dot-separated>:<s on the safety path, c on coaching>")."""
ACTIONS = frozenset({AGAIN, PAGE})


def begin(content: Content, state: State, text: str = "") -> Outcome:
    """`/draft <text>` reads it at once; `/draft` alone asks for it."""
    if text.strip():
        return read(content, state, text)
    asking = replace(state, overlay=Drafting())
    return Outcome(asking, asks.prompt(content, asking))


def page(content: Content, numbers: list[int], at: int, safety_path: bool) -> Reply:
    """Page `at` (from 1) of the patterns a draft showed, with its turning buttons."""
    rules = content.drafts
    at = min(max(at, 1), len(numbers))
    pattern = rules.patterns[numbers[at - 1]]
    plan = content.plan
    key = f"{'.'.join(map(str, numbers))}:{'s' if safety_path else 'c'}"
    turn = []
    if at > 1:
        turn.append(Button(plan.back_label, Action(PAGE, f"{at - 1}:{key}")))
    if at < len(numbers):
        turn.append(Button(plan.next_label, Action(PAGE, f"{at + 1}:{key}")))
    label = plan.page_label.format(page=at, pages=len(numbers))
    text = drafts.explained(rules, pattern.id, safety_path=safety_path)
    return Reply(
        title=pattern.name,
        text=f"{text}\n\n{label}",
        buttons=(tuple(turn),) if turn else (),
        kind="plan",
    )


def read(content: Content, state: State, text: str) -> Outcome:
    """Her safety first, if her words call for it (and then nothing else); otherwise the
    summary and the patterns a page each, read for the path she is on; then where she was."""
    rules = content.drafts
    base = state.settled() if isinstance(state.overlay, Drafting) else state
    base = replace(base, drafts=base.drafts + 1)
    heard = crisis.respond(content, base, text, read_risks(content, text), draft=True)
    if heard is not None:
        if isinstance(heard.state.overlay, Asked):
            return heard  # she is asked about her words; nothing comes after the question
        # The lines, then a kind word in place of any wording advice; the questions' button
        # stays if she was in the middle of them.
        *lines, last = heard.replies
        stop = Reply(text=rules.texts.crisis_stop)
        waiting = (last,) if content.step(heard.state.step) is not None else ()
        return replace(heard, replies=(*lines, stop, *waiting))
    safety_path = Told.of(base).unsafe
    findings = drafts.check(rules, text)
    again = ((Button(rules.texts.again_label, Action(AGAIN)),),)
    shown = [Reply(text=drafts.summary(rules, findings, safety_path=safety_path), buttons=again)]
    if findings:
        index = {p.id: i for i, p in enumerate(rules.patterns)}
        shown.append(page(content, [index[f.pattern] for f in findings], 1, safety_path))
    return Outcome(base, asks.then_prompt(content, base, tuple(shown)))


def button(content: Content, state: State, action: Action) -> Outcome | None:
    """Check another message, or turn a page; None for a page that makes no sense."""
    if action.name == AGAIN:
        return begin(content, state)
    at, _, rest = action.arg.partition(":")
    found, _, path = rest.partition(":")
    numbers = [number(n) for n in found.split(".")] if found else []
    wanted = number(at)
    count = len(content.drafts.patterns)
    if wanted is None or not numbers or path not in ("s", "c"):
        return None
    if any(n is None or n >= count for n in numbers):
        return None
    return Outcome(
        state, edit=page(content, [n for n in numbers if n is not None], wanted, path == "s")
    )
