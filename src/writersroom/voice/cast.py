"""The voices of a script's or a story project's speaking characters.

    cast = learn_voices(screenplay)              # from a parsed script
    cast = load_voices("draft.fountain")         # .fountain .fdx .pdf ..., or a project directory
    cast.get("MAYA").profile.words_per_sentence
    cast.to_json()   # {"characters": [{"name", "lines", "profile", "examples"}], "distinctiveness"}

A story project's characters get a profile from their bio (the `Talks:` trait) until they have
`MIN_LINES` speeches in the drafted scenes, and from their lines after. Representative examples
are the speeches most typical of their speaker and least typical of the others (by the word and
trigram vectors of `evaluate.voices`); `distinctiveness` is that module's leave-one-out score.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from writersroom.errors import FormatError, ProjectError
from writersroom.evaluate.voices import distinctiveness, features
from writersroom.screenplay.model import Dialogue, Parenthetical, Screenplay
from writersroom.voice.profile import Speech, Voice, describe, profile_bio, profile_lines
from writersroom.voice.stylometry import content_words, words

if TYPE_CHECKING:
    from writersroom.story.types import Character, SceneDraft

MIN_LINES = 3  # speeches needed before a profile is measured from lines instead of the bio
EXAMPLES = 5
_PAREN = re.compile(r"^\(.*\)$", re.S)


@dataclass(frozen=True)
class Cast:
    voices: tuple[Voice, ...]
    distinctiveness: float = 0.0

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.voices]

    def get(self, name: str) -> Voice | None:
        """The voice of a cue or name; a unique first name or prefix works too ("MAYA")."""
        key = " ".join(name.upper().split())
        exact = [v for v in self.voices if v.name == key]
        if exact:
            return exact[0]
        close = [
            v for v in self.voices if v.name.startswith(key + " ") or v.name.split(" ")[0] == key
        ]
        return close[0] if len(close) == 1 else None

    def to_json(self) -> dict[str, Any]:
        return {
            "characters": [v.to_json() for v in self.voices],
            "distinctiveness": round(self.distinctiveness, 3),
        }


def speeches_of(doc: Screenplay) -> dict[str, list[Speech]]:
    """Each speaker's speeches in order (text lines joined; the first parenthetical kept)."""
    out: dict[str, list[Speech]] = {}
    for element in doc.elements:
        if isinstance(element, Dialogue):
            text = " ".join(" ".join(x.split()) for x in element.lines if isinstance(x, str))
            paren = next((x.text for x in element.lines if isinstance(x, Parenthetical)), "")
            if text:
                out.setdefault(element.speaker.upper(), []).append(Speech(text, paren))
    return out


def speech_of_lines(lines: Sequence[str]) -> Speech:
    """A speech from a story draft's dialogue lines ("(quietly)" lines are parentheticals)."""
    parens = [x for x in lines if _PAREN.match(x.strip())]
    text = " ".join(" ".join(x.split()) for x in lines if not _PAREN.match(x.strip()))
    return Speech(text, parens[0].strip() if parens else "")


def _unit(counts: Counter[str]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {k: v / norm for k, v in counts.items()}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def representative(
    lines: Mapping[str, Sequence[str]], speaker: str, *, count: int = EXAMPLES
) -> tuple[str, ...]:
    """The speeches of `speaker` (4 to 40 words) nearest their own centroid and farthest from
    the others', without near repeats."""
    centroids = {}
    for who, texts in lines.items():
        total: Counter[str] = Counter()
        for t in texts:
            total.update(features(t))
        centroids[who] = _unit(total)
    scored = []
    for text in dict.fromkeys(lines[speaker]):
        if not 4 <= len(words(text)) <= 40:
            continue
        v = _unit(features(text))
        own = _cosine(v, centroids[speaker])
        other = max((_cosine(v, c) for w, c in centroids.items() if w != speaker), default=0.0)
        scored.append((own - other, text))
    chosen: list[str] = []
    for _, text in sorted(scored, key=lambda p: -p[0]):
        mine = set(words(text))
        if all(len(mine & set(words(c))) < 0.6 * len(mine) for c in chosen):
            chosen.append(text)
        if len(chosen) == count:
            break
    return tuple(chosen)


def learn_voices(
    speeches: Mapping[str, Sequence[Speech]],
    bios: Mapping[str, str] | None = None,
    *,
    min_lines: int = MIN_LINES,
) -> Cast:
    """Voices for every speaker (and every character with a bio), most speeches first. A
    character with fewer than `min_lines` speeches and a bio is profiled from the bio."""
    bios = bios or {}
    texts = {who: [s.text for s in ss] for who, ss in speeches.items() if ss}
    everyone = Counter(w for ts in texts.values() for t in ts for w in content_words(t))
    voices = []
    for who in dict.fromkeys([*texts, *bios]):
        said = list(speeches.get(who, ()))
        if len(said) < min_lines and bios.get(who):
            profile = profile_bio(bios[who])
        elif said:
            profile = profile_lines(said, everyone)
        else:
            continue
        examples = representative(texts, who) if who in texts else ()
        voices.append(Voice(who, len(said), profile, examples))
    voices.sort(key=lambda v: -v.lines)
    return Cast(tuple(voices), distinctiveness(texts))


def voices_of_script(doc: Screenplay) -> Cast:
    return learn_voices(speeches_of(doc))


def voices_of_project(project_dir: str | Path) -> Cast:
    """Voices of a story project: bios from characters.json, lines from the drafted scenes."""
    from writersroom.story.project import Project  # the story engine imports this module too

    bible = Project.open(project_dir).bible()
    bios = {c.cue: c.voice for c in bible.characters or ()}
    speeches: dict[str, list[Speech]] = {}
    for number in sorted(bible.drafts):
        for block in bible.drafts[number].blocks:
            if block.type == "dialogue":
                speeches.setdefault(block.speaker, []).append(speech_of_lines(block.lines))
    return learn_voices(speeches, bios)


def read_script_file(path: Path) -> Screenplay:
    """A script or play in any format the training corpus reads (.fountain .fdx .pdf, a
    Gutenberg or plain-text play .txt, DraCor TEI .xml)."""
    from writersroom.train.corpus import read_script

    try:
        raw = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise FormatError("no such script file", path=str(path)) from None
    doc, _ = read_script(path, raw)
    return doc


def load_voices(path: str | Path) -> Cast:
    """Voices from a script file (any format `screenplay.io` reads) or a story project directory."""
    target = Path(path)
    if target.is_dir():
        if not (target / "project.json").exists():
            raise ProjectError(
                f"{target} is not a story project (no project.json); give a script file"
            )
        return voices_of_project(target)
    return voices_of_script(read_script_file(target))


def voice_notes(
    present: Sequence[Character], drafts: Mapping[int, SceneDraft], *, scene: int
) -> tuple[str, ...]:
    """For a scene prompt: one line per present character who has spoken enough in the other
    drafted scenes, with their measured voice and a line they said. Characters without enough
    lines are left to their bio (the prompt's cast list already gives it)."""
    speeches: dict[str, list[Speech]] = {}
    for number, draft in sorted(drafts.items()):
        if number != scene:
            for block in draft.blocks:
                if block.type == "dialogue":
                    speeches.setdefault(block.speaker, []).append(speech_of_lines(block.lines))
    if not any(len(speeches.get(c.cue, ())) >= MIN_LINES for c in present):
        return ()
    cast = learn_voices(speeches, {c.cue: c.voice for c in present})
    notes = []
    for c in present:
        v = cast.get(c.cue)
        if v is not None and v.profile.source == "lines":
            said = f'; once said: "{v.examples[0]}"' if v.examples else ""
            notes.append(f"- {c.cue} {describe(v.profile)}{said}")
    return tuple(notes)
