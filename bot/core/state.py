"""Where she is: her place in the questions, what she finished, and at most one overlay.

Her place (`step`, `answers`, `selected`, `held`) survives anything asked on
top of it. An overlay is a short exchange that sits on her place and gives way
back to it: a confirmation, setting check-ins up, a note for a check-in.
`mode` names the one handler an input goes to (see `router`). The state is
stored as JSON in the turn's transaction; `from_dict` reads today's shape and
the one before it, and drops whatever the current content no longer knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from bot.content import Content
from bot.core import schedule


class Mode(StrEnum):
    """The modes of the conversation: exactly one handles an input (commands aside)."""

    IDLE = "idle"
    """Not in the questions: before them, or after her plan."""
    ASKING = "asking"
    """Answering the questions."""
    HELD = "held"
    """The safety resources are shown; the questions wait for her "continue"."""
    CONFIRM_RESTART = "confirm_restart"
    """She sent /start mid-way: start over, or keep going?"""
    CONFIRM_FORGET = "confirm_forget"
    """She sent /forget: delete everything, or keep it?"""
    SETUP = "setup"
    """Setting check-ins up: how often, what time, her time zone."""
    NOTING = "noting"
    """Her next message is a note for a check-in."""


@dataclass(frozen=True)
class Setup:
    """Where she is in setting check-ins up."""

    stage: str
    cadence: str | None = None
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None

    STAGES = ("cadence", "weekday", "time", "zone", "clock")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "setup",
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
class Noting:
    """Her next message is the note for check-in `checkin_id`."""

    checkin_id: int

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "noting", "checkin_id": self.checkin_id}


@dataclass(frozen=True)
class Confirm:
    """A yes/no question about what she just asked for; `back` is what it sat on."""

    what: Literal["restart", "forget"]
    back: Setup | Noting | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.what, "back": self.back.to_dict() if self.back else None}


Overlay = Setup | Noting | Confirm


def _overlay(data: Any, depth: int = 0) -> Overlay | None:
    if not isinstance(data, Mapping) or depth > 1:
        return None
    kind = data.get("kind")
    if kind == "setup":
        return Setup.from_dict(data)
    if kind == "noting":
        checkin = data.get("checkin_id")
        ok = isinstance(checkin, int) and not isinstance(checkin, bool)
        return Noting(checkin) if ok else None
    if kind in ("restart", "forget"):
        back = _overlay(data.get("back"), depth + 1)
        return Confirm(kind, back if not isinstance(back, Confirm) else None)
    return None


def _ids(raw: Any) -> tuple[str, ...]:
    """A stored list of ids, or nothing if what is stored is not one."""
    if not isinstance(raw, list):
        return ()
    # A list, not a generator: twice as fast, and every update and claimed row reads a state.
    return tuple([item for item in raw if isinstance(item, str)])


@dataclass(frozen=True)
class State:
    """Her place in the questions, what she finished, and what is asked on top.

    `held`: the safety resources were shown and the questions wait for her
    "continue". `country`: an ISO code, "other", "skip", or None (not asked yet).
    """

    step: str | None = None
    answers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    selected: tuple[str, ...] = ()
    held: bool = False
    profile: Mapping[str, tuple[str, ...]] | None = None
    welcomed: bool = False
    country: str | None = None
    overlay: Overlay | None = None

    @property
    def mid_way(self) -> bool:
        return self.step is not None and bool(self.answers or self.selected)

    @property
    def mode(self) -> Mode:
        """The one mode an input is handled in; an overlay comes before her place."""
        overlay = self.overlay
        if isinstance(overlay, Confirm):
            return Mode.CONFIRM_RESTART if overlay.what == "restart" else Mode.CONFIRM_FORGET
        if isinstance(overlay, Setup):
            return Mode.SETUP
        if isinstance(overlay, Noting):
            return Mode.NOTING
        if self.step is None:
            return Mode.IDLE
        return Mode.HELD if self.held else Mode.ASKING

    @property
    def setup(self) -> Setup | None:
        return self.overlay if isinstance(self.overlay, Setup) else None

    @property
    def noting(self) -> int | None:
        """The check-in her next message is a note for, if any."""
        return self.overlay.checkin_id if isinstance(self.overlay, Noting) else None

    def settled(self) -> State:
        """The state with its overlay gone: what she comes back to."""
        back = self.overlay.back if isinstance(self.overlay, Confirm) else None
        return State(
            self.step,
            self.answers,
            self.selected,
            self.held,
            self.profile,
            self.welcomed,
            self.country,
            back,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": 2,
            "step": self.step,
            "answers": {k: list(v) for k, v in self.answers.items()},
            "selected": list(self.selected),
            "held": self.held,
            "profile": {k: list(v) for k, v in self.profile.items()} if self.profile else None,
            "welcomed": self.welcomed,
            "country": self.country,
            "overlay": self.overlay.to_dict() if self.overlay else None,
        }

    @classmethod
    def from_dict(cls, data: Any, content: Content) -> State:
        """Rebuild a stored state, dropping whatever the current content does not know.

        A coach may rename a step between her two answers, and a damaged row
        must never lock her out: she then starts the questions afresh.
        """
        if not isinstance(data, Mapping):
            return cls()
        from bot.core.safety.resources import known_country

        def answers(raw: Any) -> dict[str, tuple[str, ...]]:
            if not isinstance(raw, Mapping):
                return {}
            return {k: _ids(v) for k, v in raw.items() if isinstance(k, str) and content.step(k)}

        overlay = _overlay(data.get("overlay")) if data.get("v") == 2 else _v1_overlay(data)
        step = data.get("step")
        current = content.step(step) if isinstance(step, str) else None
        country = data.get("country")
        kept: dict[str, Any] = {
            "profile": answers(data.get("profile")) or None,
            "welcomed": data.get("welcomed") is True,
            "country": known_country(content, country) if isinstance(country, str) else None,
        }
        if current is None:
            # A restart confirmation has nothing to restart without a place in the questions.
            is_restart = isinstance(overlay, Confirm) and overlay.what == "restart"
            return cls(**kept, overlay=None if is_restart else overlay)
        # Built once rather than built and then `replace`d: every update reads her state.
        return cls(
            **kept,
            overlay=overlay,
            step=current.id,
            answers=answers(data.get("answers")),
            selected=tuple(a for a in _ids(data.get("selected")) if current.answer(a)),
            held=data.get("held", data.get("paused")) is True,
        )


def _v1_overlay(data: Mapping[str, Any]) -> Overlay | None:
    """The overlay of a state stored before overlays (flags side by side), most urgent first."""
    noting = data.get("noting")
    setup = Setup.from_dict(data.get("setup"))
    under: Setup | Noting | None = setup
    if isinstance(noting, int) and not isinstance(noting, bool):
        under = Noting(noting)
    if data.get("confirming_forget") is True:
        return Confirm("forget", under)
    if data.get("confirming") is True:
        return Confirm("restart", under)
    return under
