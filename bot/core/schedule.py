"""Pure time arithmetic for check-ins: when is the next one, in UTC.

Everything here is a function of its arguments (no clock, no database), so the
hard cases are plain unit tests: a 02:30 check-in on the night clocks spring
forward (02:30 does not exist; it arrives at 03:30, once), on the night they
fall back (01:30 happens twice; it arrives at the first, once), month and year
ends, the weekly weekday and pauses.

How a local wall time becomes an instant: `zoneinfo` with `fold=0`. For a time
skipped by a spring-forward that yields the instant one gap later; for a time
repeated by a fall-back it yields the first of the two. Each slot is then
"the first instant strictly after the last one", so neither case can repeat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DAILY, EVERY_OTHER_DAY, WEEKLY = "daily", "every_other_day", "weekly"
CADENCES = (DAILY, EVERY_OTHER_DAY, WEEKLY)
PAUSE_WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Plan:
    """What she chose: how often, at what local time, in which zone.

    `weekday` (Monday 0 .. Sunday 6) is set for a weekly plan only. `anchor`
    is the local date an every-other-day plan counts from, so "every other
    day" stays on the same days whatever happens in between.
    """

    cadence: str
    hour: int
    minute: int
    zone: str
    weekday: int | None = None
    anchor: date | None = None

    def __post_init__(self) -> None:
        if self.cadence not in CADENCES:
            raise ValueError(f"unknown cadence {self.cadence!r}")
        if not (0 <= self.hour < 24 and 0 <= self.minute < 60):
            raise ValueError("hour or minute out of range")
        if self.cadence == WEEKLY and self.weekday not in range(7):
            raise ValueError("a weekly plan needs a weekday 0-6")
        if self.cadence == EVERY_OTHER_DAY and self.anchor is None:
            raise ValueError("an every-other-day plan needs an anchor date")
        zone_of(self.zone)  # raises for an unknown zone

    @property
    def local_time(self) -> time:
        return time(self.hour, self.minute)


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time `at` on `day` in `zone` (fold=0, see module doc)."""
    return datetime.combine(day, at, zone).astimezone(UTC)


def _fits(plan: Plan, day: date) -> bool:
    if plan.cadence == WEEKLY:
        return day.weekday() == plan.weekday
    if plan.cadence == EVERY_OTHER_DAY:
        assert plan.anchor is not None
        return (day - plan.anchor).days % 2 == 0
    return True


def next_due(plan: Plan, after: datetime) -> datetime:
    """The first slot of `plan` strictly after the aware instant `after`, in UTC."""
    if after.tzinfo is None:
        raise ValueError("naive datetime: pass an aware instant")
    zone = zone_of(plan.zone)
    # Start a day early: the local date of `after` may be behind its UTC date.
    day = after.astimezone(zone).date() - timedelta(days=1)
    for _ in range(16):  # a week and a day always holds a slot of any cadence
        if _fits(plan, day):
            at = _instant(day, plan.local_time, zone)
            if at > after:
                return at
        day += timedelta(days=1)
    raise AssertionError("no slot within 16 days")  # pragma: no cover


def first_due(plan: Plan, now: datetime, paused_until: datetime | None = None) -> datetime:
    """When the first check-in of `plan` goes out: the next slot after now, or after a pause."""
    start = max(now, paused_until) if paused_until else now
    return next_due(plan, start)


def local(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(zone_of(zone))


# ---- reading what she typed -------------------------------------------------

_CLOCK = re.compile(
    r"^\s*(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.IGNORECASE
)
_COMPACT = re.compile(r"^\s*(\d{2})(\d{2})\s*$")


def parse_clock(text: str) -> tuple[int, int] | None:
    """`7:30`, `19:30`, `7.30`, `7pm`, `7:30 pm`, `0730` -> (hour, minute); None if not a time."""
    compact = _COMPACT.match(text)
    if compact:
        hour, minute = int(compact[1]), int(compact[2])
        return (hour, minute) if hour < 24 and minute < 60 else None
    found = _CLOCK.match(text)
    if not found:
        return None
    hour, minute = int(found[1]), int(found[2] or 0)
    suffix = (found[3] or "").lower().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    return (hour, minute) if hour < 24 and minute < 60 else None


@cache
def _zones_by_lower_name() -> dict[str, str]:
    names = {n for n in available_timezones() if "/" in n or n == "UTC"}
    return {n.lower(): n for n in names}


def parse_zone(text: str) -> str | None:
    """An IANA zone name as she typed it (`europe/berlin`, `Europe/Berlin`, `UTC`), or None."""
    key = text.strip().replace(" ", "_").lower()
    if key in ("utc", "gmt", "z"):
        return "UTC"
    return _zones_by_lower_name().get(key)


def offset_from_clock(hour: int, minute: int, now: datetime) -> timedelta:
    """Her UTC offset, from the time she says it is where she is now (nearest quarter hour)."""
    utc = now.astimezone(UTC)
    said = datetime.combine(utc.date(), time(hour, minute), UTC)
    # Her date may be a day either side of UTC's: take the nearest reading.
    diffs = [(said + timedelta(days=d) - utc) for d in (-1, 0, 1)]
    diff = min(diffs, key=lambda d: abs(d.total_seconds()))
    quarters = round(diff.total_seconds() / 900)
    return timedelta(seconds=quarters * 900)


def zone_for_offset(offset: timedelta, now: datetime, preferred: Iterable[str]) -> str | None:
    """A zone at `offset` right now: the first of `preferred` that fits, else a fixed Etc zone.

    None when no real zone has that offset (beyond -12h .. +14h).
    """
    for name in preferred:
        if now.astimezone(zone_of(name)).utcoffset() == offset:
            return name
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest == 0 and -12 <= hours <= 14:
        # POSIX Etc zones have the sign inverted: Etc/GMT-2 is UTC+2.
        return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    for name in sorted(_zones_by_lower_name().values()):
        if now.astimezone(zone_of(name)).utcoffset() == offset:
            return name
    return None


def utc_offset_label(instant: datetime, zone: str) -> str:
    """`UTC+1`, `UTC-3:30`, `UTC` for `zone` at `instant`."""
    offset = local(instant, zone).utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    hours, rest = divmod(abs(int(offset.total_seconds())), 3600)
    return f"UTC{sign}{hours}" + (f":{rest // 60:02d}" if rest else "")
