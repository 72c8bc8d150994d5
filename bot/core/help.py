"""/help: one message she pages through, one phone screen a page.

Page one is the commands; then what tends to backfire, and what tends to help,
a page each. What she has told the bot about danger decides the second list:
on the safety path nothing that moves her toward him, and with danger on
record nothing that has her confront him (`Told`). The plan's "What helps,
what backfires" button opens it at the lists.
"""

from __future__ import annotations

from bot.content import Content
from bot.core.inputs import Action, number
from bot.core.replies import Button, Reply
from bot.core.safety.told import Told
from bot.core.state import State
from bot.core.turn import Outcome

PAGE = "help"
"""A page of /help: `arg` is its number."""
ACTIONS = frozenset({PAGE})
LISTS_PAGE = 2
"""Where the lists begin: the plan's button opens /help here."""


def pages(content: Content, told: Told) -> tuple[Reply, ...]:
    """The commands, what tends to backfire, what tends to help."""
    m, t = content.messages, content.tactics
    commands = "\n".join(f"/{name}: {text}" for name, text in m.commands.items())
    avoid = "\n".join(
        f"• {a.name}: {a.instead_safe if told.unsafe else a.instead}" for a in t.avoid
    )
    embrace = "\n".join(f"• {e.name}: {e.short}" for e in t.embrace_for(told))
    return (
        Reply(title=m.help_title, text=f"{m.help_commands_title}\n{commands}", kind="plan"),
        Reply(title=m.avoid_title, text=avoid, kind="plan"),
        Reply(title=m.embrace_title, text=embrace, kind="plan"),
    )


def page(content: Content, state: State, number_: int = 1) -> Reply:
    """Page `number_` with its buttons (out of range turns to the nearest)."""
    every = pages(content, Told.of(state))
    number_ = min(max(number_, 1), len(every))
    shown = every[number_ - 1]
    plan = content.plan
    turn = []
    if number_ > 1:
        turn.append(Button(plan.back_label, Action(PAGE, str(number_ - 1))))
    if number_ < len(every):
        turn.append(Button(plan.next_label, Action(PAGE, str(number_ + 1))))
    label = plan.page_label.format(page=number_, pages=len(every))
    return Reply(
        title=shown.title,
        text=f"{shown.text}\n\n{label}",
        buttons=(tuple(turn),) if turn else (),
        kind="plan",
        pages=every if number_ == 1 else (),
    )


def button(content: Content, state: State, action: Action) -> Outcome | None:
    """A page turned in place; None for a page that makes no sense (a forged tap)."""
    wanted = number(action.arg)
    return None if wanted is None else Outcome(state, edit=page(content, state, wanted))
