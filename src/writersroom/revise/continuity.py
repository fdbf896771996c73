"""The continuity checker: located findings for the errors a reader catches and a writer misses.

    check(doc) -> [Finding("name_spelling", scene=12, line=340, "EDWRAD is spelt EDWARD in ...")]

Kinds (each a rule over the flat element sequence; no model needed):
    name_spelling   a character's name written differently in one or two places (a cue or a
                    capitalised word one typo away from a name used throughout)
    place_spelling  a heading's place one or two typos away from a place used in other scenes
    time_of_day     action that contradicts its heading's time (moonlight in a DAY scene)
    dead_character  a character who dies or leaves for good, then speaks or acts on screen
    fact            contradicting facts about a character: two ages with no time jump between,
                    two different relationships between the same pair, two names given for one

It stays quiet on what real scripts do on purpose: flashbacks, dreams and fantasies (scenes
whose heading or opening says so), time jumps (a heading or action naming years, YOUNG EDWARD
beside EDWARD), hypotheticals ("if the lion flinches, Edward is dead"), voice-over from the dead,
and minor characters seen in one scene. `line` is the 1-based line in the script's Fountain
text (`writersroom convert FILE -`); `scene` the 1-based scene in document order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from writersroom.revise.ops import Operation
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
from writersroom.screenplay.views import parse_heading, scenes

__all__ = ["KINDS", "Finding", "check", "distance", "to_data"]

KINDS = ("name_spelling", "place_spelling", "time_of_day", "dead_character", "fact")


@dataclass(frozen=True)
class Finding:
    id: str  # "F1", in document order
    kind: str  # one of KINDS
    scene: int  # 1-based scene in document order
    line: int  # 1-based line in the Fountain text
    message: str
    severity: str  # "error" or "warning"
    fix: Operation | None = field(default=None, compare=False)  # a revision that would fix it


def to_data(findings: Sequence[Finding]) -> dict[str, list[dict[str, object]]]:
    """{"findings": [{"id", "kind", "scene", "line", "message", "severity"}]}"""
    keys = ("id", "kind", "scene", "line", "message", "severity")
    return {"findings": [{k: getattr(f, k) for k in keys} for f in findings]}


def distance(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit (Damerau).

    >>> distance("EDWARD", "EDWRAD"), distance("SANDRA", "SANDY")
    (1, 2)
    """
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _typo(variant: str, name: str) -> bool:
    """One typo away (two for long names), same first letter, not a plural or possessive."""
    if variant == name or variant[:1] != name[:1] or len(variant) < 3 or len(name) < 4:
        return False
    if variant.rstrip("S'") == name.rstrip("S'"):
        return False
    if variant.startswith(name) and variant[len(name) :] in ("Y", "IE", "EY", "S", "O"):
        return False  # a nickname: Scott and Scotty
    return distance(variant, name) <= (2 if len(name) >= 8 else 1)


# --- the script as located text ---------------------------------------------------------------
@dataclass(frozen=True)
class _Unit:
    scene: int  # 0: before the first heading
    index: int  # element index
    line: int  # 1-based Fountain line of the element
    element: Element
    special: bool  # in a flashback, dream or fantasy scene


_SPECIAL = re.compile(
    r"\b(flash ?back|dream|fantasy|memory|nightmare|imagin|vision|flash forward)", re.I
)
_JUMP = re.compile(
    r"\b(years? (later|earlier|before|ago)|later that year|flash ?back|present day|"
    r"back to present|months later|decades? (?:later|earlier|before|ago))\b",
    re.I,
)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def _jumps(units: Sequence[_Unit]) -> list[bool]:
    """For each element index, whether time jumps there: a heading, transition or the start
    of an action says so ("YEARS LATER", "FLASHBACK"), or names a year other than the last."""
    out = [False] * (max((u.index for u in units), default=-1) + 1)
    year = ""
    for u in units:
        e = u.element
        if isinstance(e, SceneHeading | Transition | Action):
            text = e.text if not isinstance(e, Action) else e.text[:120]
            named = _YEAR.search(text)
            out[u.index] = bool(_JUMP.search(text)) or bool(named and year and named[0] != year)
            year = named[0] if named else year
    return out


def _units(doc: Screenplay) -> list[_Unit]:
    heads = {s.start: s for s in scenes(doc)}
    line = len(fountain.render(Screenplay(doc.title_page, ())).split("\n")) if doc.title_page else 1
    out: list[_Unit] = []
    scene, special = 0, False
    for n, element in enumerate(doc.elements):
        if n in heads:
            scene = heads[n].number
            opening = " ".join(_text(e) for e in heads[n].elements[:2])
            special = bool(_SPECIAL.search(heads[n].heading.text) or _SPECIAL.search(opening[:80]))
        out.append(_Unit(scene, n, line, element, special))
        rendered = fountain.render(Screenplay((), (element,))).strip("\n")
        line += rendered.count("\n") + 2
    return out


def _text(element: Element) -> str:
    if isinstance(element, Dialogue):
        return " ".join(x if isinstance(x, str) else x.text for x in element.lines)
    return getattr(element, "text", "")


def _spoken(element: Dialogue) -> str:
    return " ".join(x for x in element.lines if not isinstance(x, Parenthetical))


# --- the rules ---------------------------------------------------------------------------------
def check(doc: Screenplay) -> list[Finding]:
    """Every finding in `doc`, in document order, numbered F1, F2, ..."""
    units = _units(doc)
    found = [
        *_name_spelling(units),
        *_place_spelling(units),
        *_time_of_day(units),
        *_dead_characters(units),
        *_facts(units),
    ]
    found.sort(key=lambda f: (f.line, f.kind))
    return [replace(f, id=f"F{n}") for n, f in enumerate(found, 1)]


def _cues(units: Sequence[_Unit]) -> Counter[str]:
    return Counter(
        _cue(u.element) for u in units if isinstance(u.element, Dialogue) and _cue(u.element)
    )


def _cue(element: Dialogue) -> str:
    return " ".join(element.speaker.upper().split())


def _name_spelling(units: Sequence[_Unit]) -> Iterator[Finding]:
    cues = _cues(units)
    common = [c for c, n in cues.items() if n >= 4]
    scenes_of: dict[str, set[int]] = {}
    for u in units:
        if isinstance(u.element, Dialogue):
            scenes_of.setdefault(_cue(u.element), set()).add(u.scene)
    for u in units:
        e = u.element
        if isinstance(e, Dialogue) and cues[_cue(e)] <= 2:
            for name in common:
                if _typo(_cue(e), name):
                    message = f"{e.speaker} speaks here; everywhere else the name is {name}"
                    fix = Operation("replace_text", u.scene, e.speaker, name)
                    yield Finding("", "name_spelling", u.scene, u.line, message, "warning", fix)
                    break
    # names inside action and speech: words one typo away from a common character's name
    names = {w for c in common for w in c.split() if len(w) >= 4}
    words = Counter(
        w.upper() for u in units for w in re.findall(r"\b[A-Z][A-Za-z']+\b", _text(u.element))
    )
    everything = set(words) | set(cues) | {w for c in cues for w in c.split()}
    lower = {w for u in units for w in re.findall(r"\b[a-z][a-z']+\b", _text(u.element))}
    for u in units:
        for word in dict.fromkeys(re.findall(r"\b[A-Z][A-Za-z]{3,}\b", _text(u.element))):
            key = word.upper()
            if key in names or words[key] > 2 or key in cues or word.lower() in lower:
                continue
            for name in names:
                if _typo(key, name) and words[name] + cues[name] >= 5 and name in everything:
                    right = name if word.isupper() else name.title()
                    message = f"{word} is spelt {right} everywhere else"
                    fix = Operation("replace_text", u.scene, word, right)
                    yield Finding("", "name_spelling", u.scene, u.line, message, "warning", fix)
                    break


def _place_spelling(units: Sequence[_Unit]) -> Iterator[Finding]:
    heads = [u for u in units if isinstance(u.element, SceneHeading)]
    places = {u.index: parse_heading(u.element.text).location.upper() for u in heads}  # type: ignore[union-attr]
    count = Counter(places.values())
    for u in heads:
        place = places[u.index]
        if count[place] != 1 or len(place) < 4:
            continue
        for other, n in count.items():
            if n >= 2 and _typo(place, other) and place.split(" - ")[-1] != other:
                message = f"the place {place} is {other} in {n} other scenes"
                fix = Operation("set_place", u.scene, value=other)
                yield Finding("", "place_spelling", u.scene, u.line, message, "warning", fix)
                break


_NIGHT_WORDS = re.compile(
    r"\b(moonlight|moonlit|full moon|the moon (?:hangs|shines|rises|glows)|starlit|"
    r"stars (?:glitter|shine|twinkle|wheel)|dead of night|middle of the night|"
    r"pitch[- ]black night)\b",
    re.I,
)
_DAY_WORDS = re.compile(
    r"\b(sunlight|sunshine|broad daylight|midday sun|noon sun|blazing sun|the sun (?:blazes|beats|"
    r"burns|glares|is high|shines)|bright afternoon|morning sun|high noon|scorching sun)\b",
    re.I,
)
_DEPICTED = re.compile(
    r"\b(photo|picture|painting|poster|tv|television|screen|film|movie|book|story|drawing|mural)\b",
    re.I,
)
_NIGHT_TIMES = {"NIGHT", "MIDNIGHT", "LATE NIGHT", "NIGHTTIME", "EVENING"}
_DAY_TIMES = {"DAY", "DAYTIME", "AFTERNOON", "NOON", "MIDDAY", "LATE AFTERNOON"}


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")) if s.strip()]


def _time_of_day(units: Sequence[_Unit]) -> Iterator[Finding]:
    time = ""
    for u in units:
        e = u.element
        if isinstance(e, SceneHeading):
            time = parse_heading(e.text).time
            continue
        if not isinstance(e, Action) or u.special or not time:
            continue
        wrong = _DAY_WORDS if time in _NIGHT_TIMES else _NIGHT_WORDS if time in _DAY_TIMES else None
        if wrong is None:
            continue
        for sentence in _sentences(e.text):
            match = wrong.search(sentence)
            if match and not _DEPICTED.search(sentence) and not _HYPOTHETICAL.search(sentence):
                other = "DAY" if wrong is _DAY_WORDS else "NIGHT"
                message = f'"{match.group(0)}" in a scene set at {time}'
                fix = Operation("set_time", u.scene, value=other)
                yield Finding("", "time_of_day", u.scene, u.line, message, "warning", fix)
                break


_HYPOTHETICAL = re.compile(
    r"\b(if|would|could|might|almost|nearly|pretend\w*|as if|as though|imagin\w*|dreams?|"
    r"thinks?|believes?|fake\w*|plays? dead|playing dead|what if|unless|or else|wish\w*|"
    r"seems?|looks like|maybe|perhaps|not|never|no one|nobody|rumou?r\w*|says?|said|tells?)\b",
    re.I,
)


def _death(name: str) -> re.Pattern[str]:
    n = re.escape(name)
    return re.compile(
        rf"\b{n}\b(?:'s)? (?:dies|is dead|lies dead|falls dead|drops dead|is killed|has died|"
        rf"passes away|breathes (?:his|her|their) last|is shot dead|dies instantly|"
        rf"leaves for good|leaves forever|is gone for good|is gone forever)\b|"
        rf"\b{n}\b[^.;]{{0,30}}\band (?:dies|is dead)\b|"
        rf"\b(?:kills|murders|executes) {n}\b|\b{n}'s (?:lifeless |dead )?(?:body|corpse)\b",
        re.I,
    )


def _acts(name: str) -> re.Pattern[str]:
    n = re.escape(name)
    return re.compile(
        rf"^{n} (?:walks|enters|runs|sits|stands|smiles|laughs|nods|says|looks|turns|grins|"
        rf"shouts|whispers|arrives|comes in|steps)\b",
        re.I,
    )


def _dead_characters(units: Sequence[_Unit]) -> Iterator[Finding]:
    cues = _cues(units)
    jumps = _jumps(units)
    named = [c for c, n in cues.items() if n >= 2]
    for name in named:
        forms = {name, name.title(), name.split()[0].title()} if " " in name else {name}
        died: _Unit | None = None
        for u in units:
            e = u.element
            if died is None:
                if isinstance(e, Action) and not u.special:
                    for sentence in _sentences(e.text):
                        clean = not _HYPOTHETICAL.search(sentence)
                        low = sentence.lower()
                        forms_here = [f for f in forms if f.lower() in low]
                        if clean and any(_death(f).search(sentence) for f in forms_here):
                            died = u
                            break
                continue
            if u.scene == died.scene or u.special:
                continue
            if jumps[u.index]:
                break  # a time jump: the past may be shown again
            speaks = isinstance(e, Dialogue) and _cue(e) == name
            voice = isinstance(e, Dialogue) and (e.extension or "").upper().startswith(
                ("V.O", "V/O")
            )
            acts = isinstance(e, Action) and any(
                _acts(f).search(s)
                for s in _sentences(e.text)
                for f in forms
                if s.lower().startswith(f.lower())
            )
            if (speaks and not voice) or acts:
                what = "speaks" if speaks else "appears"
                message = (
                    f"{name} {what} here, after dying or leaving for good in scene {died.scene}"
                )
                yield Finding("", "dead_character", u.scene, u.line, message, "error")
                break


_RELATION = (
    r"(brother|sister|mother|father|mom|dad|wife|husband|son|daughter|uncle|aunt|cousin|"
    r"grandmother|grandfather|boss|girlfriend|boyfriend|fianc[eé]e?|nephew|niece)"
)
_SAME = {"mom": "mother", "dad": "father", "fiancee": "partner", "fiance": "partner",
         "fiancé": "partner", "fiancée": "partner", "girlfriend": "partner",
         "boyfriend": "partner", "wife": "partner", "husband": "partner"}  # fmt: skip


def _facts(units: Sequence[_Unit]) -> Iterator[Finding]:
    cues = _cues(units)
    people = [
        c for c, n in cues.items() if n >= 2 and not c.startswith(("YOUNG ", "OLD ", "OLDER "))
    ]
    ages: dict[str, tuple[int, _Unit]] = {}
    relations: dict[tuple[str, str], tuple[str, _Unit]] = {}
    given: dict[str, tuple[str, _Unit]] = {}
    jumps = _jumps(units)
    for u in units:
        e = u.element
        if u.special:
            continue
        if jumps[u.index]:
            ages.clear()  # ages may change across a time jump
        text = _text(e)
        for person in people:
            for age in _ages(person, e):
                # Two ages far apart are the script showing another time of life (Will at
                # 6 and at 29), not a slip; a slip is a near miss (34 and 36).
                if person in ages and 0 < abs(ages[person][0] - age) <= _AGE_SLIP:
                    before = ages[person]
                    message = (
                        f"{person} is {age} here but {before[0]} in scene {before[1].scene}, "
                        "with no time jump between"
                    )
                    yield Finding("", "fact", u.scene, u.line, message, "error")
                ages[person] = (age, u)
            if isinstance(e, Dialogue) and _cue(e) == person:
                said = re.search(r"\b(?i:my name)(?:'s| is) ([A-Z][a-z]+)\b", _spoken(e))
                if said:
                    name = said.group(1).upper()
                    if person in given and given[person][0] != name:
                        message = (
                            f"{person} gives the name {name} here but "
                            f"{given[person][0]} in scene {given[person][1].scene}"
                        )
                        yield Finding("", "fact", u.scene, u.line, message, "error")
                    given.setdefault(person, (name, u))
        for pair, relation in _relations(text, people, e):
            if pair in relations and _SAME.get(relations[pair][0], relations[pair][0]) != _SAME.get(
                relation, relation
            ):
                earlier = relations[pair]
                message = (
                    f"{pair[1]} is {pair[0]}'s {relation} here but {pair[0]}'s {earlier[0]} "
                    f"in scene {earlier[1].scene}"
                )
                yield Finding("", "fact", u.scene, u.line, message, "error")
            relations.setdefault(pair, (relation, u))


_AGE_SLIP = 10


def _ages(person: str, e: Element) -> list[int]:
    if isinstance(e, Action) and person.lower() not in e.text.lower():
        return []
    n = re.escape(person)
    found: list[str] = []
    if isinstance(e, Action):
        young = r"(?<!young )(?<!younger )(?<!old )(?<!older )(?<!little )"
        name = rf"{young}\b(?i:{n})(?: [A-Z][A-Za-z'-]+)?"  # EDWARD, Edward Bloom
        found += re.findall(rf"{name} \((\d{{1,2}})\)", e.text)
        found += re.findall(rf"{name}, (?:[Aa]ge |[Aa]ged )?(\d{{1,2}})\b(?![-'s0-9])", e.text)
        found += re.findall(rf"\b{n} is (\d{{1,2}}) years old\b", e.text, re.I)
    elif isinstance(e, Dialogue) and _cue(e) == person:
        found += re.findall(r"\bI(?:'m| am) (\d{1,2}) years old\b", _spoken(e))
    return [int(x) for x in found]


def _relations(
    text: str, people: Sequence[str], e: Element
) -> Iterator[tuple[tuple[str, str], str]]:
    if isinstance(e, Dialogue):
        return
    names = "|".join(re.escape(p) for p in people)
    if not names:
        return
    for a, rel, b in re.findall(rf"\b({names})'s {_RELATION},? ({names})\b", text, re.I):
        yield (a.upper(), b.upper()), rel.lower()
    for b, a, rel in re.findall(rf"\b({names}), ({names})'s {_RELATION}\b", text, re.I):
        yield (a.upper(), b.upper()), rel.lower()
    for b, a, rel in re.findall(rf"\b({names}) is ({names})'s {_RELATION}\b", text, re.I):
        yield (a.upper(), b.upper()), rel.lower()
