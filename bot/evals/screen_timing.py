"""Timing the crisis screen: the messages it is timed on, and a search for what takes it longest.

The screen runs on every text she types, in the event loop every user shares, so its worst case
matters as much as its usual one. `python -m bench screen` prints every figure here;
`python -m bot safety eval` prints the first. Messages of the held-out `fourth` batch are never
read, not even to time the screen on.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable, Iterator

import yaml

from bot.content import Content
from bot.core.safety import reading as graded
from bot.evals import screen as safety_eval

LONGEST = 4096
"""Telegram's longest message."""
SHORT = 20
"""Words in the usual message."""
HELD_OUT = "fourth"
_LITERAL = re.compile(r"[a-z][a-z' ]{3,}[a-z]")
_SCRIPTS = "hit \u0645\u0631\u062d\u0628\u0627 \u4f60\u597d \u00e9t\u00e9 "
"""Arabic, Chinese and accented Latin beside a violence word."""


def ordinary_texts() -> list[str]:
    """The ordinary labelled messages outside the held-out batch, in file order."""
    texts = []
    for path in (*safety_eval.LEGACY_SETS, *safety_eval.category_sets()):
        for message in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            if message.get("label") == "ordinary" and message.get("split") != HELD_OUT:
                texts.append(str(message["text"]))
    return texts


def longest_message(content: Content, texts: list[str]) -> str:
    """4,096 characters of ordinary messages that raise no alarm together: the screen's longest
    path (every rule tried, every window scored)."""
    text = ""
    for message in texts:
        candidate = f"{text} {message}." if text else f"{message}."
        if graded.read(content, candidate[:LONGEST]).quiet:
            text = candidate
        if len(text) >= LONGEST:
            break
    return text[:LONGEST]


def short_message(texts: list[str]) -> str:
    """The first SHORT words of the ordinary messages: a usual message."""
    return " ".join(" ".join(texts).split()[:SHORT])


def median_ms(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and processor milliseconds of `runs` calls: on a shared machine the
    wall clock also counts other people's work, the processor time only ours."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def _repeated(piece: str, length: int = LONGEST) -> str:
    return (piece * (length // max(len(piece), 1) + 1))[:length]


def adversarial(content: Content, seed: int = 0, mixes: int = 40) -> Iterator[tuple[str, str]]:
    """(description, text) of inputs made to be slow: no full stop anywhere, so every
    sentence is the whole message; the prefix of a rule again and again; "now" beside a
    violence word (two repeats in a row used to take seconds on it); stretched letters and
    digits, which make more readings; long runs of one character; other scripts and emoji;
    and mixes of literal pieces of the rules and the figures of speech."""
    yield "now_hit", _repeated("now hit ")
    yield "now_he_hit_me", _repeated("now he hit me ")
    yield "now_hit_stretched_leet", _repeated("nooow hiiit a1 ")
    # One stretched word with a digit makes four readings of the rest (as typed, stretched
    # letters cut to one, and each with digits read as letters).
    yield "now_hit_four_readings", "aaa1 " + _repeated("now hit ", LONGEST - 5)
    yield "used_to_now_marks", _repeated("used to hit now marks ")
    yield "he_he", _repeated("he ")
    yield "one_letter", "a" * LONGEST
    yield "spaces", " " * LONGEST
    yield "apostrophes", "'" * LONGEST
    yield "digits", "1" * LONGEST
    yield "letter_digit", _repeated("a1")
    yield "emoji", _repeated("\U0001f642 ")
    yield "mixed_scripts", _repeated(_SCRIPTS)
    patterns = [rule.pattern.pattern for rule in content.safety.rules]
    patterns += [phrase.pattern for phrase in content.safety.benign]
    pieces = [found.group() for pattern in patterns for found in _LITERAL.finditer(pattern)]
    rng = random.Random(seed)
    for i in range(mixes):
        chosen = rng.sample(pieces, k=min(len(pieces), rng.choice((1, 2, 3, 8))))
        yield f"rule_pieces_{i}", _repeated(" ".join(chosen) + " ")


def worst(
    content: Content, runs: int = 5, seed: int = 0, mixes: int = 40
) -> tuple[str, str, float]:
    """The slowest adversarial input: each tried once, the slowest few again; its
    description, text and median milliseconds."""
    timed = []
    for description, text in adversarial(content, seed, mixes):
        start = time.perf_counter()
        graded.read(content, text)
        timed.append((time.perf_counter() - start, description, text))
    timed.sort(reverse=True)
    finalists = [
        (median_ms(lambda text=text: graded.read(content, text), runs)[0], description, text)
        for _, description, text in timed[:3]
    ]
    ms, description, text = max(finalists)
    return description, text, ms
