"""Signals of the story behind the words, by code alone: characters' inner states (emotion and
mental-state words), whose eyes the story is told through (first or third person), named
characters who recur, how much the mood swings from sentence to sentence, turn markers ("but",
"suddenly", "realized") and how much new vocabulary the ending brings. Microseconds per page.

    >>> s = narrative_signals("Anna felt afraid when Tom left. Tom knew it. She wept.")
    >>> s["named_characters"] > 0, s["emotion_rate"] > 0.1, s["third_person"] > 0
    (True, True, True)

The word lists are short and written for this module (common English words, no published
lexicon): they count what a reader of HANNA's empathy and surprise criteria looks for, not the
exact sentiment of a word.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from writersroom.evaluate.arc import sentiment
from writersroom.evaluate.text import content_words, sentences, text_signals, words

EMOTION = frozenset([
    "feel", "feels", "felt", "feeling", "feelings", "love", "loved", "loves", "loving", "heart",
    "hearts", "tear", "tears", "cry", "cries", "cried", "crying", "sob", "sobbed", "sobbing",
    "weep", "wept", "smile", "smiles", "smiled", "smiling", "laugh", "laughs", "laughed",
    "laughing", "grin", "grinned", "afraid", "fear", "feared", "fears", "scared", "frightened",
    "terrified", "terror", "happy", "happiness", "glad", "joy", "joyful", "sad", "sadness",
    "sorrow", "grief", "grieve", "grieved", "mourn", "mourned", "angry", "anger", "furious",
    "rage", "hate", "hated", "lonely", "loneliness", "hope", "hoped", "hopes", "hoping", "worry",
    "worried", "anxious", "nervous", "miss", "missed", "longing", "sorry", "regret", "regretted",
    "proud", "pride", "ashamed", "shame", "guilt", "guilty", "embarrassed", "jealous", "bitter",
    "desperate", "despair", "relief", "relieved", "grateful", "comfort", "comforted", "upset",
    "excited", "thrilled", "calm", "tender", "warmth", "hug", "hugged", "embrace", "embraced",
    "kiss", "kissed", "sigh", "sighed", "tremble", "trembled", "shaking", "panic", "horror",
    "disgust", "disgusted", "shocked", "stunned", "surprised", "confused", "hurt", "pain", "ache",
    "ached", "broken", "heartbroken"
])
MENTAL = frozenset([
    "think", "thinks", "thinking", "thought", "thoughts", "know", "knows", "knew", "believe",
    "believes", "believed", "remember", "remembers", "remembered", "memory", "memories", "realize",
    "realizes", "realized", "realise", "realised", "wonder", "wonders", "wondered", "wondering",
    "want", "wants", "wanted", "wish", "wishes", "wished", "decide", "decides", "decided",
    "understand", "understands", "understood", "imagine", "imagined", "forget", "forgot",
    "forgotten", "dream", "dreams", "dreamed", "dreamt", "mind", "suppose", "supposed", "guess",
    "guessed", "recall", "recalled", "notice", "noticed", "sense", "sensed", "seem", "seemed",
    "seems", "doubt", "doubted"
])
FIRST_PERSON = frozenset([
    "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"
])
THIRD_PERSON = frozenset([
    "he", "she", "him", "her", "his", "hers", "himself", "herself", "they", "them", "their",
    "theirs"
])
TURNS = frozenset([
    "but", "suddenly", "however", "instead", "yet", "until", "although", "though", "except",
    "unexpected", "unexpectedly", "surprise", "surprised", "realize", "realized", "realise",
    "realised", "actually", "somehow", "twist", "revealed", "secret", "truth", "finally"
])
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")          # a possessive's "s" is left out
_NOT_NAMES = frozenset(["i", "god", "mr", "mrs", "ms", "dr", "sir"])


def named_characters(text: str) -> list[str]:
    """The names a story keeps coming back to: capitalised words (not function words) seen at
    least once inside a sentence (so not just capitalised for starting one) and at least twice.

    >>> named_characters("Then Mary ran. Bob saw Mary. Later, Mary and Bob slept. Then it rained.")
    ['Mary', 'Bob']
    """
    counts: Counter[str] = Counter()
    inside: set[str] = set()
    for sentence in sentences(text):
        for m in _CAPITALISED.finditer(sentence):
            name = m.group()
            if name.lower() in _NOT_NAMES or not content_words([name.lower()]):
                continue
            counts[name] += 1
            if sentence[: m.start()].strip(" \"'“‘(*_-"):
                inside.add(name)
    return [name for name, n in counts.most_common() if n >= 2 and name in inside]


def ending_novelty(tokens: list[str]) -> float:
    """Share of the distinct content words of the last third that the first two thirds never
    used (0 = the ending only repeats; 1 = all new).

    >>> ending_novelty("cat sat mat dog cat fox".split())
    0.5
    """
    cut = len(tokens) * 2 // 3
    early, late = set(content_words(tokens[:cut])), set(content_words(tokens[cut:]))
    return len(late - early) / len(late) if late else 0.0


def narrative_signals(text: str) -> dict[str, float]:
    """Every narrative signal by name (the names calibration.json refers to). Rates are per
    word, so long and short texts compare; `inner_states` counts, so it grows with length."""
    tokens = words(text)
    n = max(1, len(tokens))
    emotion = sum(1 for w in tokens if w in EMOTION)
    mental = sum(1 for w in tokens if w in MENTAL)
    moods = [sentiment(s) for s in sentences(text)]
    return {
        "emotion_rate": emotion / n,
        "mental_rate": mental / n,
        "inner_states": math.log1p(emotion + mental),
        "first_person": sum(1 for w in tokens if w in FIRST_PERSON) / n,
        "third_person": sum(1 for w in tokens if w in THIRD_PERSON) / n,
        "named_characters": math.log1p(len(named_characters(text))),
        "mood_swing": float(np.std(moods)) if moods else 0.0,
        "turn_rate": sum(1 for w in tokens if w in TURNS) / n,
        "ending_novelty": ending_novelty(tokens),
    }


def prose_signals(text: str, premise: str = "") -> dict[str, float]:
    """The text signals (`text.py`) and the narrative signals of one text, together: every
    code-only signal the calibrated scores may use."""
    return {**text_signals(text, premise), **narrative_signals(text)}
