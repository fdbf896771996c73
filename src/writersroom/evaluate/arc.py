"""The emotional arc: a sentiment value per scene from a small valence word list, and a tension
value from words of threat and conflict (used when no embedder is available; with one, tension
comes from `embed.tension`).

    >>> sentiment("She laughs, happy and safe at last.") > 0 > sentiment("He screams in terror.")
    True
"""

from __future__ import annotations

from writersroom.evaluate.text import words

POSITIVE = frozenset([
    "love", "loved", "loves", "laugh", "laughs", "laughed", "laughing", "smile", "smiles",
    "smiled", "happy", "happiness", "joy", "glad", "hope", "hopes", "hoped", "kind", "kindness",
    "warm", "gentle", "safe", "safety", "peace", "peaceful", "calm", "win", "wins", "won",
    "victory", "beautiful", "wonderful", "delight", "delighted", "proud", "free", "freedom",
    "trust", "friend", "friends", "thank", "thanks", "grateful", "relief", "relieved",
    "celebrate", "embrace", "hug", "hugs", "kiss", "kisses", "brave", "triumph", "cheer",
    "cheers", "sweet", "tender", "home", "together",
])
NEGATIVE = frozenset([
    "hate", "hated", "hates", "cry", "cries", "cried", "crying", "tears", "sad", "sadness",
    "grief", "fear", "afraid", "scared", "terror", "terrified", "angry", "anger", "rage",
    "furious", "pain", "hurt", "hurts", "wound", "wounded", "blood", "bleeding", "dead",
    "death", "die", "dies", "died", "dying", "kill", "kills", "killed", "murder", "lost",
    "lose", "loses", "alone", "lonely", "betray", "betrayed", "lie", "lies", "lied", "guilt",
    "guilty", "shame", "ashamed", "worry", "worried", "panic", "despair", "broken", "cruel",
    "scream", "screams", "screamed", "sorry", "hopeless", "desperate", "threat", "danger",
])
THREAT = frozenset([
    "gun", "guns", "knife", "blade", "shoot", "shoots", "shot", "fire", "fires", "fight",
    "fights", "punch", "punches", "chase", "chases", "run", "runs", "running", "flee", "escape",
    "attack", "attacks", "attacked", "explode", "explosion", "bomb", "kill", "kills", "killed",
    "murder", "blood", "danger", "threat", "scream", "screams", "trapped", "hostage", "police",
    "siren", "crash", "crashes", "smash", "grab", "grabs", "struggle", "weapon", "dead",
    "death",
])

__all__ = ["sentiment", "threat_tension"]


def sentiment(text: str) -> float:
    """(positive - negative) / (positive + negative + 1) over the valence words: -1..1."""
    tokens = words(text)
    pos = sum(1 for w in tokens if w in POSITIVE)
    neg = sum(1 for w in tokens if w in NEGATIVE)
    return (pos - neg) / (pos + neg + 1)


def threat_tension(text: str) -> float:
    """0..1 from threat words and exclamations per hundred words."""
    tokens = words(text)
    if not tokens:
        return 0.0
    hits = sum(1 for w in tokens if w in THREAT) + text.count("!")
    return min(1.0, 10.0 * hits / len(tokens))
