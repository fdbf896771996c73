"""Best-of-N by voice: of several candidate lines for a character, keep the one that fits their
profile best and the other characters' profiles least.

    best = best_line(["Fine.", "Indeed, sir, I shall."], "JEEVES", cast)

`fit` scores one line against one voice from the profile alone (no model): the character's
favourite words, catchphrases and dialect markers that the line uses, the content words it shares
with their example lines, and how close its sentence length, questions, exclamations,
contractions and formality are to the profile's. `margin` is the line's fit to its speaker minus
its best fit to anyone else in the cast, so a line that would suit any of them scores low.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from writersroom.voice.cast import Cast
from writersroom.voice.profile import _CONTRACTION, Voice, formality
from writersroom.voice.stylometry import content_words, sentences, words

# Weights of the parts of `fit` (lexical parts per word, shape parts in log-probability units).
_FAVOURITE, _PHRASE, _DIALECT, _EXAMPLE = 1.0, 1.5, 1.0, 0.5


def _bernoulli(flag: bool, rate: float | None) -> float:
    if rate is None:
        return 0.0
    p = min(max(rate, 0.05), 0.95)
    return math.log(p if flag else 1 - p)


def fit(text: str, voice: Voice) -> float:
    """How well `text` fits `voice` (higher is better); 0 for an empty line."""
    tokens = words(text)
    if not tokens:
        return 0.0
    p = voice.profile
    mine = content_words(text)
    lowered = " ".join(tokens)
    said = {w for x in voice.examples for w in content_words(x)}
    score = _FAVOURITE * sum(w in p.favourite_words for w in mine)
    score += _PHRASE * sum(f" {c} " in f" {lowered} " for c in p.catchphrases)
    score += _DIALECT * sum(d in tokens for d in p.dialect)
    score += _EXAMPLE * len(set(mine) & said)
    if p.words_per_sentence:
        per = len(tokens) / max(len(sentences(text)), 1)
        score -= abs(math.log(per / p.words_per_sentence))
    score += _bernoulli("?" in text, p.questions) + _bernoulli("!" in text, p.exclamations)
    if p.contractions is not None:
        has = bool(_CONTRACTION.search(text))
        score += _bernoulli(has, min(1.0, p.contractions * len(tokens) / 100))
    if p.formality is not None:
        score -= 2 * abs(formality(text) - p.formality)
    return score


def margin(text: str, speaker: str, cast: Cast) -> float:
    """`fit` to `speaker` minus the best `fit` to another voice of `cast` (fit alone when the
    speaker has no voice there or is alone)."""
    own = cast.get(speaker)
    if own is None:
        return 0.0
    others = [fit(text, v) for v in cast.voices if v.name != own.name]
    return fit(text, own) - (max(others) if others else 0.0)


def best_line(candidates: Sequence[str], speaker: str, cast: Cast) -> int:
    """The index of the candidate with the highest `margin` (the first on ties)."""
    scores = [margin(c, speaker, cast) for c in candidates]
    return max(range(len(candidates)), key=lambda i: (scores[i], -i))
