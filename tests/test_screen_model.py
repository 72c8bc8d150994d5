"""The crisis screen's model reads every window of a message once, and keeps none of her words.

`windows.Message` builds each n-gram of a message once and gives every window its share; the
reference here scores each window afresh from its words, as the model always did. The two
must agree on the score (to 1e-9), on the window and on the words that explain it.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content import Content
from bot.core.safety import engine, features, heads, reading, windows
from bot.core.safety import model as screen_model
from bot.core.safety import screen as safety


def reference(model: screen_model.Model, text: str) -> tuple[float, list[str]]:
    """Every window scored from its own words: each sentence, each pair, the whole."""
    parts = features.sentences(text)
    scored = [(model.window_score(part), part) for part in parts]
    for first, second in itertools.pairwise(parts):
        if len(first + second) >= windows.MIN_WORDS:
            scored.append((model.window_score(first + second), first + second))
    if len(parts) > 2:
        whole = features.tokens(text)
        scored.append((model.window_score(whole), whole))
    readable = [pair for pair in scored if len(pair[1]) >= windows.MIN_WORDS]
    return max(readable, default=(-math.inf, []), key=lambda pair: pair[0])


@functools.cache
def loud() -> screen_model.Model:
    """A shipped head (her own life) with no threshold: every message it reads is explained."""
    shipped = heads.packaged()
    assert shipped is not None
    return dataclasses.replace(shipped["own"].model, threshold=-math.inf)


@functools.cache
def vocabulary() -> list[str]:
    model = loud()
    known = sorted({p for g in model.words for p in g.split() if p != "_" and "@" not in p})
    return known + sorted(model.concepts) + ["zqxj", "caf\u00e9", "k1ll", "3am", "don't"]


def message() -> st.SearchStrategy[str]:
    """Sentences of known words, concept words and unknown ones, some longer than a chunk,
    joined by every mark that ends a sentence (and some that do not)."""
    words = vocabulary()
    word = st.integers(0, len(words) - 1).map(words.__getitem__) | st.text(
        alphabet="abcxyz'_1", min_size=1, max_size=8
    )
    sentence = st.lists(word, max_size=45).map(" ".join)
    end = st.sampled_from([". ", "! ", "? ", "; ", "... ", " ", ", "])
    return st.lists(st.tuples(sentence, end), max_size=8).map(
        lambda parts: "".join(a + b for a, b in parts)
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=message())
def test_the_model_scores_and_explains_each_message_as_window_by_window(text: str) -> None:
    model = loud()

    score, words = model.best_window(text)
    expected, expected_words = reference(model, text)

    assert score == expected or abs(score - expected) <= 1e-9
    if words != expected_words:  # equal scores: either window is the best
        assert abs(model.window_score(words) - expected) <= 1e-9
        return
    if words:
        assert model.read(text).ngrams == model.explain(expected_words)


def test_a_long_message_without_a_full_stop_is_read_in_overlapping_chunks() -> None:
    model = loud()
    text = " ".join(vocabulary()[:200])

    score, words = model.best_window(text)

    assert len(features.sentences(text)) > 10
    assert abs(score - reference(model, text)[0]) <= 1e-9
    assert len(words) in (features.CHUNK, 2 * features.CHUNK, 200)


def test_no_word_she_types_stays_in_the_screen_after_it_has_read_her_message(
    content: Content,
) -> None:
    shipped = heads.packaged()
    assert shipped is not None
    together = shipped.together
    assert together is not None
    known = len(together.known_words)
    word = "zqxjvbwk"

    shipped.read(f"{word} said {word} would hurt the {word} family tonight")
    reading.read(content, f"{word} hit me, {word}")

    assert len(together.known_words) == known
    assert word not in together.known_words
    caches = [
        f"{module.__name__}.{name}"
        for module in (features, windows, screen_model, engine, safety, heads, reading)
        for name, value in vars(module).items()
        if hasattr(value, "cache_info")
    ]
    assert caches == ["bot.core.safety.heads.packaged"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=message())
def test_both_heads_scored_together_score_as_each_scored_alone(text: str) -> None:
    shipped = heads.packaged()
    assert shipped is not None

    together = shipped.read(text)

    for risk, head in shipped.items():
        alone = head.read(text)
        assert together[risk].fired == alone.fired
        if math.isfinite(alone.score):
            assert abs(together[risk].score - alone.score) <= 1e-9
        assert together[risk].ngrams == alone.ngrams
