"""What can sit on top of her place for a short exchange, and how each is stored.

An overlay (a confirmation, setting check-ins up, a note for a check-in, the danger check,
the way back, /update, /draft, the crisis screen's question) gives way back to her place in
the questions (`state.State`). Each writes itself as JSON; `overlay` reads a stored one back
and drops one that does not hang together, so a stale or tampered row can never crash a turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.core import schedule

RISKS = ("own", "him")
"""The two risks the crisis screen tells apart: her own life, and danger from him."""


@dataclass(frozen=True)
class Setup:
    """Where she is in setting check-ins up."""

    stage: str
    cadence: str | None = None
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None
    zone: str | None = None
    """Kept while she answers whether check-ins are discreet and picks their neutral line."""

    STAGES = ("cadence", "weekday", "time", "zone", "clock", "discreet", "cover")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "setup",
            "stage": self.stage,
            "cadence": self.cadence,
            "weekday": self.weekday,
            "hour": self.hour,
            "minute": self.minute,
            "zone": self.zone,
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

        cadence, zone = data.get("cadence"), data.get("zone")
        found = cls(
            stage=data["stage"],
            cadence=cadence if cadence in schedule.CADENCES else None,
            weekday=number("weekday", 7),
            hour=number("hour", 24),
            minute=number("minute", 60),
            zone=zone if isinstance(zone, str) and schedule.parse_zone(zone) == zone else None,
        )
        needs_cadence = found.stage != "cadence" and found.cadence is None
        needs_time = found.stage in ("zone", "clock", "discreet", "cover") and found.hour is None
        needs_zone = found.stage in ("discreet", "cover") and found.zone is None
        return None if needs_cadence or needs_time or needs_zone else found


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


@dataclass(frozen=True)
class DangerCheck:
    """The danger check: offered (`index` -1), or at question `index`; `named`: the signs she
    answered "yes" to in this check so far (each is also kept on her state at once)."""

    index: int = -1
    named: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "danger", "index": self.index, "named": list(self.named)}


@dataclass(frozen=True)
class WayBack:
    """She said things are different now: the safety question is asked again."""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "way_back"}


@dataclass(frozen=True)
class Updating:
    """/update: `step` None asks which answer changed; then that question, `selected` its ticks."""

    step: str | None = None
    selected: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "updating", "step": self.step, "selected": list(self.selected)}


@dataclass(frozen=True)
class Drafting:
    """/draft asked for the message she means to send him; it is read and never kept."""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "drafting"}


@dataclass(frozen=True)
class Asked:
    """The crisis screen was unsure about her words and asked her directly, one risk at a time.

    `risks`: the risks still to ask about, the one asked now first. `words`: a fingerprint
    of her message (never the words), kept if she says "No, I'm okay" so the same words are
    not asked about again. `draft`: the words were a draft to him (never kept). `back`: what
    she was in the middle of, which "No, I'm okay" gives back to her.
    """

    risks: tuple[str, ...]
    words: str
    draft: bool = False
    back: Setup | Updating | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "asked",
            "risks": list(self.risks),
            "words": self.words,
            "draft": self.draft,
            "back": self.back.to_dict() if self.back else None,
        }


Overlay = Setup | Noting | Confirm | DangerCheck | WayBack | Updating | Drafting | Asked


def overlay(data: Any, depth: int = 0) -> Overlay | None:
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
        back = overlay(data.get("back"), depth + 1)
        return Confirm(kind, back if isinstance(back, Setup | Noting) else None)
    if kind == "danger":
        index = data.get("index")
        ok = isinstance(index, int) and not isinstance(index, bool) and index >= -1
        return DangerCheck(index, ids(data.get("named"))) if ok else None
    if kind == "way_back":
        return WayBack()
    if kind == "drafting":
        return Drafting()
    if kind == "asked":
        risks = tuple(r for r in ids(data.get("risks")) if r in RISKS)
        words = data.get("words")
        back = overlay(data.get("back"), depth + 1)
        if not risks or not isinstance(words, str):
            return None
        return Asked(
            risks,
            words,
            data.get("draft") is True,
            back if isinstance(back, Setup | Updating) else None,
        )
    if kind == "updating":
        step = data.get("step")
        return Updating(step if isinstance(step, str) else None, ids(data.get("selected")))
    return None


def ids(raw: Any) -> tuple[str, ...]:
    """A stored list of ids, or nothing if what is stored is not one."""
    if not isinstance(raw, list):
        return ()
    # A list, not a generator: twice as fast, and every update and claimed row reads a state.
    return tuple([item for item in raw if isinstance(item, str)])
