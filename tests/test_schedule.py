"""The time arithmetic of check-ins: DST both ways, month and year ends, weekdays, pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from bot.core.schedule import (
    DAILY,
    EVERY_OTHER_DAY,
    WEEKLY,
    Plan,
    first_due,
    local,
    next_due,
    offset_from_clock,
    parse_clock,
    parse_zone,
    utc_offset_label,
    zone_for_offset,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slots(plan: Plan, start: datetime, count: int) -> list[datetime]:
    """The next `count` slots, each computed from the one before, as the sender does."""
    found, at = [], start
    for _ in range(count):
        at = next_due(plan, at)
        found.append(at)
    return found


def test_a_daily_check_in_is_at_her_local_time_in_utc() -> None:
    plan = Plan(DAILY, 19, 30, "Europe/Berlin")
    # 24 Nov 2026 is winter time in Berlin: UTC+1.
    assert next_due(plan, utc(2026, 11, 24, 12, 0)) == utc(2026, 11, 24, 18, 30)
    assert next_due(plan, utc(2026, 11, 24, 18, 30)) == utc(2026, 11, 25, 18, 30)


def test_the_next_slot_is_strictly_after_the_given_instant() -> None:
    plan = Plan(DAILY, 8, 0, "UTC")
    assert next_due(plan, utc(2026, 5, 1, 8, 0)) == utc(2026, 5, 2, 8, 0)
    assert next_due(plan, utc(2026, 5, 1, 7, 59, 59)) == utc(2026, 5, 1, 8, 0)


def test_a_time_skipped_by_spring_forward_arrives_once_an_hour_later() -> None:
    # New York springs forward on 8 March 2026: 02:00 EST becomes 03:00 EDT.
    plan = Plan(DAILY, 2, 30, "America/New_York")
    before, on_the_day, after = slots(plan, utc(2026, 3, 7, 0, 0), 3)
    assert before == utc(2026, 3, 7, 7, 30)  # 02:30 EST
    assert on_the_day == utc(2026, 3, 8, 7, 30)  # arrives at 03:30 EDT, once
    assert local(on_the_day, plan.zone).hour == 3
    assert after == utc(2026, 3, 9, 6, 30)  # 02:30 EDT
    assert len({local(s, plan.zone).date() for s in (before, on_the_day, after)}) == 3


def test_a_time_repeated_by_fall_back_arrives_once() -> None:
    # New York falls back on 1 November 2026: 01:00-02:00 happens twice.
    plan = Plan(DAILY, 1, 30, "America/New_York")
    found = slots(plan, utc(2026, 10, 31, 0, 0), 3)
    assert found == [
        utc(2026, 10, 31, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 5, 30),  # the first 01:30 (EDT); the second one is skipped
        utc(2026, 11, 2, 6, 30),  # 01:30 EST
    ]


@pytest.mark.parametrize(
    ("zone", "day", "hour", "expected_utc_hour"),
    [
        ("Europe/Berlin", date(2026, 3, 29), 2, 1),  # spring forward: 02:30 does not exist
        ("Europe/Berlin", date(2026, 10, 25), 2, 0),  # fall back: 02:30 happens twice
        ("Australia/Sydney", date(2026, 10, 4), 2, 16),  # southern spring forward
        ("Australia/Sydney", date(2026, 4, 5), 2, 15),  # southern fall back
    ],
)
def test_dst_days_in_other_zones_give_exactly_one_check_in(
    zone: str, day: date, hour: int, expected_utc_hour: int
) -> None:
    plan = Plan(DAILY, hour, 30, zone)
    start = datetime.combine(day - timedelta(days=2), datetime.min.time(), UTC)
    found = slots(plan, start, 5)
    per_local_day = [local(s, zone).date() for s in found]
    assert len(per_local_day) == len(set(per_local_day)), "two check-ins on one day"
    assert all(b - a >= timedelta(hours=22) for a, b in pairwise(found))
    assert any(s.hour == expected_utc_hour for s in found)


def test_month_and_year_ends_roll_over() -> None:
    plan = Plan(DAILY, 23, 45, "Pacific/Auckland")
    # 23:45 on 31 December in Auckland is 10:45 UTC the same day (NZDT, UTC+13).
    new_year = next_due(plan, utc(2026, 12, 31, 0, 0))
    assert new_year == utc(2026, 12, 31, 10, 45)
    assert local(next_due(plan, new_year), plan.zone).date() == date(2027, 1, 1)
    month_end = Plan(DAILY, 9, 0, "UTC")
    assert next_due(month_end, utc(2027, 2, 28, 10, 0)) == utc(2027, 3, 1, 9, 0)
    assert next_due(month_end, utc(2028, 2, 28, 10, 0)) == utc(2028, 2, 29, 9, 0)  # leap year


def test_a_local_date_ahead_of_utc_is_respected() -> None:
    # At 20:00 UTC on 1 June it is already 2 June, 06:00, in Sydney.
    plan = Plan(DAILY, 7, 0, "Australia/Sydney")
    assert next_due(plan, utc(2026, 6, 1, 20, 0)) == utc(2026, 6, 1, 21, 0)


def test_weekly_lands_on_her_weekday_every_week() -> None:
    plan = Plan(WEEKLY, 19, 30, "Europe/Berlin", weekday=1)  # Tuesday
    found = slots(plan, utc(2026, 11, 25, 0, 0), 3)  # a Wednesday
    assert [local(s, plan.zone).strftime("%A %H:%M") for s in found] == ["Tuesday 19:30"] * 3
    assert found[1] - found[0] == timedelta(days=7)
    # Across the spring change, still 19:30 local (one hour less in UTC).
    spring = slots(plan, utc(2027, 3, 20, 0, 0), 2)
    assert [local(s, plan.zone).hour for s in spring] == [19, 19]
    assert spring[1] - spring[0] == timedelta(days=7, hours=-1)


def test_every_other_day_keeps_its_rhythm_across_month_ends() -> None:
    plan = Plan(EVERY_OTHER_DAY, 8, 0, "UTC", anchor=date(2026, 1, 30))
    found = slots(plan, utc(2026, 1, 29, 0, 0), 4)
    assert [s.date() for s in found] == [
        date(2026, 1, 30),
        date(2026, 2, 1),
        date(2026, 2, 3),
        date(2026, 2, 5),
    ]
    # Asked on an "off" day, it waits for the next "on" day.
    assert next_due(plan, utc(2026, 1, 31, 7, 0)).date() == date(2026, 2, 1)


def test_a_pause_moves_the_first_slot_past_its_end() -> None:
    plan = Plan(DAILY, 9, 0, "UTC")
    now = utc(2026, 11, 24, 10, 0)
    assert first_due(plan, now) == utc(2026, 11, 25, 9, 0)
    until = now + timedelta(days=7)
    assert first_due(plan, now, until) == utc(2026, 12, 2, 9, 0)


def test_plans_refuse_what_cannot_be_scheduled() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Plan(DAILY, 9, 0, "Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="weekday"):
        Plan(WEEKLY, 9, 0, "UTC")
    with pytest.raises(ValueError, match="anchor"):
        Plan(EVERY_OTHER_DAY, 9, 0, "UTC")
    with pytest.raises(ValueError, match="out of range"):
        Plan(DAILY, 24, 0, "UTC")
    with pytest.raises(ValueError, match="naive"):
        next_due(Plan(DAILY, 9, 0, "UTC"), datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7:30", (7, 30)),
        ("19:30", (19, 30)),
        (" 7.30 ", (7, 30)),
        ("0730", (7, 30)),
        ("7", (7, 0)),
        ("7pm", (19, 0)),
        ("7:30 PM", (19, 30)),
        ("12 am", (0, 0)),
        ("12pm", (12, 0)),
        ("19h30", (19, 30)),
        ("24:00", None),
        ("7:60", None),
        ("13pm", None),
        ("half past seven", None),
        ("", None),
    ],
)
def test_typed_times_are_read_as_people_write_them(
    typed: str, expected: tuple[int, int] | None
) -> None:
    assert parse_clock(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("America/New York", "America/New_York"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("Berlin", None),
        ("Europe/Atlantis", None),
        ("../../etc/passwd", None),
    ],
)
def test_zone_names_are_matched_whatever_the_case(typed: str, expected: str | None) -> None:
    assert parse_zone(typed) == expected


def test_her_clock_gives_her_zone() -> None:
    now = utc(2026, 11, 24, 13, 2)
    offset = offset_from_clock(14, 5, now)  # she says it's 14:05: UTC+1
    assert offset == timedelta(hours=1)
    assert zone_for_offset(offset, now, ["Europe/London", "Europe/Berlin"]) == "Europe/Berlin"
    # An offset none of the buttons has: a fixed zone with the right offset.
    eleven = zone_for_offset(timedelta(hours=11), now, ["Europe/Berlin"])
    assert eleven is not None
    assert now.astimezone(local(now, eleven).tzinfo).utcoffset() == timedelta(hours=11)
    # Half-hour zones, and a date on the other side of midnight.
    assert offset_from_clock(18, 32, now) == timedelta(hours=5, minutes=30)
    assert offset_from_clock(23, 2, utc(2026, 11, 24, 1, 0)) == timedelta(hours=-2)
    assert zone_for_offset(timedelta(hours=20), now, []) is None


def test_offsets_are_labelled_for_people() -> None:
    now = utc(2026, 11, 24, 12, 0)
    assert utc_offset_label(now, "Europe/Berlin") == "UTC+1"
    assert utc_offset_label(now, "Asia/Kolkata") == "UTC+5:30"
    assert utc_offset_label(now, "America/New_York") == "UTC-5"
    assert utc_offset_label(now, "UTC") == "UTC"
