"""What she sent that is not a step of the conversation: an edit, and a backlog answered at once.

Telegram sends an edited message as an update of its own. Its new words are read for
danger like anything she types (`safety.crisis`), and if nothing is heard the edit is
acknowledged, once: her earlier message was answered already and the conversation has
moved on, so the edit is not taken as a new answer to whatever is asked now.

When one chat sends more than can be answered one by one, the Telegram adapter folds
the oldest texts together (`bot.telegram.backlog`): each is read for danger there, one
that worries the screen comes here as ordinary text, and the rest are answered once
with where she is now.
"""

from __future__ import annotations

from bot.content import Content
from bot.core import asks
from bot.core.inputs import CaughtUp, Edited
from bot.core.replies import Reply
from bot.core.safety import crisis
from bot.core.safety.reading import read
from bot.core.state import State
from bot.core.turn import Outcome


def handle(content: Content, state: State, event: Edited | CaughtUp) -> Outcome:
    """The answer to an edit or to a folded backlog; her state moves only if danger is heard."""
    if isinstance(event, Edited):
        alarmed = crisis.intercept(content, state, event.text)
        if alarmed is not None:
            return alarmed
        return Outcome(state, (Reply(text=content.messages.saw_edit),))
    m = content.messages
    said = m.caught_up if event.read_all else m.caught_up_partly
    here = asks.prompt(content, state) or (Reply(text=asks.idle_text(content, state)),)
    return Outcome(state, (Reply(text=said), *here))


def worrying(content: Content, text: str) -> bool:
    """Whether the crisis screen hears anything in `text`: an alarm, or enough to ask her."""
    return not read(content, text).quiet
