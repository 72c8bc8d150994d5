"""/talk: short openings for the talks the article names, one script a page.

The script her plan points to comes first. On the safety path there are no
scripts: before any big conversation with him, the advice is to talk it
through with a domestic-violence advocate.
"""

from __future__ import annotations

from bot.content import Content
from bot.content.moments import Script
from bot.content.plan import pieces_for
from bot.core import asks
from bot.core.inputs import Action, number
from bot.core.replies import Button, Reply
from bot.core.state import State
from bot.core.turn import Outcome

PAGE, FOR = "talk", "talk_for"
"""Buttons: turn to page `arg`; open the script `arg` (from a page of her plan)."""
ACTIONS = frozenset({PAGE, FOR})


def scripts(content: Content, state: State) -> tuple[Script, ...]:
    """The scripts she may see, those her plan points to first; none on the safety path."""
    talk = content.moments.talk
    if state.unsafe:
        return ()
    mine = [p.talk for p in pieces_for(content.plan, state.profile or {}, "coaching") if p.talk]
    first = [s for s in talk.scripts if s.id in mine]
    return (*first, *(s for s in talk.scripts if s.id not in mine))


def page(content: Content, state: State, number_: int = 1) -> Reply:
    talk = content.moments.talk
    offered = scripts(content, state)
    if not offered:
        return Reply(title=talk.title, text=talk.safety_first)
    number_ = min(max(number_, 1), len(offered))
    script = offered[number_ - 1]
    lines = "\n".join(f"• {line}" for line in script.lines)
    label = content.plan.page_label.format(page=number_, pages=len(offered))
    turn = []
    if number_ > 1:
        turn.append(Button(content.plan.back_label, Action(PAGE, str(number_ - 1))))
    if number_ < len(offered):
        turn.append(Button(content.plan.next_label, Action(PAGE, str(number_ + 1))))
    return Reply(
        title=f"{talk.title}: {script.title}",
        text=f"{script.when}\n\n{lines}\n\n{talk.intro}\n\n{label}",
        buttons=(tuple(turn),) if turn else (),
        kind="plan",
    )


def command(content: Content, state: State) -> Outcome:
    return Outcome(state, asks.then_prompt(content, state, (page(content, state),)))


def button(content: Content, state: State, action: Action) -> Outcome | None:
    if action.name == PAGE:
        wanted = number(action.arg)
        return None if wanted is None else Outcome(state, edit=page(content, state, wanted))
    offered = [s.id for s in scripts(content, state)]
    at = offered.index(action.arg) + 1 if action.arg in offered else 1
    return Outcome(state, asks.then_prompt(content, state, (page(content, state, at),)))
