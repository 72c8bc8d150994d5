"""The learned half of the graded screen: one model head per risk, each with two thresholds.

A head is a `model.Model` (logistic regression over word and character n-grams
and concepts) fitted for one risk: her own life, or danger from him. Its two
thresholds were set on scores of messages it was not fitted on
(`bot.evals.screen_train`): at or above `alarm_at` the screen is confident and
shows the resources at once; at or above `ask_at` it asks her. The heads ship
in `screen_heads.json` beside this module and are read once.

Both heads read the same n-grams, so they are scored together: one model whose
weights are complex numbers, her own life's the real part and his the
imaginary part. Every sum of a window is linear in the weights, so one pass over
her message scores both heads; each head then takes the window best for it.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.safety.model import Model, Verdict
from bot.core.safety.windows import Message

WEIGHTS = Path(__file__).with_name("screen_heads.json")
FORMAT = 3
"""3: a head per risk, each a format-2 model's weights with `ask_at` and `alarm_at`."""
PARTS = ("own", "him")
"""The heads, in the order of their part of a complex weight: real, then imaginary."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Head:
    """One risk's model and its two thresholds (log-odds)."""

    model: Model
    ask_at: float
    alarm_at: float

    def read(self, prepared: str) -> Verdict:
        """The model's score of a prepared message, explained when it reaches `ask_at`."""
        best, words = self.model.best_window(prepared)
        return self.verdict(best, words)

    def verdict(self, score: float, words: list[str]) -> Verdict:
        if score < self.ask_at:
            return Verdict(score, fired=False)
        return Verdict(score, fired=True, ngrams=self.model.explain(words))


class Heads(dict[str, Head]):
    """The heads by risk, and the two of them as one complex-weighted model for scoring."""

    @functools.cached_property
    def together(self) -> Model | None:
        """Both heads in one model (see the module's docstring); None unless exactly `PARTS`."""
        if set(self) != set(PARTS):
            return None
        own, him = self["own"].model, self["him"].model

        def joined(a: dict[str, float], b: dict[str, float]) -> dict[str, complex]:
            return {g: complex(a.get(g, 0.0), b.get(g, 0.0)) for g in a.keys() | b.keys()}

        return Model(
            bias=complex(own.bias, him.bias),  # type: ignore[arg-type]
            threshold=0.0,
            words=joined(dict(own.words), dict(him.words)),  # type: ignore[arg-type]
            chars=joined(dict(own.chars), dict(him.chars)),  # type: ignore[arg-type]
            concepts=own.concepts,
        )

    def read(self, prepared: str) -> dict[str, Verdict]:
        """Each head's verdict on a prepared message, the n-grams built once for both."""
        together = self.together
        if together is None:
            return {risk: head.read(prepared) for risk, head in self.items()}
        message = Message(together, prepared)
        scored = message.scored()
        out = {}
        for risk, part in zip(PARTS, (_real, _imag), strict=True):
            score, words = message.best_by(part, scored)
            value = float(getattr(score, "real" if part is _real else "imag", score))
            out[risk] = self[risk].verdict(value, words)
        return out


def _real(pair: tuple[Any, object]) -> float:
    score = pair[0]
    return score.real if isinstance(score, complex) else -math.inf


def _imag(pair: tuple[Any, object]) -> float:
    score = pair[0]
    return score.imag if isinstance(score, complex) else -math.inf


def from_json(data: dict[str, Any]) -> Heads:
    """Heads from the weights file's contents; a file of another format is refused."""
    if data.get("format") != FORMAT:
        raise ValueError(f"expected format {FORMAT}, found {data.get('format')!r}")
    concepts = data.get("concepts", {})
    heads = Heads()
    for risk, head in data["heads"].items():
        model = Model(
            bias=float(head["bias"]),
            threshold=float(head["alarm_at"]),
            words={str(g): float(v) for g, v in head["words"].items()},
            chars={str(g): float(v) for g, v in head["chars"].items()},
            concepts={str(w): str(c) for w, c in concepts.items()},
        )
        heads[risk] = Head(model, float(head["ask_at"]), float(head["alarm_at"]))
    return heads


def load(path: Path) -> Heads:
    return from_json(json.loads(path.read_text(encoding="utf-8")))


@functools.cache
def packaged() -> Heads | None:
    """The heads that ship with the bot, read once; None if the file is missing or unreadable
    (the screen then goes on with its rules alone and says so in the log). The tables built
    from the weights are built here too, so `bot.lifetime.settle` keeps them with the rest of
    what the process keeps for good."""
    try:
        heads = load(WEIGHTS)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.error("crisis screen heads unavailable (%s); screening with the rules alone", exc)
        return None
    together = heads.together
    if together is not None:
        together.known_words  # noqa: B018 - built now, not at the first message
    return heads


def about(path: Path = WEIGHTS) -> dict[str, Any]:
    """The weights file's description of itself (what it was trained on, when, the thresholds),
    without the weights."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k not in ("heads", "concepts")}
