"""Measures of how a text is written, by code alone: words, sentences, function-word frequencies
and Burrows' Delta. Pure functions; the voice profiles and the style profiles are built on them.

Burrows' Delta (2002) compares texts by the relative frequencies of the most frequent words,
which are mostly function words ("the", "of", "I", "but"): each frequency is turned into a
z-score against a reference population, and the Delta between two texts is the mean absolute
difference of their z-scores. The smaller the Delta, the likelier the same author.

    >>> words("Don't STOP, Mary-Ann!")
    ["don't", 'stop', 'mary', 'ann']
    >>> sentences("Go. Now! Why?")
    ['Go.', 'Now!', 'Why?']
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+[\"”’')\]]*|$)")

# The function words used for Delta and as stop words: the 150 most frequent words of English
# prose are mostly these; topic words (names, places) are left out on purpose.
_FUNCTION_TEXT = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can cannot could did do does doing done down during each
    either enough ever every few for from further had has have having he her here hers herself
    him himself his how however i if in indeed into is it its itself just least less let like
    may me might mine more most much must my myself neither never no nor not now of off often
    on once one only or other ought our ours ourselves out over own perhaps quite rather same
    shall she should since so some still such than that the their theirs them themselves then
    there these they this those though through thus till to too under until up upon us very
    was we well were what when where whether which while who whom whose why will with within
    without would yes yet you your yours yourself oh ah o thee thou thy sir"""
FUNCTION_WORDS: tuple[str, ...] = tuple(_FUNCTION_TEXT.split())
_FUNCTION = frozenset(FUNCTION_WORDS)


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, apostrophes kept inside words."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def sentences(text: str) -> list[str]:
    """The sentences of `text` (a trailing fragment counts as one)."""
    return [s.strip() for s in _SENTENCE.findall(" ".join(text.split())) if s.strip()]


def is_function_word(word: str) -> bool:
    return word in _FUNCTION


def content_words(text: str) -> list[str]:
    """Words that carry meaning: not function words, not contractions of them, two letters up.

    >>> content_words("I don't mind the rain, Maya.")
    ['mind', 'rain', 'maya']
    """
    return [w for w in words(text) if len(w) > 2 and w not in _FUNCTION and "'" not in w]


def frequencies(text: str, vocabulary: Sequence[str] = FUNCTION_WORDS) -> dict[str, float]:
    """Relative frequency (per word of `text`) of each word of `vocabulary`."""
    tokens = words(text)
    counts = Counter(tokens)
    total = len(tokens) or 1
    return {w: counts[w] / total for w in vocabulary}


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def spread(values: Sequence[float]) -> float:
    """Population standard deviation (0 for fewer than two values)."""
    if len(values) < 2:
        return 0.0
    m = mean(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / len(values))


def chunked(text: str, size: int = 300) -> list[str]:
    """`text` as pieces of `size` words (a short remainder joins the last piece).

    >>> [len(c.split()) for c in chunked("w " * 700, 300)]
    [300, 400]
    """
    tokens = text.split()
    pieces = [" ".join(tokens[i : i + size]) for i in range(0, len(tokens), size)]
    if len(pieces) > 1 and len(pieces[-1].split()) < size // 2:
        pieces[-2:] = [pieces[-2] + " " + pieces[-1]]
    return pieces or [""]


def delta(a: Mapping[str, float], b: Mapping[str, float], stds: Mapping[str, float]) -> float:
    """Burrows' Delta between two frequency profiles: the mean absolute difference of their
    z-scores (the population mean cancels out, so only the spreads `stds` are needed), over the
    words with a spread.

    >>> round(delta({"the": 0.06}, {"the": 0.04}, {"the": 0.01}), 6)
    2.0
    """
    keys = [w for w, s in stds.items() if s > 0]
    if not keys:
        return 0.0
    return sum(abs(a.get(w, 0.0) - b.get(w, 0.0)) / stds[w] for w in keys) / len(keys)


def pooled(
    groups: Sequence[tuple[Mapping[str, float], Mapping[str, float]]],
) -> tuple[dict[str, float], dict[str, float]]:
    """The population means and standard deviations of word frequencies from each group's
    (means, stds) over its chunks, every group (an author) weighted equally.

    >>> pooled([({"the": 0.04}, {"the": 0.0}), ({"the": 0.06}, {"the": 0.0})])
    ({'the': 0.05}, {'the': 0.01})
    """
    vocabulary = sorted({w for means, _ in groups for w in means})
    means: dict[str, float] = {}
    stds: dict[str, float] = {}
    for w in vocabulary:
        m = mean([g[0].get(w, 0.0) for g in groups])
        var = mean([g[1].get(w, 0.0) ** 2 + (g[0].get(w, 0.0) - m) ** 2 for g in groups])
        means[w], stds[w] = round(m, 12), round(math.sqrt(var), 12)
    return means, stds
