"""Her answer to the crisis screen's direct question, asked when it was unsure about her words.

"Yes" or "Not sure" is taken as a clear answer: the resources for that risk at
once (`crisis.confident`). "No, I'm okay" puts her back exactly where she was:
her path does not move, what she was doing comes back, and the same words are
not asked about again (their fingerprint is kept, never the words). When both
risks were heard, she is asked about one, then the other.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content, normalize
from bot.core import asks
from bot.core.asks import CRISIS_ANSWER
from bot.core.inputs import Action, Input, Text
from bot.core.replies import Reply, answered
from bot.core.safety import crisis
from bot.core.state import KEEP_DECLINED, Asked, State
from bot.core.turn import Outcome

ANSWERS = ("yes", "okay", "unsure")


def _typed(content: Content, text: str) -> str | None:
    """A typed answer that names one of the buttons ("no i'm okay", "not sure")."""
    ask = content.crisis.ask
    said = normalize(text)
    labels = {ask.yes_label: "yes", ask.okay_label: "okay", ask.unsure_label: "unsure"}
    found = {normalize(label): answer for label, answer in labels.items()}
    found.update({"no": "okay", "im okay": "okay", "im ok": "okay", "unsure": "unsure"})
    return found.get(said)


def handle(content: Content, state: State, event: Input) -> Outcome:
    """Her answer, by button or typed; anything else asks the question again."""
    overlay = state.overlay
    assert isinstance(overlay, Asked)  # the router sends only this mode here
    risk = overlay.risks[0]
    said = None
    if isinstance(event, Action) and event.name == CRISIS_ANSWER:
        asked_risk, _, answer = event.arg.partition(":")
        said = answer if asked_risk == risk and answer in ANSWERS else None
    elif isinstance(event, Text):
        said = _typed(content, event.text)
    if said is None:
        return Outcome(state, asks.prompt(content, state))
    ask = content.crisis.ask
    label = {"yes": ask.yes_label, "okay": ask.okay_label, "unsure": ask.unsure_label}[said]
    settle = answered(content, ask.question(risk), label)
    rest = overlay.risks[1:]
    if said == "okay":
        declined = tuple(dict.fromkeys((*state.declined, overlay.words)))[-KEEP_DECLINED:]
        kept = replace(state, declined=declined)
        if rest:
            following = replace(kept, overlay=replace(overlay, risks=rest))
            return Outcome(following, asks.prompt(content, following), settle=settle)
        back = kept.settled()
        okay = Reply(text=ask.draft_okay if overlay.draft else ask.okay)
        return Outcome(back, (okay, *asks.prompt(content, back)), settle=settle)
    done = crisis.confident(content, state, (risk,))
    if rest:
        following = crisis.ask(content, done.state, rest, overlay.words, draft=overlay.draft)
        return Outcome(following.state, (*done.replies[:-1], *following.replies), settle=settle)
    return replace(done, settle=settle)
