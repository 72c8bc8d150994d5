"""/talk: short openings for the talks the article names, one script a page.

The script her plan points to comes first. What she has told the bot about
danger decides what is offered: on the safety path there are no scripts (before
any big conversation with him, the advice is to talk it through with an
advocate); with danger on record after the way back, no script has her confront
him, and the advocate comes first on every page.
"""

from __future__ import annotations

from bot.content import Content
from bot.content.moments import Script
from bot.content.plan import pieces_for
from bot.core import asks
from bot.core.inputs import Action, number
from bot.core.replies import Button, Reply
from bot.core.safety.told import Told
from bot.core.state import State
from bot.core.turn import Outcome

PAGE, FOR = "talk", "talk_for"
"""Buttons: turn to page `arg`; open the script `arg` (from a page of her plan)."""
ACTIONS = frozenset({PAGE, FOR})


def scripts(content: Content, state: State) -> tuple[Script, ...]:
    """The scripts she may see, those her plan points to first; none on the safety path."""
    told = Told.of(state)
    if told.unsafe:
        return ()
    allowed = [s for s in content.moments.talk.scripts if not (told.guarded and s.confronts)]
    profile = state.profile or {}
    mine = [p.talk for p in pieces_for(content.plan, profile, "coaching", told.guarded) if p.talk]
    first = [s for s in allowed if s.id in mine]
    return (*first, *(s for s in allowed if s.id not in mine))


def offered(content: Content, state: State, script_id: str) -> bool:
    """Whether her plan's page may offer the script `script_id`."""
    return any(s.id == script_id for s in scripts(content, state))


def page(content: Content, state: State, number_: int = 1) -> Reply:
    talk = content.moments.talk
    offered_ = scripts(content, state)
    if not offered_:
        return Reply(title=talk.title, text=talk.safety_first)
    number_ = min(max(number_, 1), len(offered_))
    script = offered_[number_ - 1]
    lines = "\n".join(f"• {line}" for line in script.lines)
    label = content.plan.page_label.format(page=number_, pages=len(offered_))
    turn = []
    if number_ > 1:
        turn.append(Button(content.plan.back_label, Action(PAGE, str(number_ - 1))))
    if number_ < len(offered_):
        turn.append(Button(content.plan.next_label, Action(PAGE, str(number_ + 1))))
    guarded = f"{talk.guarded}\n\n" if Told.of(state).guarded else ""
    return Reply(
        title=f"{talk.title}: {script.title}",
        text=f"{guarded}{script.when}\n\n{lines}\n\n{talk.intro}\n\n{label}",
        buttons=(tuple(turn),) if turn else (),
        kind="plan",
    )


def command(content: Content, state: State) -> Outcome:
    return Outcome(state, asks.then_prompt(content, state, (page(content, state),)))


def button(content: Content, state: State, action: Action) -> Outcome | None:
    if action.name == PAGE:
        wanted = number(action.arg)
        return None if wanted is None else Outcome(state, edit=page(content, state, wanted))
    offered_ = [s.id for s in scripts(content, state)]
    at = offered_.index(action.arg) + 1 if action.arg in offered_ else 1
    return Outcome(state, asks.then_prompt(content, state, (page(content, state, at),)))
