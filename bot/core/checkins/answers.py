"""Her answers to a check-in: how she is holding up, whether she kept from chasing him, a note.

The check-in's buttons carry its id; the service reads that check-in in the
turn's transaction and hands it in as `ctx.checkin`, and the answer is written
back as a `Record` in the same transaction.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core import asks
from bot.core.checkins import wording
from bot.core.checkins.records import Record
from bot.core.checkins.wording import ANSWER_ACTIONS, KEPT, MOOD, NOTE
from bot.core.inputs import Action, Input, number
from bot.core.replies import Button, Reply, answered
from bot.core.state import Noting, State
from bot.core.turn import Context, Outcome

NOTE_LIMIT = 500
"""A one-line note; longer text is cut here rather than refused."""


def referenced(event: Input) -> int | None:
    """The check-in id a button press points at, if any."""
    if isinstance(event, Action) and event.name in ANSWER_ACTIONS:
        return number(event.arg.split(":", 1)[0])
    return None


def _tactic(content: Content, checkin_id: int) -> str:
    """An embrace tactic to lean on; varies from one check-in to the next."""
    tactics = content.tactics.embrace
    t = tactics[checkin_id % len(tactics)]
    return f"{t.name}. {t.text}"


def _show(content: Content, state: State, *replies: Reply, **writes: object) -> Outcome:
    return Outcome(state, asks.then_prompt(content, state, replies), **writes)  # type: ignore[arg-type]


def button(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    """A tap on a check-in's buttons; None when the tap does not make sense (a forged one)."""
    c = content.checkins
    found = ctx.checkin
    if found is None:
        return _show(content, state, Reply(text=c.checkin_gone))
    value = action.arg.split(":", 1)[1] if ":" in action.arg else ""
    if action.name == MOOD:
        mood = number(value)
        labels = c.mood_labels
        if mood is None or mood not in labels:
            return None
        if mood <= c.low_mood:
            said = c.reply_low.format(tactic=_tactic(content, found.id))
        else:
            said = c.reply_mid if mood == 3 else c.reply_high
        replies = [Reply(text=said)]
        if found.kept is None:
            yes = Button(c.kept_yes, Action(KEPT, f"{found.id}:yes"))
            no = Button(c.kept_no, Action(KEPT, f"{found.id}:no"))
            replies.append(Reply(text=c.checkin_kept, buttons=((yes, no),)))
        said_mood = answered(content, c.checkin_mood, labels[mood])
        # The check-in keeps its encouragement; only the buttons give way to her answer.
        kept_text = wording.encouragement_text(content, found.encouragement)
        settle = f"{kept_text}\n\n{said_mood}" if kept_text else said_mood
        return _show(content, state, *replies, settle=settle, record=Record(found.id, mood=mood))
    if action.name == KEPT:
        if value not in ("yes", "no"):
            return None
        kept = value == "yes"
        said = (
            c.reply_kept if kept else c.reply_not_kept.format(tactic=_tactic(content, found.id + 1))
        )
        note = ((Button(c.note_label, Action(NOTE, str(found.id))),),)
        settle = answered(content, c.checkin_kept, c.kept_yes if kept else c.kept_no)
        return _show(
            content,
            state,
            Reply(text=said, buttons=note),
            settle=settle,
            record=Record(found.id, kept=kept),
        )
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
