"""Choosing among takes (best-of-N): a scorer maps candidate scene texts to numbers, higher better.

    Scorer = Callable[[Sequence[str], str], list[float]]    # (texts, premise) -> scores

`simple_score` is the built-in: no model, a few milliseconds. Any function with the same shape can
replace it, e.g. the evaluation module's `writersroom.evaluate.score_texts` once installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

Scorer = Callable[[Sequence[str], str], list[float]]

_WORD = re.compile(r"[a-z']+")
_CUE = re.compile(r"^[A-Z][A-Z0-9 .'&-]+$", re.M)
_STOP_WORDS = (
    "a an the and or but of to in on at for with from by is are was were be been it its this "
    "that he she they them his her their you your i we our as into out up down not no"
)
_STOP = frozenset(_STOP_WORDS.split())


def simple_score(texts: Sequence[str], premise: str) -> list[float]:
    """Reward variety of words, a mix of dialogue and action, several speakers, and words shared
    with the premise (the scene's summary); penalize very short takes.

    >>> a, b = simple_score(["Maya runs. Maya runs. Maya runs.",
    ...                      "Maya opens the lighthouse door.\\n\\nMAYA\\nWho lit the lamp?"],
    ...                     "Maya finds the lighthouse lamp lit")
    >>> b > a
    True
    """
    topic = {w for w in _WORD.findall(premise.lower()) if w not in _STOP}
    scores = []
    for text in texts:
        words = _WORD.findall(text.lower())
        if not words:
            scores.append(0.0)
            continue
        variety = len(set(words)) / len(words)
        content = {w for w in words if w not in _STOP}
        relevance = len(content & topic) / max(1, len(topic))
        cues = _CUE.findall(text)
        paragraphs = max(1, text.count("\n\n") + 1)
        dialogue_share = len(cues) / paragraphs
        balance = 1.0 - abs(dialogue_share - 0.55)
        speakers = min(len(set(cues)), 3) / 3
        length = min(len(words), 120) / 120
        scores.append(variety + relevance + 0.5 * balance + 0.3 * speakers + 0.5 * length)
    return scores
