"""Plain-text stage plays → the screenplay document model (DraCor TEI XML: see tei.py).

    doc = parse_play_text(text, title="Candida", author="Bernard Shaw")

Plain-text plays come in many house styles, so cues are found by vote: every paragraph start that
could be a cue ("MRS. MAR.", "Peter Stockmann.", "THE DOG (_aside_)", "First Citizen:") is counted,
and only those seen at least three times are taken as speakers. The play proper starts at the first
act or scene marker followed by speeches (prefaces, cast lists and tables of contents before it are
dropped) and ends after the last speech and its closing directions (sequels and notes are dropped).
Each act or scene becomes a scene: a `Section` with the marker ("ACT II") and a `SceneHeading` built
from the setting ("INT. MORNING-ROOM IN ALGERNON'S FLAT - DAY"). Stage directions become `Action`;
short directions inside a speech become `Parenthetical`s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Element,
    Line,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    TitleField,
)

MIN_CUES = 3  # a cue seen fewer times is not taken as a speaker
MAX_PARENTHETICAL_WORDS = 14  # longer directions inside a speech become Action

_WORD = r"[A-Z][A-Za-z'’\-]*"
_NAME_START = re.compile(rf"^({_WORD}\.?(?:[ ]{_WORD}\.?){{0,3}})")
_DIRECTION = re.compile(r"^\s*(\[[^\]]*\]|\([^)]*\))\s*")
_INLINE_DIRECTION = re.compile(r"(\[[^\]\n]*(?:\n[^\]\n]*){0,6}\]|\([^)\n]*(?:\n[^)\n]*){0,6}\))")
_MARKER = re.compile(
    r"^(?:THE\s+)?(?:(?:FIRST|SECOND|THIRD|FOURTH|FIFTH|LAST)\s+ACT|ACT\s+(?:[IVXL]+|\d+|ONE|TWO|"
    r"THREE|FOUR|FIVE|FIRST|SECOND|THIRD|FOURTH|FIFTH|LAST)\b|SCENE\s+(?:[IVXL]+|\d+(?:\.\d+)?)\b|PROLOGUE\b|EPILOGUE\b)",
    re.IGNORECASE,
)
_END_MARK = re.compile(
    r"^(?:\[?\s*)?(?:CURTAIN|THE END|END OF (?:THE )?(?:\w+ )?(?:ACT|PLAY)|ACT DROP|FINIS)\b.*$",
    re.IGNORECASE,
)
_FOOTNOTE = re.compile(r"\[\d+\]")
_SETTING_LEAD = re.compile(
    r"^(?:scene\s*[:.\-—]\s*|the\s+scene\s+(?:is\s+)?(?:laid\s+|represents\s+|changes\s+to\s+)?"
    r"(?:in|at|on)?\s*|the\s+stage\s+represents\s+|place\s*[:.]\s*)",
    re.IGNORECASE,
)
_EXTERIOR = re.compile(
    r"\b(garden|park|street|road|lawn|terrace|forest|wood|woods|field|fields|beach|shore|square|"
    r"outside|exterior|courtyard|yard|camp|mountain|hill|desert|heath|sea|river|lake|bridge|"
    r"quay|harbour|harbor|cemetery|churchyard|veranda|verandah|balcony|open air|countryside|"
    r"country|island|suburbs?|village|town|city|orchard|meadow|lane|wharf|market|grove|valley)\b",
    re.IGNORECASE,
)
_INTERIOR = re.compile(
    r"\b(room|hall|house|flat|office|kitchen|parlou?r|study|library|interior|inside|cottage|palace|"
    r"chamber|bedroom|salon|saloon|shop|inn|tavern|church|cabin|hut|studio|apartment|lodging)s?\b",
    re.IGNORECASE,
)
# fmt: off
_PLACE_NOUNS = frozenset([
    "room", "library", "study", "hall", "house", "flat", "office", "kitchen", "parlour",
    "parlor", "garden", "street", "square", "park", "forest", "wood", "field", "beach",
    "shore", "cottage", "palace", "chamber", "bedroom", "boudoir", "salon", "saloon", "shop",
    "inn", "tavern", "church", "cabin", "hut", "studio", "apartment", "lodging", "lodgings",
    "greenhouse", "conservatory", "terrace", "lawn", "yard", "courtyard", "camp", "tent",
    "castle", "tower", "prison", "dungeon", "cell", "court", "suburb", "village", "town",
    "city", "island", "land", "kingdom", "road", "lane", "bridge", "quay", "harbour", "harbor",
    "cemetery", "churchyard", "veranda", "verandah", "balcony", "gallery", "passage",
    "corridor", "hotel", "club", "theatre", "theater", "station", "platform", "ship", "deck",
    "cellar", "attic", "barn", "stable", "mill", "farm", "farmhouse", "manor", "mansion",
    "vicarage", "rectory", "parsonage", "school", "hospital", "heath", "hill", "mountain",
    "desert", "sea", "river", "lake", "wharf", "market", "temple", "bower", "grove", "plain",
    "valley", "cave", "orchard", "meadow", "country", "countryside", "wilderness",
    "battlefield", "ward", "lobby", "vestibule", "stairs", "staircase", "landing", "porch",
    "doorway", "cloister", "abbey", "chapel", "monastery", "convent", "drawing-room",
    "sitting-room", "morning-room", "bar", "restaurant", "cafe", "café", "kiosk", "bank",
    "factory", "workshop", "warehouse", "senate-house", "chocolate-house", "coffee-house"
])
_TOKEN = re.compile(r"[\w'’\-]+")  # a word of a stage setting
_PLACE_LINKS = frozenset({"in", "at", "of", "before", "behind", "outside", "near", "by", "beside"})
_PHRASE_STOPS = frozenset([
    "in", "at", "on", "of", "to", "by", "into", "from", "before", "behind", "outside", "near",
    "beside", "with", "is", "are", "was", "were", "be", "the", "a", "an", "and", "or", "but",
    "as", "which", "who", "where", "when", "that", "this", "there", "it", "he", "she", "they",
    "we", "you", "i", "his", "her", "their", "its", "our", "same"
])
# fmt: on
_TIMES = (
    ("NIGHT", r"\b(night|midnight|moonlight|dark|after dinner|supper)\b"),
    ("EVENING", r"\b(evening|dusk|sunset)\b"),
    ("MORNING", r"\b(morning|dawn|sunrise|breakfast)\b"),
    ("AFTERNOON", r"\b(afternoon|tea)\b"),
)
_NOT_NAMES = {
    "ACT",
    "SCENE",
    "CURTAIN",
    "END",
    "EXIT",
    "EXEUNT",
    "ENTER",
    "FINIS",
    "PROLOGUE",
    "EPILOGUE",
    "NOTE",
    "NOTES",
    "PREFACE",
    "CHARACTERS",
    "PERSONS",
    "TIME",
    "PLACE",
    "THE",
    "A",
    "AN",
    "I",
    "O",
    "OH",
    "AH",
    "YES",
    "NO",
    "WELL",
    "WHY",
    "WHAT",
    "HOW",
    "COME",
    "NOW",
    "SO",
    "THEN",
    "HERE",
    "THERE",
    "GOOD",
    "VERY",
    "INDEED",
    "NOTHING",
    "THANKS",
    "THANK",
    "CERTAINLY",
    "QUITE",
    "REALLY",
    "NEVER",
    "ALWAYS",
    "NONSENSE",
    "PARDON",
    "SIR",
    "MADAM",
    "HA",
    "HM",
    "HUSH",
    "STOP",
    "WAIT",
    "LOOK",
    "LISTEN",
    "PLEASE",
    "BUT",
    "AND",
    "IT",
    "HE",
    "SHE",
    "WE",
    "YOU",
    "THEY",
    "THIS",
    "THAT",
    "MR",
    "MRS",
    "MS",
    "DR",
    "ST",
    "LADY",
    "LORD",
    "MISS",
    "CAPT",
    "COL",
    "GEN",
    "REV",
    "CHAPTER",
    "CONTENTS",
    "INTRODUCTION",
    "APPENDIX",
    "SEQUEL",
    "TRANSCRIBER'S",
    "DRAMATIS",
}


def parse_play_text(
    text: str, *, title: str | None = None, author: str | None = None
) -> Screenplay:
    """A plain-text stage play (already free of Project Gutenberg boilerplate) as a Screenplay.
    Never raises on content; a text without cues gives a document without dialogue."""
    paragraphs = _paragraphs(text)
    speakers = find_speakers(paragraphs)
    start, end = _play_bounds(paragraphs, speakers)
    elements = list(_elements(paragraphs[start:end], speakers))
    return Screenplay(title_page=_title_page(title, author), elements=tuple(elements))


def count_cues(text: str) -> int:
    """How many paragraphs of `text` open with a speaker cue (used to recognise plays)."""
    paragraphs = _paragraphs(text)
    speakers = find_speakers(paragraphs)
    return sum(1 for p in paragraphs if _cue(p, speakers) is not None)


def _title_page(title: str | None, author: str | None) -> tuple[TitleField, ...]:
    fields = [TitleField("Title", title)] if title else []
    if author:
        fields += [TitleField("Credit", "by"), TitleField("Author", author)]
    return tuple(fields)


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each line stripped, footnote marks and italics removed."""
    text = _FOOTNOTE.sub("", text.replace("_", ""))
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            out.append("\n".join(lines))
    return out


# -- speakers -------------------------------------------------------------------------------------


def _candidates(paragraph: str) -> Iterator[str]:
    """Every prefix of the paragraph that could be a cue: 1-4 capitalised words followed by '.',
    ':', a direction in brackets, or the end of the first line."""
    match = _NAME_START.match(paragraph)
    if not match:
        return
    words = match.group(1).split(" ")
    for k in range(1, len(words) + 1):
        name = " ".join(words[:k])
        rest = paragraph[len(name) :]
        ends_word = name.endswith(".") and rest[:1] in {"", " ", "\n"}
        if not (
            ends_word or rest == "" or rest[0] in ".:\n" or rest.startswith((" [", " (", "[", "("))
        ):
            continue
        name = name.rstrip(".")
        if _name_like(name):
            yield name


def _name_like(name: str) -> bool:
    words = name.split(" ")
    letters = [w.replace(".", "").replace("'", "").replace("’", "").replace("-", "") for w in words]
    if not all(letters):
        return False
    upper = all(w.isupper() for w in letters)
    title = all(w[0].isupper() and (len(w) == 1 or not w[1:].isupper()) for w in letters)
    if not (upper or title):
        return False
    inner_abbrev = all(len(w.rstrip(".")) <= 4 for w in words[:-1] if w.endswith("."))
    if not inner_abbrev:
        return False
    return not (len(words) == 1 and name.upper() in _NOT_NAMES) and words[0].upper() not in {
        "ACT",
        "SCENE",
        "END",
        "ENTER",
        "EXIT",
        "EXEUNT",
    }


def find_speakers(paragraphs: Iterable[str]) -> set[str]:
    """The cue names seen at the start of at least MIN_CUES paragraphs."""
    counts = Counter(name for p in paragraphs for name in set(_candidates(p)))
    return {name for name, n in counts.items() if n >= MIN_CUES}


def _cue(paragraph: str, speakers: set[str]) -> tuple[str, str] | None:
    """(speaker, rest of the paragraph) when the paragraph opens with a known cue."""
    names = [n for n in _candidates(paragraph) if n in speakers]
    if not names:
        return None
    name = max(names, key=len)
    rest = paragraph[len(name) :]
    rest = rest[1:] if rest.startswith((".", ":")) else rest
    return name, rest.strip()


# -- where the play starts and ends ---------------------------------------------------------------


def _play_bounds(paragraphs: list[str], speakers: set[str]) -> tuple[int, int]:
    cues = [i for i, p in enumerate(paragraphs) if _cue(p, speakers) is not None]
    if not cues:
        return 0, len(paragraphs)
    # The first act/scene marker whose next speech comes before the next marker (so a table of
    # contents or a list of acts in the front matter is skipped).
    markers = [i for i, p in enumerate(paragraphs) if _is_marker(p)]
    start = None
    for n, i in enumerate(markers):
        next_marker = markers[n + 1] if n + 1 < len(markers) else len(paragraphs)
        if any(i < c < next_marker and c <= i + 20 for c in cues):
            start = i
            break
    if start is None:  # no act markers: the setting just before the first cue
        start = cues[0]
        while (
            start > 0
            and cues[0] - start < 3
            and not _looks_like_front_matter(paragraphs[start - 1])
        ):
            start -= 1
    end = cues[-1] + 1
    while end < len(paragraphs) and end - cues[-1] <= 3 and len(paragraphs[end].split()) <= 60:
        end += 1
    return start, end


def _is_marker(paragraph: str) -> bool:
    return _MARKER.match(paragraph) is not None and len(paragraph.split()) <= 16


def _looks_like_front_matter(paragraph: str) -> bool:
    return paragraph.isupper() or ("," in paragraph.split("\n")[0] and paragraph.count("\n") > 3)


# -- paragraphs → elements ------------------------------------------------------------------------


def _elements(paragraphs: list[str], speakers: set[str]) -> Iterator[Element]:
    location = "STAGE"
    marker: str | None = None  # an act/scene marker waiting for its setting
    waiting: tuple[str, str] | None = None  # (speaker, direction) of a cue alone on its paragraph
    for paragraph in paragraphs:
        if _END_MARK.match(paragraph) and len(paragraph.split()) <= 8:
            continue
        if waiting is not None:  # the speech that follows a cue on its own
            yield from _dialogue(waiting[0], paragraph, opening=waiting[1])
            waiting = None
            continue
        if _is_marker(paragraph):
            if marker is not None:
                yield from _scene_start(marker, "", location)
            marker = _join(paragraph).rstrip(".")
            continue
        cue = _cue(paragraph, speakers)
        if cue is not None:
            if marker is not None:
                yield from _scene_start(marker, "", location)
                marker = None
            speaker, rest = cue
            if not rest or _only_direction(rest):
                waiting = (speaker, _strip_brackets(rest))
                continue
            yield from _dialogue(speaker, rest)
            continue
        text = _strip_brackets(_join(paragraph))
        if not text or (marker is not None and text.upper().rstrip(".:") == "SCENE"):
            continue
        if marker is not None:
            heading = _heading(marker, text, location)
            location = heading.text
            yield Section(marker)
            yield heading
            marker = None
        yield Action(text)
    if marker is not None:
        yield from _scene_start(marker, "", location)


def _scene_start(marker: str, setting: str, location: str) -> Iterator[Element]:
    yield Section(marker)
    yield _heading(marker, setting, location)


def _not_a_place(text: str) -> bool:
    """A stage direction after a scene marker that names people, not a place ("[To them]
    Messenger", "Mirabell, Fainall, Betty", "The same", "Scene continues")."""
    if re.match(
        r"(?i)\[?\s*(to (them|him|her)\b|(the )?same\b|scene( continues)?$|"
        r"enter\b|exeunt\b|exit\b)",
        text,
    ):
        return True
    if re.search(r"(?i)\balone$|\bexeunt\b|\benter\b", text):
        return True
    chunks = [c.strip() for c in re.split(r",| and ", text) if c.strip()]
    return len(chunks) >= 2 and all(len(c.split()) <= 3 and c[:1].isupper() for c in chunks)


def _marker_title(marker: str) -> str:
    """What follows the act/scene numbers in a marker: "ACT I. The Wood-cutter's Cottage" → the
    cottage; "ACT II., Scene 1--At the Fairy's" → "At the Fairy's"."""
    rest = marker
    while (match := _MARKER.match(rest.strip(" .,:;-—"))) is not None:
        rest = rest.strip(" .,:;-—")[match.end() :]
    return rest.strip(" .,:;-—")


def _heading(marker: str, setting: str, previous: str) -> SceneHeading:
    """INT./EXT. PLACE - TIME from an act marker's title or the stage setting that follows it; a
    setting that names no place (a list of the people on stage, "The same") keeps the previous
    scene's place."""
    title = "" if re.match(r"(?i)(prologue|epilogue)", marker) else _marker_title(marker)
    lead = _SETTING_LEAD.sub("", setting.strip()) if setting else ""
    place = _place(title) or ("" if _not_a_place(lead) else _place(lead))
    when = next(
        (name for name, pattern in _TIMES if re.search(pattern, f"{title} {setting}", re.I)), ""
    )
    if not place:
        if previous.startswith(("INT.", "EXT.")):
            if not when:
                return SceneHeading(previous)
            return SceneHeading(f"{previous.rsplit(' - ', 1)[0]} - {when}")
        return SceneHeading(f"INT. STAGE - {when or 'DAY'}")
    exterior = _EXTERIOR.search(place) is not None and not _INTERIOR.search(place.split()[-1])
    return SceneHeading(f"{'EXT.' if exterior else 'INT.'} {place.upper()} - {when or 'DAY'}")


def _place(text: str) -> str:
    """The place a stage setting names: the first phrase in its opening words that ends in a
    place noun, with what it belongs to ("the library in Lady Britomart's house").

    >>> _place("It is after dinner on a January night, in the library in Lady Britomart's house.")
    "library in Lady Britomart's house"
    >>> _place("Roebuck Ramsden is in his study, opening the morning's letters.")
    'study'
    >>> _place("Lady Wishfort, Waitwell disguised as for Sir Rowland")
    ''
    """
    words = re.findall(rf"{_TOKEN.pattern}|[,.;:!?()\[\]—]", text)[:40]
    # A capitalised place noun after "of" names a person's office ("the Inspector of Schools").
    at = next(
        (
            i
            for i, w in enumerate(words)
            if _is_place_noun(w) and not (i and words[i - 1] == "of" and w[:1].isupper())
        ),
        None,
    )
    if at is None:
        return ""
    start = at
    while (
        start > 0
        and at - start < 3
        and _TOKEN.fullmatch(words[start - 1])
        and words[start - 1].lower() not in _PHRASE_STOPS
    ):
        start -= 1
    end = at + 1
    # "... in Lady Britomart's house", "... before a farmhouse", "... of Happiness"
    if end < len(words) and words[end].lower() in _PLACE_LINKS:
        tail = end + 1
        while tail < len(words) and tail - end <= 5 and _TOKEN.fullmatch(words[tail]):
            if _is_place_noun(words[tail]) or (
                words[end].lower() == "of" and words[tail][:1].isupper()
            ):
                end = tail + 1
                if _is_place_noun(words[tail]):
                    break
            if words[tail].lower() in _PHRASE_STOPS - {"the", "a", "an"}:
                break
            tail += 1
    phrase = words[start:end]
    while phrase and phrase[0].lower() in {"the", "a", "an", "his", "her", "their", "its", "our"}:
        phrase = phrase[1:]
    return " ".join(phrase)


def _is_place_noun(word: str) -> bool:
    last = word.lower().replace("’", "'").split("-")[-1]
    return last in _PLACE_NOUNS or (last.endswith("s") and last[:-1] in _PLACE_NOUNS)


def _dialogue(speaker: str, speech: str, *, opening: str = "") -> Iterator[Element]:
    """A speech with inline directions: short ones are parentheticals, long ones split it."""
    lines: list[Line] = []
    if opening:
        lines.append(_paren(opening))
    continued = False
    for part in _INLINE_DIRECTION.split(speech):
        text = re.sub(r"^[.:]\s+", "", _join(part))  # "(drily). Good." leaves ". Good."
        if not text or text in {".", ":"}:
            continue
        if _INLINE_DIRECTION.fullmatch(part.strip()):
            direction = _strip_brackets(text)
            if not direction:
                continue
            if len(direction.split()) <= MAX_PARENTHETICAL_WORDS:
                if lines and isinstance(lines[-1], Parenthetical):
                    lines[-1] = _paren(lines[-1].text[1:-1] + "; " + direction)
                else:
                    lines.append(_paren(direction))
                continue
            if any(isinstance(line, str) for line in lines):
                yield _make_dialogue(speaker, lines, continued)
                continued = True
                lines = []
            yield Action(direction)
            continue
        lines.append(text)
    if any(isinstance(line, str) for line in lines):
        yield _make_dialogue(speaker, lines, continued)


def _make_dialogue(speaker: str, lines: list[Line], continued: bool) -> Dialogue:
    while lines and isinstance(lines[-1], Parenthetical):
        lines.pop()  # a parenthetical never ends a speech
    return Dialogue(_cue_name(speaker), tuple(lines), extension="CONT'D" if continued else None)


def _cue_name(speaker: str) -> str:
    return speaker.upper().rstrip(".").strip()


def _only_direction(text: str) -> bool:
    stripped = text.strip().rstrip(".:").strip()
    return bool(stripped) and _INLINE_DIRECTION.fullmatch(stripped) is not None


def _strip_brackets(text: str) -> str:
    text = text.strip().rstrip(":").strip()
    while len(text) >= 2 and text[0] in "[(" and text.rstrip(".")[-1:] in "])":
        inner = text.rstrip(".")[1:-1]
        if "[" in inner or ("(" in inner and ")" not in inner):
            break
        text = inner.strip()
    return text.strip(" []()")


def _join(text: str) -> str:
    """Reflow a paragraph's lines into one line."""
    return re.sub(r"\s+", " ", text).strip()


def _paren(direction: str) -> Parenthetical:
    return Parenthetical(f"({_lower_first(direction).rstrip('.').strip()})")


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text
