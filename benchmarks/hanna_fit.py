"""Fitting the calibrated scores on HANNA prompts 0-47 (used by hanna.py; pure numpy).

Per criterion: ridge regression of the criterion's own human means on every signal of the
feature set, on within-prompt differences over the non-human stories of prompts 0-47. Its
cross-validated tau (four folds of 12 prompts, three shuffles) is reported. Forward selection of
signals and of the target (own mean, mean of all six criteria, or half of each), the previous
procedure, is kept for comparison (`forward=True`): with 30 candidate signals it overfits the
folds that choose them. The embedding head (per criterion, a ridge direction in MiniLM space fitted
to that criterion's human means; reported, not shipped) is refitted inside every fold and
cross-fitted over prompts 0-47 for the final model, so no score ever sees the human ratings of
the story it scores.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from writersroom.evaluate import calibrate
from writersroom.evaluate.calibrate import kendall_tau
from writersroom.evaluate.records import STORY_CRITERIA

TRAIN, TEST = range(0, 48), range(48, 96)
HEAD_FEATURE = "embedding_head"     # per criterion: a ridge direction in MiniLM space
MODES = ("own", "mix", "mean")
RIDGE = 30.0                # ridge strength of the linear models (standardized signals)
HEAD_RIDGE = 3.0            # ridge strength of the embedding head (unit vectors)
HEAD_FOLDS = 4
MIN_GAIN = 0.003            # a signal joins only if it lifts the cross-validated tau this much
_rng = np.random.default_rng(0)
FOLDS = [sorted(int(p) for p in perm[k::4]) for perm in (_rng.permutation(48) for _ in range(3))
         for k in range(4)]


def _centred(x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    out = np.array(x, dtype=np.float64, copy=True)
    for g in np.unique(groups):
        m = groups == g
        out[m] -= out[m].mean(0)
    return out


def head_weights(vectors: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """A direction in embedding space that ranks stories within their prompt like `y`."""
    vc, yc = _centred(vectors, groups), _centred(y, groups)
    k = vectors.shape[1]
    return np.asarray(np.linalg.solve(vc.T @ vc + HEAD_RIDGE * np.eye(k), vc.T @ yc))


class Data:
    """HANNA stories with their signals, human means, prompt groups and unit vectors."""

    def __init__(self, stories: list[dict[str, Any]], rows: list[dict[str, float]],
                 vectors: np.ndarray) -> None:
        self.stories, self.rows, self.vectors = stories, rows, vectors
        self.prompt = np.array([s["prompt_id"] for s in stories])
        self.human = np.array([s["model"] == "Human" for s in stories])
        self.y = {c: np.array([s["human_mean"][c] for s in stories]) for c in STORY_CRITERIA}
        self.y["mean"] = np.mean([self.y[c] for c in STORY_CRITERIA], axis=0)
        self.groups = {p: np.where((self.prompt == p) & ~self.human)[0] for p in range(96)}
        self._heads: dict[str, tuple[list[np.ndarray], np.ndarray]] = {}

    def _train(self, test: Sequence[int]) -> list[int]:
        return [p for p in TRAIN if p not in test]

    def heads(self, criterion: str) -> tuple[list[np.ndarray], np.ndarray]:
        """The criterion's head column for every cross-validation fold, and for the final fit
        (computed on first use)."""
        if criterion not in self._heads:
            self._heads[criterion] = (
                [self.head_column(criterion, self._train(test)) for test in FOLDS],
                self.head_column(criterion, list(TRAIN)))
        return self._heads[criterion]

    def head_column(self, criterion: str, train: Sequence[int]) -> np.ndarray:
        """The head's value for every story: fitted on `train` prompts, cross-fitted inside
        them (a `train` story is scored by a head that never saw its prompt)."""
        train = list(train)
        out = self.vectors @ self.head(criterion, train)
        for k in range(HEAD_FOLDS):
            held = train[k::HEAD_FOLDS]
            rows = np.isin(self.prompt, held)
            out[rows] = self.vectors[rows] @ self.head(criterion,
                                                       [p for p in train if p not in held])
        return out

    def head(self, criterion: str, prompts: Sequence[int]) -> np.ndarray:
        m = self.mask(prompts)
        return head_weights(self.vectors[m], self.y[criterion][m], self.prompt[m])

    def final_rows(self) -> list[dict[str, float]]:
        """The rows with each criterion's head as the final model sees it."""
        rows = [dict(r) for r in self.rows]
        for c in self._heads:
            for r, h in zip(rows, self._heads[c][1], strict=True):
                r[f"{HEAD_FEATURE}_{c}"] = float(h)
        return rows

    def matrix(self, features: Sequence[str], head: np.ndarray | None = None) -> np.ndarray:
        cols = [head if f == HEAD_FEATURE else np.array([r[f] for r in self.rows])
                for f in features]
        return np.array(cols, dtype=np.float64).T.reshape(len(self.rows), len(features))

    def mask(self, prompts: Sequence[int]) -> np.ndarray:
        return np.isin(self.prompt, list(prompts)) & ~self.human

    def target(self, criterion: str, mode: str) -> np.ndarray:
        """What a criterion's model is fitted to: its own human mean, the mean over all six
        criteria (less noisy: the criteria are strongly correlated), or half of each."""
        if mode == "own":
            return self.y[criterion]
        if mode == "mean":
            return self.y["mean"]
        return 0.5 * (self.y[criterion] + self.y["mean"])

    def tau(self, scores: np.ndarray, criterion: str, prompts: Sequence[int]) -> float:
        """HANNA's protocol: Kendall tau per prompt over the 10 non-human systems, averaged."""
        y = self.y[criterion]
        return float(np.mean([kendall_tau(scores[self.groups[p]], y[self.groups[p]])
                              for p in prompts]))


def _z(x: np.ndarray, fit_on: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean, scale = x[fit_on].mean(0), x[fit_on].std(0)
    scale[scale < 1e-9] = 1.0
    return np.clip((x - mean) / scale, -calibrate.CLIP, calibrate.CLIP), mean, scale


class _Fold:
    """One cross-validation fold over a pool of signals, prepared so that fitting any subset
    is one small solve: the Gram matrix of the within-prompt-centred training signals, and the
    test prompts' story pairs for Kendall tau."""

    def __init__(self, data: Data, pool: Sequence[str], k: int, criterion: str) -> None:
        test = FOLDS[k]
        fit_on = data.mask(data._train(test))
        head = data.heads(criterion)[0][k] if HEAD_FEATURE in pool else None
        z, _, _ = _z(data.matrix(pool, head), fit_on)
        zc = _centred(z[fit_on], data.prompt[fit_on])
        self.gram = zc.T @ zc
        self.b = {m: zc.T @ _centred(data.target(criterion, m)[fit_on], data.prompt[fit_on])
                  for m in MODES}
        pairs = [(i, j, n) for n, p in enumerate(test)
                 for a, i in enumerate(data.groups[p]) for j in data.groups[p][a + 1:]]
        i, j, self.which = (np.array(v) for v in zip(*pairs, strict=True))
        self.dz = z[i] - z[j]
        y = data.y[criterion]
        dy = np.sign(y[i] - y[j])
        self.dy, self.n = dy, len(test)
        self.per = np.bincount(self.which, minlength=self.n).astype(np.float64)
        self.ty = self.per - np.bincount(self.which, weights=np.abs(dy), minlength=self.n)

    def tau(self, cols: list[int], mode: str) -> float:
        g = self.gram[np.ix_(cols, cols)] + RIDGE * np.eye(len(cols))
        w = np.linalg.solve(g, self.b[mode][cols])
        dx = np.sign(self.dz[:, cols] @ w)
        num = np.bincount(self.which, weights=dx * self.dy, minlength=self.n)
        tx = self.per - np.bincount(self.which, weights=np.abs(dx), minlength=self.n)
        den = np.sqrt((self.per - tx) * (self.per - self.ty))
        return float(np.mean(np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)))


def cross_validated(data: Data, pool: Sequence[str], criterion: str, mode: str) -> float:
    """Tau of the model with every signal of `pool`, cross-validated inside prompts 0-47."""
    cols = list(range(len(pool)))
    return float(np.mean([_Fold(data, pool, k, criterion).tau(cols, mode)
                          for k in range(len(FOLDS))]))


def select(data: Data, pool: Sequence[str], criterion: str) -> tuple[str, list[str], float]:
    """Forward selection of signals and choice of target, by cross-validation on prompts 0-47:
    add the signal that helps most while it helps by more than MIN_GAIN."""
    folds = [_Fold(data, pool, k, criterion) for k in range(len(FOLDS))]

    def cv(cols: list[int], mode: str) -> float:
        return float(np.mean([f.tau(cols, mode) for f in folds]))

    best: tuple[str, list[str], float] = ("own", [], -1.0)
    for mode in MODES:
        chosen: list[int] = []
        score = -1.0
        while len(chosen) < len(pool):
            top, j = max((cv([*chosen, j], mode), j) for j in range(len(pool)) if j not in chosen)
            if top <= score + MIN_GAIN:
                break
            chosen.append(j)
            score = top
        if score > best[2]:
            best = (mode, [pool[j] for j in chosen], score)
    return best


def fit(data: Data, pool: Sequence[str], *, forward: bool = False) -> dict[str, Any]:
    """One feature set's model: per criterion, every signal of `pool` (or, `forward`, the
    forward-selected ones) fitted to the criterion's own human means on the non-human stories
    of prompts 0-47 (scales from the same stories). A criterion's head is kept under its own
    name, `embedding_head_<criterion>`."""
    train = data.mask(TRAIN)
    model: dict[str, Any] = {"features": list(pool), "mean": {}, "scale": {}, "ridge": RIDGE,
                             "criteria": {}}
    for c in STORY_CRITERIA:
        head = data.heads(c)[1] if HEAD_FEATURE in pool else None
        z, mean, scale = _z(data.matrix(pool, head), train)
        names = [f"{f}_{c}" if f == HEAD_FEATURE else f for f in pool]
        for f, m, sd in zip(names, mean, scale, strict=True):
            model["mean"][f], model["scale"][f] = round(float(m), 6), round(float(sd), 6)
        if forward:
            mode, chosen, cv = select(data, pool, c)
        else:
            mode, chosen, cv = "own", list(pool), cross_validated(data, pool, c, "own")
        cols = [pool.index(f) for f in chosen]
        w, _ = calibrate.fit_linear(z[train][:, cols], data.target(c, mode)[train],
                                    data.prompt[train], ridge=RIDGE)
        # the bias puts the criterion on its own human scale, whatever the target was
        bias = float(data.y[c][train].mean() - (z[train][:, cols] @ w).mean())
        weights = {names[j]: round(float(v), 5) for j, v in zip(cols, w, strict=True)}
        model["criteria"][c] = {"bias": round(bias, 5), "weights": weights, "target": mode,
                                "cv_tau": round(cv, 4)}
        print(f"  {c}: {mode} target, {chosen}, cv tau {cv:.3f}", file=sys.stderr)
    return model


def predict(model: dict[str, Any], rows: list[dict[str, float]]) -> dict[str, np.ndarray]:
    """The six criteria for every row, exactly as `calibrate.story_scores` computes them."""
    out = {}
    for c in STORY_CRITERIA:
        m = model["criteria"][c]
        x = np.array([[(r[f] - model["mean"][f]) / model["scale"][f] for f in m["weights"]]
                      for r in rows]).reshape(len(rows), -1)
        w = np.array([m["weights"][f] for f in m["weights"]])
        out[c] = np.clip(m["bias"] + np.clip(x, -calibrate.CLIP, calibrate.CLIP) @ w, 1.0, 5.0)
    return out


def verdict_cuts(model: dict[str, Any], data: Data) -> dict[str, float]:
    """Overall-score quantiles on every story of prompts 0-47 (humans included) at 70 / 95 %."""
    pred = predict(model, data.final_rows())
    overall = np.mean([pred[c] for c in STORY_CRITERIA], axis=0)
    train = np.isin(data.prompt, list(TRAIN))
    return {"consider": round(float(np.quantile(overall[train], 0.70)), 3),
            "recommend": round(float(np.quantile(overall[train], 0.95)), 3)}
