"""Her answers to a check-in: how she is holding up, its question about her, a note.

The check-in's buttons carry its id; the service reads that check-in in the
turn's transaction and hands it in as `ctx.checkin`, and the answer is written
back as a `Record` in the same transaction. A low mood is met with care for
her first, never with a task about him. A discreet check-in opens in place.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core import asks
from bot.core.checkins import wording
from bot.core.checkins.records import CHECKIN, Delivered, Record
from bot.core.checkins.wording import DID, MOOD, NOTE, OPEN_CHECKIN
from bot.core.inputs import Action, Input, number
from bot.core.moments import urge
from bot.core.replies import Button, Reply, answered
from bot.core.state import Noting, State
from bot.core.turn import Context, Outcome

NOTE_LIMIT = 500
"""A one-line note; longer text is cut here rather than refused."""
REFERENCING = frozenset({MOOD, DID, NOTE, OPEN_CHECKIN, urge.AFTER})
"""Buttons that carry the id of a delivery the turn must read."""


def referenced(event: Input) -> int | None:
    """The delivery id a button press points at, if any."""
    if isinstance(event, Action) and event.name in REFERENCING:
        return number(event.arg.split(":", 1)[0])
    return None


def _show(content: Content, state: State, *replies: Reply, **writes: object) -> Outcome:
    return Outcome(state, asks.then_prompt(content, state, replies), **writes)  # type: ignore[arg-type]


def _question(content: Content, found: Delivered) -> Reply:
    c = content.checkins
    asked = c.question(found.question) or c.questions[0]
    yes = Button(c.did_yes, Action(DID, f"{found.id}:yes"))
    no = Button(c.did_no, Action(DID, f"{found.id}:no"))
    return Reply(text=asked.text, buttons=((yes, no),))


def button(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    """A tap on a check-in's buttons; None when the tap does not make sense (a forged one)."""
    c = content.checkins
    found = ctx.checkin
    if found is None or found.kind != CHECKIN:
        return _show(content, state, Reply(text=c.checkin_gone))
    value = action.arg.split(":", 1)[1] if ":" in action.arg else ""
    if action.name == OPEN_CHECKIN:
        return Outcome(state, edit=wording.checkin_message(content, found.id, found.encouragement))
    if action.name == MOOD:
        mood = number(value)
        labels = c.mood_labels
        if mood is None or mood not in labels:
            return None
        if mood <= c.low_mood:
            said = c.reply_low.format(care=c.care[found.id % len(c.care)])
        else:
            said = c.reply_mid if mood == 3 else c.reply_high
        replies = [Reply(text=said)]
        if found.did is None:
            replies.append(_question(content, found))
        said_mood = answered(content, c.checkin_mood, labels[mood])
        # The check-in keeps its encouragement; only the buttons give way to her answer.
        kept_text = wording.encouragement_text(content, found.encouragement)
        settle = f"{kept_text}\n\n{said_mood}" if kept_text else said_mood
        return _show(content, state, *replies, settle=settle, record=Record(found.id, mood=mood))
    if action.name == DID:
        if value not in ("yes", "no"):
            return None
        asked = c.question(found.question) or c.questions[0]
        did = value == "yes"
        note = ((Button(c.note_label, Action(NOTE, str(found.id))),),)
        settle = answered(content, asked.text, c.did_yes if did else c.did_no)
        said = Reply(text=asked.if_yes if did else asked.if_no, buttons=note)
        return _show(content, state, said, settle=settle, record=Record(found.id, did=did))
    back = state.settled() if isinstance(state.overlay, Noting) else state
    return Outcome(replace(back, overlay=Noting(found.id)), (Reply(text=c.ask_note),))


def note(content: Content, state: State, text: str) -> Outcome:
    """The line she typed after "Add a note": kept on the check-in; she goes back to her place."""
    overlay = state.overlay
    assert isinstance(overlay, Noting)  # the router sends only noting mode here
    line = " ".join(text.split())[:NOTE_LIMIT]
    done = state.settled()
    return _show(
        content,
        done,
        Reply(text=content.checkins.note_saved),
        record=Record(overlay.checkin_id, note=line),
    )
