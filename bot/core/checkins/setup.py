"""Setting check-ins up: how often, which day, what time, her time zone.

The set-up is an overlay on her place in the conversation (`state.Setup`): the
questions wait while she answers these, and come back when she is done. She
can tap or type every answer; typing the time it is for her works out a zone.
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content, normalize
from bot.core import asks, schedule
from bot.core.checkins import wording
from bot.core.checkins.records import ScheduleWrite
from bot.core.checkins.wording import (
    CADENCE,
    CLOCK,
    COVER,
    DECLINE,
    DISCREET,
    SETUP,
    TIME,
    WEEKDAY,
)
from bot.core.inputs import Action, number
from bot.core.replies import Reply
from bot.core.schedule import Plan
from bot.core.state import Setup, State
from bot.core.turn import Context, Outcome

_STAGE_OF = {
    CADENCE: "cadence",
    WEEKDAY: "weekday",
    TIME: "time",
    wording.ZONE: "zone",
    CLOCK: "zone",
    DISCREET: "discreet",
    COVER: "cover",
}


def begin(content: Content, state: State) -> Outcome:
    """The first set-up question; whatever else was asked on top of her place gives way."""
    setup = Setup("cadence")
    return Outcome(replace(state, overlay=setup), (wording.setup_question(content, setup),))


def _discreet(
    content: Content,
    state: State,
    setup: Setup,
    zone: str,
    lead: str = "",
    settle: str | None = None,
) -> Outcome:
    """After her zone: is she to have discreet check-ins? On the safety path they are,
    and she only picks the neutral line they show."""
    c = content.checkins
    stage = "cover" if state.unsafe else "discreet"
    moved = replace(setup, stage=stage, zone=zone)
    said = ((Reply(text=lead),) if lead else ()) + (
        (Reply(text=c.discreet_default),) if state.unsafe else ()
    )
    question = wording.setup_question(content, moved)
    return Outcome(replace(state, overlay=moved), (*said, question), settle=settle)


def _finish(
    content: Content, state: State, setup: Setup, cover: str | None, ctx: Context
) -> Outcome:
    assert setup.cadence is not None
    assert setup.hour is not None
    assert setup.minute is not None
    assert setup.zone is not None
    zone = setup.zone
    weekday = setup.weekday if setup.cadence == schedule.WEEKLY else None
    anchor = None
    if setup.cadence == schedule.EVERY_OTHER_DAY:
        # Count every other day from the first slot, whatever day that falls on.
        daily = Plan(schedule.DAILY, setup.hour, setup.minute, zone)
        anchor = schedule.local(schedule.next_due(daily, ctx.now), zone).date()
    plan = Plan(setup.cadence, setup.hour, setup.minute, zone, weekday=weekday, anchor=anchor)
    due = schedule.next_due(plan, ctx.now)
    text = wording.confirmed(content, due, zone)
    done = state.settled()
    return Outcome(
        done,
        asks.then_prompt(content, done, (Reply(text=text),)),
        write=ScheduleWrite(plan, due, cancel_pending=True, cover=cover),
    )


def _next(content: Content, state: State, setup: Setup, settle: str) -> Outcome:
    moved = replace(state, overlay=setup)
    return Outcome(moved, (wording.setup_question(content, setup),), settle=settle)


def button(content: Content, state: State, action: Action, ctx: Context) -> Outcome | None:
    """A set-up button; None when it belongs to a question she is no longer on."""
    c = content.checkins
    if action.name == SETUP:
        return begin(content, state)
    if action.name == DECLINE:
        replies = asks.then_prompt(content, state, (Reply(text=c.offer_declined),))
        return Outcome(state, replies, settle=c.offer)
    setup = state.setup
    if setup is None or setup.stage != _STAGE_OF.get(action.name):
        return None
    said = wording.setup_answered
    if action.name == CADENCE:
        cadence = c.cadence(action.arg)
        if cadence is None:
            return None
        stage = "weekday" if cadence.id == schedule.WEEKLY else "time"
        return _next(
            content,
            state,
            Setup(stage, cadence=cadence.id),
            said(content, setup.stage, cadence.label),
        )
    if action.name == WEEKDAY:
        day = number(action.arg)
        if day is None or day >= 7:
            return None
        moved = replace(setup, stage="time", weekday=day)
        return _next(content, state, moved, said(content, setup.stage, c.weekdays[day]))
    if action.name == TIME:
        clock = schedule.parse_clock(action.arg)
        if clock is None:
            return None
        moved = replace(setup, stage="zone", hour=clock[0], minute=clock[1])
        return _next(content, state, moved, said(content, setup.stage, action.arg))
    if action.name == CLOCK:
        moved = replace(setup, stage="clock")
        return _next(content, state, moved, said(content, setup.stage, c.zone_from_clock))
    if action.name == DISCREET:
        if action.arg == "no":
            plain = _finish(content, state, setup, None, ctx)
            return replace(plain, settle=said(content, setup.stage, c.discreet_no))
        moved = replace(setup, stage="cover")
        return _next(content, state, moved, said(content, setup.stage, c.discreet_yes))
    if action.name == COVER:
        cover = c.cover(action.arg)
        if cover is None:
            return None
        discreet = _finish(content, state, setup, cover.id, ctx)
        return replace(discreet, settle=said(content, setup.stage, cover.label))
    zone = schedule.parse_zone(action.arg)
    if zone is None:
        return None
    label = next((z.label for z in c.zones if z.id == zone), zone)
    return _discreet(content, state, setup, zone, settle=said(content, setup.stage, label))


def _again(content: Content, state: State, setup: Setup, text: str) -> Outcome:
    """She typed something the question cannot take: say how, and ask again."""
    return Outcome(state, (Reply(text=text), wording.setup_question(content, setup)))


def typed(content: Content, state: State, text: str, ctx: Context) -> Outcome:
    """Something she typed while setting check-ins up."""
    c = content.checkins
    setup = state.setup
    assert setup is not None  # the router sends only set-up mode here
    said = normalize(text)
    if setup.stage == "cadence":
        cadence = next((x for x in c.cadences if normalize(x.label) == said or x.id == said), None)
        if cadence is None:
            return _again(content, state, setup, content.messages.nudge_single)
        return button(content, state, Action(CADENCE, cadence.id), ctx) or begin(content, state)
    if setup.stage == "weekday":
        days = [normalize(d) for d in c.weekdays]
        day = next((i for i, d in enumerate(days) if d in (said, said + "day")), None)
        if day is None and said:
            day = next((i for i, d in enumerate(days) if d.startswith(said[:3])), None)
        if day is None:
            return _again(content, state, setup, content.messages.nudge_single)
        return button(content, state, Action(WEEKDAY, str(day)), ctx) or begin(content, state)
    if setup.stage == "time":
        clock = schedule.parse_clock(text)
        if clock is None:
            return _again(content, state, setup, c.bad_time)
        moved = replace(setup, stage="zone", hour=clock[0], minute=clock[1])
        return Outcome(replace(state, overlay=moved), (wording.setup_question(content, moved),))
    if setup.stage == "zone":
        zone = schedule.parse_zone(text) or next(
            (z.id for z in c.zones if normalize(z.label) == said), None
        )
        if zone is None:
            return _again(content, state, setup, c.bad_zone)
        return _discreet(content, state, setup, zone)
    clock = schedule.parse_clock(text)
    if clock is not None:
        offset = schedule.offset_from_clock(clock[0], clock[1], ctx.now)
        zone = schedule.zone_for_offset(offset, ctx.now, [z.id for z in c.zones])
        if zone is not None:
            offset_label = schedule.utc_offset_label(ctx.now, zone)
            guessed = c.zone_guessed.format(zone=zone, offset=offset_label)
            return _discreet(content, state, setup, zone, lead=guessed)
    if setup.stage in ("discreet", "cover"):
        return _typed_choice(content, state, setup, said, ctx)
    back = replace(setup, stage="zone")
    return _again(content, replace(state, overlay=back), back, c.bad_clock)


def _typed_choice(content: Content, state: State, setup: Setup, said: str, ctx: Context) -> Outcome:
    """Discreet or not, and its neutral line, typed instead of tapped."""
    c = content.checkins
    if setup.stage == "discreet":
        options = [
            (c.discreet_yes, Action(DISCREET, "yes")),
            (c.discreet_no, Action(DISCREET, "no")),
        ]
    else:
        options = [(x.label, Action(COVER, x.id)) for x in c.covers]
    for label, action in options:
        if said == normalize(label):
            return button(content, state, action, ctx) or begin(content, state)
    return _again(content, state, setup, content.messages.nudge_single)
