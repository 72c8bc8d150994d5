"""checkins.yaml: setting check-ins up, the check-in itself, her answers and /progress.

The encouragements a check-in carries are in encouragements.yaml.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, StrictInt, field_validator, model_validator

from bot.content.fields import ContentModel, Filled, FilledLabel, Id, Label, Text, Word, fills
from bot.core.schedule import CADENCES, WEEKLY, parse_clock, zone_of


class Cadence(ContentModel):
    id: Id
    label: Label
    describe: FilledLabel
    """`every day at {time}`; a weekly one also has `{weekday}`."""

    @field_validator("id")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in CADENCES:
            raise ValueError(f"{value!r} is not one of {list(CADENCES)}")
        return value

    @model_validator(mode="after")
    def _fillable(self) -> Cadence:
        wanted = ("time", "weekday") if self.id == WEEKLY else ("time",)
        fills(*wanted).func(self.describe)  # raises naming the missing or stray placeholder
        return self


class Zone(ContentModel):
    id: str
    label: Label

    @field_validator("id")
    @classmethod
    def _iana(cls, value: str) -> str:
        try:
            zone_of(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IANA time zone") from None
        return value


class Cover(ContentModel):
    """A neutral line a discreet check-in shows until she opens it."""

    id: Id
    label: Label
    text: Text


class Question(ContentModel):
    """A second question about her; `count` tells /progress how many days she said yes."""

    id: Id
    text: Text
    if_yes: Text
    if_no: Text
    count: Annotated[Filled, fills("n")]
    coaching_only: bool = False
    """About him ("did you give him room"): never asked on the safety path."""


class Mood(ContentModel):
    value: StrictInt
    label: Label


def _clock(value: object) -> tuple[int, int]:
    clock = parse_clock(str(value))
    if clock is None:
        raise ValueError("expected a time like 19:30")
    return clock


class Checkins(ContentModel):
    cadences: tuple[Cadence, ...]
    weekdays: tuple[Word, ...]
    """The seven days, Monday first, as Python counts them."""
    hours: tuple[Annotated[tuple[int, int], BeforeValidator(_clock)], ...]
    """Buttons for the local time; she can type any other."""
    zones: tuple[Zone, ...]
    """Buttons for the time zone; she can type any IANA name, or tell the time."""
    moods: tuple[Mood, ...]
    low_mood: StrictInt
    """A mood at or below this gets the gentlest reply."""

    # offering and setting up
    offer: Text
    offer_yes: Label
    offer_no: Label
    offer_declined: Text
    ask_cadence: Text
    ask_weekday: Text
    ask_time: Text
    ask_zone: Text
    zone_from_clock: Label
    ask_clock: Text
    bad_time: Text
    bad_zone: Text
    bad_clock: Text
    zone_guessed: Annotated[Filled, fills("zone", "offset")]
    confirmed: Annotated[Filled, fills("when", "zone")]
    around: Annotated[Filled, fills("minutes")]
    crowded: Annotated[Filled, fills("time", "minutes", "nearby")]
    move_label: Annotated[FilledLabel, fills("nearby")]
    # seeing and changing them
    status: Annotated[Filled, fills("plan", "zone", "when")]
    lately: Annotated[Filled, fills("minutes")]
    lately_on_time: Text
    status_paused_open: Annotated[Filled, fills("plan", "zone")]
    change_label: Label
    pause_label: Label
    stop_label: Label
    keep_label: Label
    kept_as_is: Text
    setup_cancelled: Text
    ask_pause: Text
    pause_week_label: Label
    pause_open_label: Label
    paused_week: Annotated[Filled, fills("when", "zone")]
    paused_open: Text
    resumed: Annotated[Filled, fills("when", "zone")]
    not_paused: Annotated[Filled, fills("when", "zone")]
    stopped: Text
    nothing_to_change: Text
    # the check-in and her answers
    checkin_mood: Text
    # discreet check-ins
    ask_discreet: Text
    discreet_yes: Label
    discreet_no: Label
    ask_cover: Text
    discreet_default: Text
    discreet_now: Text
    covers: tuple[Cover, ...]
    open_label: Label
    fold_label: Label
    discreet_on_label: Label
    discreet_off_label: Label
    discreet_on: Text
    discreet_off: Text
    # her answers
    questions: tuple[Question, ...]
    did_yes: Label
    did_no: Label
    reply_low: Annotated[Filled, fills("care")]
    care: tuple[Text, ...]
    reply_mid: Text
    reply_high: Text
    note_label: Label
    ask_note: Text
    note_saved: Text
    checkin_gone: Text
    # /progress
    progress_title: Text
    progress_empty: Text
    progress_summary: Annotated[Filled, fills("answered", "moods", "average")]
    progress_urges: Annotated[Filled, fills("n")]
    progress_drafts: Annotated[Filled, fills("n")]

    @field_validator("weekdays")
    @classmethod
    def _seven(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) != 7:
            raise ValueError("expected the seven days, Monday first")
        return value

    @field_validator("moods")
    @classmethod
    def _one_to_five(cls, value: tuple[Mood, ...]) -> tuple[Mood, ...]:
        if [m.value for m in value] != [1, 2, 3, 4, 5]:
            raise ValueError("expected the values 1, 2, 3, 4 and 5, in order")
        return value

    @field_validator("low_mood")
    @classmethod
    def _below_top(cls, value: int) -> int:
        if not 1 <= value < 5:
            raise ValueError("expected a whole number from 1 to 4")
        return value

    def cadence(self, cadence_id: str) -> Cadence | None:
        return next((c for c in self.cadences if c.id == cadence_id), None)

    def cover(self, cover_id: str | None) -> Cover | None:
        return next((c for c in self.covers if c.id == cover_id), None)

    def question(self, question_id: str | None) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def mood_labels(self) -> dict[int, str]:
        return {m.value: m.label for m in self.moods}
