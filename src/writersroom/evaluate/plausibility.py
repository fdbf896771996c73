"""A learned plausibility signal: does a passage read like human narrative, or like the
corruptions generated text shows? Trained without human labels, in the spirit of UNION (Guan &
Huang, EMNLP 2020): positives are passages of human-written text, negatives are the same
passages corrupted (repeated sentences and phrases, shuffled or dropped sentences, swapped names
and pronouns, contradicted facts, sentences from another text, an abrupt ending).

    head = load_head()                                  # plausibility.npz beside this file
    plausibility(embedder, ["It rained. Ann ran home.", ...], head)   # [1.3, ...]  (logits)

The model is a small two-layer network over FEATURES: cheap token statistics (repetition,
variety, word overlap between neighbouring sentences, the ending) and statistics of MiniLM
sentence vectors (neighbour similarity against distant-pair similarity, the sentence furthest
from the rest, near-duplicates). It reads order and repetition, not topic, so it carries over
from the training text to stories and scenes it never saw. `train_head` refits it (numpy only,
a minute on a CPU); `python benchmarks/generalise.py --train-signal` rebuilds the shipped file.
"""

from __future__ import annotations

import functools
import io
import itertools
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

from writersroom.evaluate import text as textsig
from writersroom.evaluate.embed import Embedder

Array = npt.NDArray[np.float64]

MAX_SENTENCES = 24          # sentences read per passage (spread over it)
HIDDEN = 16
FEATURES = (
    "sentences", "repetition_2", "repetition_3", "duplicate_share", "distinct_1",
    "overlap_mean", "overlap_min", "overlap_gap", "ends_cleanly", "last_ratio",
    "near_gap", "adjacent_mean", "adjacent_min", "adjacent_sd", "centroid_min",
    "centroid_mean", "duplicate_max", "first_last", "order_gap", "name_singletons",
)
CORRUPTIONS = ("repeat", "loop", "shuffle", "drop", "swap_names", "contradict", "off_topic",
               "truncate")

_NAME = re.compile(r"(?<![.!?\"“] )(?<!^)\b[A-Z][a-z]{2,}\b")
_PRONOUNS = {"he": "she", "she": "he", "his": "her", "her": "his", "him": "her",
             "they": "he", "we": "they", "i": "he", "you": "they"}
_ANTONYMS = {"day": "night", "night": "day", "alive": "dead", "dead": "alive", "open": "closed",
             "closed": "open", "old": "young", "young": "old", "cold": "hot", "hot": "cold",
             "loved": "hated", "hated": "loved", "left": "arrived", "arrived": "left",
             "always": "never", "never": "always", "before": "after", "after": "before",
             "found": "lost", "lost": "found", "up": "down", "down": "up", "first": "last",
             "last": "first", "smiled": "frowned", "laughed": "wept", "won": "lost"}
_NEGATABLE = re.compile(r"\b(was|is|were|are|had|could|would|did)\b( not)?")


# --- corruptions ---------------------------------------------------------------------------

def _swap_word(sentence: str, table: dict[str, str], rng: random.Random) -> str:
    tokens = sentence.split(" ")
    spots = [i for i, t in enumerate(tokens) if t.lower().strip(".,;:!?\"'") in table]
    if not spots:
        return sentence
    i = rng.choice(spots)
    core = tokens[i].lower().strip(".,;:!?\"'")
    new = table[core]
    new = new.capitalize() if tokens[i][:1].isupper() else new
    tokens[i] = tokens[i].replace(tokens[i].strip(".,;:!?\"'"), new, 1)
    return " ".join(tokens)


def _negate(sentence: str) -> str:
    m = _NEGATABLE.search(sentence)
    if m is None:
        return sentence
    flipped = m.group(1) if m.group(2) else f"{m.group(1)} not"
    return sentence[: m.start()] + flipped + sentence[m.end():]


def corrupt(sents: Sequence[str], other: Sequence[str], rng: random.Random,
            kind: str | None = None) -> list[str]:
    """`sents` with one corruption (`kind`, or one drawn at random) applied; `other` is another
    text's sentences (for off-topic insertions). Always returns a changed list when it can."""
    out = list(sents)
    n = len(out)
    kind = kind or rng.choice(CORRUPTIONS)
    if kind == "repeat":                  # a sentence or a phrase said again further on
        i = rng.randrange(n)
        said = out[i]
        if rng.random() < 0.5:
            words = said.split()
            said = " ".join(words[: max(3, len(words) // 2)]) + "."
        out.insert(rng.randrange(i + 1, n + 1), said)
    elif kind == "loop":                  # the generator gets stuck: one sentence 2-4 times more
        i = rng.randrange(n)
        out[i + 1:i + 1] = [out[i]] * rng.randint(2, 4)
    elif kind == "shuffle":
        if rng.random() < 0.5:
            rng.shuffle(out)
        else:                             # a span moved elsewhere
            i, j = sorted(rng.sample(range(n + 1), 2))
            span, rest = out[i:j], out[:i] + out[j:]
            k = rng.randrange(len(rest) + 1)
            out = rest[:k] + span + rest[k:]
    elif kind == "drop":
        keep = sorted(rng.sample(range(n), max(2, n // 2)))
        out = [out[i] for i in keep]
    elif kind == "swap_names":
        names = sorted({m.group() for s in out for m in _NAME.finditer(s)})
        for _ in range(max(1, n // 3)):
            i = rng.randrange(n)
            found = [m.group() for m in _NAME.finditer(out[i])]
            if len(names) >= 2 and found and rng.random() < 0.6:
                old = rng.choice(found)
                out[i] = out[i].replace(old, rng.choice([x for x in names if x != old]), 1)
            else:
                out[i] = _swap_word(out[i], _PRONOUNS, rng)
    elif kind == "contradict":
        for _ in range(max(1, n // 3)):
            i = rng.randrange(n)
            changed = _swap_word(out[i], _ANTONYMS, rng)
            out[i] = changed if changed != out[i] else _negate(out[i])
    elif kind == "off_topic":
        pool = list(other) or ["Meanwhile the price of wheat rose in the northern markets."]
        for _ in range(rng.randint(1, max(1, n // 3))):
            out[rng.randrange(n)] = rng.choice(pool)
    elif kind == "truncate":
        cut = rng.randint(max(1, n // 2), n)
        out = out[:cut]
        words = out[-1].split()
        out[-1] = " ".join(words[: max(1, rng.randint(1, max(1, len(words) - 1)))])
    return out


# --- features ------------------------------------------------------------------------------

def _spread(sents: Sequence[str], limit: int = MAX_SENTENCES) -> list[str]:
    if len(sents) <= limit:
        return list(sents)
    step = (len(sents) - 1) / (limit - 1)
    return [sents[round(i * step)] for i in range(limit)]


def split(text: str) -> list[str]:
    """The sentences a passage is read as (at most MAX_SENTENCES, spread over it)."""
    return _spread(textsig.sentences(text)) or [text.strip() or "."]


def _repetition(tokens: Sequence[str], n: int) -> float:
    grams = textsig.ngrams(tokens, n)
    if not grams:
        return 0.0
    counts = Counter(grams)
    return sum(c - 1 for c in counts.values()) / len(grams)


def token_features(sents: Sequence[str]) -> dict[str, float]:
    """The cheap half of FEATURES: repetition, variety, word overlap, the ending, names."""
    tokens = [w for s in sents for w in textsig.words(s)]
    keys = [" ".join(textsig.words(s)) for s in sents]
    bags = [set(textsig.content_words(textsig.words(s))) for s in sents]
    overlap = [len(a & b) / max(1, len(a | b)) for a, b in itertools.pairwise(bags)]
    far = [len(bags[i] & bags[j]) / max(1, len(bags[i] | bags[j]))
           for i in range(len(bags)) for j in range(i + 2, len(bags))]
    lengths = [len(s.split()) for s in sents]
    names = Counter(m.group() for s in sents for m in _NAME.finditer(s))
    return {
        "sentences": float(np.log1p(len(sents))),
        "repetition_2": _repetition(tokens, 2),
        "repetition_3": _repetition(tokens, 3),
        "duplicate_share": 1.0 - len(set(keys)) / max(1, len(keys)),
        "distinct_1": len(set(tokens)) / max(1, len(tokens)),
        "overlap_mean": float(np.mean(overlap)) if overlap else 0.0,
        "overlap_min": float(np.min(overlap)) if overlap else 0.0,
        "overlap_gap": (float(np.mean(overlap)) - float(np.mean(far))) if overlap and far
        else 0.0,
        "ends_cleanly": 1.0 if sents[-1].rstrip("\"”’')] ").endswith((".", "!", "?", "…"))
        else 0.0,
        "last_ratio": lengths[-1] / max(1.0, float(np.mean(lengths))),
        "name_singletons": sum(1 for c in names.values() if c == 1) / max(1, len(sents)),
    }


def vector_features(vectors: Array) -> dict[str, float]:
    """The embedding half of FEATURES, from unit sentence vectors in reading order (n, 384)."""
    n = len(vectors)
    if n < 2:
        return {"near_gap": 0.0, "adjacent_mean": 1.0, "adjacent_min": 1.0, "adjacent_sd": 0.0,
                "centroid_min": 1.0, "centroid_mean": 1.0, "duplicate_max": 0.0,
                "first_last": 1.0, "order_gap": 0.0}
    sims = vectors @ vectors.T
    adjacent = np.diag(sims, 1)
    i, j = np.triu_indices(n, 2)
    far = sims[i, j]
    centroid = vectors.mean(0)
    # each sentence against the mean of the others: an inserted or off-topic one stands out
    rest = (centroid * n - vectors) / max(1, n - 1)
    to_rest = (vectors * rest).sum(1) / np.maximum(np.linalg.norm(rest, axis=1), 1e-6)
    # neighbours should be closer than sentences two or more apart, and in reading order
    # closer than reversed order steps (the gap between consecutive and skip-one similarity)
    skip = np.diag(sims, 2) if n > 2 else adjacent
    return {
        "near_gap": float(adjacent.mean() - far.mean()) if len(far) else 0.0,
        "adjacent_mean": float(adjacent.mean()),
        "adjacent_min": float(adjacent.min()),
        "adjacent_sd": float(adjacent.std()),
        "centroid_min": float(to_rest.min()),
        "centroid_mean": float(to_rest.mean()),
        "duplicate_max": float(sims[np.triu_indices(n, 1)].max()),
        "first_last": float(sims[0, -1]),
        "order_gap": float(adjacent.mean() - skip.mean()),
    }


def feature_rows(embedder: Embedder, passages: Sequence[Sequence[str]]) -> Array:
    """FEATURES for each passage (given as its sentences); every distinct sentence is encoded
    once."""
    unique = list(dict.fromkeys(s for p in passages for s in p))
    encoded = embedder.encode(unique) if unique else np.zeros((0, 384), dtype=np.float32)
    index = {s: k for k, s in enumerate(unique)}
    rows = []
    for p in passages:
        vectors = encoded[[index[s] for s in p]].astype(np.float64)
        f = token_features(p) | vector_features(vectors)
        rows.append([f[name] for name in FEATURES])
    return np.asarray(rows, dtype=np.float64)


# --- the model -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    """A two-layer network over standardized FEATURES: logit = w2 . tanh(W1 z + b1) + b2."""

    mean: Array
    scale: Array
    w1: Array          # (HIDDEN, len(FEATURES))
    b1: Array
    w2: Array          # (HIDDEN,)
    b2: float

    def logits(self, rows: Array) -> Array:
        z = np.clip((rows - self.mean) / self.scale, -6.0, 6.0)
        out: Array = np.tanh(z @ self.w1.T + self.b1) @ self.w2 + self.b2
        return out

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, features=np.array(FEATURES), mean=self.mean,
                            scale=self.scale, w1=self.w1, b1=self.b1, w2=self.w2,
                            b2=np.array([self.b2]))
        return buffer.getvalue()


def _read(data: bytes) -> Head:
    z = np.load(io.BytesIO(data))
    if tuple(str(x) for x in z["features"]) != FEATURES:
        raise ValueError("plausibility head was trained on other features; retrain it")
    return Head(z["mean"], z["scale"], z["w1"], z["b1"], z["w2"], float(z["b2"][0]))


@functools.cache
def load_head() -> Head:
    """The shipped head (plausibility.npz beside this module)."""
    data = resources.files("writersroom.evaluate").joinpath("plausibility.npz").read_bytes()
    return _read(data)


def plausibility(embedder: Embedder, texts: Sequence[str], head: Head | None = None
                 ) -> list[float]:
    """One logit per text: above 0 reads like clean human text, below like a corrupted one."""
    if not texts:
        return []
    head = head or load_head()
    return [float(x) for x in head.logits(feature_rows(embedder, [split(t) for t in texts]))]


def corrupted_pairs(passages: Sequence[Sequence[str]], seed: int = 0
                    ) -> tuple[list[list[str]], list[int], list[str]]:
    """Every passage once as it is (label 1) and once corrupted (label 0), with the kind."""
    rng = random.Random(seed)
    out, labels, kinds = [], [], []
    for k, p in enumerate(passages):
        other = passages[(k + 1 + rng.randrange(max(1, len(passages) - 1))) % len(passages)]
        kind = rng.choice(CORRUPTIONS)
        bad = corrupt(p, other, rng, kind)
        out += [list(p), _spread(bad)]
        labels += [1, 0]
        kinds += ["clean", kind]
    return out, labels, kinds


def train_head(rows: Array, labels: Sequence[int], *, seed: int = 0, steps: int = 1500,
               hidden: int = HIDDEN, decay: float = 1e-3) -> Head:
    """Fit the network by full-batch Adam on the logistic loss (numpy; seconds)."""
    y = np.asarray(labels, dtype=np.float64)
    mean, scale = rows.mean(0), rows.std(0) + 1e-6
    z = np.clip((rows - mean) / scale, -6.0, 6.0)
    rng = np.random.default_rng(seed)
    params = [rng.normal(0, 1 / np.sqrt(z.shape[1]), (hidden, z.shape[1])), np.zeros(hidden),
              rng.normal(0, 1 / np.sqrt(hidden), hidden), np.zeros(1)]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    lr, b1, b2 = 0.02, 0.9, 0.999
    for t in range(1, steps + 1):
        w1, c1, w2, c2 = params
        h = np.tanh(z @ w1.T + c1)
        p = 1 / (1 + np.exp(-(h @ w2 + c2[0])))
        g = (p - y) / len(y)                             # d loss / d logit
        dh = np.outer(g, w2) * (1 - h**2)
        grads = [dh.T @ z + decay * w1, dh.sum(0), h.T @ g + decay * w2, np.array([g.sum()])]
        for k, (param, grad) in enumerate(zip(params, grads, strict=True)):
            m, v = moments[k]
            m[:] = b1 * m + (1 - b1) * grad
            v[:] = b2 * v + (1 - b2) * grad**2
            param -= lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + 1e-8)
    return Head(mean, scale, params[0], params[1], params[2], float(params[3][0]))


def windows(text: str, size: int = 10, *, min_words: int = 4) -> list[list[str]]:
    """A text's sentences in consecutive runs of `size` (the training passages); runs with a
    sentence shorter than `min_words` words are left out, so passages read as prose."""
    sents = textsig.sentences(text)
    out = []
    for i in range(0, len(sents) - size + 1, size):
        run = sents[i : i + size]
        if all(len(s.split()) >= min_words for s in run):
            out.append(run)
    return out
