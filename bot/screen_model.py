"""The learned half of the crisis screen: a linear model over word and character n-grams.

`bot.safety.screen` asks it about a message the rules let through. `bot.safety_train` fits it
(with numpy, at development time) and writes `screen_model.json` beside this module; here it is
pure Python: the weights are read once and a message is scored with dictionary lookups.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WEIGHTS = Path(__file__).with_name("screen_model.json")
FORMAT = 1
"""The weights file's layout; a file of another format is refused rather than misread."""

CHAR_SIZES = (3, 4, 5)
LONG_SENTENCE = 30
"""Words after which a run-on sentence is scored in overlapping chunks of CHUNK words."""
CHUNK = 20
EXPLAINED = 5
"""How many n-grams an alarm names."""

_SENTENCE_END = re.compile(r"[.!?;]+")
_WORD = re.compile(r"[^\W_]+")

log = logging.getLogger(__name__)


def tokens(text: str) -> list[str]:
    """The words of a prepared message: runs of letters and digits, apostrophes dropped
    ("don't" -> "dont", as she types it half the time)."""
    return _WORD.findall(text.replace("'", ""))


def sentences(text: str) -> list[list[str]]:
    """The message's sentences as word lists (split at . ! ? ;), run-on ones in chunks."""
    return [chunk for part in _SENTENCE_END.split(text) for chunk in _chunks(tokens(part))]


def _chunks(words: list[str]) -> Iterator[list[str]]:
    if not words:
        return
    if len(words) <= LONG_SENTENCE:
        yield words
        return
    step = CHUNK // 2
    for i in range(0, len(words) - step, step):
        yield words[i : i + CHUNK]


def word_grams(words: list[str]) -> set[str]:
    """Word 1- and 2-grams."""
    grams = set(words)
    grams.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return grams


def char_grams(words: Iterable[str]) -> set[str]:
    """Character 3- to 5-grams inside each word, padded with a space at both ends, so " hang"
    and "ged " carry where in the word they sit and a typo spoils only a few of them."""
    grams: set[str] = set()
    for word in set(words):
        padded = f" {word} "
        for n in CHAR_SIZES:
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


@dataclass(frozen=True)
class Verdict:
    """The model's reading of a message: its score (log-odds of a crisis) and, when it fires,
    the n-grams that raised it with their contributions, largest first."""

    score: float
    fired: bool
    ngrams: tuple[tuple[str, float], ...] = ()

    @property
    def probability(self) -> float:
        return 1 / (1 + math.exp(-self.score))


@dataclass(frozen=True)
class Model:
    """Logistic regression: bias + weights of the word and character n-grams present, each
    block scaled by 1/sqrt(its n-gram count) so long and short messages score alike. A long
    message is scored sentence by sentence, pair by pair and whole; its score is the highest."""

    bias: float
    threshold: float
    words: Mapping[str, float]
    chars: Mapping[str, float]

    def window_score(self, words: list[str]) -> float:
        wgrams, cgrams = word_grams(words), char_grams(words)
        if not wgrams:
            return self.bias
        w, c = self.words, self.chars
        total = sum(w.get(g, 0.0) for g in wgrams) / math.sqrt(len(wgrams))
        total += sum(c.get(g, 0.0) for g in cgrams) / math.sqrt(len(cgrams))
        return self.bias + total

    def read(self, text: str) -> Verdict:
        """Score a prepared message (see `bot.safety.blank`) and explain it if it fires."""
        best, words = max(
            ((self.window_score(w), w) for w in windows(text)),
            default=(self.bias, []),
            key=lambda scored: scored[0],
        )
        if best < self.threshold:
            return Verdict(best, fired=False)
        return Verdict(best, fired=True, ngrams=self.explain(words))

    def explain(self, words: list[str]) -> tuple[tuple[str, float], ...]:
        """The word n-grams that pushed this window up most. A character n-gram's share goes
        to the words it occurs in, so "buuurden" is explained as "buuurden", not "urde"."""
        wgrams, cgrams = word_grams(words), char_grams(words)
        if not wgrams:
            return ()
        wscale, cscale = 1 / math.sqrt(len(wgrams)), 1 / math.sqrt(len(cgrams))
        share = {g: self.words.get(g, 0.0) * wscale for g in wgrams}
        owners: dict[str, list[str]] = {}
        for word in set(words):
            for gram in char_grams([word]):
                owners.setdefault(gram, []).append(word)
        for gram, holders in owners.items():
            weight = self.chars.get(gram, 0.0) * cscale
            for word in holders:
                share[word] += weight / len(holders)
        ranked = sorted(share.items(), key=lambda item: (-item[1], item[0]))
        return tuple((g, round(v, 3)) for g, v in ranked[:EXPLAINED] if v > 0)

    def to_json(self, **about: Any) -> dict[str, Any]:
        return {
            "format": FORMAT,
            **about,
            "bias": round(self.bias, 4),
            "threshold": round(self.threshold, 4),
            "words": {g: round(v, 4) for g, v in sorted(self.words.items())},
            "chars": {g: round(v, 4) for g, v in sorted(self.chars.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Model:
        if data.get("format") != FORMAT:
            raise ValueError(f"weights format {data.get('format')!r}, expected {FORMAT}")
        return cls(
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            words={str(g): float(v) for g, v in data["words"].items()},
            chars={str(g): float(v) for g, v in data["chars"].items()},
        )


def windows(text: str) -> Iterator[list[str]]:
    """Each sentence, each two neighbouring sentences, and the whole message: a crisis said in
    one line of a long message about the house still stands out."""
    parts = sentences(text)
    yield from parts
    for a, b in itertools.pairwise(parts):
        yield a + b
    if len(parts) > 2:
        yield tokens(text)


def about(path: Path = WEIGHTS) -> dict[str, Any]:
    """The weights file's description of itself (what it was trained on, the benign list's
    fingerprint), without the weights."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k not in ("words", "chars")}


def load(path: Path) -> Model:
    return Model.from_json(json.loads(path.read_text(encoding="utf-8")))


@functools.cache
def packaged() -> Model | None:
    """The model shipped with the package, read once. If it is missing or unreadable the
    screen goes on with its rules alone (and says so in the log) rather than failing on
    every message she sends."""
    try:
        return load(WEIGHTS)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.error("crisis screen model unavailable (%s); screening with the rules alone", exc)
        return None
