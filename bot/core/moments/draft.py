"""/draft: she writes the message she means to send him, and reads what may land badly.

The crisis screen reads it first, as it reads everything she types; on the
safety path the reply puts her safety before any wording. The draft passes
through and is gone: only the count of drafts read over is kept, for /progress.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core import asks, drafts
from bot.core.inputs import Action
from bot.core.replies import Button, Reply
from bot.core.safety import crisis
from bot.core.state import Drafting, State
from bot.core.turn import Outcome

AGAIN = "draft"
"""The button under a reading: check another message."""


def begin(content: Content, state: State, text: str = "") -> Outcome:
    """`/draft <text>` reads it at once; `/draft` alone asks for it."""
    if text.strip():
        return read(content, state, text)
    asking = replace(state, overlay=Drafting())
    return Outcome(asking, asks.prompt(content, asking))


def read(content: Content, state: State, text: str) -> Outcome:
    """What may land badly in her draft (her safety first, if need be); then where she was."""
    rules = content.drafts
    base = state.settled() if isinstance(state.overlay, Drafting) else state
    alarmed = crisis.intercept(content, base, text)
    after = alarmed.state if alarmed is not None else base
    after = replace(after, drafts=after.drafts + 1)
    findings = drafts.check(rules, text)
    again = ((Button(rules.texts.again_label, Action(AGAIN)),),)
    said = Reply(text=drafts.reply(rules, findings, safety_first=bool(after.unsafe)), buttons=again)
    if alarmed is not None:
        # Resources first, then the reading she asked for.
        return Outcome(after, (*alarmed.replies, said))
    return Outcome(after, asks.then_prompt(content, after, (said,)))
