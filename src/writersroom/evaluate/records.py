"""The records of an evaluation: signals measured by code, labels given by a model, scores,
suggestions, and the coverage that holds them all.

Shapes:
    Coverage(kind="screenplay", title="BRICK & STEEL", premise="...",
             scores={"relevance": 3.4, ..., "overall": 3.1}, verdict="Consider",
             signals={"words": 21034.0, "dialogue_ratio": 0.52, ...},
             scenes=(SceneReport(index=0, heading="EXT. PATIO - DAY", page=1, ...), ...),
             characters=(CharacterReport(name="STEEL", lines=40, share=0.31, ...), ...),
             suggestions=(Suggestion(where="Scene 7", text="MARY's goal is unclear ...", ...), ...))
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["screenplay", "prose"]
Verdict = Literal["Pass", "Consider", "Recommend"]

# HANNA's six criteria (Chhun et al. 2022), scored 1-5 for every text.
STORY_CRITERIA = ("relevance", "coherence", "empathy", "surprise", "engagement", "complexity")
# Coverage-grid criteria that only a screenplay has.
SCREENPLAY_CRITERIA = ("structure", "characterization", "dialogue", "pacing", "format")


@dataclass(frozen=True)
class Judgment:
    """One narrow question answered by a model, and what code made of the answer."""

    question: str                 # "advances_beat", "in_character", "logic_break"
    where: str                    # "Scene 7", "Scene 7, MARY"
    label: str                    # the model's label: "yes", "no", "partly", ...
    reason: str = ""              # the model's one-sentence reason, shown in suggestions
    scene: int | None = None      # 0-based scene index the question was about


@dataclass(frozen=True)
class Suggestion:
    """A concrete note tied to a place in the script."""

    where: str                    # "Scene 7 (p. 12)", "Act 2", "Whole script", "MARY"
    text: str                     # "MARY's goal is unclear: she speaks 2 lines in 9 scenes."
    criterion: str                # the score it would raise
    scene: int | None = None      # 0-based scene index when the note is about one scene


@dataclass(frozen=True)
class SceneReport:
    """What the evaluator saw in one scene (for screenplays) or one passage (for prose)."""

    index: int                    # 0-based
    heading: str                  # "INT. DINER - NIGHT" or "Passage 3"
    page: int                     # printed page where it starts (1 for prose)
    eighths: int                  # length in eighths of a page (words / 30 for prose)
    words: int
    speakers: tuple[str, ...]     # speakers in order of first line
    act: int                      # 1, 2 or 3
    tension: float                # 0..1, higher is tenser
    sentiment: float              # -1..1
    premise_similarity: float     # cosine to the premise (0 when no embedder)
    score: float                  # mean of the six criteria for this scene alone, 1-5: compare
                                  # scenes of one script with it (short scenes score lower)


@dataclass(frozen=True)
class CharacterReport:
    """One speaking character."""

    name: str
    lines: int                    # dialogue blocks
    words: int                    # words spoken
    share: float                  # share of all spoken words
    scenes: int                   # scenes where the character speaks
    acts: tuple[int, ...]         # acts where the character speaks
    introduced: bool              # the name appears in capitals in action before it first speaks
    first_scene: int              # 0-based scene of the first line


@dataclass(frozen=True)
class Coverage:
    """A whole evaluation: the report a reader writes, with every number that led to it."""

    kind: Kind
    title: str
    premise: str
    scores: dict[str, float]                   # criterion -> 1..5, plus "overall"
    verdict: Verdict
    signals: dict[str, float]                  # every code-computed signal, by name
    logline: str = ""
    synopsis: str = ""
    scenes: tuple[SceneReport, ...] = ()
    characters: tuple[CharacterReport, ...] = ()
    acts: tuple[float, ...] = ()               # share of the script in each act (sums to 1)
    judgments: tuple[Judgment, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    model: str = ""                            # backend name used for judgments ("" = none)
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())  # what was skipped and why
    # criterion -> how well it is validated ("held-out HANNA tau 0.31; CoheSentia r 0.20")
    validation: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (see report.to_json)."""
        return asdict(self)


def grade(score: float) -> str:
    """The coverage-grid word for a 1-5 score.

    >>> [grade(s) for s in (1.2, 2.6, 3.4, 4.3)]
    ['Poor', 'Fair', 'Good', 'Excellent']
    """
    if score >= 4.0:
        return "Excellent"
    if score >= 3.0:
        return "Good"
    if score >= 2.0:
        return "Fair"
    return "Poor"
