"""Speaker distinctiveness: can a simple classifier tell the speakers apart from their lines alone?

Each dialogue block becomes a sparse vector of words and character trigrams. Every block is then
classified, leave-one-out, by the nearest speaker centroid (cosine) built from that speaker's
other blocks. Balanced accuracy is rescaled so that chance is 0 and perfect is 1. Ties count as a
fraction of a hit, so two speakers with identical lines score 0, not 1.

    >>> lines = {"ANN": ["Arr, the sea calls, matey!", "Ahoy, matey! Arr!", "Arr, sail, matey!"],
    ...          "BOB": ["The invoices are due Monday.", "File the invoices by Monday.",
    ...                  "On Monday we audit the invoices."]}
    >>> distinctiveness(lines) > 0.9
    True
    >>> distinctiveness({"ANN": ["Hello there.", "Fine."], "BOB": ["Hello there.", "Fine."]})
    0.0
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

_TOKEN = re.compile(r"[a-z']+|[!?.,;:-]")

MIN_LINES = 2          # a speaker needs at least this many blocks to be classified
MAX_SPEAKERS = 8       # the most talkative ones; walk-ons do not change the picture


def features(line: str) -> Counter[str]:
    """Words, punctuation and character trigrams of one dialogue block."""
    text = line.lower()
    feats: Counter[str] = Counter("w:" + t for t in _TOKEN.findall(text))
    padded = f" {' '.join(text.split())} "
    feats.update("c:" + padded[i : i + 3] for i in range(len(padded) - 2))
    return feats


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def _norm2(a: Mapping[str, float]) -> float:
    return sum(v * v for v in a.values())


def _unit(c: Counter[str]) -> dict[str, float]:
    n = math.sqrt(_norm2(c)) or 1.0
    return {k: v / n for k, v in c.items()}


def per_speaker_recall(lines: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """Leave-one-out nearest-centroid recall for each speaker with at least MIN_LINES blocks."""
    kept = sorted(
        (s for s, ls in lines.items() if len(ls) >= MIN_LINES), key=lambda s: -len(lines[s])
    )[:MAX_SPEAKERS]
    if len(kept) < 2:
        return {}
    vectors = {s: [_unit(features(line)) for line in lines[s]] for s in kept}
    sums: dict[str, dict[str, float]] = {}
    for s in kept:
        total: dict[str, float] = {}
        for v in vectors[s]:
            for k, x in v.items():
                total[k] = total.get(k, 0.0) + x
        sums[s] = total
    sum_norm2 = {s: _norm2(sums[s]) for s in kept}
    recall: dict[str, float] = {}
    for s in kept:
        hits = 0.0
        for v in vectors[s]:
            scores = {}
            for t in kept:
                dot = _dot(v, sums[t])
                if t == s:   # remove the block itself from its own speaker's centroid
                    norm2 = sum_norm2[t] - 2 * dot + 1.0
                    dot -= 1.0
                else:
                    norm2 = sum_norm2[t]
                scores[t] = dot / math.sqrt(norm2) if norm2 > 1e-12 else 0.0
            best = max(scores.values())
            tied = [t for t, x in scores.items() if x >= best - 1e-9]
            if s in tied:
                hits += 1.0 / len(tied)
        recall[s] = hits / len(vectors[s])
    return recall


def distinctiveness(lines: Mapping[str, Sequence[str]]) -> float:
    """0 (speakers interchangeable) .. 1 (every block attributed right); 0 with < 2 speakers."""
    recall = per_speaker_recall(lines)
    if not recall:
        return 0.0
    chance = 1.0 / len(recall)
    balanced = sum(recall.values()) / len(recall)
    return max(0.0, min(1.0, (balanced - chance) / (1.0 - chance)))
