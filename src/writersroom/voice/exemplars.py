"""Pick the reference passages most like what is about to be written.

MiniLM sentence embeddings (the `eval` extra) when installed, otherwise a lexical fallback:
cosine over content words weighted by inverse passage frequency. Either way a query gets the
`k` nearest passages, best first.

    >>> lexical_nearest("a storm at sea", ["We sail at dawn.", "The storm broke the sea wall."], 1)
    [1]
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from writersroom.voice.stylometry import content_words


def lexical_nearest(query: str, passages: Sequence[str], k: int) -> list[int]:
    """Indices of the `k` passages nearest `query` by IDF-weighted content-word cosine; ties
    keep passage order."""
    bags = [Counter(content_words(p)) for p in passages]
    df = Counter(w for bag in bags for w in bag)
    n = len(passages)

    def vector(bag: Counter[str]) -> dict[str, float]:
        v = {w: c * math.log(1 + n / (1 + df[w])) for w, c in bag.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    q = vector(Counter(content_words(query)))
    scores = [sum(q.get(w, 0.0) * x for w, x in vector(bag).items()) for bag in bags]
    return sorted(range(n), key=lambda i: (-scores[i], i))[:k]


def nearest(
    query: str, passages: Sequence[str], k: int = 2, *, embeddings: bool = True
) -> list[str]:
    """The `k` passages most similar to `query` (MiniLM when available and `embeddings`)."""
    if not passages or k <= 0:
        return []
    if embeddings:
        from writersroom.evaluate import embed

        if embed.available():
            vectors = embed.load_embedder().encode([query, *passages])
            scores = vectors[1:] @ vectors[0]
            order = sorted(range(len(passages)), key=lambda i: (-float(scores[i]), i))
            return [passages[i] for i in order[:k]]
    return [passages[i] for i in lexical_nearest(query, passages, k)]
