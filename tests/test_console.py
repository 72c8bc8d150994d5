"""The terminal console is the whole bot: numbered messages, check-ins on its own clock.

A session is a script of what she types; a `timedelta` in it is time passing
while she reads (a fake clock the console's check-in loop sleeps on, so nothing
waits for real time), and a function in it picks her next line from what she
sees, the way she would read a number off the screen.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.console import run_console
from bot.console.screen import Screen, parse, render
from bot.content import Content
from bot.core import plan
from bot.core.asks import question
from bot.core.inputs import Action, Choice, Command, Text
from bot.core.replies import Button, Reply, answered
from bot.core.safety.told import Told
from bot.core.state import State
from bot.db.database import Database
from bot.service import Service

Step = str | timedelta | Callable[[str], str]


class Time:
    """The service's clock and the console's sleep: time moves only when a test says so."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._changed = asyncio.Condition()
        self._parked = False
        self._parks = 0

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """The console's wait between check-in rounds: until the clock has moved so far."""
        async with self._changed:
            until = self.now + timedelta(seconds=seconds)
            self._parked, self._parks = True, self._parks + 1
            self._changed.notify_all()
            await self._changed.wait_for(lambda: self.now >= until)
            self._parked = False

    async def passes(self, delta: timedelta) -> None:
        """Move the clock on, and return once the console's round for the new time is done."""
        async with self._changed:
            await self._changed.wait_for(lambda: self._parked)
            parks = self._parks
            self.now += delta
            self._changed.notify_all()
            await self._changed.wait_for(lambda: self._parks > parks)


MONDAY_MORNING = datetime(2026, 1, 12, 7, 52, tzinfo=UTC)
"""London is on UTC in January: a check-in at 08:00 there falls due eight minutes later."""


@pytest.fixture
def time() -> Time:
    return Time(MONDAY_MORNING)


@pytest.fixture
def service(content: Content, db: Database, time: Time) -> Service:
    return Service(content, db, clock=time)


async def session(service: Service, time: Time, steps: list[Step]) -> str:
    """Everything she sees while she types `steps`, then /quit."""
    out: list[str] = []
    pending = iter([*steps, "/quit"])

    async def read() -> str | None:
        for step in pending:
            if isinstance(step, timedelta):
                await time.passes(step)
                continue
            return step if isinstance(step, str) else step("\n".join(out))
        return None

    await run_console(service, read=read, write=out.append, sleep=time.sleep, poll_seconds=30)
    return "\n".join(out)


def number_of(start: str, button: int) -> Callable[[str], str]:
    """Her line for `button` of the last message shown that begins with `start`: `2.3`."""

    def pick(shown: str) -> str:
        numbers = re.findall(rf"^\[(\d+)\] {re.escape(start[:40])}", shown, re.MULTILINE)
        assert numbers, f"no numbered message starting {start[:40]!r} on screen"
        return f"{numbers[-1]}.{button}"

    return pick


def after(shown: str, marker: str) -> str:
    """What she saw after the last `marker`."""
    assert marker in shown
    return shown[shown.rindex(marker) :]


async def her_state(service: Service) -> State:
    return State.from_dict(await service.db.turns.state_of(0), service.content)


def label_of_page(content: Content, state: State, page: int) -> str:
    pages = plan.pages(content, state.profile or {}, Told.of(state))
    return content.plan.page_label.format(page=page, pages=len(pages))


# Safety yes, calm, distance, still talking, wavering, tick the first tactic, done, skip the goal.
COACHING = ["1", "3", "1", "1", "1", "1", "7", "4"]


def setting_up(content: Content, at: str = "08:00", discreet: bool = False) -> list[Step]:
    """Yes to the check-in offer, every day at `at` in London, discreet or not: by label."""
    c = content.checkins
    return [
        c.offer_yes,
        c.cadences[0].label,
        at,
        "London",
        c.discreet_yes if discreet else c.discreet_no,
    ]


# ---- numbers, addresses and labels ---------------------------------------------------------


async def test_choices_are_numbered_and_numbers_pick_them(content: Content) -> None:
    screen = Screen()
    safety = question(content, content.steps[0])
    number = screen.add([b for row in safety.buttons for b in row])
    text = render(content, safety, number)

    assert text.startswith(f"[1] {content.steps[0].question}")
    assert "  1. Yes" in text
    assert parse("2", screen) == (Choice("safety", "no"), 1)
    assert parse("1.2", screen) == (Choice("safety", "no"), 1)
    assert parse("9", screen) == (Text("9"), None)
    assert parse("/help", screen) == (Command("help"), None)
    assert parse("   ", screen) == (None, None)


async def test_any_button_on_screen_is_reached_by_its_address_or_label() -> None:
    screen = Screen()
    plan_page = screen.add([Button("Next ▶", Action("page", "2")), Button("Hide", Action("hide"))])
    offer = screen.add([Button("Yes, set up check-ins", Action("ci_setup"))])

    assert parse("1", screen) == (Action("ci_setup"), offer)
    assert parse(f"{plan_page}.1", screen) == (Action("page", "2"), plan_page)
    assert parse("next", screen) == (Action("page", "2"), plan_page)
    assert parse("  YES, SET UP CHECK-INS ", screen) == (Action("ci_setup"), offer)
    assert parse(f"{plan_page}.3", screen) == (Text(f"{plan_page}.3"), None)
    assert parse("7.1", screen) == (Text("7.1"), None)  # no message 7: a time, perhaps

    screen.put(plan_page, [Button("◀ Back", Action("page", "1"))])  # page turned in place
    assert parse("1", screen) == (Action("page", "1"), plan_page)  # printed last now
    assert parse("next", screen) == (Text("next"), None)


async def test_a_paged_message_prints_every_page_under_its_label(content: Content) -> None:
    pages = (Reply(text="first"), Reply(title="Second", text="second"))
    text = render(content, Reply(text="first", pages=pages), 4)

    assert text.startswith(f"[4] {content.plan.page_label.format(page=1, pages=2)}\nfirst")
    assert f"{content.plan.page_label.format(page=2, pages=2)}\nSecond\n------\nsecond" in text


# ---- the conversation ------------------------------------------------------------------------


async def test_a_whole_conversation_by_numbers_ends_in_every_page_of_her_plan(
    service: Service, time: Time, content: Content
) -> None:
    shown = await session(service, time, COACHING)

    state = await her_state(service)
    count = len(plan.pages(content, state.profile or {}, Told.of(state)))
    warmth = next(p for p in content.plan.pieces if p.id == "warmth")
    assert label_of_page(content, state, 1) in shown
    assert label_of_page(content, state, count) in shown
    assert shown.index(warmth.title) < shown.index(content.plan.tactics_title)
    assert content.plan.framing.skipped in shown
    assert shown.rstrip().endswith(content.messages.console_bye)


async def test_the_country_is_answered_by_number_after_other_messages(
    service: Service, time: Time, content: Content
) -> None:
    m = content.messages
    # "No" brings the helplines, the country question, and "continue" below it.
    shown = await session(service, time, ["2", number_of(m.country_question, 2)])

    assert shown.index(m.country_question) < shown.index(m.resources_paused)
    assert answered(content, m.country_question, "United Kingdom") in shown
    assert (await her_state(service)).country == "GB"


async def test_her_plan_turns_a_page_after_the_checkin_offer_appeared(
    service: Service, time: Time, content: Content
) -> None:
    first_page = content.plan.page_label.split("{pages}")[0].format(page=1)  # "Page 1 of "
    shown = await session(service, time, [*COACHING, "next", number_of(first_page, 1)])

    state = await her_state(service)
    offer = shown.index(content.checkins.offer)
    assert label_of_page(content, state, 2) in shown[offer:]
    # "Next" typed turned to page 2; its Back, by the plan's number, turned back to page 1.
    assert label_of_page(content, state, 1) in after(shown, label_of_page(content, state, 2))


async def test_things_are_different_now_is_reached_after_the_checkin_offer(
    service: Service, time: Time, content: Content
) -> None:
    way_back = content.safety_plan.way_back
    # Not safe; continue; in a fight, distance, still talking, wavering, none, skip the goal.
    m = content.messages
    steps: list[Step] = ["2", m.resources_continue, "1", "1", "1", "1", m.none_selected]
    shown = await session(service, time, [*steps, "skip this one", way_back.label])

    assert content.checkins.offer in shown
    assert way_back.asked in after(shown, content.checkins.offer)


async def test_the_console_picks_up_where_she_left_off(
    service: Service, time: Time, content: Content
) -> None:
    await session(service, time, ["1"])
    shown = await session(service, time, ["2"])

    assert content.messages.restart_confirm in shown
    assert content.messages.resumed in shown
    assert content.steps[1].question in shown


async def test_reopening_with_a_plan_greets_her_with_its_first_page(
    service: Service, time: Time, content: Content
) -> None:
    await session(service, time, COACHING)
    shown = await session(service, time, ["next"])

    state = await her_state(service)
    assert content.messages.console_welcome_back in shown
    assert label_of_page(content, state, 1) in shown
    assert label_of_page(content, state, 2) in after(shown, label_of_page(content, state, 1))
    assert content.steps[0].question not in shown


# ---- check-ins on the console's own clock ----------------------------------------------------


async def test_a_checkin_arrives_while_the_console_is_open(
    service: Service, time: Time, content: Content
) -> None:
    c = content.checkins
    steps = [*COACHING, *setting_up(content), timedelta(minutes=10)]
    shown = await session(service, time, [*steps, c.moods[0].label])

    assert shown.index(c.confirmed.split("{")[0]) < shown.index(c.checkin_mood)
    assert shown.count(c.checkin_mood) == 1
    # Her answer by its label reached the check-in: its question about her comes next.
    assert any(q.text in after(shown, c.checkin_mood) for q in c.questions)


async def test_what_fell_due_while_it_was_closed_arrives_once_on_opening(
    service: Service, time: Time, content: Content
) -> None:
    await session(service, time, [*COACHING, *setting_up(content)])
    time.now += timedelta(days=3)
    shown = await session(service, time, [timedelta(minutes=1)])

    assert shown.count(content.checkins.checkin_mood) == 1
    assert shown.index(content.messages.console_welcome_back) < shown.index(
        content.checkins.checkin_mood
    )


async def test_the_check_back_after_urge_arrives(
    service: Service, time: Time, content: Content
) -> None:
    u = content.moments.urge
    wait = u.pause_label.format(minutes=10)
    shown = await session(service, time, ["/urge", wait, timedelta(minutes=11), u.waited_label])

    assert u.waiting.format(minutes=10) in shown
    assert u.check_back in after(shown, u.waiting.format(minutes=10))
    assert u.waited in after(shown, u.check_back)


async def test_the_check_back_does_not_come_early(
    service: Service, time: Time, content: Content
) -> None:
    u = content.moments.urge
    wait = u.pause_label.format(minutes=20)
    shown = await session(service, time, ["/urge", wait, timedelta(minutes=11)])

    assert u.check_back not in shown


async def test_an_opened_discreet_checkin_folds_back_under_its_number(
    service: Service, time: Time, content: Content
) -> None:
    c = content.checkins
    steps = [*COACHING, *setting_up(content, discreet=True), c.covers[0].label]
    shown = await session(
        service, time, [*steps, timedelta(minutes=10), c.open_label, timedelta(minutes=16)]
    )

    cover = re.findall(rf"^\[(\d+)\] {re.escape(c.covers[0].text)}", shown, re.MULTILINE)
    assert len(cover) == 2  # arrived, then folded back ...
    assert cover[0] == cover[1]  # ... in place, under its own number
    assert c.checkin_mood in shown[: shown.rindex(c.covers[0].text)]
