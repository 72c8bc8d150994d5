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
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bot.content import Content
from bot.core.overlays import (
    RISKS,
    Asked,
    Confirm,
    DangerCheck,
    Drafting,
    Noting,
    Overlay,
    Setup,
    Updating,
    WayBack,
    ids,
)
from bot.core.overlays import overlay as stored_overlay

UNSAFE_REASONS = ("no", "unsure", "alarm", "danger")
"""Why she is on the safety path, least to most serious."""
KEEP_DECLINED = 20
"""Fingerprints of words she said "No, I'm okay" to, so the same words are not asked about again."""
KEEP_PREVIOUS = 5
"""Earlier plans kept for /mydata."""


def graver(current: str | None, reason: str) -> str:
    """The more serious of two reasons for the safety path (the summary names that one)."""
    if current is None:
        return reason
    return max(current, reason, key=UNSAFE_REASONS.index)


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
    DANGER_CHECK = "danger_check"
    """The short yes/no danger check, offered after "Not sure"."""
    WAY_BACK = "way_back"
    """"Things are different now": the safety question, asked again."""
    UPDATING = "updating"
    """/update: which answer changed, then that question again."""
    DRAFTING = "drafting"
    """/draft: her next message is the one she means to send him, to read over (never kept)."""
    ASKED = "asked"
    """The crisis screen was unsure, so it asked her directly (her own life, or him)."""


@dataclass(frozen=True)
class State:
    """Her place in the questions, what she finished, and what is asked on top.

    `held`: the safety resources were shown and the questions wait for her
    "continue". `country`: an ISO code, "other", "skip", or None (not asked yet).
    `unsafe` and `previous` outlast the questions: only the way back clears
    `unsafe`, and only /forget clears either.
    """

    step: str | None = None
    answers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    selected: tuple[str, ...] = ()
    held: bool = False
    profile: Mapping[str, tuple[str, ...]] | None = None
    welcomed: bool = False
    country: str | None = None
    overlay: Overlay | None = None
    unsafe: str | None = None
    """Why she is on the safety path ("no", "unsure", "alarm", "danger"), or None."""
    previous: tuple[Mapping[str, Any], ...] = ()
    """Her earlier plans' answers, newest last, kept when /update changed one (for /mydata)."""
    drafts: int = 0
    """How many messages she read over with /draft (the count, never the messages)."""
    signs: tuple[str, ...] = ()
    """The danger signs she named (danger-check ids she answered "yes" to). Only /forget
    clears them: the way back off the safety path keeps them, so no feature forgets them."""
    risks: tuple[str, ...] = ()
    """The risks (RISKS) her own words raised and she did not wave away; only /forget clears."""
    declined: tuple[str, ...] = ()
    """Fingerprints (never the words) of messages she answered "No, I'm okay" about."""

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
        if isinstance(overlay, DangerCheck):
            return Mode.DANGER_CHECK
        if isinstance(overlay, WayBack):
            return Mode.WAY_BACK
        if isinstance(overlay, Updating):
            return Mode.UPDATING
        if isinstance(overlay, Drafting):
            return Mode.DRAFTING
        if isinstance(overlay, Asked):
            return Mode.ASKED
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
        back = self.overlay.back if isinstance(self.overlay, Confirm | Asked) else None
        return replace(self, overlay=back)

    def kept(self) -> State:
        """A fresh start of the questions that keeps what outlasts them."""
        return State(
            profile=self.profile,
            welcomed=self.welcomed,
            country=self.country,
            unsafe=self.unsafe,
            previous=self.previous,
            drafts=self.drafts,
            signs=self.signs,
            risks=self.risks,
            declined=self.declined,
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
            "unsafe": self.unsafe,
            "previous": [dict(p) for p in self.previous],
            "drafts": self.drafts,
            "signs": list(self.signs),
            "risks": list(self.risks),
            "declined": list(self.declined),
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
            return {k: ids(v) for k, v in raw.items() if isinstance(k, str) and content.step(k)}

        overlay = stored_overlay(data.get("overlay")) if data.get("v") == 2 else _v1_overlay(data)
        step = data.get("step")
        current = content.step(step) if isinstance(step, str) else None
        country = data.get("country")
        unsafe = data.get("unsafe")
        previous = data.get("previous")
        drafts = data.get("drafts")
        kept: dict[str, Any] = {
            "profile": answers(data.get("profile")) or None,
            "welcomed": data.get("welcomed") is True,
            "country": known_country(content, country) if isinstance(country, str) else None,
            "unsafe": unsafe if unsafe in UNSAFE_REASONS else None,
            "previous": tuple(
                p
                for p in (previous if isinstance(previous, list) else [])[-KEEP_PREVIOUS:]
                if isinstance(p, Mapping)
            ),
            "drafts": drafts if isinstance(drafts, int) and not isinstance(drafts, bool) else 0,
            "signs": tuple(
                s for s in ids(data.get("signs")) if content.safety_plan.danger_check.question(s)
            ),
            "risks": tuple(r for r in RISKS if r in ids(data.get("risks"))),
            "declined": ids(data.get("declined"))[-KEEP_DECLINED:],
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
            selected=tuple(a for a in ids(data.get("selected")) if current.answer(a)),
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
