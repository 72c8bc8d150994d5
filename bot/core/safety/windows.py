"""Every window of one message the crisis screen's model scores, each n-gram built once.

A long message is scored sentence by sentence, pair by pair and whole (`model.Model`); cutting
the same words into n-grams for each window was most of the screen's time. Here every n-gram of
the message is built and weighed once and each window takes its share. Nothing of her words
outlives one call.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from bot.core.safety.features import NO_WEIGHT, chunks, words_in

if TYPE_CHECKING:
    from bot.core.safety.model import Model

MIN_WORDS = 4
"""The model reads no window shorter than this: one word carries its whole weight ("safe",
"quietly"), too little evidence to call a crisis on; short explicit ones are the rules' job."""


class Message:
    """One message as the model reads it, each n-gram built and weighed once.

    A window is a range of its words (a sentence, or a chunk of a long one). Its word n-grams
    are slices of lists built for the whole message and weighed once; its character n-grams
    are its words' merged, each word's built and weighed once. A pair of neighbouring windows
    is the two, what they share counted once, and the few word n-grams that reach across the
    join. Kept for one call: nothing of her words outlives it."""

    def __init__(self, model: Model, text: str) -> None:
        self.model = model
        # "!", "?" and ";" end a sentence as "." does; an empty piece has no words. Apostrophes
        # go first, as `tokens` drops them: once for the message, not once a sentence.
        ends = text.replace("'", "").replace("!", ".").replace("?", ".").replace(";", ".")
        pieces = [words_in(piece) for piece in ends.split(".")]
        words = self.words = list(itertools.chain.from_iterable(pieces))
        self.parts: list[tuple[int, int]] = []
        start = 0
        for piece in pieces:
            if piece:
                self.parts += ((start + a, start + b) for a, b in chunks(len(piece)))
                start += len(piece)
        self.pairs = list(map(" ".join, itertools.pairwise(words)))
        self.skips = list(map(" _ ".join, zip(words, words[2:], strict=False)))
        self.read = list(map(model.concepts.get, words)) if model.concepts else []
        self.concept_at = list(itertools.compress(itertools.count(), self.read))
        """Where the words that stand for a concept are."""
        self.mixed = self._mixed()
        self.mixed_at = sorted(self.mixed)
        self.whole = self.word_grams(0, len(words))
        weights = map(model.words.get, self.whole, itertools.repeat(0.0))
        self.word_weights = dict(zip(self.whole, weights, strict=False))
        distinct = set(words)
        self.chars = dict(zip(distinct, map(model.known_words.get, distinct), strict=True))
        """Each word's character n-grams, with their weights."""
        for word in [w for w, grams in self.chars.items() if grams is None]:
            self.chars[word] = model.char_weights(word)

    def _mixed(self) -> dict[int, str]:
        """The bigrams with a word read as its concept ("@pills aside"), by where they start."""
        tags = list(self.words)
        for i in self.concept_at:
            tags[i] = f"@{self.read[i]}"
        starts = {i for at in self.concept_at for i in (at - 1, at)} - {-1, len(tags) - 1}
        return {i: f"{tags[i]} {tags[i + 1]}" for i in starts}

    def _between(self, at: list[int], a: int, b: int) -> list[int]:
        """The positions in `at` (sorted) that fall in [a, b)."""
        return at[bisect.bisect_left(at, a) : bisect.bisect_left(at, b)]

    def _present(self, a: int, b: int) -> list[str]:
        """The concepts the words [a, b) stand for, sorted."""
        at = self._between(self.concept_at, a, b)
        return sorted(set(map(self.read.__getitem__, at))) if at else []

    def word_grams(self, a: int, b: int, present: list[str] | None = None) -> set[str]:
        """What `word_grams` finds in the words [a, b) (`present`: their concepts, if known)."""
        grams = set(self.words[a:b]) - NO_WEIGHT
        # Slices that end before they start are empty; one that ends at -1 would not be.
        grams.update(self.pairs[a : max(a, b - 1)], self.skips[a : max(a, b - 2)])
        if present is None:
            present = self._present(a, b)
        if present:
            grams.update(map("@".__add__, present))
            grams.update(itertools.starmap("@{}+@{}".format, itertools.combinations(present, 2)))
            grams.update(map(self.mixed.__getitem__, self._between(self.mixed_at, a, b - 1)))
        return grams

    def joining(
        self, first: tuple[int, int], second: tuple[int, int], mine: list[str], theirs: list[str]
    ) -> set[str]:
        """The word n-grams of the two windows read as one that neither has alone: those that
        reach across the join, and pairs of concepts (`mine`, `theirs`) one from each."""
        (a, b), (c, d) = first, second
        if b == c:  # end to end: the n-grams across the join are the message's own
            grams = {self.pairs[b - 1]}
            if b - a >= 2:
                grams.add(self.skips[b - 2])
            if d - c >= 2:
                grams.add(self.skips[b - 1])
            if b - 1 in self.mixed:
                grams.add(self.mixed[b - 1])
        else:  # overlapping chunks of a long sentence
            words, read = self.words, self.read
            grams = {f"{words[b - 1]} {words[c]}"}
            if b - a >= 2:
                grams.add(f"{words[b - 2]} _ {words[c]}")
            if d - c >= 2:
                grams.add(f"{words[b - 1]} _ {words[c + 1]}")
            if read and (read[b - 1] or read[c]):
                first_word = f"@{read[b - 1]}" if read[b - 1] else words[b - 1]
                grams.add(f"{first_word} {f'@{read[c]}' if read[c] else words[c]}")
        if mine and theirs:
            combined = itertools.combinations(sorted({*mine, *theirs}), 2)
            grams.update(itertools.starmap("@{}+@{}".format, combined))
        return grams

    def char_grams(self, words: Iterable[str]) -> dict[str, float]:
        """The character n-grams of these words, each once, with their weights."""
        merged: dict[str, float] = {}
        for grams in map(self.chars.__getitem__, words):
            merged.update(grams)
        return merged

    def best(self) -> tuple[float, list[str]]:
        """Every window scored, the best kept (the first of equals, in the order: sentences,
        pairs, the whole)."""
        return self.best_by(_first)

    def best_by(
        self,
        key: Callable[[tuple[Any, object]], float],
        scored: list[tuple[Any, list[tuple[int, int]]]] | None = None,
    ) -> tuple[Any, list[str]]:
        """The window whose score `key` ranks highest (the first of equals), and its words.
        With a model whose weights are complex numbers (two heads in one, see `heads`), `key`
        picks one head's part of the windows `scored` once for both heads."""
        found = self.scored() if scored is None else scored
        score, window = max(found, default=(-math.inf, []), key=key)
        if window is self.parts:
            return score, list(self.words)
        return score, [w for a, b in window for w in self.words[a:b]]

    def scored(self) -> list[tuple[Any, list[tuple[int, int]]]]:
        """Every window with its score: sentences, pairs of neighbours, the whole."""
        model, parts, words = self.model, self.parts, self.words
        weight = self.word_weights.__getitem__
        cgrams = [self.char_grams(set(words[a:b])) for a, b in parts]
        csums = [sum(grams.values()) for grams in cgrams]
        present = [self._present(a, b) for a, b in parts]
        wgrams = [
            self.word_grams(a, b, concepts) for (a, b), concepts in zip(parts, present, strict=True)
        ]
        wsums = [sum(map(weight, grams)) for grams in wgrams]
        scored = [
            (model.scored(wsum, len(w), csum, len(c)), [part])
            for part, w, wsum, c, csum in zip(parts, wgrams, wsums, cgrams, csums, strict=True)
            if part[1] - part[0] >= MIN_WORDS
        ]
        for i in range(len(parts) - 1):
            (a, b), (c, d) = parts[i], parts[i + 1]
            if b - a + d - c < MIN_WORDS:
                continue
            shared = wgrams[i] & wgrams[i + 1]
            joining = self.joining(parts[i], parts[i + 1], present[i], present[i + 1])
            joining = joining - wgrams[i] - wgrams[i + 1]
            # Overlapping chunks join words that never meet in the message: weigh those anew.
            wsum = wsums[i] + wsums[i + 1] - sum(map(weight, shared)) + model.word_sum(joining)
            nwords = len(wgrams[i]) + len(wgrams[i + 1]) - len(shared) + len(joining)
            common = cgrams[i].keys() & cgrams[i + 1].keys()
            csum = csums[i] + csums[i + 1] - sum(map(cgrams[i].__getitem__, common))
            nchars = len(cgrams[i]) + len(cgrams[i + 1]) - len(common)
            scored.append((model.scored(wsum, nwords, csum, nchars), [parts[i], parts[i + 1]]))
        if len(parts) > 2 and len(words) >= MIN_WORDS:
            every = self.char_grams(self.chars)
            wsum, csum = sum(self.word_weights.values()), sum(every.values())
            scored.append((model.scored(wsum, len(self.whole), csum, len(every)), parts))
        return scored


def _first(pair: tuple[Any, object]) -> float:
    return float(pair[0])
