"""Check-ins in the pure core: set-up, /pause /resume /stop, answers, rotation.

`Her` plays the store's part in memory: it keeps her state, applies the
schedule writes and answers the core returns, and hands the core the context
the store would, so these are whole conversations without a database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.content import Content
from bot.core import plan, router
from bot.core.checkins import answers, rotation, wording
from bot.core.checkins.records import Delivered, Snapshot
from bot.core.inputs import Action, Command, Input, Text
from bot.core.replies import Button, Reply
from bot.core.schedule import DAILY, EVERY_OTHER_DAY, WEEKLY, local
from bot.core.state import Noting, Setup, State
from bot.core.turn import Context, Outcome

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # a Tuesday


@dataclass
class Her:
    content: Content
    now: datetime = NOW
    state: State = field(default_factory=State)
    schedule: Snapshot | None = None
    answers: dict[int, dict[str, object]] = field(default_factory=dict)
    last: Outcome | None = None

    def do(self, event: Input) -> Outcome:
        delivered = None
        wanted = answers.referenced(event)
        if wanted is not None and wanted in self.answers:
            a = self.answers[wanted]
            delivered = Delivered(
                wanted,
                a.get("mood"),  # type: ignore[arg-type]
                a.get("did"),  # type: ignore[arg-type]
                "worth_01",
                a.get("question"),  # type: ignore[arg-type]
                a.get("kind", "checkin"),  # type: ignore[arg-type]
            )
        ctx = Context(now=self.now, schedule=self.schedule, checkin=delivered)
        outcome = router.respond(self.content, self.state, event, ctx)
        self.state = outcome.state
        if outcome.write is not None:
            w = outcome.write
            self.schedule = Snapshot(w.plan, w.next_due_at, w.paused_until, w.active, w.cover)
        if outcome.record is not None and outcome.record.checkin_id in self.answers:
            r = outcome.record
            stored = self.answers[r.checkin_id]
            for key in ("mood", "did", "note"):
                if getattr(r, key) is not None:
                    stored[key] = getattr(r, key)
        self.last = outcome
        return outcome

    def say(self, text: str) -> Outcome:
        return self.do(Text(text))

    def command(self, name: str) -> Outcome:
        return self.do(Command(name))

    def press(self, label: str) -> Outcome:
        assert self.last is not None
        for reply in reversed(self.last.replies):
            for button in (b for row in reply.buttons for b in row):
                if button.label == label:
                    return self.do(button.input)
        raise AssertionError(f"no button {label!r} in {texts(self.last)}")

    def receive(
        self, checkin_id: int, encouragement: str = "worth_01", question: str = "for_you"
    ) -> Reply:
        """A check-in arrives (as the sender would send it), asking `question` about her."""
        self.answers[checkin_id] = {"question": question}
        message = wording.checkin_message(self.content, checkin_id, encouragement)
        self.last = Outcome(self.state, (message,))
        return message


def texts(outcome: Outcome) -> list[str]:
    return [r.text for r in outcome.replies]


def labels(reply: Reply) -> list[str]:
    return [b.label for row in reply.buttons for b in row]


@pytest.fixture
def her(content: Content) -> Her:
    return Her(content)


def set_up(her: Her, cadence: str, at: str, zone: str, weekday: str | None = None) -> None:
    c = her.content.checkins
    her.command("checkins")
    her.press(next(x.label for x in c.cadences if x.id == cadence))
    if weekday:
        her.press(weekday)
    her.say(at)
    her.say(zone)
    her.press(c.discreet_no)


# ---- setting up ---------------------------------------------------------------------


def test_checkins_walks_her_through_cadence_time_and_zone_and_confirms_locally(
    her: Her, content: Content
) -> None:
    c = content.checkins
    asked = her.command("checkins")
    assert texts(asked) == [c.ask_cadence]
    assert labels(asked.replies[0]) == [x.label for x in c.cadences]
    assert texts(her.press(c.cadence(WEEKLY).label))[0] == c.ask_weekday  # type: ignore[union-attr]
    assert texts(her.press("Tuesday"))[0] == c.ask_time
    assert texts(her.say("19:30"))[0] == c.ask_zone
    assert texts(her.say("Europe/Berlin")) == [c.ask_discreet]
    done = her.press(c.discreet_no)

    confirmed = c.confirmed.format(when="Tuesday 19:30", zone="Europe/Berlin")
    assert texts(done) == [f"{confirmed} {c.around.format(minutes=30)}"]  # told how far around
    assert done.write is not None
    assert done.write.cover is None
    assert her.schedule is not None
    assert her.schedule.plan.weekday == 1
    assert her.schedule.next_due_at == datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
    assert her.state.setup is None


def test_the_time_and_zone_buttons_work_as_well_as_typing(her: Her, content: Content) -> None:
    c = content.checkins
    her.command("checkins")
    her.press(c.cadence(DAILY).label)  # type: ignore[union-attr]
    her.press("08:00")
    zone = her.press("UTC")
    assert zone.settle is not None
    assert "UTC" in zone.settle
    done = her.press(c.discreet_no)
    assert her.schedule is not None
    assert her.schedule.next_due_at == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert "Wednesday 08:00" in texts(done)[0]


def test_a_time_she_cannot_mean_is_asked_again_kindly(her: Her, content: Content) -> None:
    c = content.checkins
    her.command("checkins")
    her.press(c.cadence(DAILY).label)  # type: ignore[union-attr]
    again = her.say("whenever")
    assert texts(again) == [c.bad_time, c.ask_time]
    assert her.schedule is None
    assert texts(her.say("25:00"))[0] == c.bad_time
    assert texts(her.say("7:30 pm"))[0] == c.ask_zone
    assert texts(her.say("Atlantis"))[:2] == [c.bad_zone, c.ask_zone]
    her.say("america/new_york")
    her.say(c.discreet_no)  # typed, as it reads on its button
    assert her.schedule is not None
    assert her.schedule.plan.zone == "America/New_York"
    assert (her.schedule.plan.hour, her.schedule.plan.minute) == (19, 30)


def test_her_clock_works_out_her_zone(her: Her, content: Content) -> None:
    c = content.checkins
    her.command("checkins")
    her.press(c.cadence(DAILY).label)  # type: ignore[union-attr]
    her.say("21:00")
    assert texts(her.press(c.zone_from_clock)) == [c.ask_clock]
    assert texts(her.say("no idea"))[0] == c.bad_clock
    her.press(c.zone_from_clock)
    guessed = her.say("13:04")  # it is 12:00 UTC: she is at UTC+1
    assert texts(guessed)[0] == c.zone_guessed.format(zone="Europe/Berlin", offset="UTC+1")
    her.press(c.discreet_no)
    assert her.schedule is not None
    assert her.schedule.plan.zone == "Europe/Berlin"


def test_every_other_day_counts_from_the_first_check_in(her: Her, content: Content) -> None:
    set_up(her, EVERY_OTHER_DAY, "09:00", "UTC")
    assert her.schedule is not None
    assert her.schedule.plan.anchor == datetime(2026, 11, 25).date()
    assert her.schedule.next_due_at == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_setting_up_mid_assessment_keeps_her_place(her: Her, content: Content) -> None:
    her.command("start")
    her.press("Yes")
    second = content.steps[1].question
    assert texts(her.last)[-1] == second  # type: ignore[arg-type]
    set_up(her, DAILY, "20:00", "UTC")
    assert texts(her.last)[-1] == second  # type: ignore[arg-type]
    assert her.state.step == content.steps[1].id


def test_cancel_leaves_the_checkins_as_they_were(her: Her, content: Content) -> None:
    set_up(her, DAILY, "20:00", "UTC")
    before = her.schedule
    her.command("checkins")
    her.press(content.checkins.change_label)
    her.press(content.checkins.cadence(WEEKLY).label)  # type: ignore[union-attr]
    out = her.command("cancel")
    assert texts(out)[0] == content.checkins.setup_cancelled
    assert her.schedule == before
    assert her.state.setup is None


def test_the_offer_after_guidance_sets_them_up(her: Her, content: Content) -> None:
    her.command("start")
    for step in content.steps:
        if step.multi:
            her.press(step.none_label)
        else:
            her.press(step.answers[0].label)
    assert texts(her.last)[-1] == content.checkins.offer  # type: ignore[arg-type]
    assert texts(her.press(content.checkins.offer_yes)) == [content.checkins.ask_cadence]


def test_declining_the_offer_changes_nothing(her: Her, content: Content) -> None:
    her.last = Outcome(her.state, (wording.offer(content),))
    out = her.press(content.checkins.offer_no)
    assert texts(out) == [content.checkins.offer_declined]
    assert her.schedule is None


def test_a_stale_set_up_button_is_not_taken_as_an_answer(her: Her, content: Content) -> None:
    her.command("checkins")
    old = her.last
    her.command("cancel")
    her.last = old
    out = her.press(content.checkins.cadence(DAILY).label)  # type: ignore[union-attr]
    assert her.state.setup is None
    assert her.schedule is None
    assert content.checkins.ask_time not in texts(out)


# ---- managing them ------------------------------------------------------------------


def test_checkins_shows_her_plan_in_her_time(her: Her, content: Content) -> None:
    set_up(her, WEEKLY, "19:30", "Europe/Berlin", weekday="Friday")
    out = her.command("checkins")
    assert texts(out) == [
        content.checkins.status.format(
            plan="every Friday at 19:30", zone="Europe/Berlin", when="Friday 19:30"
        )
    ]
    assert content.checkins.pause_label in labels(out.replies[0])


def test_pause_for_a_week_then_resume(her: Her, content: Content) -> None:
    c = content.checkins
    set_up(her, DAILY, "20:00", "UTC")
    her.command("pause")
    out = her.press(c.pause_week_label)
    assert her.schedule is not None
    assert her.schedule.paused_until == NOW + timedelta(days=7)
    assert her.schedule.next_due_at == datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    assert out.write is not None
    assert out.write.cancel_pending
    assert "Tuesday 20:00" in texts(out)[0]

    resumed = her.command("resume")
    assert her.schedule.next_due_at == datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
    assert her.schedule.paused_until is None
    assert texts(resumed)[0] == c.resumed.format(when="Tuesday 20:00", zone="UTC")


def test_pause_until_resume_sends_nothing_until_she_resumes(her: Her, content: Content) -> None:
    c = content.checkins
    set_up(her, DAILY, "20:00", "UTC")
    her.command("pause")
    out = her.press(c.pause_open_label)
    assert her.schedule is not None
    assert her.schedule.next_due_at is None
    assert her.schedule.active
    assert texts(out)[0] == c.paused_open
    status = c.status_paused_open.format(plan="every day at 20:00", zone="UTC")
    assert texts(her.command("checkins"))[0] == status
    her.now = NOW + timedelta(days=3)
    her.command("resume")
    assert her.schedule.next_due_at == her.now.replace(hour=20)


def test_stop_turns_them_off_and_checkins_starts_afresh(her: Her, content: Content) -> None:
    set_up(her, DAILY, "20:00", "UTC")
    out = her.command("stop")
    assert her.schedule is not None
    assert not her.schedule.active
    assert her.schedule.next_due_at is None
    assert texts(out) == [content.checkins.stopped]
    assert out.write is not None
    assert out.write.cancel_pending
    assert texts(her.command("pause")) == [content.checkins.nothing_to_change]
    assert texts(her.command("resume")) == [content.checkins.nothing_to_change]
    assert texts(her.command("checkins")) == [content.checkins.ask_cadence]


def test_resume_when_running_says_when_the_next_one_is(her: Her, content: Content) -> None:
    set_up(her, DAILY, "20:00", "UTC")
    out = her.command("resume")
    assert texts(out) == [content.checkins.not_paused.format(when="Tuesday 20:00", zone="UTC")]
    assert out.write is None


# ---- the check-in and her answers -----------------------------------------------------


def test_a_check_in_asks_how_she_is_holding_up_with_five_buttons(content: Content) -> None:
    message = wording.checkin_message(content, 41, "worth_01")
    encouragement = next(e for e in content.encouragements if e.id == "worth_01")
    assert message.text.startswith(encouragement.text)
    assert message.text.endswith(content.checkins.checkin_mood)
    assert labels(message) == [m.label for m in content.checkins.moods]


def test_a_low_answer_is_met_with_care_for_her_and_the_sos_hint_never_a_task_about_him(
    her: Her, content: Content
) -> None:
    c = content.checkins
    her.receive(7, question="friend")
    out = her.press(c.moods[0].label)
    first = texts(out)[0]
    assert "/sos" in first
    assert any(care in first for care in c.care)
    assert not any(t.name in first or t.how in first for t in content.tactics.embrace)
    assert not any(rule.search(first.lower()) for rule in content.safety_plan.toward_him)
    assert texts(out)[1] == c.question("friend").text  # type: ignore[union-attr]
    assert her.answers[7]["mood"] == 1
    assert out.settle is not None
    assert c.moods[0].label in out.settle


def test_a_good_answer_then_yes_to_the_question_about_her_then_a_note(
    her: Her, content: Content
) -> None:
    c = content.checkins
    her.receive(8, question="for_you")
    assert texts(her.press(c.moods[4].label))[0] == c.reply_high
    said = her.press(c.did_yes)
    assert texts(said) == [c.question("for_you").if_yes]  # type: ignore[union-attr]
    assert her.answers[8]["did"] is True
    assert texts(her.press(c.note_label)) == [c.ask_note]
    saved = her.say("Walked by the river with Anna.\nFelt lighter.")
    assert texts(saved) == [c.note_saved]
    assert her.answers[8]["note"] == "Walked by the river with Anna. Felt lighter."
    assert her.state.noting is None


def test_not_today_is_met_gently(her: Her, content: Content) -> None:
    c = content.checkins
    her.receive(9, question="room")
    her.press(c.moods[2].label)
    out = her.press(c.did_no)
    assert texts(out)[0] == c.question("room").if_no  # type: ignore[union-attr]
    assert her.answers[9]["did"] is False


def test_a_note_that_worries_us_shows_resources_first_and_is_still_kept(
    her: Her, content: Content
) -> None:
    c = content.checkins
    her.receive(10)
    her.press(c.moods[0].label)
    her.press(c.did_no)
    her.press(c.note_label)
    out = her.say("i don't want to be here anymore")
    assert out.replies[0].kind == "resources"
    assert her.answers[10]["note"] == "i don't want to be here anymore"
    assert her.state.noting is None


def test_answering_a_check_in_mid_assessment_keeps_her_place(her: Her, content: Content) -> None:
    her.command("start")
    her.press("Yes")
    her.receive(11)
    out = her.press(content.checkins.moods[3].label)
    assert texts(out)[-1] == content.steps[1].question


def test_a_check_in_that_is_gone_says_so(her: Her, content: Content) -> None:
    her.receive(12)
    del her.answers[12]  # /forget, or a forged button
    out = her.press(content.checkins.moods[3].label)
    assert texts(out)[0] == content.checkins.checkin_gone
    assert out.record is None


def test_forged_answers_are_refused(her: Her, content: Content) -> None:
    her.receive(13)
    for arg in ("13:9", "13:x", "13", "x:1", ":"):
        out = her.do(Action(wording.MOOD, arg))
        assert out.record is None
    assert her.answers[13] == {"question": "for_you"}


# ---- what she is sent ------------------------------------------------------------------


def test_rotation_never_repeats_before_the_whole_pool_is_seen(content: Content) -> None:
    profile = {"how_said": ("hurtful",), "firmness": ("dead_set",)}
    pool = {e.id for e in rotation.pool(content, profile)}
    rng = random.Random(5)
    seen: list[str] = []
    sent = []
    for _ in range(len(pool)):
        chosen, seen = rotation.pick(content, profile, seen, rng)
        sent.append(chosen.id)
    assert set(sent) == pool  # every one once
    following, seen = rotation.pick(content, profile, seen, rng)
    assert following.id != sent[-1]  # a new round never opens with the last one
    assert seen == [following.id]


def test_the_pool_fits_her_situation(content: Content) -> None:
    volatile = {"how_said": ("hurtful",)}
    cases = plan.situations(content, volatile)
    assert "volatile" in cases
    pool = rotation.pool(content, volatile)
    assert all("any" in e.situations or e.situations & cases for e in pool)
    assert any(e.situations == {"volatile"} for e in pool)
    assert not any(e.situations == {"dead_set"} for e in pool)


def test_check_in_state_survives_storage(content: Content) -> None:
    setup = Setup("zone", cadence=WEEKLY, weekday=2, hour=7, minute=30)
    for overlay in (setup, Noting(5)):
        state = replace(State(), overlay=overlay)
        assert State.from_dict(state.to_dict(), content) == state
    broken_setup = {**State(overlay=setup).to_dict(), "overlay": {"kind": "setup", "stage": "zone"}}
    assert State.from_dict(broken_setup, content).setup is None
    broken_note = {
        **State(overlay=Noting(5)).to_dict(),
        "overlay": {"kind": "noting", "checkin_id": "x"},
    }
    assert State.from_dict(broken_note, content).overlay is None


def test_confirmations_are_in_her_local_time(content: Content) -> None:
    instant = datetime(2026, 7, 1, 17, 30, tzinfo=UTC)
    assert wording.when(content, instant, "Europe/Berlin") == "Wednesday 19:30"
    assert local(instant, "America/Los_Angeles").hour == 10


def test_buttons_carry_their_check_in(content: Content) -> None:
    message = wording.checkin_message(content, 123456789, "worth_01")
    pressed: Button = message.buttons[0][0]
    assert answers.referenced(pressed.input) == 123456789
    assert answers.referenced(Text("123")) is None
