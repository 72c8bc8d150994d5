"""Resources first when her words suggest danger, whatever she was doing.

Every text she types is screened before any handler sees it. An alarm shows
the resources at once; the questions wait (held) until she chooses to go on,
and anything asked on top of them (a confirmation, a check-in set-up) gives way.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core import asks
from bot.core.replies import Reply
from bot.core.safety.screen import screen
from bot.core.state import Mode, State, graver
from bot.core.turn import Outcome


def intercept(content: Content, state: State, text: str) -> Outcome | None:
    """The resources-first outcome if `text` raises an alarm, else None.

    A reply that plainly names one of the answers on offer ("calmly", "not safe")
    is that answer, not free text: the questions take it, and the answers that
    mean danger show the resources themselves. Only free text is screened, which
    spares a typed answer the screen's few hundred microseconds.
    """
    step = content.step(state.step)
    if step is not None and state.mode is Mode.ASKING and step.match(text) is not None:
        return None
    if screen(content, text) is None:
        return None
    m = content.messages
    intro = Reply(text=m.crisis_intro, kind="resources")
    # From now on she is on the safety path, until she herself says things are different.
    calm = replace(state, overlay=None, unsafe=graver(state.unsafe, "alarm"))
    if step is None:
        return Outcome(
            calm, (intro, *asks.safety_replies(content, calm), Reply(text=m.crisis_idle))
        )
    held = replace(calm, held=True)
    return Outcome(held, (intro, *asks.prompt(content, held)))
