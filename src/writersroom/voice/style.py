"""A writer's style, learned from reference pages: stylometry plus exemplar passages.

    style = learn_style(["wilde/earnest.txt", "wilde/fan.txt"], name="Wilde")
    style.save("wilde.json")
    compare_style(text, Style.load("wilde.json")).delta        # small = close to the references
    attribute(text, {"Wilde": wilde, "Shaw": shaw})            # Burrows' Delta, nearest first

A profile holds the function-word frequencies of the references (mean and spread over
`CHUNK_WORDS`-word chunks: the material of Burrows' Delta), sentence, speech and action-paragraph
lengths, the dialogue/action ratio, parenthetical and transition habits, question and exclamation
rates, vocabulary richness and favourite words; and passages of real dialogue that generation
retrieves by similarity to what it is asked to write (`exemplars.py`). References are any
script or play the training corpus reads (.fountain .fdx .pdf, Gutenberg .txt, TEI .xml).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from writersroom.errors import FormatError
from writersroom.screenplay import fountain
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Element,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Transition,
)
from writersroom.voice.cast import read_script_file
from writersroom.voice.stylometry import (
    chunked,
    content_words,
    delta,
    frequencies,
    mean,
    pooled,
    sentences,
    spread,
    words,
)

CHUNK_WORDS = 250  # about a page; Delta is computed on pieces of this size
EXEMPLARS = 40  # passages kept for retrieval
EXEMPLAR_WORDS = 110  # about the length of one passage
OWN_WORDS = 50  # most frequent function words in `compare_style`'s Delta
VERSION = 1


@dataclass(frozen=True)
class Style:
    name: str
    sources: tuple[str, ...] = ()
    words: int = 0
    chunks: int = 0
    function_words: Mapping[str, float] = field(default_factory=dict)  # mean frequency
    function_spread: Mapping[str, float] = field(default_factory=dict)  # std over chunks
    sentence_words: float = 0.0
    speech_words: float = 0.0
    action_words: float = 0.0  # per action paragraph
    dialogue_ratio: float = 0.0  # share of the words that are spoken
    parentheticals: float = 0.0  # per speech
    transitions: float = 0.0  # per scene
    questions: float = 0.0  # share of speeches with a question
    exclamations: float = 0.0
    vocabulary: float = 0.0  # distinct words per 100 (per chunk, averaged)
    favourite_parentheticals: tuple[str, ...] = ()
    favourite_transitions: tuple[str, ...] = ()
    favourite_words: tuple[str, ...] = ()
    exemplars: tuple[str, ...] = ()  # passages of dialogue in Fountain form
    own_delta: float = 0.0  # mean Delta of the references' own chunks to this profile

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data = {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}
        return {"version": VERSION, **data}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Style:
        known = set(cls.__dataclass_fields__)
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known
        }
        return cls(**values)

    def save(self, path: str | Path) -> Path:
        from writersroom.files import write_atomic

        target = Path(path)
        write_atomic(target, json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n")
        return target

    @classmethod
    def load(cls, path: str | Path) -> Style:
        target = Path(path)
        if target.is_dir():  # an adapter run folder keeps its style.json
            target = target / "style.json"
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FormatError(
                "no such style file; make one with `writersroom style learn REF... --out FILE`",
                path=str(path),
            ) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise FormatError(f"not a style file: {exc}", path=str(path)) from exc
        if not isinstance(data, dict) or "function_words" not in data:
            raise FormatError("not a style file (no function_words)", path=str(path))
        return cls.from_json(data)

    def notes(self) -> str:
        """The measurable habits as a short instruction for a prompt."""
        parts = [
            f"sentences of about {self.sentence_words:.0f} words",
            f"speeches of about {self.speech_words:.0f} words",
        ]
        if self.questions >= 0.3:
            parts.append("many questions")
        if self.exclamations >= 0.25:
            parts.append("frequent exclamations")
        if self.favourite_parentheticals:
            parts.append("parentheticals like " + ", ".join(self.favourite_parentheticals[:3]))
        if self.favourite_words:
            parts.append("words like " + ", ".join(self.favourite_words[:8]))
        return "; ".join(parts)


def _speech_text(d: Dialogue) -> str:
    return " ".join(" ".join(x.split()) for x in d.lines if isinstance(x, str))


def page_text(elements: Sequence[Element]) -> str:
    """The words of a stretch of script as one text (speeches and action)."""
    parts = []
    for e in elements:
        if isinstance(e, Dialogue):
            parts.append(_speech_text(e))
        elif isinstance(e, Action):
            parts.append(e.text)
    return " ".join(" ".join(parts).split())


def exemplar_passages(docs: Sequence[Screenplay], *, count: int = EXEMPLARS) -> tuple[str, ...]:
    """Runs of consecutive speeches (about EXEMPLAR_WORDS words, at least two speakers), in
    Fountain form, spread evenly over the references."""
    runs: list[str] = []
    for doc in docs:
        current: list[Element] = []
        size = 0
        for e in doc.elements:
            if not isinstance(e, Dialogue):
                current, size = [], 0
                continue
            current.append(e)
            size += len(_speech_text(e).split())
            if size >= EXEMPLAR_WORDS:
                if len({d.speaker for d in current if isinstance(d, Dialogue)}) >= 2:
                    runs.append(fountain.render(Screenplay(elements=tuple(current))).strip())
                current, size = [], 0
    if len(runs) <= count:
        return tuple(runs)
    step = len(runs) / count
    return tuple(runs[int(i * step)] for i in range(count))


def learn_style(references: Sequence[str | Path | Screenplay], *, name: str = "") -> Style:
    """Learn a style from reference scripts (paths, or parsed screenplays)."""
    docs: list[Screenplay] = []
    sources: list[str] = []
    for ref in references:
        if isinstance(ref, Screenplay):
            docs.append(ref)
            sources.append(ref.title or "(screenplay)")
        else:
            docs.append(read_script_file(Path(ref)))
            sources.append(str(ref))
    if not docs:
        raise FormatError("no reference pages: give at least one script or play")
    return style_of(docs, name=name or Path(sources[0]).stem, sources=sources)


def style_of(docs: Sequence[Screenplay], *, name: str, sources: Sequence[str] = ()) -> Style:
    elements = [e for doc in docs for e in doc.elements]
    speeches = [e for e in elements if isinstance(e, Dialogue)]
    texts = [_speech_text(d) for d in speeches]
    actions = [e.text for e in elements if isinstance(e, Action)]
    spoken = sum(len(words(t)) for t in texts)
    acted = sum(len(words(a)) for a in actions)
    scenes = sum(isinstance(e, SceneHeading) for e in elements) or 1
    transitions = Counter(e.text.upper() for e in elements if isinstance(e, Transition))
    parens = Counter(
        x.text.lower()
        for d in speeches
        for x in d.lines
        if isinstance(x, Parenthetical) and len(x.text.split()) <= 4
    )
    full = " ".join(page_text(doc.elements) for doc in docs)
    chunks = chunked(full, CHUNK_WORDS)
    per_chunk = [frequencies(c) for c in chunks]
    means = {w: round(mean([f[w] for f in per_chunk]), 6) for w in per_chunk[0]}
    stds = {w: round(spread([f[w] for f in per_chunk]), 6) for w in per_chunk[0]}
    vocab = [100 * len(set(words(c))) / max(len(words(c)), 1) for c in chunks]
    favourite = Counter(w for t in texts for w in content_words(t))
    return Style(
        name=name,
        sources=tuple(sources),
        words=len(full.split()),
        chunks=len(chunks),
        function_words=means,
        function_spread=stds,
        own_delta=round(mean([own_delta(f, means, stds) for f in per_chunk]), 3),
        sentence_words=round(mean([len(words(s)) for t in texts for s in sentences(t)]), 1),
        speech_words=round(mean([len(words(t)) for t in texts]), 1),
        action_words=round(mean([len(words(a)) for a in actions]), 1),
        dialogue_ratio=round(spoken / max(spoken + acted, 1), 3),
        parentheticals=round(
            sum(any(isinstance(x, Parenthetical) for x in d.lines) for d in speeches)
            / max(len(speeches), 1),
            3,
        ),
        transitions=round(sum(transitions.values()) / scenes, 3),
        questions=round(mean([float("?" in t) for t in texts]), 3),
        exclamations=round(mean([float("!" in t) for t in texts]), 3),
        vocabulary=round(mean(vocab), 1),
        favourite_parentheticals=tuple(p for p, _ in parens.most_common(5)),
        favourite_transitions=tuple(t for t, _ in transitions.most_common(3)),
        favourite_words=tuple(w for w, _ in favourite.most_common(20)),
        exemplars=exemplar_passages(docs),
    )


def own_delta(
    freqs: Mapping[str, float], means: Mapping[str, float], stds: Mapping[str, float]
) -> float:
    """Delta of a text to a profile, z-scored by the profile's own spread, over its most
    frequent function words (rare ones only add noise)."""
    top = sorted(means, key=lambda w: -means[w])[:OWN_WORDS]
    return delta(freqs, means, {w: stds[w] for w in top})


@dataclass(frozen=True)
class Comparison:
    delta: float  # Burrows' Delta against the style's own spread
    own: float  # the same for the references' own pages: a text this close reads like them
    similarity: float  # 0..1: own / delta, 1 when as close as the references' own pages
    features: Mapping[str, tuple[float, float]]  # name -> (text, style)

    def to_json(self) -> dict[str, Any]:
        return {
            "delta": round(self.delta, 3),
            "own": round(self.own, 3),
            "similarity": round(self.similarity, 3),
            "features": {k: {"text": a, "style": b} for k, (a, b) in self.features.items()},
        }


def compare_style(text: str | Screenplay, style: Style) -> Comparison:
    """How close a text (or script) is to a style: Delta on function words, z-scored by the
    spread of the style's own chunks, plus the text's habits beside the style's."""
    doc = text if isinstance(text, Screenplay) else fountain.parse(text)
    mine = style_of([doc], name="text")
    freqs = frequencies(page_text(doc.elements))
    d = own_delta(freqs, style.function_words, style.function_spread)
    keys = (
        "sentence_words",
        "speech_words",
        "action_words",
        "dialogue_ratio",
        "parentheticals",
        "questions",
        "exclamations",
    )
    return Comparison(
        delta=d,
        own=style.own_delta,
        similarity=1.0 if d <= style.own_delta else style.own_delta / d,
        features={k: (getattr(mine, k), getattr(style, k)) for k in keys},
    )


def attribute(text: str, styles: Mapping[str, Style]) -> list[tuple[str, float]]:
    """Burrows' Delta from `text` to each style, z-scored over the candidates (each weighted
    equally); nearest (the attributed author) first."""
    _, stds = pooled([(s.function_words, s.function_spread) for s in styles.values()])
    freqs = frequencies(text)
    scores = {name: delta(freqs, s.function_words, stds) for name, s in styles.items()}
    return sorted(scores.items(), key=lambda p: p[1])
