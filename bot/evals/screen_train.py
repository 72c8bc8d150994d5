"""Train the crisis screen's heads: `python -m bot safety train` writes `screen_heads.json`
beside `bot/core/safety/heads.py`.

Development only: it needs numpy (installed with matplotlib), which the running bot does not.
It reads every labelled set (`bot.evals.screen`), blanks figures of speech as the screen does
(`bot.core.safety.screen.blank`), and fits one head per risk (her own life; danger from him): an
L2-regularised logistic regression over the n-grams and concepts (`bot.evals.screen_concepts`)
that `bot.core.safety.model` extracts, keeping the strongest weights. A head learns its own risk's
crisis messages against everything else, the other risk's included, so it tells them apart. The
two thresholds of each head (ask, alarm) are set on cross-validated scores, that is on messages it
was not fitted on. Same data, same file: every step is deterministic (seeded folds).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.content import Content
from bot.core.safety import heads as screen_heads
from bot.core.safety import model as screen_model
from bot.core.safety import reading as graded
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
    texts: Sequence[str],
    messages: Sequence[Labelled],
    positive: Sequence[bool] | None = None,
    *,
    l2: float = L2,
    keep: int = KEEP,
) -> np.ndarray:
    """Each message's score from a model trained on the other folds (windows and all);
    `positive` says what the model learns to find (every crisis message, unless given)."""
    fold = folds(messages)
    crisis = list(positive) if positive is not None else [m.crisis for m in messages]
    scores = np.zeros(len(messages))
    for k in range(FOLDS):
        held = np.flatnonzero(fold == k)
        trained = [i for i in range(len(messages)) if fold[i] != k]
        model = train([texts[i] for i in trained], [crisis[i] for i in trained], l2=l2, keep=keep)
        for i in held:
            scores[i] = model.score(texts[i])
    return scores


def fingerprint(content: Content) -> str:
    """Which benign list the model was trained behind: it sees text with those blanked."""
    joined = "\n".join(p.pattern for p in content.safety.benign)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


ALARM_BUDGET = 0.01
"""At most this share of ordinary messages may be shown the resources (the rules' alarms and
the heads' together), on scores of messages the heads were not fitted on."""
ASK_BUDGET = 0.07
"""At most this share of ordinary messages may be shown the resources or asked."""


@dataclass(frozen=True)
class Trained:
    heads: screen_heads.Heads
    messages: list[Labelled]
    scores: dict[str, np.ndarray]
    """Per risk, the cross-validated scores of `messages`."""
    rules: list[dict[str, str]]
    """Per message, the band the rules give each risk they raise."""


def rule_bands(content: Content, text: str) -> dict[str, str]:
    """The band the rules alone give each risk they raise in `text`."""
    reading = graded.read(content, text, heads={})
    return {**{r: graded.ASK for r in reading.ask}, **{r: graded.ALARM for r in reading.alarm}}


def thresholds(
    scores: dict[str, np.ndarray],
    ordinary: np.ndarray,
    rules: Sequence[dict[str, str]],
    alarm_budget: float = ALARM_BUDGET,
    ask_budget: float = ASK_BUDGET,
) -> dict[str, tuple[float, float]]:
    """Per risk, (ask_at, alarm_at): the lowest thresholds at which the ordinary messages
    shown the resources (by a rule or any head) stay within `alarm_budget`, and those shown
    the resources or asked within `ask_budget`. The heads share what the rules leave of each
    budget equally, so neither risk is starved."""
    n = int(ordinary.sum())
    by_rules_alarm = np.asarray([graded.ALARM in r.values() for r in rules]) & ordinary
    by_rules_any = np.asarray([bool(r) for r in rules]) & ordinary
    out = {}
    for risk, score in scores.items():
        cuts = []
        for budget, taken in ((alarm_budget, by_rules_alarm), (ask_budget, by_rules_any)):
            allowed = int(np.floor(budget * n)) - int(taken.sum())
            share = max(allowed, 0) // len(scores)
            free = np.sort(score[ordinary & ~taken])[::-1]
            cut = float(free[share]) + 1e-6 if share < len(free) else float(free[-1])
            cuts.append(cut)
        alarm_at, ask_at = cuts
        out[risk] = (min(ask_at, alarm_at), alarm_at)
    return out


def build(content: Content, holdout: Sequence[str] = ()) -> Trained:
    """A head per risk for the labelled sets (without the `holdout` splits), with thresholds
    set on the heads' cross-validated scores."""
    messages = [m for m in safety_eval.load_all() if m.split not in holdout]
    texts = [safety.blank(content, m.text) for m in messages]
    rules = [rule_bands(content, m.text) for m in messages]
    ordinary = np.asarray([not m.crisis for m in messages])
    scores, heads = {}, {}
    for risk in graded.RISKS:
        positive = [m.crisis and m.risk == risk for m in messages]
        scores[risk] = out_of_fold(texts, messages, positive)
        heads[risk] = train(texts, positive)
    cuts = thresholds(scores, ordinary, rules)
    shipped = {
        risk: screen_heads.Head(
            screen_model.Model(m.bias, cuts[risk][1], m.words, m.chars, m.concepts),
            *cuts[risk],
        )
        for risk, m in heads.items()
    }
    return Trained(shipped, messages, scores, rules)


def to_json(trained: Trained, **about: Any) -> dict[str, Any]:
    """The weights file: a head per risk, the concepts once."""
    heads = {}
    for risk, head in trained.heads.items():
        model = head.model.to_json()
        heads[risk] = {
            "bias": model["bias"],
            "ask_at": round(head.ask_at, 4),
            "alarm_at": round(head.alarm_at, 4),
            "words": model["words"],
            "chars": model["chars"],
        }
    return {"format": screen_heads.FORMAT, **about, "concepts": CONCEPTS, "heads": heads}


def main(content: Content, holdout: Sequence[str] = (), path: Path = screen_heads.WEIGHTS) -> int:
    """Train on the labelled sets (less `holdout`), write the weights file, print its figures."""
    trained = build(content, holdout)
    crisis = sum(m.crisis for m in trained.messages)
    about = {
        "trained_on": {
            "messages": len(trained.messages),
            "crisis": crisis,
            "ordinary": len(trained.messages) - crisis,
            "holdout": sorted(holdout),
        },
        "seed": SEED,
        "folds": FOLDS,
        "l2": L2,
        "idf_power": IDF_POWER,
        "alarm_budget": ALARM_BUDGET,
        "ask_budget": ASK_BUDGET,
        "benign": fingerprint(content),
    }
    text = json.dumps(to_json(trained, **about), ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    print(f"safety.train.messages {len(trained.messages)} count")
    for risk, head in trained.heads.items():
        grams = len(head.model.words) + len(head.model.chars)
        print(f"safety.train.{risk}.ngrams {grams} count")
        print(f"safety.train.{risk}.ask_at {head.ask_at:.4f} logit")
        print(f"safety.train.{risk}.alarm_at {head.alarm_at:.4f} logit")
    print(f"safety.train.weights_file {path.stat().st_size / 1024:.1f} KiB")
    return 0
