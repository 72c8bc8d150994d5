"""The learned half of the crisis screen: a linear model over word and character n-grams.

`screen.screen` asks it about a message the rules let through. `bot.evals.screen_train` fits it
(with numpy, at development time) and writes `screen_model.json` beside this module; here it is
pure Python: the weights are read once and a message is scored with dictionary lookups. Beside
the words themselves it reads concepts (`@pills`, `@fear`: word lists the weights file carries,
written in `bot.evals.screen_concepts`), so "tablets" teaches it about "codeine" too.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WEIGHTS = Path(__file__).with_name("screen_model.json")
FORMAT = 2
"""The weights file's layout; a file of another format is refused rather than misread.
2: concepts and skip-grams beside the word and character n-grams."""

CHAR_SIZES = (3, 4, 5)
LONG_SENTENCE = 30
"""Words after which a run-on sentence is scored in overlapping chunks of CHUNK words."""
CHUNK = 20
MIN_WORDS = 4
"""The model reads no window shorter than this: one word carries its whole weight ("safe",
"quietly"), too little evidence to call a crisis on; short explicit ones are the rules' job."""
EXPLAINED = 5
"""How many n-grams an alarm names."""
_FUNCTION_WORDS = (
    "a an and at be but for he hes him his i id im in is it its ive me my of on or our she so "
    "that the them they this to was we with you your"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
"""Words that get no weight of their own (in pairs and skip-grams they still count): alone they
say nothing about danger, and an alarm that names "me" and "and" explains nothing. Leaving them
out cost nothing in cross-validation (recall at 3% false alarms 39.6% against 38.9%)."""

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


def word_grams(words: list[str], concepts: Mapping[str, str] | None = None) -> set[str]:
    """Word 1-grams (less FUNCTION_WORDS), 2-grams and skip-grams ("took _ pills": the word
    between left out); with `concepts`, also the concepts present (`@pills`), each pair of them
    in the window (`@pills+@soon`), and bigrams with one word read as its concept ("@pills
    aside")."""
    grams = set(words) - FUNCTION_WORDS
    grams.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    grams.update(f"{a} _ {c}" for a, c in zip(words, words[2:], strict=False))
    if not concepts:
        return grams
    read = [concepts.get(w) for w in words]
    present = sorted({c for c in read if c})
    grams.update(f"@{c}" for c in present)
    grams.update(f"@{a}+@{b}" for a, b in itertools.combinations(present, 2))
    mixed = [f"@{c}" if c else w for w, c in zip(words, read, strict=True)]
    grams.update(
        f"{mixed[i]} {mixed[i + 1]}" for i in range(len(words) - 1) if read[i] or read[i + 1]
    )
    return grams


def char_grams(words: Iterable[str]) -> set[str]:
    """Character 3- to 5-grams inside each word, padded with a space at both ends, so " hang"
    and "ged " carry where in the word they sit and a typo spoils only a few of them."""
    return set().union(*map(_word_chars, set(words)))


@functools.lru_cache(maxsize=16_384)
def _word_chars(word: str) -> frozenset[str]:
    padded = f" {word} "
    return frozenset(padded[i : i + n] for n in CHAR_SIZES for i in range(len(padded) - n + 1))


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

    def grams(self, words: list[str]) -> tuple[set[str], set[str]]:
        """The word n-grams (with concepts) and the character n-grams of one window."""
        return word_grams(words, self.concepts), char_grams(words)

    def window_score(self, words: list[str]) -> float:
        wgrams, cgrams = self.grams(words)
        return self._score(self._sum(wgrams, cgrams), len(wgrams), len(cgrams))

    def _sum(self, wgrams: Iterable[str], cgrams: Iterable[str]) -> tuple[float, float]:
        w, c = self.words, self.chars
        return sum(w.get(g, 0.0) for g in wgrams), sum(c.get(g, 0.0) for g in cgrams)

    def _score(self, sums: tuple[float, float], nwords: int, nchars: int) -> float:
        score = self.bias
        if nwords:
            score += sums[0] / math.sqrt(nwords)
        if nchars:
            score += sums[1] / math.sqrt(nchars)
        return score

    def best_window(self, text: str) -> tuple[float, list[str]]:
        """The highest-scoring window of a prepared message, and its score (minus infinity if
        no window has MIN_WORDS words). The windows: each sentence, each pair of neighbours, and
        the whole message. Character n-grams sit inside words, so a pair's are the union of its
        sentences' (weighed once per sentence, the shared ones taken off); its word n-grams
        (which reach across the join) are read afresh, a cheap step beside the characters."""
        parts = sentences(text)
        chars = [char_grams(p) for p in parts]
        csums = [self._sum((), cg)[1] for cg in chars]
        scored = []
        for i, part in enumerate(parts):
            wgrams = word_grams(part, self.concepts)
            sums = (self._sum(wgrams, ())[0], csums[i])
            scored.append((self._score(sums, len(wgrams), len(chars[i])), part))
        for i in range(len(parts) - 1):
            words = parts[i] + parts[i + 1]
            if len(words) < MIN_WORDS:
                continue
            wgrams = word_grams(words, self.concepts)
            shared = chars[i] & chars[i + 1]
            csum = csums[i] + csums[i + 1] - self._sum((), shared)[1]
            nchars = len(chars[i]) + len(chars[i + 1]) - len(shared)
            scored.append(
                (self._score((self._sum(wgrams, ())[0], csum), len(wgrams), nchars), words)
            )
        if len(parts) > 2:
            whole = tokens(text)
            scored.append((self.window_score(whole), whole))
        readable = [pair for pair in scored if len(pair[1]) >= MIN_WORDS]
        return max(readable, default=(-math.inf, []), key=lambda pair: pair[0])

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


def about(path: Path = WEIGHTS) -> dict[str, Any]:
    """The weights file's description of itself (what it was trained on, the benign list's
    fingerprint), without the weights."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k not in ("words", "chars", "concepts")}


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
