"""Signals computed from plain text by code alone: length, repetition, variety, sentence shape
(mean length and spread), readability, and word overlap with the premise. Pure functions, no
model, microseconds per page.

    >>> s = text_signals("The ship sank. The crew swam home.", "a ship sinks")
    >>> s["words"], round(s["premise_overlap"], 2)
    (7.0, 0.5)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+[\"”’')\]]*|$)")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_STOP = frozenset(
    [
        "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "for", "with",
        "from", "by", "into", "onto", "over", "under", "about", "as", "is", "are", "was", "were",
        "be", "been", "being", "am", "it", "its", "it's", "this", "that", "these", "those", "he",
        "she", "they", "them", "him", "her", "his", "hers", "their", "theirs", "i", "me", "my",
        "mine", "you", "your", "yours", "we", "us", "our", "ours", "not", "no", "so", "if", "then",
        "than", "there", "here", "what", "who", "whom", "when", "where", "why", "how", "which",
        "do", "does", "did", "done", "have", "has", "had", "will", "would", "shall", "should",
        "can", "could", "may", "might", "must", "just", "very", "too", "also", "all", "any", "some",
        "each", "every", "one", "two", "up", "down", "out", "off", "again", "once", "only", "own",
        "same", "such", "more", "most", "other",
    ]
)


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased (apostrophes kept inside words).

    >>> words("Don't STOP, Mary-Ann!")
    ["don't", 'stop', 'mary', 'ann']
    """
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def sentences(text: str) -> list[str]:
    """Split prose into sentences at . ! ? … followed by space (quotes kept with their sentence).

    >>> sentences('He ran. "Stop!" Mary said. Fine')
    ['He ran.', '"Stop!"', 'Mary said.', 'Fine']
    """
    parts = (m.group().strip() for m in _SENTENCE.finditer(text.replace("\n", " ")))
    return [p for p in parts if p.strip("\"”’')] ")]


def content_words(tokens: Sequence[str]) -> list[str]:
    """The tokens that are not function words."""
    return [w for w in tokens if w not in _STOP and len(w) > 1]


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """The overlapping n-grams of `tokens`.

    >>> ngrams(["a", "b", "c"], 2)
    [('a', 'b'), ('b', 'c')]
    """
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def repetition(tokens: Sequence[str], n: int = 3) -> float:
    """Share of n-grams that repeat an earlier one (0 = none repeat).

    >>> repetition("a b c a b c".split(), 3)
    0.25
    """
    grams = ngrams(tokens, n)
    return 1.0 - len(set(grams)) / len(grams) if grams else 0.0


def distinct(tokens: Sequence[str], n: int = 2) -> float:
    """Distinct-n: distinct n-grams over all n-grams (1 = no repeats)."""
    grams = ngrams(tokens, n)
    return len(set(grams)) / len(grams) if grams else 1.0


def moving_ttr(tokens: Sequence[str], window: int = 50, step: int = 10) -> float:
    """Mean type-token ratio over sliding windows, so long and short texts compare fairly."""
    if len(tokens) < window:
        return len(set(tokens)) / len(tokens) if tokens else 0.0
    starts = range(0, len(tokens) - window + 1, step)
    return sum(len(set(tokens[i : i + window])) for i in starts) / (window * len(starts))


def syllables(word: str) -> int:
    """A heuristic syllable count (vowel groups, silent final e).

    >>> [syllables(w) for w in ("cat", "table", "banana", "the")]
    [1, 2, 3, 1]
    """
    w = word.lower().strip("'")
    count = len(_VOWEL_GROUPS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def readability(text: str) -> tuple[float, float]:
    """(Flesch reading ease, Flesch-Kincaid grade) of `text`; (0, 0) for empty text."""
    tokens = words(text)
    if not tokens:
        return 0.0, 0.0
    n_sent = max(1, len(sentences(text)))
    per_sentence = len(tokens) / n_sent
    per_word = sum(syllables(w) for w in tokens) / len(tokens)
    ease = 206.835 - 1.015 * per_sentence - 84.6 * per_word
    grade = 0.39 * per_sentence + 11.8 * per_word - 15.59
    return ease, grade


def sentence_case(text: str) -> float:
    """Share of sentences that start with a capital letter (careless text starts lower-case)."""
    sents = sentences(text)
    if not sents:
        return 0.0
    starts = (s.lstrip("\"'“‘*(-_ ")[:1] for s in sents)
    return sum(1 for c in starts if c.isupper() or c.isdigit()) / len(sents)


def premise_overlap(tokens: Sequence[str], premise: str) -> float:
    """Share of the premise's content words that the text uses."""
    wanted = set(content_words(words(premise)))
    if not wanted:
        return 0.0
    return len(wanted & set(tokens)) / len(wanted)


def text_signals(text: str, premise: str = "") -> dict[str, float]:
    """Every text signal by name (the names calibration.json refers to)."""
    tokens = words(text)
    sents = sentences(text)
    ease, grade = readability(text)
    counts = Counter(tokens)
    top = counts.most_common(1)[0][1] / len(tokens) if tokens else 0.0
    lengths = [len(words(s)) for s in sents]
    mean_len = sum(lengths) / len(lengths) if lengths else 0.0
    spread = math.sqrt(sum((n - mean_len) ** 2 for n in lengths) / len(lengths)) if lengths else 0.0
    return {
        "words": float(len(tokens)),
        "log_words": math.log1p(len(tokens)),
        "sentences": float(len(sents)),
        "mean_sentence_words": len(tokens) / len(sents) if sents else 0.0,
        "sentence_spread": spread,
        "mean_word_length": sum(map(len, tokens)) / len(tokens) if tokens else 0.0,
        "repetition_3": repetition(tokens, 3),
        "distinct_2": distinct(tokens, 2),
        "moving_ttr": moving_ttr(tokens),
        "top_word_share": top,
        "sentence_case": sentence_case(text),
        "premise_overlap": premise_overlap(tokens, premise),
        "reading_ease": ease,
        "grade_level": grade,
    }
