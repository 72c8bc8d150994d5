"""The learned half of the crisis screen: a linear model over word and character n-grams.

Each of the graded screen's heads (`heads`: her own life, danger from him) is one of these.
`bot.evals.screen_train` fits them (with numpy, at development time) and writes
`screen_heads.json`; here it is pure Python: a message is scored with dictionary lookups. Beside
the words themselves it reads concepts (`@pills`, `@fear`: word lists the weights file carries,
written in `bot.evals.screen_concepts`), so "tablets" teaches it about "codeine" too.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.safety.features import (
    CHAR_SIZES,
    CHUNK,
    FUNCTION_WORDS,
    LONG_SENTENCE,
    char_grams,
    sentences,
    tokens,
    word_chars,
    word_grams,
)
from bot.core.safety.windows import MIN_WORDS, Message

__all__ = [
    "CHAR_SIZES",
    "CHUNK",
    "FUNCTION_WORDS",
    "LONG_SENTENCE",
    "MIN_WORDS",
    "Model",
    "Verdict",
    "char_grams",
    "sentences",
    "tokens",
    "word_grams",
]
"""The features (`features`) and windows (`windows`) are named here too, where they began."""

FORMAT = 2
"""A model's layout in a weights file (`heads` carries one per risk); another is refused.
2: concepts and skip-grams beside the word and character n-grams."""
EXPLAINED = 5
"""How many n-grams an alarm names."""

log = logging.getLogger(__name__)


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
    concepts: Mapping[str, str] = field(default_factory=dict)
    """Word -> concept it stands for ("codeine" -> "pills"); words outside it stand for none."""

    def char_weights(self, word: str) -> dict[str, float]:
        """The word's character n-grams with their weights (0 for one the model does not
        know)."""
        found = self.known_words.get(word)
        if found is not None:
            return found
        grams = word_chars(word)
        return dict(zip(grams, map(self.chars.get, grams, itertools.repeat(0.0)), strict=True))

    @functools.cached_property
    def known_words(self) -> dict[str, dict[str, float]]:
        """`char_weights` of the words the model knows: those its word n-grams are made of,
        the words that get no weight of their own and those that stand for a concept. Most
        words she types are among them, and cutting a word up is most of the model's time.
        Built once from the weights, never from her words."""
        known = {p for g in self.words for p in g.split() if p != "_" and not p.startswith("@")}
        known.update(FUNCTION_WORDS, self.concepts)
        table: dict[str, dict[str, float]] = {}
        for word in known:
            grams = word_chars(word)
            weights = map(self.chars.get, grams, itertools.repeat(0.0))
            table[word] = dict(zip(grams, weights, strict=True))
        return table

    def grams(self, words: list[str]) -> tuple[set[str], set[str]]:
        """The word n-grams (with concepts) and the character n-grams of one window."""
        return word_grams(words, self.concepts), char_grams(words)

    def window_score(self, words: list[str]) -> float:
        wgrams, cgrams = self.grams(words)
        return self.scored(self.word_sum(wgrams), len(wgrams), self.char_sum(cgrams), len(cgrams))

    def word_sum(self, grams: Collection[str]) -> float:
        return sum(map(self.words.get, grams, itertools.repeat(0.0, len(grams))))

    def char_sum(self, grams: Collection[str]) -> float:
        return sum(map(self.chars.get, grams, itertools.repeat(0.0, len(grams))))

    def scored(self, wsum: float, nwords: int, csum: float, nchars: int) -> float:
        """The log-odds of a window from the sums of its n-grams' weights and their counts."""
        score = self.bias
        if nwords:
            score += wsum / math.sqrt(nwords)
        if nchars:
            score += csum / math.sqrt(nchars)
        return score

    def best_window(self, text: str) -> tuple[float, list[str]]:
        """The highest-scoring window of a prepared message, and its score (minus infinity if
        no window has MIN_WORDS words). The windows: each sentence, each pair of neighbours, and
        the whole message (see `windows.Message`)."""
        return Message(self, text).best()

    def score(self, text: str) -> float:
        return self.best_window(text)[0]

    def read(self, text: str) -> Verdict:
        """Score a prepared message (see `screen.blank`) and explain it if it fires."""
        best, words = self.best_window(text)
        if best < self.threshold:
            return Verdict(best, fired=False)
        return Verdict(best, fired=True, ngrams=self.explain(words))

    def explain(self, words: list[str]) -> tuple[tuple[str, float], ...]:
        """The word n-grams and concepts that pushed this window up most. A character n-gram's
        share goes to the words it occurs in, so "buuurden" is explained as "buuurden", not
        "urde"; a concept is named with the words that stood for it ("@pills(codeine)")."""
        wgrams, cgrams = self.grams(words)
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
                share[word] = share.get(word, 0.0) + weight / len(holders)
        ranked = sorted(share.items(), key=lambda item: (-item[1], item[0]))
        return tuple((self._named(g, words), round(v, 3)) for g, v in ranked[:EXPLAINED] if v > 0)

    def _named(self, gram: str, words: list[str]) -> str:
        """`gram` with each concept in it followed by the words of the window that carry it."""
        if "@" not in gram:
            return gram

        def name(concept: str) -> str:
            carriers = dict.fromkeys(w for w in words if self.concepts.get(w) == concept)
            return f"@{concept}({'/'.join(carriers)})"

        return re.sub(r"@(\w+)", lambda m: name(m.group(1)), gram)

    def to_json(self, **about: Any) -> dict[str, Any]:
        return {
            "format": FORMAT,
            **about,
            "bias": round(self.bias, 4),
            "threshold": round(self.threshold, 4),
            "words": {g: round(v, 4) for g, v in sorted(self.words.items())},
            "chars": {g: round(v, 4) for g, v in sorted(self.chars.items())},
            "concepts": dict(sorted(self.concepts.items())),
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
            concepts={str(w): str(c) for w, c in data["concepts"].items()},
        )
