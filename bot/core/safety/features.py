"""What the crisis screen's model reads in a message: its words, sentences and n-grams.

Word 1-grams, 2-grams and skip-grams, concepts (`@pills`) and character 3- to 5-grams
(`model` weighs them; `windows` finds them for every window of one message at once;
`bot.evals.screen_train` fits the weights on them). Pure functions: nothing of a message is
kept once it has been read.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping

CHAR_SIZES = (3, 4, 5)
LONG_SENTENCE = 30
"""Words after which a run-on sentence is scored in overlapping chunks of CHUNK words."""
CHUNK = 20
_FUNCTION_WORDS = (
    "a an and at be but for he hes him his i id im in is it its ive me my of on or our she so "
    "that the them they this to was we with you your"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
"""Words that get no weight of their own (in pairs and skip-grams they still count): alone they
say nothing about danger, and an alarm that names "me" and "and" explains nothing. Leaving them
out cost nothing in cross-validation (recall at 3% false alarms 39.6% against 38.9%)."""
NEUTRAL_WORDS = frozenset(
    {
        *("husband", "husbands", "hubby", "hubbie", "partner", "wife", "marriage", "married"),
        *("said", "says", "say", "saying", "told", "tell", "tells", "telling"),
    }
)
"""Words every woman who writes here uses about him and the marriage. Alone they say nothing
about danger, yet the written crisis messages use them more than the ordinary ones, and a head
that learned them asked "is he hurting you?" of "my husband said something hurtful". They get no
weight of their own, neither as words nor through their letters; in pairs they still count."""
NO_WEIGHT = FUNCTION_WORDS | NEUTRAL_WORDS

_SENTENCE_END = re.compile(r"[.!?;]+")
_WORD = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """The words of a prepared message: runs of letters and digits, apostrophes dropped
    ("don't" -> "dont", as she types it half the time)."""
    return words_in(text.replace("'", ""))


def words_in(text: str) -> list[str]:
    """`tokens` of a text that has no apostrophe left."""
    return _WORD.findall(text)


def sentences(text: str) -> list[list[str]]:
    """The message's sentences as word lists (split at . ! ? ;), run-on ones in chunks."""
    return [
        words[a:b]
        for part in _SENTENCE_END.split(text)
        for words in (tokens(part),)
        for a, b in chunks(len(words))
    ]


def chunks(count: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each window of a sentence of `count` words: the whole sentence, or
    overlapping chunks of CHUNK words when it runs on."""
    if not count:
        return
    if count <= LONG_SENTENCE:
        yield 0, count
        return
    step = CHUNK // 2
    for i in range(0, count - step, step):
        yield i, min(i + CHUNK, count)


def word_grams(words: list[str], concepts: Mapping[str, str] | None = None) -> set[str]:
    """Word 1-grams (less NO_WEIGHT), 2-grams and skip-grams ("took _ pills": the word
    between left out); with `concepts`, also the concepts present (`@pills`), each pair of them
    in the window (`@pills+@soon`), and bigrams with one word read as its concept ("@pills
    aside")."""
    grams = set(words) - NO_WEIGHT
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
    return set().union(*map(word_chars, set(words)))


def word_chars(word: str) -> frozenset[str]:
    """The character n-grams of one word (`char_grams`); none for a word of `NO_WEIGHT`, which
    would otherwise weigh through its letters what it may not weigh as a word ("he", "me")."""
    if word in NO_WEIGHT:
        return frozenset()
    padded = f" {word} "
    cuts = _CUTS[len(padded)] if len(padded) < len(_CUTS) else _cuts(len(padded))
    return frozenset(map(padded.__getitem__, cuts))


def _cuts(length: int) -> tuple[slice, ...]:
    """Where the character n-grams of a padded word of this length are."""
    return tuple(slice(i, i + n) for n in CHAR_SIZES for i in range(length - n + 1))


_CUTS = tuple(_cuts(length) for length in range(40))
"""The cuts for words of up to 37 letters, worked out once."""
