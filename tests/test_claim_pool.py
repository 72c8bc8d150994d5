"""Her encouragement pool, kept on her schedule row so a claim need not read her state.

What she would notice: the encouragement a check-in carries always comes from
the pool of her situation as it is now. Going onto the safety path, a coach
changing plan.yaml's rules, a row written before the key existed: each must
reach her very next check-in, though the claim no longer reads her state.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import URL

from bot.content import Content
from bot.core.checkins import rotation
from bot.core.checkins.records import ScheduleWrite
from bot.core.inputs import Command, Text
from bot.core.schedule import DAILY, Plan
from bot.core.state import State
from bot.db.database import Database
from bot.db.turns import Decision
from bot.service import Response, Service
from bot.telegram.sender import CheckinSender
from tests.dbcheck import execute, plant, rows
from tests.test_sender import T0, Clock, FakeBot, FastThrottle

DRIFTING = {
    "safety": ("yes",),
    "how_said": ("calm",),
    "cause": ("distance",),
    "contact": ("some",),
    "firmness": ("unsure",),
    "tactics": (),
    "goal": ("save",),
}


def profile_of(content: Content, wanted: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """`wanted`, with any answer the content does not have replaced by its first safe one."""
    found = {}
    for step in content.steps:
        ids = [a.id for a in step.answers if not a.resources_first]
        chosen = tuple(a for a in wanted.get(step.id, ()) if a in ids)
        found[step.id] = chosen if chosen or step.multi else (ids[0],)
    return found


def pool_row(db_url: URL, user_id: int) -> tuple[Any, ...]:
    return rows(db_url, f"SELECT pool, pool_rules FROM schedules WHERE user_id = {user_id}")[0]


def queued(db_url: URL, user_id: int) -> list[str]:
    sql = f"SELECT encouragement FROM checkins WHERE user_id = {user_id} ORDER BY id"
    return [r[0] for r in rows(db_url, sql)]


def pool_ids(content: Content, state: State) -> set[str]:
    return {e.id for e in rotation.pool(content, state.profile, state.unsafe)}


async def press(service: Service, user_id: int, shown: Response, label: str) -> Response:
    """She presses the button labelled `label` under the last message that has it."""
    for reply in reversed(shown.replies):
        for button in (b for row in reply.buttons for b in row):
            if button.label == label:
                return await service.handle(user_id, user_id, button.input)
    raise AssertionError(f"no button {label!r}")


async def set_up_daily(service: Service, user_id: int, at: str = "19:00") -> None:
    """/checkins: every day at `at`, UTC, not discreet, as she would by buttons and typing."""
    c = service.content.checkins
    shown = await service.handle(user_id, user_id, Command("checkins"))
    shown = await press(service, user_id, shown, next(x.label for x in c.cadences if x.id == DAILY))
    for typed in (at, "UTC"):
        shown = await service.handle(user_id, user_id, Text(typed))
    await press(service, user_id, shown, c.discreet_no)


async def drifting_with_checkins(
    content: Content, db: Database
) -> tuple[Clock, Service, dict[str, tuple[str, ...]]]:
    """Woman 1, her marriage drifting, daily check-ins set up an hour before they are due."""
    clock = Clock(T0 - timedelta(hours=1))
    service = Service(content, db, clock=clock)
    profile = profile_of(content, DRIFTING)
    await plant(db, 1, clock.now, state=State(profile=profile, welcomed=True).to_dict())
    await set_up_daily(service, 1)
    return clock, service, profile


def make_sender(content: Content, db: Database, clock: Clock) -> CheckinSender:
    rng = random.Random(1)
    return CheckinSender(content, db.queue, FakeBot(), FastThrottle(), clock=clock, rng=rng)


DAILY_AT_19 = ScheduleWrite(Plan(DAILY, 19, 0, "UTC"), T0)


async def test_setting_up_check_ins_keeps_her_pool_on_her_schedule(
    content: Content, service: Service, db_url: URL
) -> None:
    profile = profile_of(content, DRIFTING)
    await plant(service.db, 1, T0, state=State(profile=profile, welcomed=True).to_dict())

    await set_up_daily(service, 1)

    assert pool_row(db_url, 1) == (rotation.pool_key(content, profile), rotation.rules(content))


async def test_a_crisis_message_moves_her_very_next_check_in_to_the_safety_pool(
    content: Content, db: Database, db_url: URL
) -> None:
    clock, service, _ = await drifting_with_checkins(content, db)
    sender = make_sender(content, db, clock)
    clock.now = T0 + timedelta(minutes=1)
    assert await sender.claim() == 1  # the queue now trusts keys kept under today's rules

    clock.now = T0 + timedelta(hours=3)
    await service.handle(1, 1, Text("he choked me last night and I am scared"))
    unsafe = State.from_dict(await db.turns.state_of(1), content)
    clock.now = T0 + timedelta(days=1, minutes=1)
    assert await sender.claim() == 1

    assert unsafe.unsafe is not None
    assert pool_row(db_url, 1)[0] == "safety"
    assert queued(db_url, 1)[-1] in pool_ids(content, unsafe)
    coaching_only = {e.id for e in content.encouragements if e.coaching_only}
    assert queued(db_url, 1)[-1] not in coaching_only


async def test_a_changed_plan_yaml_reaches_her_next_check_in(
    content: Content, db: Database, db_url: URL
) -> None:
    profile = profile_of(content, DRIFTING)
    state = State(profile=profile, welcomed=True)
    for user_id in (1, 2):
        await plant(db, user_id, T0, state=state.to_dict(), write=DAILY_AT_19)
    execute(db_url, "UPDATE schedules SET next_due_at = NULL WHERE user_id = 2")
    clock = Clock(T0 + timedelta(minutes=1))
    sender = make_sender(content, db, clock)
    assert await sender.claim() == 1  # her neighbour's claim: the queue learns today's rules

    # Her key as older rules worked it out: another situation altogether.
    wrong = "safety" if rotation.pool_key(content, profile) != "safety" else "volatile"
    execute(
        db_url,
        f"UPDATE schedules SET pool = '{wrong}', pool_rules = 'older', "
        f"next_due_at = (SELECT next_due_at FROM schedules WHERE user_id = 1) "
        f"WHERE user_id = 2",
    )
    clock.now += timedelta(days=1)
    assert await sender.claim() == 2

    assert pool_row(db_url, 2) == (rotation.pool_key(content, profile), rotation.rules(content))
    assert queued(db_url, 2)[-1] in pool_ids(content, state)


async def test_a_schedule_written_without_her_pool_gets_it_from_her_state_at_its_first_claim(
    content: Content, db: Database, db_url: URL
) -> None:
    state = State(unsafe="no", profile={"safety": ("no",)}, welcomed=True)
    await plant(db, 1, T0, state=state.to_dict(), write=DAILY_AT_19)
    before = pool_row(db_url, 1)

    assert await make_sender(content, db, Clock(T0 + timedelta(minutes=1))).claim() == 1

    assert before == (None, None)
    assert pool_row(db_url, 1) == ("safety", rotation.rules(content))
    assert queued(db_url, 1)[-1] in pool_ids(content, state)


async def test_a_turn_that_changes_her_state_without_a_pool_clears_the_key(
    content: Content, db: Database, db_url: URL
) -> None:
    """The store's own guard: a key never outlives the state it was worked out from."""
    state = State(profile=profile_of(content, DRIFTING), welcomed=True)
    await plant(db, 1, T0, state=state.to_dict(), write=DAILY_AT_19)
    await make_sender(content, db, Clock(T0 + timedelta(minutes=1))).claim()
    kept = pool_row(db_url, 1)

    await db.turns.turn(
        1, 1, lambda s, p, c: Decision({**(s or {}), "unsafe": "no"}, None), None, T0
    )

    assert kept[0] is not None
    assert pool_row(db_url, 1) == (None, None)


async def test_a_discreet_check_in_stays_discreet_when_her_zone_is_no_longer_known(
    content: Content, db: Database, db_url: URL
) -> None:
    cover = content.checkins.covers[0].id
    write = ScheduleWrite(Plan(DAILY, 19, 0, "UTC"), T0, cover=cover)
    await plant(db, 1, T0, state={"v": 2}, write=write)
    execute(db_url, "UPDATE schedules SET zone = 'Atlantis/Capital' WHERE user_id = 1")

    assert await make_sender(content, db, Clock(T0 + timedelta(minutes=1))).claim() == 1

    assert rows(db_url, "SELECT cover FROM checkins") == [(cover,)]


async def test_going_onto_the_safety_path_with_a_schedule_that_no_longer_reads_clears_the_key(
    content: Content, db: Database, db_url: URL
) -> None:
    _, service, profile = await drifting_with_checkins(content, db)
    execute(db_url, "UPDATE schedules SET zone = 'Atlantis/Capital' WHERE user_id = 1")
    kept = pool_row(db_url, 1)

    await service.handle(1, 1, Text("he choked me last night and I am scared"))
    assert await make_sender(content, db, Clock(T0 + timedelta(minutes=1))).claim() == 1

    assert kept == (rotation.pool_key(content, profile), rotation.rules(content))
    assert pool_row(db_url, 1)[0] == "safety"
    unsafe = State.from_dict(await db.turns.state_of(1), content)
    assert queued(db_url, 1)[-1] in pool_ids(content, unsafe)
