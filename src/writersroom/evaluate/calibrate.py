"""Scores from signals: linear models fitted to human judgments, and the verdict thresholds.

`calibration.json` (beside this file) holds, for each feature set, the mean and scale of every
signal and one linear model per HANNA criterion, fitted on HANNA prompts 0-47 only by
`benchmarks/hanna.py --fit` (HANNA prompts 48-95 are kept for the validation):

    {"sets": {"full": {"features": [...], "mean": {...}, "scale": {...},
                       "criteria": {"relevance": {"bias": 2.6, "weights": {...}}, ...}},
              "fast": {...}},
     "verdict": {"consider": 3.1, "recommend": 3.7}}

`full` uses code, embedding and perplexity signals; `fast` leaves perplexity out (no language
model); `text` leaves embeddings out too. The verdict thresholds are quantiles of the overall
score on the fitting stories, chosen so that Pass / Consider / Recommend fall about 70 / 25 / 5 %,
the base rates at coverage services.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import numpy as np

from writersroom.evaluate.records import STORY_CRITERIA, Verdict

FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "text": (
        "log_words", "repetition_3", "distinct_2", "moving_ttr", "mean_word_length",
        "mean_sentence_words", "sentence_case", "premise_overlap", "top_word_share",
        "sentence_spread",
        # narrative.py
        "emotion_rate", "mental_rate", "inner_states", "first_person", "third_person",
        "named_characters", "mood_swing", "turn_rate", "ending_novelty",
    ),
}
FEATURE_SETS["fast"] = (
    *FEATURE_SETS["text"],
    "premise_similarity", "opening_similarity", "window_coherence", "weakest_link",
    "centroid_similarity", "ending_shift", "ending_drift", "feeling", "twist",
)
FEATURE_SETS["full"] = (*FEATURE_SETS["fast"], "mean_loss", "loss_sd", "high_loss_share")
# perplexity of the last 128 tokens (perplexity.ending_signals): measured only with
# `benchmarks/hanna.py --ending` (one more language-model pass over HANNA)
ENDING_SIGNALS = ("tail_loss", "tail_drop")

CLIP = 4.0                  # standardized signals are clipped to +-CLIP (no wild extrapolation)
BASE_RATES = {"Pass": 0.70, "Consider": 0.25, "Recommend": 0.05}


@functools.cache
def calibration() -> dict[str, Any]:
    """The fitted coefficients shipped with the package."""
    text = resources.files("writersroom.evaluate").joinpath("calibration.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def weighed(set_name: str) -> set[str]:
    """The signals a shipped feature set's models actually weigh (what scoring needs)."""
    model = calibration()["sets"][set_name]
    return {f for m in model["criteria"].values() for f in m["weights"]}


def feature_set(available: Mapping[str, float]) -> str:
    """The richest fitted feature set whose weighed signals are all present."""
    for name in ("full", "fast", "text"):
        if name in calibration()["sets"] and weighed(name) <= set(available):
            return name
    raise ValueError("the signals lack even the text feature set")


def story_scores(signals: Mapping[str, float], set_name: str | None = None) -> dict[str, float]:
    """HANNA's six criteria, 1-5, from one text's signals."""
    name = set_name or feature_set(signals)
    model = calibration()["sets"][name]
    z = {
        f: float(np.clip((signals[f] - model["mean"][f]) / model["scale"][f], -CLIP, CLIP))
        for f in weighed(name)
    }
    out = {}
    for criterion in STORY_CRITERIA:
        m = model["criteria"][criterion]
        value = m["bias"] + sum(w * z[f] for f, w in m["weights"].items())
        out[criterion] = float(np.clip(value, 1.0, 5.0))
    return out


def uses(signals: Sequence[str]) -> bool:
    """Whether any shipped model weighs any of `signals` (so they are worth measuring)."""
    return any(set(signals) & weighed(name) for name in calibration()["sets"])


def verdict(overall: float) -> Verdict:
    """Pass / Consider / Recommend from the overall score, by the calibrated thresholds."""
    cut = calibration()["verdict"]
    if overall >= cut["recommend"]:
        return "Recommend"
    if overall >= cut["consider"]:
        return "Consider"
    return "Pass"


# --- fitting (used by benchmarks/hanna.py --fit; pure numpy) --------------------------------

def fit_linear(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, *, ridge: float = 1.0
) -> tuple[np.ndarray, float]:
    """Ridge weights that rank items within each group (both sides centred per group), and the
    bias that matches the overall mean. `x` is standardized (n, k), `y` is (n,)."""
    xc, yc = x.copy(), y.astype(np.float64).copy()
    for g in np.unique(groups):
        m = groups == g
        xc[m] -= xc[m].mean(0)
        yc[m] -= yc[m].mean()
    k = x.shape[1]
    w = np.linalg.solve(xc.T @ xc + ridge * np.eye(k), xc.T @ yc)
    bias = float(y.mean() - (x @ w).mean())
    return w, bias


def kendall_tau(a: Sequence[float], b: Sequence[float]) -> float:
    """Kendall's tau-b (ties in either list handled); 0 when one list is constant.

    >>> kendall_tau([1, 2, 3], [1, 3, 2])
    0.3333333333333333
    """
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    i, j = np.triu_indices(len(x), 1)
    dx, dy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
    n0 = len(i)
    tx, ty = n0 - int(np.count_nonzero(dx)), n0 - int(np.count_nonzero(dy))
    denom = np.sqrt(float(n0 - tx) * float(n0 - ty))
    return float((dx * dy).sum() / denom) if denom > 0 else 0.0
