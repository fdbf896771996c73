"""A character's voice, measured from their lines (or read from their bio until they have some).

    profile = profile_lines(lines, others)   # lines: that character's speeches; others: everyone's
    describe(profile)  # 'short sentences (5 words); many questions; contractions; informal; ...'

A profile holds numbers that separate speakers (sentence length, question and exclamation rates,
contractions, formality), the words a character favours over the rest of the cast (log-odds
with an informative prior: Monroe, Colaresi & Quinn 2008), dialect markers, catchphrases
(phrases they repeat across speeches) and their usual parentheticals. From a bio (`Talks:
softly, in short sentences`) only what the words say is filled in; the rest stays None.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from writersroom.voice.stylometry import content_words, mean, sentences, words

# Spoken-dialect spellings and regional words; each is a marker when a character uses it.
_DIALECT = re.compile(
    r"\b(ain't|gonna|wanna|gotta|y'all|'em|lemme|gimme|dunno|kinda|sorta|ya|yer|innit|reckon|"
    r"folks|yonder|aye|nay|lass|lad|mate|bloody|gal|darlin'|nothin'|somethin'|goin'|doin'|"
    r"thee|thou|thy|thine|'tis|'twas|hath|doth|ere|o'er|prithee|pray|mamma|papa|monsieur|madame|"
    r"yeah|nah|yep|nope|huh|hey|dude|okay|ok)(?![\w'])",
    re.I,
)
_CONTRACTION = re.compile(r"\b\w+'(?:s|t|re|ve|ll|d|m)\b", re.I)
_FORMAL_TEXT = "shall indeed certainly perhaps madam sir therefore whom moreover however must ought"
_FORMAL = frozenset([*_FORMAL_TEXT.split(), "sincerely", "pray", "beg", "pardon", "kindly"])
_INFORMAL_TEXT = "yeah nah yep nope okay ok hey huh gonna wanna gotta kinda sorta stuff guy guys"
_INFORMAL = frozenset([*_INFORMAL_TEXT.split(), "dude", "damn", "hell", "cool"])


@dataclass(frozen=True)
class Speech:
    """One speech: what is said, with its first parenthetical ("(quietly)") if any."""

    text: str
    parenthetical: str = ""


@dataclass(frozen=True)
class VoiceProfile:
    source: Literal["lines", "bio"]
    description: str = ""  # the bio's words ("softly, in short sentences"), when there is one
    words_per_sentence: float | None = None
    words_per_speech: float | None = None
    questions: float | None = None  # share of speeches with a question
    exclamations: float | None = None  # share of speeches with an exclamation
    contractions: float | None = None  # per 100 words
    formality: float | None = None  # 0 (casual) .. 1 (formal)
    vocabulary: float | None = None  # distinct words per 100 words (of the first 500)
    favourite_words: tuple[str, ...] = ()
    dialect: tuple[str, ...] = ()
    catchphrases: tuple[str, ...] = ()
    parentheticals: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in data.items()}


@dataclass(frozen=True)
class Voice:
    """A character's voice: the profile plus a few representative lines."""

    name: str  # the cue: "MAYA TORRES"
    lines: int  # speeches it was learned from (0: from the bio)
    profile: VoiceProfile
    examples: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "lines": self.lines,
            "profile": self.profile.to_json(),
            "examples": list(self.examples),
        }


def _share(flags: Sequence[bool]) -> float:
    return round(sum(flags) / len(flags), 3) if flags else 0.0


def formality(text: str) -> float:
    """0 (casual) .. 1 (formal): formal words and long words against contractions and slang.

    >>> formality("Yeah, gonna grab stuff, ok?") < 0.3
    True
    >>> formality("I shall certainly attend, sir.") > 0.7
    True
    """
    tokens = words(text)
    if not tokens:
        return 0.5
    per100 = 100 / len(tokens)
    formal = sum(t in _FORMAL for t in tokens) * per100
    informal = (sum(t in _INFORMAL for t in tokens) + len(_CONTRACTION.findall(text))) * per100
    long_words = sum(len(t) >= 7 for t in tokens) * per100
    score = 0.25 * formal - 0.2 * informal + 0.05 * (long_words - 12)
    return round(1 / (1 + math.exp(-score)), 3)


def favourite_words(
    mine: Counter[str], everyone: Counter[str], *, top: int = 8, min_count: int = 2
) -> tuple[str, ...]:
    """Words this speaker uses more than the cast does: weighted log-odds with the cast's counts
    as the prior (Monroe et al. 2008), z-scored, best first."""
    n_mine, n_all = sum(mine.values()), sum(everyone.values())
    if not n_mine or not n_all:
        return ()
    prior = 0.1 * n_all  # total prior mass: the cast's distribution at a tenth of its size
    scores = {}
    for w, k in mine.items():
        if k < min_count:
            continue
        a = prior * everyone[w] / n_all
        rest_k, rest_n = everyone[w] - k, n_all - n_mine
        lo_mine = math.log((k + a) / (n_mine + prior - k - a))
        lo_rest = math.log((rest_k + a) / max(rest_n + prior - rest_k - a, 1e-9))
        var = 1 / (k + a) + 1 / (rest_k + a)
        scores[w] = (lo_mine - lo_rest) / math.sqrt(var)
    best = sorted(scores, key=lambda w: (-scores[w], w))
    return tuple(w for w in best if scores[w] > 1.0)[:top]


def catchphrases(texts: Sequence[str], *, top: int = 3) -> tuple[str, ...]:
    """Phrases of 2-5 words said in at least two different speeches (and not only function
    words), the longest and most repeated first; a phrase inside a longer one is dropped."""
    seen: Counter[str] = Counter()
    for text in texts:
        tokens = words(text)
        grams = {
            " ".join(tokens[i : i + n]) for n in range(2, 6) for i in range(len(tokens) - n + 1)
        }
        seen.update(g for g in grams if content_words(g))
    repeated = [g for g, k in seen.items() if k >= 2]
    ranked = sorted(repeated, key=lambda g: (-seen[g] * len(g.split()), g))
    kept: list[str] = []
    for g in ranked:
        if not any(g in k for k in kept):
            kept.append(g)
    return tuple(kept[:top])


def profile_lines(speeches: Sequence[Speech], everyone: Counter[str] | None = None) -> VoiceProfile:
    """The profile measured from a character's speeches; `everyone` is the cast's content-word
    counts (favourite words are those this character uses more than the cast)."""
    texts = [s.text for s in speeches if s.text.strip()]
    joined = " ".join(texts)
    tokens = words(joined)
    said = [s for t in texts for s in sentences(t)]
    mine = Counter(w for t in texts for w in content_words(t))
    dialect = Counter(m.lower() for m in _DIALECT.findall(joined))
    parens = Counter(
        s.parenthetical.lower() for s in speeches if 0 < len(s.parenthetical.split()) <= 4
    )
    sample = tokens[:500]
    return VoiceProfile(
        source="lines",
        words_per_sentence=round(mean([len(words(s)) for s in said]), 1),
        words_per_speech=round(mean([len(words(t)) for t in texts]), 1),
        questions=_share(["?" in t for t in texts]),
        exclamations=_share(["!" in t for t in texts]),
        contractions=round(100 * len(_CONTRACTION.findall(joined)) / max(len(tokens), 1), 1),
        formality=formality(joined),
        vocabulary=round(100 * len(set(sample)) / max(len(sample), 1), 1),
        favourite_words=favourite_words(mine, everyone if everyone is not None else mine),
        dialect=tuple(w for w, k in dialect.most_common(5) if k >= 2 or len(texts) < 10),
        catchphrases=catchphrases(texts),
        parentheticals=tuple(p for p, _ in parens.most_common(3)),
    )


# Bio phrases -> what they say about the numbers.
_BIO_RULES: tuple[tuple[re.Pattern[str], Mapping[str, float]], ...] = tuple(
    (re.compile(pattern, re.I), values)
    for pattern, values in (
        (r"\b(short|clipped|terse|curt|few words|blunt|brief)\b", {"words_per_sentence": 6.0}),
        (r"\b(long|rambl|wordy|verbose|endless|run-on|lectur)", {"words_per_sentence": 20.0}),
        (r"\b(formal|polite|proper|precise|courtly|elegant|measured)", {"formality": 0.8}),
        (r"\b(slang|casual|street|crude|swear|loose|folksy|informal)", {"formality": 0.2}),
        (r"\b(question|asks|curious|inquisitive)", {"questions": 0.5}),
        (r"\b(loud|shout|excit|fast|exclaim|enthusias|energetic)", {"exclamations": 0.4}),
    )
)


def profile_bio(description: str) -> VoiceProfile:
    """What a bio's voice trait says: the words, plus the numbers its phrases imply.

    >>> profile_bio("softly, in short sentences").words_per_sentence
    6.0
    """
    values: dict[str, Any] = {}
    for pattern, implied in _BIO_RULES:
        if pattern.search(description):
            values.update(implied)
    dialect = tuple(dict.fromkeys(m.lower() for m in _DIALECT.findall(description)))
    base = VoiceProfile(source="bio", description=" ".join(description.split()), dialect=dialect)
    return replace(base, **values)


def describe(profile: VoiceProfile) -> str:
    """The profile as a short instruction for a prompt.

    >>> describe(VoiceProfile("bio", description="softly", words_per_sentence=6.0))
    'talks softly; short sentences (about 6 words)'
    """
    parts = [f"talks {profile.description}"] if profile.description else []
    wps = profile.words_per_sentence
    if wps is not None:
        size = "short" if wps < 9 else "long" if wps > 16 else "medium"
        parts.append(f"{size} sentences (about {wps:.0f} words)")
    if profile.questions is not None and profile.questions >= 0.35:
        parts.append("asks many questions")
    if profile.exclamations is not None and profile.exclamations >= 0.25:
        parts.append("exclaims often")
    if profile.formality is not None:
        parts.append(
            "formal" if profile.formality >= 0.6 else "casual" if profile.formality <= 0.4 else ""
        )
    if profile.contractions is not None and profile.source == "lines":
        parts.append("uses contractions" if profile.contractions >= 3 else "rarely contracts")
    if profile.dialect:
        parts.append("says " + ", ".join(profile.dialect[:4]))
    if profile.favourite_words:
        parts.append("favourite words: " + ", ".join(profile.favourite_words[:6]))
    if profile.catchphrases:
        parts.append("often says: " + "; ".join(f'"{c}"' for c in profile.catchphrases[:2]))
    return "; ".join(p for p in parts if p)
