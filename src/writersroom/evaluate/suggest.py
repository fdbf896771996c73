"""Located suggestions: concrete notes tied to a scene, a character or an act, most useful first.

Each rule looks at signals or model labels and says where the problem is and what would help.
Notes about the weakest criteria come first; at most `LIMIT` are kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from writersroom.evaluate import text as textsig
from writersroom.evaluate.grid import FULL_TRUST_SPEECHES
from writersroom.evaluate.records import CharacterReport, Judgment, SceneReport, Suggestion
from writersroom.evaluate.script import (
    DENSE_ACTION_WORDS,
    LONG_SCENE_EIGHTHS,
    LONG_SPEECH_WORDS,
    SceneText,
)

LIMIT = 15


def _where(report: SceneReport, prose: bool) -> str:
    if prose:
        return f"Passage {report.index + 1}"
    return f"Scene {report.index + 1} (p. {report.page})"


MAX_LOGIC_NOTES = 3        # more flagged breaks than this become one whole-script note


def _continuity(scenes: Sequence[SceneText], i: int) -> str:
    """What changes at scene `i` from the scene before: place and time, who speaks."""
    if not 0 < i < len(scenes):
        return "check who is present and what has been established."
    before, here = scenes[i - 1], scenes[i]
    parts = []
    if here.heading and before.heading and here.heading != before.heading:
        parts.append(f"it cuts from {before.heading} to {here.heading}")
    new = [n for n in dict.fromkeys(name for name, _ in here.speeches)
           if n not in {name for name, _ in before.speeches}]
    gone = [n for n in dict.fromkeys(name for name, _ in before.speeches)
            if n not in {name for name, _ in here.speeches}]
    if new:
        parts.append(f"{', '.join(new[:3])} speak{'s' if len(new) == 1 else ''} here, not before")
    if gone:
        parts.append(f"{', '.join(gone[:3])} no longer speak{'s' if len(gone) == 1 else ''}")
    if not parts:
        return "check who is present and what has been established."
    return "; ".join(parts) + ": make the jump (a flashback, a time cut) clear on the page."


def from_judgments(judgments: Sequence[Judgment], reports: Sequence[SceneReport],
                   prose: bool, scenes: Sequence[SceneText] = ()) -> list[Suggestion]:
    out = []
    breaks = [j for j in judgments if j.question == "logic" and j.label == "yes"]
    if len(breaks) > MAX_LOGIC_NOTES:
        # a judge that flags this many scenes is flagging the style (flashbacks, cross-cutting),
        # not a break; one note says so instead of repeating itself per scene
        named = ", ".join(str(j.scene + 1) for j in breaks[:8] if j.scene is not None)
        out.append(Suggestion("Whole script", f"{len(breaks)} scene changes read as possible "
                              f"continuity breaks (scenes {named}); if they are flashbacks or "
                              "time cuts, mark them in the headings (FLASHBACK, a year).",
                              "coherence"))
    for j in judgments:
        where = _where(reports[j.scene], prose) if j.scene is not None else j.where
        if j.question == "goal" and j.label == "no":
            who = j.where.split(", ", 1)[-1]
            out.append(Suggestion(where, f"{who}'s goal is unclear; show what {who} wants here "
                                  "before the scene turns.", "characterization", j.scene))
        elif j.question == "advances" and j.label == "no":
            out.append(Suggestion(where, "Nothing changes by the end; give the scene a turn "
                                  "(a decision, a discovery, a reversal) or cut it.", "structure",
                                  j.scene))
        elif j.question == "logic" and j.label == "yes" and len(breaks) <= MAX_LOGIC_NOTES:
            scene = j.scene if j.scene is not None else -1
            out.append(Suggestion(where, "Possible continuity break with what came before: "
                                  + _continuity(scenes, scene), "coherence", j.scene))
    return out


def from_scenes(scenes: Sequence[SceneText], reports: Sequence[SceneReport],
                prose: bool) -> list[Suggestion]:
    out = []
    if len(reports) >= 4:
        sims = sorted(reports, key=lambda r: r.premise_similarity)
        median = sims[len(sims) // 2].premise_similarity
        for r in sims[:2]:
            if r.premise_similarity < median - 0.1:
                out.append(Suggestion(_where(r, prose), "Drifts from the premise (similarity "
                                      f"{r.premise_similarity:.2f}, median {median:.2f}); tie it "
                                      "to the central conflict or cut it.", "relevance", r.index))
    for scene, r in zip(scenes, reports, strict=True):
        where = _where(r, prose)
        if not prose and r.eighths > LONG_SCENE_EIGHTHS:
            out.append(Suggestion(where, f"Runs {r.eighths / 8:.1f} pages; enter later, leave "
                                  "earlier, or split it.", "pacing", r.index))
        for name, speech in scene.speeches:
            n = len(speech.split())
            if n > LONG_SPEECH_WORDS:
                out.append(Suggestion(f"{where}, {name}", f"A {n}-word speech; break it with "
                                      "action or another voice, or cut it down.", "dialogue",
                                      r.index))
                break
        dense = [a for a in scene.action if len(a.split()) > DENSE_ACTION_WORDS]
        if dense and not prose:
            out.append(Suggestion(where, f"An action paragraph of {len(dense[0].split())} words; "
                                  "break it into short visual beats.", "format", r.index))
        tokens = textsig.words(scene.prose)
        grams = Counter(textsig.ngrams(tokens, 4))
        repeated = [g for g, c in grams.most_common(1) if c >= 3]
        if repeated:
            phrase = " ".join(repeated[0])
            out.append(Suggestion(where, f"Repeats itself (\"{phrase}\" {grams[repeated[0]]} "
                                  "times); vary or cut the repeats.", "engagement", r.index))
    return out


def from_cast(cast: Sequence[CharacterReport], signals: Mapping[str, float],
              reports: Sequence[SceneReport]) -> list[Suggestion]:
    out = []
    for c in cast[:6]:
        if not c.introduced:
            out.append(Suggestion(c.name, f"{c.name} first speaks in scene {c.first_scene + 1} "
                                  "without an introduction; put the name in capitals in action "
                                  "with a short description.", "format", c.first_scene))
    if cast and len(reports) >= 6:
        lead = cast[0]
        for act in (1, 2, 3):
            if act not in lead.acts:
                out.append(Suggestion(f"Act {act}", f"The lead, {lead.name}, has no lines in act "
                                      f"{act}.", "characterization"))
    if signals.get("speeches", 0) >= FULL_TRUST_SPEECHES and signals.get(
        "speaker_distinctiveness", 1.0
    ) < 0.3:
        out.append(Suggestion("Whole script", "The speakers are hard to tell apart from their "
                              "lines alone (distinctiveness "
                              f"{signals['speaker_distinctiveness']:.2f}); give each a "
                              "vocabulary, rhythm or verbal habit of their own.", "dialogue"))
    return out


def from_structure(signals: Mapping[str, float]) -> list[Suggestion]:
    out = []
    if signals.get("acts_marked"):
        for n, target in ((1, 0.25), (2, 0.5), (3, 0.25)):
            share = signals.get(f"act_{n}_share", target)
            if abs(share - target) > 0.1:
                out.append(Suggestion(f"Act {n}", f"Runs {share:.0%} of the script (about "
                                      f"{target:.0%} is usual).", "structure"))
    if signals.get("scenes", 0) >= 6 and signals.get("climax_position", 1.0) < 0.6:
        out.append(Suggestion("Whole script", "The tensest scene comes at "
                              f"{signals['climax_position']:.0%} of the script; build toward "
                              "a climax in the last quarter.", "structure"))
    pages = signals.get("pages", 0)
    if pages >= 60 and not 90 <= pages <= 125:
        out.append(Suggestion("Whole script", f"{pages:.0f} pages; features usually run "
                              "90-120.", "structure"))
    return out


def suggestions(
    scores: Mapping[str, float],
    signals: Mapping[str, float],
    scenes: Sequence[SceneText],
    reports: Sequence[SceneReport],
    cast: Sequence[CharacterReport],
    judgments: Sequence[Judgment],
    *,
    prose: bool,
) -> tuple[Suggestion, ...]:
    """All notes, those for the weakest criteria first, at most LIMIT."""
    notes = from_judgments(judgments, reports, prose, scenes) + from_scenes(scenes, reports, prose)
    if not prose:
        notes += from_cast(cast, signals, reports) + from_structure(signals)
    notes.sort(key=lambda s: (scores.get(s.criterion, 3.0), s.scene if s.scene is not None else -1))
    seen: set[tuple[str, str]] = set()
    kept = []
    for note in notes:
        if (note.where, note.criterion) not in seen:
            seen.add((note.where, note.criterion))
            kept.append(note)
    return tuple(kept[:LIMIT])
