"""Her answers to a check-in: how she is holding up, its question about her, a note.

The check-in's buttons carry its id; the service reads that check-in in the
turn's transaction and hands it in as `ctx.checkin`, and the answer is written
back as a `Record` in the same transaction. A low mood is met with care for
her first, never with a task about him. A discreet check-in opens in place.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.content import Content
from bot.core import asks
from bot.core.checkins import wording
from bot.core.checkins.records import CHECKIN, URGE, Delivered, Record
from bot.core.checkins.wording import DID, FOLD_CHECKIN, MOOD, NOTE, OPEN_CHECKIN
from bot.core.inputs import Action, Input, number
from bot.core.moments import urge
from bot.core.replies import Button, Reply, answered
from bot.core.state import Noting, State
from bot.core.turn import Context, Outcome

FOLD_AFTER = timedelta(minutes=15)
"""An opened discreet check-in folds back behind its neutral line this long after she opened
it (the sender does it), so it does not sit open for whoever picks up her phone next."""
NOTE_LIMIT = 500
"""A one-line note; longer text is cut here rather than refused."""
REFERENCING = frozenset({MOOD, DID, NOTE, OPEN_CHECKIN, FOLD_CHECKIN, urge.AFTER})
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


def opened(content: Content, found: Delivered) -> Reply:
    """A discreet check-in (or check-back) as it shows once opened, with "Hide" under it;
    one she already answered shows her answer, not the buttons again."""
    c = content.checkins
    if found.kind == URGE:
        back = urge.check_back(content, found.id)
        return replace(back, buttons=(*back.buttons, wording.hide_button(content, found.id)))
    if found.mood is None:
        return wording.checkin_message(content, found.id, found.encouragement, opened=True)
    said = answered(content, c.checkin_mood, c.mood_labels.get(found.mood, ""))
    kept = wording.encouragement_text(content, found.encouragement)
    text = f"{kept}\n\n{said}" if kept else said
    return Reply(text=text, buttons=(wording.hide_button(content, found.id),), kind="checkin")


def _open_or_fold(content: Content, state: State, action: Action, found: Delivered) -> Outcome:
    """Open a discreet one in place (it folds back by itself later), or fold it back now."""
    if action.name == OPEN_CHECKIN:
        return Outcome(state, edit=opened(content, found), record=Record(found.id, opened=True))
    cover = wording.cover_message(content, found.id, found.cover)
    return Outcome(state, edit=cover, record=Record(found.id, opened=False))


def button(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    """A tap on a check-in's buttons; None when the tap does not make sense (a forged one)."""
    c = content.checkins
    found = ctx.checkin
    if found is not None and action.name in (OPEN_CHECKIN, FOLD_CHECKIN):
        return _open_or_fold(content, state, action, found)
    if found is None or found.kind != CHECKIN:
        return _show(content, state, Reply(text=c.checkin_gone))
    value = action.arg.split(":", 1)[1] if ":" in action.arg else ""
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
        record = Record(found.id, mood=mood)
        if found.cover:  # a discreet one keeps its "Hide" until it folds back
            hide = (wording.hide_button(content, found.id),)
            edit = Reply(text=settle, buttons=hide, kind="checkin")
            return _show(content, state, *replies, edit=edit, record=record)
        return _show(content, state, *replies, settle=settle, record=record)
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
