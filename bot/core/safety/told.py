"""What she has told the bot about danger: the one question every feature asks before it speaks.

Safety is the spine, not a branch. Her plan, /help, /draft, /urge, /talk,
/update, check-ins and the command menu all read `Told` rather than a flag of
their own, so a sign she named in the danger check is never forgotten by a
feature that was written later. The facts live in her `State` (the path and its
reason, the signs, the risks her words raised); this module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.state import State

Path = Literal["coaching", "safety"]


@dataclass(frozen=True)
class Told:
    """What she has told the bot about danger, as every feature needs to know it.

    `reason`: why she is on the safety path ("no", "unsure", "alarm", "danger"), or None.
    `signs`: the danger-check signs she answered "yes" to; they outlast the way back.
    `risks`: what her own words raised and she did not wave away: "own" (her own life),
    "him" (danger from him).
    """

    reason: str | None = None
    signs: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()

    @classmethod
    def of(cls, state: State) -> Told:
        return cls(state.unsafe, state.signs, state.risks)

    @property
    def path(self) -> Path:
        """The safety path while she may not be safe; the article's coaching otherwise."""
        return "safety" if self.reason else "coaching"

    @property
    def unsafe(self) -> bool:
        return self.reason is not None

    @property
    def guarded(self) -> bool:
        """Danger from him is on record (now or before the way back): no script or step that
        has her confront him, and an advocate before any big talk, on either path."""
        return self.unsafe or bool(self.signs) or "him" in self.risks

    @property
    def own_life(self) -> bool:
        """Her own words raised a risk to her own life (and she did not say she was okay)."""
        return "own" in self.risks

    @property
    def discreet(self) -> bool:
        """Whether what the bot sends unasked (check-ins, check-backs) should be discreet by
        default: anyone may pick up the phone of a woman who may not be safe."""
        return self.guarded
