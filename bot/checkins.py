"""Check-ins in the pure core: setting them up, the check-in itself, her answers.

Like `flow`, nothing here knows Telegram or the database. The conversation
hands in a `Context` (the clock, her schedule, the check-in a button points
at) and gets back a `Turn`: replies, and what to write (`ScheduleWrite`,
`Record`), which the store applies in the same transaction as her state.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot import guidance, schedule
from bot.content import Content, Encouragement, normalize
from bot.dialogue import Action, Button, Input, Reply
from bot.schedule import Plan

# Button actions. Set-up steps carry their stage so a tap on an old question is known.
SETUP, DECLINE, CADENCE, WEEKDAY, TIME, ZONE, CLOCK = (
    "ci_setup",
    "ci_no",
    "ci_cadence",
    "ci_weekday",
    "ci_time",
    "ci_zone",
    "ci_clock",
)
PAUSE, PAUSE_FOR, STOP, KEEP_PLAN = "ci_pause", "ci_pause_for", "ci_stop", "ci_keep"
MOOD, KEPT, NOTE = "mood", "kept", "note"
ACTIONS = frozenset(
    {SETUP, DECLINE, CADENCE, WEEKDAY, TIME, ZONE, CLOCK, PAUSE, PAUSE_FOR, STOP, KEEP_PLAN}
    | {MOOD, KEPT, NOTE}
)
COMMANDS = frozenset({"checkins", "pause", "resume", "stop"})
WEEK, OPEN = "week", "open"
NOTE_LIMIT = 500
"""A one-line note; longer text is cut here rather than refused."""

PROGRESS = "progress"
"""Effect: show her history (`/progress`)."""


@dataclass(frozen=True)
class Snapshot:
    """Her schedule row as the core sees it. `next_due_at` None: nothing will be sent."""

    plan: Plan
    next_due_at: datetime | None
    paused_until: datetime | None
    active: bool

    @property
    def running(self) -> bool:
        return self.active and self.next_due_at is not None

    @property
    def paused(self) -> bool:
        return self.active and (self.next_due_at is None or self.paused_until is not None)


@dataclass(frozen=True)
class ScheduleWrite:
    """Her schedule as it must be after this turn; `cancel_pending` drops claimed check-ins."""

    plan: Plan
    next_due_at: datetime | None
    paused_until: datetime | None = None
    active: bool = True
    cancel_pending: bool = False


@dataclass(frozen=True)
class Delivered:
    """A check-in she was sent, as far as answering it goes."""

    id: int
    mood: int | None = None
    kept: bool | None = None
    encouragement: str = ""


@dataclass(frozen=True)
class Record:
    """An answer to store on check-in `checkin_id`; only the fields given change."""

    checkin_id: int
    mood: int | None = None
    kept: bool | None = None
    note: str | None = None


@dataclass(frozen=True)
class Answered:
    """One answered check-in, for /progress."""

    due_at: datetime
    mood: int | None
    kept: bool | None


@dataclass(frozen=True)
class Context:
    """What the pure core may know of the world for one turn."""

    now: datetime
    schedule: Snapshot | None = None
    checkin: Delivered | None = None


@dataclass(frozen=True)
class Setup:
    """Where she is in setting check-ins up; stored inside her conversation state."""

    stage: str
    cadence: str | None = None
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None

    STAGES = ("cadence", "weekday", "time", "zone", "clock")

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "cadence": self.cadence,
            "weekday": self.weekday,
            "hour": self.hour,
            "minute": self.minute,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Setup | None:
        """A stored set-up, or None when it is missing or does not hang together."""
        if not isinstance(data, Mapping) or data.get("stage") not in cls.STAGES:
            return None

        def number(key: str, top: int) -> int | None:
            value = data.get(key)
            ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < top
            return value if ok else None

        cadence = data.get("cadence")
        found = cls(
            stage=data["stage"],
            cadence=cadence if cadence in schedule.CADENCES else None,
            weekday=number("weekday", 7),
            hour=number("hour", 24),
            minute=number("minute", 60),
        )
        needs_cadence = found.stage != "cadence" and found.cadence is None
        needs_time = found.stage in ("zone", "clock") and found.hour is None
        return None if needs_cadence or needs_time else found


@dataclass(frozen=True)
class Turn:
    """What a check-in input did: the new set-up and note states, replies and writes."""

    setup: Setup | None
    noting: int | None
    replies: tuple[Reply, ...] = ()
    settle: str | None = None
    write: ScheduleWrite | None = None
    record: Record | None = None
    effect: str | None = None
    stale: bool = False


def referenced(event: Input) -> int | None:
    """The check-in id a button press points at, if any."""
    if isinstance(event, Action) and event.name in (MOOD, KEPT, NOTE):
        head = event.arg.split(":", 1)[0]
        return int(head) if head.isdecimal() and len(head) < 19 else None
    return None


# ---- the words ------------------------------------------------------------------


def when(content: Content, instant: datetime, zone: str) -> str:
    """`Tuesday 19:30` in her zone."""
    at = schedule.local(instant, zone)
    return f"{content.checkins.weekdays[at.weekday()]} {at:%H:%M}"


def describe(content: Content, plan: Plan) -> str:
    """`every Tuesday at 19:30`."""
    cadence = content.checkins.cadence(plan.cadence)
    assert cadence is not None  # content check: every cadence has a text
    weekday = content.checkins.weekdays[plan.weekday] if plan.weekday is not None else ""
    return cadence.describe.format(time=f"{plan.hour:02d}:{plan.minute:02d}", weekday=weekday)


def _rows(buttons: Sequence[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def offer(content: Content) -> Reply:
    c = content.checkins
    buttons = ((Button(c["offer_yes"], Action(SETUP)), Button(c["offer_no"], Action(DECLINE))),)
    return Reply(text=c["offer"], buttons=buttons)


def _ask(content: Content, setup: Setup) -> Reply:
    c = content.checkins
    if setup.stage == "cadence":
        buttons = [Button(x.label, Action(CADENCE, x.id)) for x in c.cadences]
        return Reply(text=c["ask_cadence"], buttons=_rows(buttons, 1))
    if setup.stage == "weekday":
        days = [Button(d, Action(WEEKDAY, str(i))) for i, d in enumerate(c.weekdays)]
        return Reply(text=c["ask_weekday"], buttons=_rows(days, 3))
    if setup.stage == "time":
        hours = [Button(f"{h:02d}:{m:02d}", Action(TIME, f"{h:02d}:{m:02d}")) for h, m in c.hours]
        return Reply(text=c["ask_time"], buttons=_rows(hours, 4))
    if setup.stage == "zone":
        zones = [Button(label, Action(ZONE, zone)) for zone, label in c.zones]
        zones.append(Button(c["zone_from_clock"], Action(CLOCK)))
        return Reply(text=c["ask_zone"], buttons=_rows(zones, 2))
    return Reply(text=c["ask_clock"])


def setup_prompt(content: Content, setup: Setup | None) -> tuple[Reply, ...]:
    return (_ask(content, setup),) if setup else ()


def _question_of(content: Content, stage: str) -> str:
    return _ask(content, Setup(stage)).text


# ---- setting up -------------------------------------------------------------------


def _finish(content: Content, setup: Setup, zone: str, ctx: Context, lead: str = "") -> Turn:
    assert setup.cadence is not None
    assert setup.hour is not None
    assert setup.minute is not None
    weekday = setup.weekday if setup.cadence == schedule.WEEKLY else None
    anchor = None
    if setup.cadence == schedule.EVERY_OTHER_DAY:
        # Count every other day from the first slot, whatever day that falls on.
        daily = Plan(schedule.DAILY, setup.hour, setup.minute, zone)
        anchor = schedule.local(schedule.next_due(daily, ctx.now), zone).date()
    plan = Plan(setup.cadence, setup.hour, setup.minute, zone, weekday=weekday, anchor=anchor)
    due = schedule.next_due(plan, ctx.now)
    text = content.checkins["confirmed"].format(when=when(content, due, zone), zone=zone)
    replies = ((Reply(text=lead),) if lead else ()) + (Reply(text=text),)
    return Turn(None, None, replies, write=ScheduleWrite(plan, due, cancel_pending=True))


def begin_setup(content: Content) -> Turn:
    setup = Setup("cadence")
    return Turn(setup, None, setup_prompt(content, setup))


def _setup_action(
    content: Content, setup: Setup | None, action: Action, ctx: Context
) -> Turn | None:
    """A set-up button; None when it belongs to a question she is no longer on."""
    c = content.checkins
    if action.name == SETUP:
        return begin_setup(content)
    if action.name == DECLINE:
        return Turn(setup, None, (Reply(text=c["offer_declined"]),), settle=c["offer"])
    stage = {CADENCE: "cadence", WEEKDAY: "weekday", TIME: "time", ZONE: "zone", CLOCK: "zone"}
    if setup is None or setup.stage != stage[action.name]:
        return None
    settle_answer = action.arg
    if action.name == CADENCE:
        cadence = c.cadence(action.arg)
        if cadence is None:
            return None
        settle_answer = cadence.label
        nxt = Setup("weekday" if cadence.id == schedule.WEEKLY else "time", cadence=cadence.id)
    elif action.name == WEEKDAY:
        if not (action.arg.isdecimal() and int(action.arg) < 7):
            return None
        settle_answer = c.weekdays[int(action.arg)]
        nxt = replace(setup, stage="time", weekday=int(action.arg))
    elif action.name == TIME:
        clock = schedule.parse_clock(action.arg)
        if clock is None:
            return None
        nxt = replace(setup, stage="zone", hour=clock[0], minute=clock[1])
    elif action.name == CLOCK:
        nxt = replace(setup, stage="clock")
        settle_answer = c["zone_from_clock"]
    else:
        zone = schedule.parse_zone(action.arg)
        if zone is None:
            return None
        settle_answer = next((label for z, label in c.zones if z == zone), zone)
        turn = _finish(content, setup, zone, ctx)
        return replace(turn, settle=_settled(content, setup.stage, settle_answer))
    return Turn(
        nxt, None, setup_prompt(content, nxt), settle=_settled(content, setup.stage, settle_answer)
    )


def _settled(content: Content, stage: str, answer: str) -> str:
    return content.messages["answered"].format(question=_question_of(content, stage), answer=answer)


def setup_text(content: Content, setup: Setup, text: str, ctx: Context) -> Turn:
    """Something she typed while setting check-ins up."""
    c = content.checkins
    said = normalize(text)
    if setup.stage == "cadence":
        cadence = next((x for x in c.cadences if normalize(x.label) == said or x.id == said), None)
        if cadence is None:
            return Turn(
                setup, None, (Reply(text=content.messages["nudge_single"]), _ask(content, setup))
            )
        return _setup_action(content, setup, Action(CADENCE, cadence.id), ctx) or begin_setup(
            content
        )
    if setup.stage == "weekday":
        day = next(
            (i for i, d in enumerate(c.weekdays) if normalize(d) in (said, said + "day")), None
        )
        if day is None:
            day = next(
                (i for i, d in enumerate(c.weekdays) if said and normalize(d).startswith(said[:3])),
                None,
            )
        if day is None:
            return Turn(
                setup, None, (Reply(text=content.messages["nudge_single"]), _ask(content, setup))
            )
        return _setup_action(content, setup, Action(WEEKDAY, str(day)), ctx) or begin_setup(content)
    if setup.stage == "time":
        clock = schedule.parse_clock(text)
        if clock is None:
            return Turn(setup, None, (Reply(text=c["bad_time"]), _ask(content, setup)))
        nxt = replace(setup, stage="zone", hour=clock[0], minute=clock[1])
        return Turn(nxt, None, setup_prompt(content, nxt))
    if setup.stage == "zone":
        zone = schedule.parse_zone(text)
        if zone is None:
            label = next((z for z, lab in c.zones if normalize(lab) == said), None)
            zone = label
        if zone is None:
            return Turn(setup, None, (Reply(text=c["bad_zone"]), _ask(content, setup)))
        return _finish(content, setup, zone, ctx)
    clock = schedule.parse_clock(text)
    if clock is not None:
        offset = schedule.offset_from_clock(clock[0], clock[1], ctx.now)
        preferred = [z for z, _ in c.zones]
        zone = schedule.zone_for_offset(offset, ctx.now, preferred)
        if zone is not None:
            guessed = c["zone_guessed"].format(
                zone=zone, offset=schedule.utc_offset_label(ctx.now, zone)
            )
            return _finish(content, setup, zone, ctx, lead=guessed)
    back = Setup("zone", setup.cadence, setup.weekday, setup.hour, setup.minute)
    return Turn(back, None, (Reply(text=c["bad_clock"]), _ask(content, back)))


# ---- /checkins, /pause, /resume, /stop ---------------------------------------------


def command(content: Content, setup: Setup | None, name: str, ctx: Context) -> Turn:
    c = content.checkins
    snap = ctx.schedule
    active = snap is not None and snap.active
    if name == "checkins":
        if snap is None or not snap.active:
            return begin_setup(content)
        plan = describe(content, snap.plan)
        buttons = [Button(c["change_label"], Action(SETUP))]
        if snap.next_due_at is not None and snap.paused_until is None:
            due = when(content, snap.next_due_at, snap.plan.zone)
            text = c["status"].format(plan=plan, zone=snap.plan.zone, when=due)
            buttons.append(Button(c["pause_label"], Action(PAUSE)))
        elif snap.next_due_at is not None:
            due = when(content, snap.next_due_at, snap.plan.zone)
            text = c["paused_week"].format(when=due, zone=snap.plan.zone)
        else:
            text = c["status_paused_open"].format(plan=plan, zone=snap.plan.zone)
        buttons += [
            Button(c["stop_label"], Action(STOP)),
            Button(c["keep_label"], Action(KEEP_PLAN)),
        ]
        return Turn(None, None, (Reply(text=text, buttons=_rows(buttons, 2)),))
    if not active:
        return Turn(setup, None, (Reply(text=c["nothing_to_change"]),))
    assert snap is not None
    if name == "pause":
        return Turn(setup, None, (_pause_question(content),))
    if name == "stop":
        return _stop(content, snap, setup)
    # resume
    if not snap.paused:
        assert snap.next_due_at is not None
        due = when(content, snap.next_due_at, snap.plan.zone)
        return Turn(
            setup, None, (Reply(text=c["not_paused"].format(when=due, zone=snap.plan.zone)),)
        )
    nxt = schedule.next_due(snap.plan, ctx.now)
    text = c["resumed"].format(when=when(content, nxt, snap.plan.zone), zone=snap.plan.zone)
    return Turn(setup, None, (Reply(text=text),), write=ScheduleWrite(snap.plan, nxt))


def _pause_question(content: Content) -> Reply:
    c = content.checkins
    buttons = (
        (
            Button(c["pause_week_label"], Action(PAUSE_FOR, WEEK)),
            Button(c["pause_open_label"], Action(PAUSE_FOR, OPEN)),
        ),
    )
    return Reply(text=c["ask_pause"], buttons=buttons)


def _answered_pause(content: Content, label: str) -> str:
    return content.messages["answered"].format(question=content.checkins["ask_pause"], answer=label)


def _stop(content: Content, snap: Snapshot, setup: Setup | None) -> Turn:
    write = ScheduleWrite(snap.plan, None, active=False, cancel_pending=True)
    return Turn(setup, None, (Reply(text=content.checkins["stopped"]),), write=write)


def _manage_action(
    content: Content, setup: Setup | None, action: Action, ctx: Context
) -> Turn | None:
    c = content.checkins
    snap = ctx.schedule
    if snap is None or not snap.active:
        return Turn(setup, None, (Reply(text=c["nothing_to_change"]),))
    if action.name == KEEP_PLAN:
        return Turn(setup, None, settle=c["kept_as_is"])
    if action.name == STOP:
        return _stop(content, snap, setup)
    if action.name == PAUSE:
        return Turn(setup, None, (_pause_question(content),))
    if action.arg == WEEK:
        until = ctx.now + schedule.PAUSE_WEEK
        due = schedule.first_due(snap.plan, ctx.now, until)
        text = c["paused_week"].format(when=when(content, due, snap.plan.zone), zone=snap.plan.zone)
        write = ScheduleWrite(snap.plan, due, paused_until=until, cancel_pending=True)
        return Turn(
            setup,
            None,
            settle=_answered_pause(content, c["pause_week_label"]),
            replies=(Reply(text=text),),
            write=write,
        )
    if action.arg == OPEN:
        write = ScheduleWrite(snap.plan, None, cancel_pending=True)
        return Turn(
            setup,
            None,
            settle=_answered_pause(content, c["pause_open_label"]),
            replies=(Reply(text=c["paused_open"]),),
            write=write,
        )
    return None


# ---- the check-in and her answers ---------------------------------------------------


class _Pools:
    """Each set of situations' pool and its ids, worked out once for the content in use.

    The dispatcher picks an encouragement for every row it claims; filtering
    all the encouragements again for each row was a good part of a claim's
    cost. There are at most 16 sets of the four situations. A different
    `Content` (a test's, a reload) starts afresh, so an answer never outlives it.
    """

    def __init__(self) -> None:
        self._content: Content | None = None
        self._found: dict[frozenset[str], tuple[tuple[Encouragement, ...], frozenset[str]]] = {}

    def get(
        self, content: Content, cases: frozenset[str]
    ) -> tuple[tuple[Encouragement, ...], frozenset[str]]:
        if content is not self._content:
            self._content, self._found = content, {}
        found = self._found.get(cases)
        if found is None:
            chosen = tuple(
                e for e in content.encouragements if "any" in e.situations or e.situations & cases
            )
            found = self._found[cases] = (chosen, frozenset(e.id for e in chosen))
        return found


_POOLS = _Pools()


def pool(
    content: Content, profile: Mapping[str, Sequence[str]] | None
) -> tuple[Encouragement, ...]:
    """The encouragements for her situation: the general ones and those tagged for her case."""
    cases = guidance.situations(content, profile) if profile else frozenset()
    return _POOLS.get(content, cases)[0]


def pick(
    content: Content,
    profile: Mapping[str, Sequence[str]] | None,
    seen: Sequence[str],
    rng: random.Random,
) -> tuple[Encouragement, list[str]]:
    """An encouragement she has not had from her pool, and the new `seen` list.

    When she has seen them all the round starts again, but never with the one
    she saw last.
    """
    cases = guidance.situations(content, profile) if profile else frozenset()
    choices, ids = _POOLS.get(content, cases)
    had = [s for s in seen if s in ids]
    skip = set(had)
    fresh: Sequence[Encouragement] = [e for e in choices if e.id not in skip]
    if not fresh:
        last = had[-1] if had else None
        fresh = [e for e in choices if e.id != last] or choices
        had = []
    chosen = rng.choice(fresh)
    return chosen, [*had, chosen.id]


def _encouragement_text(content: Content, encouragement: str) -> str:
    return next((e.text for e in content.encouragements if e.id == encouragement), "")


def checkin_message(content: Content, checkin_id: int, encouragement: str) -> Reply:
    """The check-in: the encouragement, then how she is holding up, with a button per level."""
    c = content.checkins
    text = _encouragement_text(content, encouragement)
    buttons = tuple((Button(label, Action(MOOD, f"{checkin_id}:{v}")),) for v, label in c.moods)
    body = f"{text}\n\n{c['checkin_mood']}" if text else c["checkin_mood"]
    return Reply(text=body, buttons=buttons, kind="checkin")


def _tactic(content: Content, checkin_id: int) -> str:
    """An embrace tactic to lean on; varies from one check-in to the next."""
    tactics = content.tactics.embrace
    t = tactics[checkin_id % len(tactics)]
    return f"{t.name}. {t.text}"


def answer(
    content: Content, setup: Setup | None, noting: int | None, action: Action, ctx: Context
) -> Turn:
    """A tap on a check-in's buttons."""
    c = content.checkins
    found = ctx.checkin
    if found is None:
        return Turn(setup, noting, (Reply(text=c["checkin_gone"]),), stale=True)
    value = action.arg.split(":", 1)[1] if ":" in action.arg else ""
    if action.name == MOOD:
        labels = dict(c.moods)
        if not value.isdecimal() or int(value) not in labels:
            return Turn(setup, noting, stale=True)
        mood = int(value)
        if mood <= c.low_mood:
            said = c["reply_low"].format(tactic=_tactic(content, found.id))
        else:
            said = c["reply_mid" if mood == 3 else "reply_high"]
        replies = [Reply(text=said)]
        if found.kept is None:
            yes = Button(c["kept_yes"], Action(KEPT, f"{found.id}:yes"))
            no = Button(c["kept_no"], Action(KEPT, f"{found.id}:no"))
            replies.append(Reply(text=c["checkin_kept"], buttons=((yes, no),)))
        said_mood = content.messages["answered"].format(
            question=c["checkin_mood"], answer=labels[mood]
        )
        # The check-in keeps its encouragement; only the buttons give way to her answer.
        kept_text = _encouragement_text(content, found.encouragement)
        settle = f"{kept_text}\n\n{said_mood}" if kept_text else said_mood
        return Turn(
            setup, noting, tuple(replies), settle=settle, record=Record(found.id, mood=mood)
        )
    if action.name == KEPT:
        if value not in ("yes", "no"):
            return Turn(setup, noting, stale=True)
        kept = value == "yes"
        said = (
            c["reply_kept"]
            if kept
            else c["reply_not_kept"].format(tactic=_tactic(content, found.id + 1))
        )
        note = ((Button(c["note_label"], Action(NOTE, str(found.id))),),)
        label = c["kept_yes"] if kept else c["kept_no"]
        settle = content.messages["answered"].format(question=c["checkin_kept"], answer=label)
        return Turn(
            setup,
            noting,
            (Reply(text=said, buttons=note),),
            settle=settle,
            record=Record(found.id, kept=kept),
        )
    return Turn(setup, found.id, (Reply(text=c["ask_note"]),))


def note_text(content: Content, setup: Setup | None, noting: int, text: str) -> Turn:
    """The line she typed after "Add a note"."""
    line = " ".join(text.split())[:NOTE_LIMIT]
    return Turn(
        setup, None, (Reply(text=content.checkins["note_saved"]),), record=Record(noting, note=line)
    )


def action(
    content: Content, setup: Setup | None, noting: int | None, act: Action, ctx: Context
) -> Turn | None:
    """Any check-in button; None when it is stale (the caller shows where she is)."""
    if act.name in (MOOD, KEPT, NOTE):
        return answer(content, setup, noting, act, ctx)
    if act.name in (SETUP, DECLINE, CADENCE, WEEKDAY, TIME, ZONE, CLOCK):
        return _setup_action(content, setup, act, ctx)
    return _manage_action(content, setup, act, ctx)
