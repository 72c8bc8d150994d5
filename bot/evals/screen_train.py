"""Train the crisis screen's model: `python -m bot safety train` writes `screen_model.json`
beside `bot/core/safety/model.py`.

Development only: it needs numpy (installed with matplotlib), which the running bot does not.
It reads every labelled set (`bot.evals.screen`), blanks figures of speech as the screen does
(`bot.core.safety.screen.blank`), fits an L2-regularised logistic regression over the n-grams and
concepts (`bot.evals.screen_concepts`) that `bot.core.safety.model` extracts, keeps the strongest
weights, and sets the threshold from cross-validated scores. Same data, same file: every step is
deterministic (seeded folds).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.content import Content
from bot.core.safety import model as screen_model
from bot.core.safety import screen as safety
from bot.evals import screen as safety_eval
from bot.evals.screen import Labelled
from bot.evals.screen_concepts import CONCEPTS

SEED = 0
FOLDS = 5
MIN_COUNT = 2
"""An n-gram must occur in two training messages to get a weight: one-off words are noise."""
L2 = 1e-2
"""Strength of the L2 penalty on the weights (the mean loss is class-balanced)."""
IDF_POWER = 1
"""Each n-gram's column is scaled by its inverse document frequency before the fit (and its
weight by the same factor after): common words ("me", "and") are held back harder than rare
ones, so an alarm rests on "tracked" or "burden" rather than on "me". Both settings were chosen
by 5-fold cross-validation on the dev split: with concepts and skip-grams, recall at 3% false
alarms was 40% at idf power 1 and strength 1e-2, against 31-37% at powers 0, 1.5 and 2 or
strengths 3e-3, 3e-2 and 1e-1 (squared idf holds the concepts, which are common, back too hard)."""
KEEP = 12_000
"""Weights kept in the file (the largest in size); the rest are dropped and the model refitted."""
TARGET_FALSE_ALARMS = 0.03
"""The threshold is the lowest score at which the whole screen, rules and model, raises at
most this share of false alarms on cross-validated scores: recall first, within that bound."""
ITERATIONS = 400

Features = tuple[set[str], set[str]]


@dataclass(frozen=True)
class Matrix:
    """A sparse design matrix (coordinate lists), enough for a gradient and a product."""

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    shape: tuple[int, int]

    def dot(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.rows, weights=self.vals * w[self.cols], minlength=self.shape[0])

    def tdot(self, g: np.ndarray) -> np.ndarray:
        return np.bincount(self.cols, weights=self.vals * g[self.rows], minlength=self.shape[1])

    def scaled(self, columns: np.ndarray) -> Matrix:
        """The same matrix with each column multiplied by its factor."""
        return Matrix(self.rows, self.cols, self.vals * columns[self.cols], self.shape)


def featurise(text: str) -> Features:
    """The n-grams of a whole blanked message, as the model sees one window."""
    words = screen_model.tokens(text)
    return screen_model.word_grams(words, CONCEPTS), screen_model.char_grams(words)


def vocabulary(docs: Sequence[Features]) -> dict[tuple[int, str], int]:
    """Column of each n-gram seen in at least MIN_COUNT documents (0: word, 1: char)."""
    counts: Counter[tuple[int, str]] = Counter()
    for wgrams, cgrams in docs:
        counts.update((0, g) for g in wgrams)
        counts.update((1, g) for g in cgrams)
    kept = sorted(key for key, n in counts.items() if n >= MIN_COUNT)
    return {key: i for i, key in enumerate(kept)}


def matrix(docs: Sequence[Features], vocab: dict[tuple[int, str], int]) -> Matrix:
    """Each block scaled by 1/sqrt(all its n-grams), known or not, as `Model.window_score`."""
    rows, cols, vals = [], [], []
    for r, (wgrams, cgrams) in enumerate(docs):
        for kind, grams in ((0, wgrams), (1, cgrams)):
            if not grams:
                continue
            scale = 1 / np.sqrt(len(grams))
            for g in grams:
                col = vocab.get((kind, g))
                if col is not None:
                    rows.append(r)
                    cols.append(col)
                    vals.append(scale)
    return Matrix(
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        np.asarray(vals, dtype=np.float64),
        (len(docs), len(vocab)),
    )


def fit(x: Matrix, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """Weights and bias minimising the class-balanced logistic loss plus l2/2 * |w|^2."""
    sign = np.where(y, 1.0, -1.0)
    positives = max(int(y.sum()), 1)
    negatives = max(len(y) - positives, 1)
    weight = np.where(y, 0.5 / positives, 0.5 / negatives)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        margin = sign * (x.dot(w) + b)
        value = float(weight @ np.logaddexp(0.0, -margin)) + 0.5 * l2 * float(w @ w)
        dz = -weight * sign / (1.0 + np.exp(np.clip(margin, -30, 30)))
        grad = np.append(x.tdot(dz) + l2 * w, dz.sum())
        return value, grad

    theta = _lbfgs(loss, np.zeros(x.shape[1] + 1))
    return theta[:-1], float(theta[-1])


def _lbfgs(
    f: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x: np.ndarray,
    memory: int = 10,
    iterations: int = ITERATIONS,
) -> np.ndarray:
    """Limited-memory BFGS with a backtracking line search: enough for a smooth convex loss,
    and no dependency beyond numpy."""
    value, grad = f(x)
    steps: list[tuple[np.ndarray, np.ndarray, float]] = []
    for _ in range(iterations):
        q = grad.copy()
        alphas = []
        for s, yv, rho in reversed(steps):
            a = rho * float(s @ q)
            q -= a * yv
            alphas.append(a)
        if steps:
            s, yv, _ = steps[-1]
            q *= float(s @ yv) / float(yv @ yv)
        for (s, yv, rho), a in zip(steps, reversed(alphas), strict=True):
            q += s * (a - rho * float(yv @ q))
        direction = -q
        slope = float(grad @ direction)
        if slope >= 0:
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0
        while True:
            candidate = x + step * direction
            new_value, new_grad = f(candidate)
            if new_value <= value + 1e-4 * step * slope or step < 1e-12:
                break
            step /= 2
        s, yv = candidate - x, new_grad - grad
        if float(s @ yv) > 1e-12:
            steps = [*steps[-(memory - 1) :], (s, yv, 1.0 / float(s @ yv))]
        converged = abs(value - new_value) <= 1e-10 * max(1.0, abs(value))
        x, value, grad = candidate, new_value, new_grad
        if converged:
            break
    return x


def train(
    texts: Sequence[str], crisis: Sequence[bool], *, l2: float = L2, keep: int = KEEP
) -> screen_model.Model:
    """Fit on all n-grams, keep the `keep` largest weights, refit on those alone (so the
    weights in the file are a model of their own, not a truncated one). Threshold 0."""
    docs = [featurise(t) for t in texts]
    y = np.asarray(crisis, dtype=bool)
    vocab = vocabulary(docs)
    scale = idf(docs, vocab) ** IDF_POWER
    w, _ = fit(matrix(docs, vocab).scaled(scale), y, l2)
    strongest = np.argsort(-np.abs(w * scale), kind="stable")[:keep]
    keys = sorted(list(vocab)[i] for i in strongest)
    scale = np.asarray([scale[vocab[key]] for key in keys])
    vocab = {key: i for i, key in enumerate(keys)}
    w, b = fit(matrix(docs, vocab).scaled(scale), y, l2)
    w = w * scale
    words = {g: float(w[i]) for (kind, g), i in vocab.items() if kind == 0}
    chars = {g: float(w[i]) for (kind, g), i in vocab.items() if kind == 1}
    return screen_model.Model(bias=b, threshold=0.0, words=words, chars=chars, concepts=CONCEPTS)


def idf(docs: Sequence[Features], vocab: dict[tuple[int, str], int]) -> np.ndarray:
    """Smoothed inverse document frequency of each column: 1 + ln((1 + n) / (1 + df))."""
    df = np.zeros(len(vocab))
    for wgrams, cgrams in docs:
        for kind, grams in ((0, wgrams), (1, cgrams)):
            for g in grams:
                col = vocab.get((kind, g))
                if col is not None:
                    df[col] += 1
    return 1.0 + np.log((1 + len(docs)) / (1 + df))


def folds(messages: Sequence[Labelled], k: int = FOLDS, seed: int = SEED) -> np.ndarray:
    """Fold of each message: stratified by category (or set) and label, shuffled with `seed`."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(messages), dtype=np.int64)
    strata: dict[tuple[str, bool], list[int]] = {}
    for i, m in enumerate(messages):
        strata.setdefault((m.group, m.crisis), []).append(i)
    offset = 0
    for key in sorted(strata):
        members = np.asarray(strata[key])
        rng.shuffle(members)
        fold[members] = (np.arange(len(members)) + offset) % k
        offset += len(members)
    return fold


def out_of_fold(
    texts: Sequence[str], messages: Sequence[Labelled], *, l2: float = L2, keep: int = KEEP
) -> np.ndarray:
    """Each message's score from a model trained on the other folds (windows and all)."""
    fold = folds(messages)
    crisis = [m.crisis for m in messages]
    scores = np.zeros(len(messages))
    for k in range(FOLDS):
        held = np.flatnonzero(fold == k)
        trained = [i for i in range(len(messages)) if fold[i] != k]
        model = train([texts[i] for i in trained], [crisis[i] for i in trained], l2=l2, keep=keep)
        for i in held:
            scores[i] = model.score(texts[i])
    return scores


def threshold(
    scores: np.ndarray, crisis: Sequence[bool], rules: Sequence[bool], target: float
) -> float:
    """The lowest score threshold at which rules-or-model keeps false alarms within `target`."""
    y, r = np.asarray(crisis, dtype=bool), np.asarray(rules, dtype=bool)
    ordinary = ~y
    allowed = int(np.floor(target * ordinary.sum())) - int((r & ordinary).sum())
    candidates = np.sort(scores[ordinary & ~r])[::-1]
    if allowed < 0 or len(candidates) == 0:
        return float(candidates[0]) + 1e-6 if len(candidates) else 0.0
    if allowed >= len(candidates):
        return float(candidates[-1])
    # Just above the (allowed+1)-th highest ordinary score the rules let through.
    return float(candidates[allowed]) + 1e-6


def fingerprint(content: Content) -> str:
    """Which benign list the model was trained behind: it sees text with those blanked."""
    joined = "\n".join(p.pattern for p in content.safety.benign)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Trained:
    model: screen_model.Model
    messages: list[Labelled]
    scores: np.ndarray
    """Cross-validated scores of `messages`."""
    rules: list[bool]


def build(content: Content, holdout: str | None = None) -> Trained:
    """The model for the labelled sets (without the `holdout` split), with its CV scores."""
    messages = [m for m in safety_eval.load_all() if m.split != holdout]
    texts = [safety.blank(content, m.text) for m in messages]
    crisis = [m.crisis for m in messages]
    rules = [safety.rule_alarm(content, m.text) is not None for m in messages]
    scores = out_of_fold(texts, messages)
    cut = threshold(scores, crisis, rules, TARGET_FALSE_ALARMS)
    model = train(texts, crisis)
    return Trained(
        screen_model.Model(model.bias, cut, model.words, model.chars, model.concepts),
        messages,
        scores,
        rules,
    )


def main(content: Content, holdout: str | None = None, path: Path = screen_model.WEIGHTS) -> int:
    """Train on the labelled sets (less `holdout`), write the weights file, print its figures."""
    trained = build(content, holdout)
    crisis = sum(m.crisis for m in trained.messages)
    about = {
        "trained_on": {
            "messages": len(trained.messages),
            "crisis": crisis,
            "ordinary": len(trained.messages) - crisis,
            "holdout": holdout,
        },
        "seed": SEED,
        "folds": FOLDS,
        "l2": L2,
        "idf_power": IDF_POWER,
        "benign": fingerprint(content),
    }
    text = json.dumps(trained.model.to_json(**about), ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    model = trained.model
    print(f"safety.train.messages {len(trained.messages)} count")
    print(f"safety.train.ngrams {len(model.words) + len(model.chars)} count")
    print(f"safety.train.threshold {model.threshold:.4f} logit")
    print(f"safety.train.weights_file {path.stat().st_size / 1024:.1f} KiB")
    return 0
