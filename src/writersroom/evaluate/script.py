"""Signals computed by code from a Screenplay: scenes and pages, acts, characters, dialogue and
format. Pure functions over the document model; no model, no embedder.

    >>> from writersroom.screenplay import fountain
    >>> doc = fountain.parse("INT. DINER\\n\\nMARY waits.\\n\\nMARY\\nCoffee?\\n\\nBOB\\nNo.")
    >>> [(s.heading, s.speeches) for s in scene_texts(doc)]
    [('INT. DINER', (('MARY', 'Coffee?'), ('BOB', 'No.')))]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from writersroom.evaluate import text as textsig
from writersroom.evaluate.records import CharacterReport
from writersroom.evaluate.voices import distinctiveness
from writersroom.screenplay import views
from writersroom.screenplay.model import (
    Action,
    Boneyard,
    Dialogue,
    Element,
    Lyrics,
    Note,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Transition,
)
from writersroom.screenplay.typeset import visible

# Act shares a three-act script aims at; four marked parts (Save the Cat: 1, 2A, 2B, 3) fold
# the middle two together.
ACT_TARGET = (0.25, 0.50, 0.25)
LONG_SPEECH_WORDS = 60      # a speech longer than this reads as a monologue
DENSE_ACTION_WORDS = 70     # about five printed lines of action in one paragraph
LONG_SCENE_EIGHTHS = 40     # five pages
_CAMERA = re.compile(r"\b(?:CLOSE ON|ANGLE ON|WE SEE|WE HEAR|PAN (?:TO|ACROSS)|ZOOM|DOLLY)\b")


@dataclass(frozen=True)
class SceneText:
    """One scene reduced to what the signals need."""

    index: int                                  # 0-based
    heading: str                                # "INT. DINER - NIGHT" or "" (no heading)
    action: tuple[str, ...]                     # visible text of each action paragraph
    speeches: tuple[tuple[str, str], ...]       # (speaker, words spoken), in order
    section: int                                # index of the top-level Section it is under

    @property
    def prose(self) -> str:
        """The scene as plain prose: action, then each speech as its own sentence."""
        parts = list(self.action)
        parts += [speech for _, speech in self.speeches]
        return "\n".join(p for p in parts if p)

    @property
    def action_words(self) -> int:
        return sum(len(a.split()) for a in self.action)

    @property
    def dialogue_words(self) -> int:
        return sum(len(s.split()) for _, s in self.speeches)


def _speech_text(d: Dialogue) -> str:
    return " ".join(visible(x).strip() for x in d.lines if not isinstance(x, Parenthetical))


def _name(d: Dialogue) -> str:
    return " ".join(visible(d.speaker).split()).upper()


def _top_sections(doc: Screenplay) -> tuple[int, list[int]]:
    """(depth of top-level sections, element indexes of those sections)."""
    depths = [e.depth for e in doc.elements if isinstance(e, Section)]
    if not depths:
        return 0, []
    top = min(depths)
    return top, [i for i, e in enumerate(doc.elements) if isinstance(e, Section) and e.depth == top]


def scene_texts(doc: Screenplay) -> list[SceneText]:
    """The scenes in order; a script without headings is one scene."""
    _, section_at = _top_sections(doc)
    found = views.scenes(doc)
    spans: list[tuple[str, int, Sequence[Element]]] = [
        (visible(s.heading.text), s.start, s.elements) for s in found
    ]
    if not spans:
        spans = [("", 0, doc.elements)]
    out = []
    for k, (heading, start, elements) in enumerate(spans):
        action = tuple(
            " ".join(visible(e.text).split())
            for e in elements
            if isinstance(e, Action | Lyrics) and visible(e.text).strip()
        )
        speeches = tuple(
            (_name(e), _speech_text(e)) for e in elements if isinstance(e, Dialogue)
        )
        section = sum(1 for i in section_at if i <= start) - 1 if section_at else 0
        out.append(SceneText(k, heading, action, speeches, max(0, section)))
    return out


def act_of(position: float) -> int:
    """The act (1-3) of a point `position` (0..1) through a script with unmarked acts."""
    if position < ACT_TARGET[0]:
        return 1
    if position < ACT_TARGET[0] + ACT_TARGET[1]:
        return 2
    return 3


def assign_acts(scenes: Sequence[SceneText], lengths: Sequence[float]) -> tuple[list[int], bool]:
    """Each scene's act, and whether the acts come from the script's own sections (3 or 4
    top-level sections) rather than from position."""
    parts = sorted({s.section for s in scenes})
    if len(parts) in (3, 4):
        rank = {p: i for i, p in enumerate(parts)}
        fold = (1, 2, 3) if len(parts) == 3 else (1, 2, 2, 3)
        return [fold[rank[s.section]] for s in scenes], True
    total = sum(lengths) or 1.0
    acts, done = [], 0.0
    for length in lengths:
        acts.append(act_of((done + length / 2) / total))
        done += length
    return acts, False


def act_shares(acts: Sequence[int], lengths: Sequence[float]) -> tuple[float, float, float]:
    total = sum(lengths) or 1.0
    pairs = list(zip(acts, lengths, strict=True))
    share = [sum(x for a, x in pairs if a == n) / total for n in (1, 2, 3)]
    return share[0], share[1], share[2]


def characters(
    doc: Screenplay, scenes: Sequence[SceneText], acts: Sequence[int]
) -> list[CharacterReport]:
    """Speaking characters, most words first, with their presence and introduction."""
    spoken: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    in_scenes: dict[str, set[int]] = {}
    first: dict[str, int] = {}
    for scene in scenes:
        for name, speech in scene.speeches:
            spoken[name] += len(speech.split())
            lines[name] += 1
            in_scenes.setdefault(name, set()).add(scene.index)
            first.setdefault(name, scene.index)
    total = sum(spoken.values()) or 1
    introduced = _introduced(doc, set(lines))
    return [
        CharacterReport(
            name=name,
            lines=lines[name],
            words=spoken[name],
            share=spoken[name] / total,
            scenes=len(in_scenes[name]),
            acts=tuple(sorted({acts[i] for i in in_scenes[name]})),
            introduced=name in introduced,
            first_scene=first[name],
        )
        for name in sorted(lines, key=lambda n: (-spoken[n], -lines[n], n))
    ]


def _introduced(doc: Screenplay, names: set[str]) -> set[str]:
    """Names written in capitals in action before their first speech (the introduction)."""
    seen: set[str] = set()
    spoke: set[str] = set()
    for e in doc.elements:
        if isinstance(e, Action):
            caps = visible(e.text)
            seen |= {n for n in names if n not in spoke and re.search(rf"\b{re.escape(n)}\b", caps)}
        elif isinstance(e, Dialogue):
            spoke.add(_name(e))
    return seen


def format_issues(doc: Screenplay, scenes: Sequence[SceneText]) -> dict[str, int]:
    """Counts of things a reader would flag as format problems."""
    issues: Counter[str] = Counter()
    headings = [e for e in doc.elements if isinstance(e, SceneHeading)]
    if not headings:
        issues["no_scene_headings"] += 1
    for h in headings:
        slug = views.parse_heading(h.text)
        if not slug.int_ext:
            issues["heading_without_int_ext"] += 1
        if not slug.time:
            issues["heading_without_time"] += 1
    for e in doc.elements:
        match e:
            case Action(text=t) if len(visible(t).split()) > DENSE_ACTION_WORDS:
                issues["dense_action"] += 1
            case Dialogue() if not _speech_text(e):
                issues["empty_dialogue"] += 1
            case Dialogue(lines=ls) if any(
                isinstance(x, Parenthetical) and len(x.text.split()) > 8 for x in ls
            ):
                issues["long_parenthetical"] += 1
            case Note() | Boneyard():
                issues["leftover_note"] += 1
            case _:
                pass
        if isinstance(e, Action) and _CAMERA.search(visible(e.text)):
            issues["camera_direction"] += 1
    transitions = sum(1 for e in doc.elements if isinstance(e, Transition))
    if headings and transitions > 0.5 * len(headings):
        issues["too_many_transitions"] += transitions
    if len(scenes) > 1 and any(not s.action and not s.speeches for s in scenes):
        issues["empty_scene"] += sum(1 for s in scenes if not s.action and not s.speeches)
    return dict(issues)


def dialogue_signals(scenes: Sequence[SceneText]) -> dict[str, float]:
    """Dialogue/action balance, speech length, variety and speaker distinctiveness."""
    speeches = [s for scene in scenes for _, s in scene.speeches]
    spoken = [w for s in speeches for w in textsig.words(s)]
    action_words = sum(scene.action_words for scene in scenes)
    dialogue_words = sum(scene.dialogue_words for scene in scenes)
    by_speaker: dict[str, list[str]] = {}
    for scene in scenes:
        for name, speech in scene.speeches:
            if speech:
                by_speaker.setdefault(name, []).append(speech)
    lengths = [len(s.split()) for s in speeches]
    return {
        "dialogue_ratio": dialogue_words / max(1, dialogue_words + action_words),
        "speeches": float(len(speeches)),
        "mean_speech_words": sum(lengths) / len(lengths) if lengths else 0.0,
        "long_speech_share": sum(n > LONG_SPEECH_WORDS for n in lengths) / max(1, len(lengths)),
        "dialogue_distinct_2": textsig.distinct(spoken, 2),
        "dialogue_repetition_3": textsig.repetition(spoken, 3),
        "speaker_distinctiveness": distinctiveness(by_speaker),
    }


def character_signals(cast: Sequence[CharacterReport]) -> dict[str, float]:
    if not cast:
        return {"speaking_characters": 0.0, "lead_share": 0.0, "top2_share": 0.0,
                "lead_in_all_acts": 0.0, "introduced_share": 0.0, "one_line_share": 0.0}
    return {
        "speaking_characters": float(len(cast)),
        "lead_share": cast[0].share,
        "top2_share": sum(c.share for c in cast[:2]),
        "lead_in_all_acts": 1.0 if set(cast[0].acts) >= {1, 2, 3} else 0.0,
        "introduced_share": sum(1 for c in cast if c.introduced) / len(cast),
        "one_line_share": sum(1 for c in cast if c.lines == 1) / len(cast),
    }
