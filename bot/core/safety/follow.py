"""What follows, everywhere, from her becoming someone who may not be safe.

Whatever handler moved her (the safety question, the danger check, the crisis
screen, /update), the router passes its outcome through `follow` once: from
that turn on, what the bot sends her unasked goes out discreetly, check-ins
already queued included, and she is told so, with the way to change it. One
place, so a handler written later cannot forget it.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core.checkins.records import ScheduleWrite
from bot.core.replies import Reply
from bot.core.safety.told import Told
from bot.core.state import State
from bot.core.turn import Context, Outcome


def default_cover(content: Content) -> str:
    """The neutral line used when she has not picked one."""
    return content.checkins.covers[0].id


def follow(content: Content, before: State, outcome: Outcome, ctx: Context) -> Outcome:
    """`outcome`, with her check-ins made discreet if this turn is the one that put danger
    on record."""
    if Told.of(before).discreet or not Told.of(outcome.state).discreet:
        return outcome
    cover = default_cover(content)
    outcome = replace(outcome, cover_queued=cover)
    snap = ctx.schedule
    write = outcome.write
    if write is not None:
        if write.cover is None and write.active:
            outcome = replace(outcome, write=replace(write, cover=cover))
        return outcome
    if snap is None or not snap.active or snap.cover is not None:
        return outcome
    write = ScheduleWrite(snap.plan, snap.next_due_at, snap.paused_until, snap.active, cover=cover)
    told = Reply(text=content.checkins.discreet_now)
    return replace(outcome, write=write, replies=(*outcome.replies, told))
