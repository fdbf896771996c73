"""Derived views of a Screenplay: scenes, characters, locations, INT/EXT and DAY/NIGHT.

Pure functions over the flat element sequence; nothing is stored on the document.

    >>> from writersroom.screenplay import fountain
    >>> doc = fountain.parse("INT. DINER - NIGHT\\n\\nBOB\\nTwo coffees.\\n\\n"
    ...                      "EXT. ROAD - DAY\\n\\nBOB\\nGo.")
    >>> [(s.number, s.heading.text) for s in scenes(doc)]
    [(1, 'INT. DINER - NIGHT'), (2, 'EXT. ROAD - DAY')]
    >>> [(c.name, c.lines, c.words, c.scenes) for c in characters(doc)]
    [('BOB', 2, 3, 2)]
    >>> [(loc.name, loc.scenes) for loc in locations(doc)]
    [('DINER', 1), ('ROAD', 1)]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from writersroom.screenplay.markup import visible
from writersroom.screenplay.model import Dialogue, Element, Parenthetical, SceneHeading, Screenplay

__all__ = [
    "Breakdown",
    "CharacterStats",
    "Location",
    "Scene",
    "SceneSlug",
    "breakdown",
    "characters",
    "locations",
    "parse_heading",
    "scenes",
    "words",
]


@dataclass(frozen=True)
class Scene:
    """A scene heading and everything up to the next one."""

    number: int  # 1-based position among the scenes
    heading: SceneHeading
    start: int  # index of the heading in Screenplay.elements
    elements: tuple[Element, ...]  # the elements after the heading

    @property
    def label(self) -> str:
        """The scene number as printed: the heading's own (#12A#) or the position."""
        return self.heading.number or str(self.number)


@dataclass(frozen=True)
class CharacterStats:
    name: str  # the cue as first written, without extension
    lines: int  # speeches (dialogue blocks)
    words: int  # words spoken (parentheticals not counted)
    scenes: int  # scenes in which the character speaks


@dataclass(frozen=True)
class SceneSlug:
    """A scene heading taken apart: "INT./EXT. CAR - MOVING - NIGHT"."""

    int_ext: str  # "INT", "EXT", "INT/EXT" or "" (no prefix)
    location: str  # "CAR - MOVING"
    time: str  # "NIGHT" ("" when none is given)


@dataclass(frozen=True)
class Location:
    name: str
    scenes: int
    int_ext: tuple[str, ...]  # the INT/EXT values it is seen with


@dataclass(frozen=True)
class Breakdown:
    int_ext: dict[str, int]  # "INT": 40, "EXT": 12, "INT/EXT": 2, "": 1
    time: dict[str, int]  # "DAY": 30, "NIGHT": 20, "CONTINUOUS": 4
    day_night: dict[str, int]  # "DAY": 33, "NIGHT": 21, "OTHER": 4


def scenes(doc: Screenplay) -> list[Scene]:
    """The scenes in order. Material before the first heading belongs to no scene."""
    starts = [n for n, e in enumerate(doc.elements) if isinstance(e, SceneHeading)]
    out = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(doc.elements)
        heading = doc.elements[start]
        assert isinstance(heading, SceneHeading)
        out.append(Scene(k + 1, heading, start, doc.elements[start + 1 : end]))
    return out


def words(text: str) -> int:
    """Printed words in a Fountain string (markup, notes and boneyard left out)."""
    return len(visible(text).split())


def characters(doc: Screenplay) -> list[CharacterStats]:
    """Speaking characters, most speeches first. Cues are matched case-insensitively, so
    "STEEL (CONT'D)" and "STEEL" are one character."""
    names: dict[str, str] = {}
    lines: Counter[str] = Counter()
    spoken: Counter[str] = Counter()
    in_scenes: dict[str, set[int]] = {}
    scene = 0
    for element in doc.elements:
        if isinstance(element, SceneHeading):
            scene += 1
        if not isinstance(element, Dialogue) or not visible(element.speaker).strip():
            continue
        name = " ".join(visible(element.speaker).split())
        key = name.casefold()
        names.setdefault(key, name)
        lines[key] += 1
        spoken[key] += sum(words(x) for x in element.lines if not isinstance(x, Parenthetical))
        in_scenes.setdefault(key, set()).add(scene)
    order = sorted(names, key=lambda k: (-lines[k], names[k]))
    return [CharacterStats(names[k], lines[k], spoken[k], len(in_scenes[k])) for k in order]


_PREFIX = re.compile(
    r"^(?P<ie>int\.?\s*/\s*ext|int\.ext|ext\.?\s*/\s*int|i\.?\s*/\s*e|e\.?\s*/\s*i|int|ext|est)"
    r"[.\s]\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_DASH = re.compile(r"\s+[-\u2013\u2014]+\s+|\s*--\s*")
_DAY = {
    "DAY",
    "MORNING",
    "AFTERNOON",
    "DAWN",
    "SUNRISE",
    "NOON",
    "EARLY MORNING",
    "LATE AFTERNOON",
    "MIDDAY",
    "DAYTIME",
}
_NIGHT = {
    "NIGHT",
    "EVENING",
    "DUSK",
    "SUNSET",
    "MIDNIGHT",
    "LATE NIGHT",
    "TWILIGHT",
    "NIGHTTIME",
    "MAGIC HOUR",
}
_OTHER_TIMES = {"CONTINUOUS", "LATER", "MOMENTS LATER", "SAME", "SAME TIME", "SIMULTANEOUS"}
_TIMES = _DAY | _NIGHT | _OTHER_TIMES


def parse_heading(text: str) -> SceneSlug:
    """Split a heading into INT/EXT, location and time of day.

    >>> parse_heading("INT./EXT. CAR - MOVING - NIGHT")
    SceneSlug(int_ext='INT/EXT', location='CAR - MOVING', time='NIGHT')
    >>> parse_heading("EXT. NEW YORK CITY. DAY. CONTINUOUS. 1868.")
    SceneSlug(int_ext='EXT', location='NEW YORK CITY', time='DAY')
    """
    plain = " ".join(visible(text).split())
    int_ext, rest = "", plain
    if match := _PREFIX.match(plain):
        raw = re.sub(r"[.\s]", "", match.group("ie")).upper()
        int_ext = {"INT": "INT", "EXT": "EXT", "EST": "EXT"}.get(raw, "INT/EXT")
        rest = match.group("rest")
    rest = rest.strip(" .-")
    parts = [p.strip(" .") for p in _DASH.split(rest) if p.strip(" .")]
    if len(parts) > 1:
        return SceneSlug(int_ext, " - ".join(parts[:-1]), parts[-1].upper())
    dotted = [p.strip() for p in rest.split(". ") if p.strip()]
    for n, part in enumerate(dotted[1:], 1):
        if part.upper().rstrip(".") in _TIMES:
            return SceneSlug(int_ext, ". ".join(dotted[:n]), part.upper().rstrip("."))
    return SceneSlug(int_ext, rest, "")


def locations(doc: Screenplay) -> list[Location]:
    """Locations by number of scenes (most first), matched case-insensitively."""
    names: dict[str, str] = {}
    count: Counter[str] = Counter()
    kinds: dict[str, list[str]] = {}
    for scene in scenes(doc):
        slug = parse_heading(scene.heading.text)
        key = slug.location.casefold()
        names.setdefault(key, slug.location)
        count[key] += 1
        if slug.int_ext not in kinds.setdefault(key, []):
            kinds[key].append(slug.int_ext)
    order = sorted(names, key=lambda k: (-count[k], names[k]))
    return [Location(names[k], count[k], tuple(kinds[k])) for k in order]


def _day_or_night(time: str) -> str:
    """DAY, NIGHT or OTHER, from the first time-of-day word in `time` ("NIGHT [FLASHBACK]")."""
    for match in _TIME_WORD.finditer(time):
        return "DAY" if match.group().upper() in _DAY else "NIGHT"
    return "OTHER"


_TIME_WORD = re.compile(
    r"\b(?:"
    + "|".join(sorted((re.escape(w) for w in _DAY | _NIGHT), key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


def breakdown(doc: Screenplay) -> Breakdown:
    """How many scenes are INT, EXT, ... and DAY, NIGHT, ..."""
    int_ext: Counter[str] = Counter()
    time: Counter[str] = Counter()
    day_night: Counter[str] = Counter()
    for scene in scenes(doc):
        slug = parse_heading(scene.heading.text)
        int_ext[slug.int_ext] += 1
        time[slug.time] += 1
        day_night[_day_or_night(slug.time)] += 1
    return Breakdown(
        dict(int_ext.most_common()), dict(time.most_common()), dict(day_night.most_common())
    )
