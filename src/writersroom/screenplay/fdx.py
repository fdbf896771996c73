"""Final Draft XML: `parse(xml) -> Screenplay` and `render(doc) -> str`.

Reading joins a paragraph's styled `<Text>` runs into one string with Fountain emphasis markup
(Bold `**`, Italic `*`, Underline `_`), so the document model stays the same whatever the format.
Paragraph types without a place in the model (Shot, General, New Act, ...) are read as Action;
types we do not know also give a warning. Warnings come back from `parse_with_warnings`;
`parse` sends them to the `writersroom.screenplay.fdx` logger. Broken XML raises FormatError
with the line where it broke. Entity declarations are refused (no entity-expansion bombs;
expat does not fetch external entities).

Mapping (docs/formats.md §2):
    SceneHeading  Scene Heading (+Number)       Action     Action / General (+Alignment=Center)
    Dialogue      Character + Parenthetical/Dialogue paragraphs; dual pairs in <DualDialogue>
    Lyrics        Lyric                         Transition Transition
    Section       Outline 1..4 (depth > 4 is written as 4)      Synopsis  Outline Body
    Note          a ScriptNote on an empty General paragraph. Reading: a ScriptNote on a
                  paragraph with text becomes an inline [[note]] at the end of that text;
                  top-level ScriptNotes become Notes at the end. Inline [[notes]] are written
                  as text, so they come back where they were
    Boneyard      a ScriptNote whose text is /* ... */       PageBreak  StartsNewPage="Yes"
Dialogue lines that are all `~`-prefixed (sung dialogue) are written as Lyric paragraphs;
dialogue or parentheticals with no Character before them are read as a speech with no speaker.
The title page is written as Final Draft lays it out (centred title block, contact bottom left,
draft date bottom right) and read back by position: see `fdx_title.py`.

Revision mode: an element's revision mark is written as `RevisionID` on each of its `<Text>`
runs and read back as the highest non-zero `RevisionID` among them; the revision sets go in
Final Draft's `<Revisions>` (read only when some element uses one). What Final Draft has no place
for (tracked changes with the text they replaced, the date of a round) is kept as JSON in a
`<WritersroomRevisions>` element, which other applications skip as unknown markup.
"""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

from writersroom.errors import FormatError
from writersroom.screenplay import jsonformat, markup
from writersroom.screenplay.fdx_settings import Look, paragraph_look, read_layout, settings_xml
from writersroom.screenplay.fdx_title import read_title_page, title_paragraphs
from writersroom.screenplay.model import (
    Action,
    Boneyard,
    Change,
    Dialogue,
    Element,
    Line,
    Lyrics,
    Note,
    PageBreak,
    Parenthetical,
    RevisionSet,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    Transition,
    marked,
)

__all__ = ["markup_to_runs", "parse", "parse_with_warnings", "render", "runs_to_markup"]

log = logging.getLogger(__name__)

# Types that map to Action without a warning: Final Draft's own elements with no Fountain twin.
_QUIET_ACTION = {
    "Action",
    "General",
    "Shot",
    "New Act",
    "End of Act",
    "End Of Act",
    "Cold Opening",
    "Show/Ep. Title",
    "Cast List",
}
_SPEECH = {"Parenthetical", "Dialogue", "Lyric"}
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# --- parse -----------------------------------------------------------------------------------
def parse(xml: str | bytes) -> Screenplay:
    """Read a Final Draft document; warnings go to the module logger."""
    doc, warnings = parse_with_warnings(xml)
    for warning in warnings:
        log.warning("%s", warning)
    return doc


def parse_with_warnings(xml: str | bytes) -> tuple[Screenplay, list[str]]:
    """Read a Final Draft document and return it with a list of warnings (unknown paragraph
    types read as Action, ...). Raises FormatError for input that is not FDX."""
    root = _root(xml)
    warnings: list[str] = []
    reader = _Reader(warnings, paragraph_look(root))
    content = root.find("Content")
    if content is None:
        raise FormatError("not a Final Draft script: <FinalDraft> has no <Content>")
    try:
        for number, paragraph in enumerate(content.findall("Paragraph"), 1):
            reader.paragraph(paragraph, number)
    except RecursionError:
        raise FormatError("dual dialogue nested too deeply to be a screenplay") from None
    for holder in ("ScriptNotes", "UnanchoredScriptNotes"):
        for note in root.iterfind(f"{holder}/ScriptNote"):
            reader.flush()
            reader.out.append(_note_element(note))
    reader.flush()
    title = root.find("TitlePage/Content")
    fields = read_title_page(_title_lines(title)) if title is not None else ()
    revisions, changes = _read_revisions(root, reader.out)
    doc = Screenplay(
        fields, tuple(reader.out), revisions=revisions, changes=changes, layout=read_layout(root)
    )
    return doc, warnings


def _read_revisions(
    root: ET.Element, elements: list[Element]
) -> tuple[tuple[RevisionSet, ...], tuple[Change, ...]]:
    """Revision sets and tracked changes: ours when we wrote the file, else Final Draft's sets
    when some element carries a mark."""
    ours = root.find("WritersroomRevisions")
    if ours is not None and ours.text:
        try:
            data = json.loads(ours.text)
            kept = jsonformat.parse(json.dumps({"elements": []} | data))
        except (FormatError, json.JSONDecodeError, TypeError) as exc:
            raise FormatError(f"broken <WritersroomRevisions>: {exc}") from exc
        return kept.revisions, kept.changes
    used = {getattr(e, "revision", None) for e in elements} - {None}
    if not used:
        return (), ()
    sets = []
    for item in root.iterfind("Revisions/Revision"):
        color = _COLOR_NAMES.get((item.get("Color") or "").upper(), _rgb(item.get("Color")))
        name = item.get("Name") or f"Revision {item.get('ID')}"
        sets.append(RevisionSet(item.get("ID", ""), name, color, "", item.get("Mark") or "*"))
    return tuple(sets), ()


def _root(xml: str | bytes) -> ET.Element:
    if isinstance(xml, str) and xml.startswith("\ufeff"):
        xml = xml[1:]
    entity = b"<!ENTITY" in xml if isinstance(xml, bytes) else "<!ENTITY" in xml
    if entity:
        raise FormatError("FDX files have no entity declarations; refusing to expand them")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise FormatError(f"broken XML at column {column}: {reason}", line=line) from exc
    if root.tag != "FinalDraft":
        raise FormatError(f"not a Final Draft document: the root element is <{root.tag}>")
    return root


class _Reader:
    """Turns the flat paragraph list into elements, grouping speeches."""

    def __init__(self, warnings: list[str], looks: dict[str, Look]) -> None:
        self.out: list[Element] = []
        self.warnings = warnings
        self.looks = looks  # how the types read as Action are printed
        self.cue: tuple[str, str | None, bool] | None = None
        self.lines: list[Line] = []
        self.mark: str | None = None  # the speech's revision mark

    def flush(self) -> None:
        if self.cue is not None:
            speech = Dialogue(self.cue[0], tuple(self.lines), self.cue[1], self.cue[2])
            self.out.append(marked(speech, self.mark))
        self.cue, self.lines, self.mark = None, [], None

    def paragraph(self, p: ET.Element, number: int, *, dual: bool | None = None) -> None:
        if p.get("StartsNewPage") == "Yes":
            self.flush()
            self.out.append(PageBreak())
        pair = p.find("DualDialogue")
        if pair is not None:
            self.flush()
            cues = [q for q in pair.findall("Paragraph") if q.get("Type") == "Character"]
            for q in pair.findall("Paragraph"):
                first = bool(cues) and q is cues[0] and len(cues) > 1
                self.paragraph(q, number, dual=not first)
            self.flush()
            return
        kind = p.get("Type", "")
        texts = p.findall("Text")
        notes = [_note_element(note) for note in p.findall("ScriptNote")]
        if not texts:
            self.flush()
            self.out.extend(notes)  # a note on a paragraph of its own
            return
        look = self.looks.get(kind)
        runs = _runs(texts)
        if look is not None and kind != "Action" and "".join(t for t, _ in runs).strip():
            runs = [(t, f | look.flags) for t, f in runs]  # New Act: underlined, ...
            if look.new_page and self.out and p.get("StartsNewPage") is None:
                self.flush()
                self.out.append(PageBreak())
        text = _clean(runs_to_markup(runs))
        text += "".join(f"[[{n.text}]]" for n in notes if isinstance(n, Note))
        mark = _revision_id(texts)
        if kind == "Character":
            self.flush()
            self.cue = (*_split_cue(text.strip(" ")), bool(dual))
            self.mark = mark
        elif kind in _SPEECH and (self.cue is not None or kind != "Lyric"):
            if self.cue is None:
                self.cue = ("", None, bool(dual))  # speech with no cue: keep its words
            if kind == "Parenthetical":
                self.lines.append(Parenthetical(text.strip(" ")))
            elif kind == "Lyric":
                self.lines.append("\n".join("~" + line for line in text.split("\n")))
            else:
                self.lines.append(text)
            self.mark = self.mark or mark
        else:
            self.flush()
            self.out.append(marked(self._element(kind, text, p, number), mark))
        self.out.extend(n for n in notes if isinstance(n, Boneyard))

    def _element(self, kind: str, text: str, p: ET.Element, number: int) -> Element:
        match kind:
            case "Scene Heading":
                return SceneHeading(text.strip(" "), p.get("Number") or None)
            case "Transition":
                return Transition(text.strip(" "))
            case "Lyric":
                return Lyrics(text)
            case "Outline Body":
                return Synopsis(text.strip(" "))
            case _ if kind.startswith("Outline ") and kind[8:].isdigit():
                return Section(text.strip(" "), int(kind[8:]))
        if kind not in _QUIET_ACTION:
            self.warnings.append(f"paragraph {number}: unknown type {kind!r} read as Action")
        look = self.looks.get(kind)
        centered = p.get("Alignment") == "Center" or (
            p.get("Alignment") is None and kind != "Action" and look is not None and look.centered
        )
        return Action(text, centered=centered)


def _runs(texts: list[ET.Element]) -> list[tuple[str, int]]:
    """(text, flags) for each <Text>; flags 1 bold, 2 italic, 4 underline."""
    runs = []
    for t in texts:
        style = set((t.get("Style") or "").split("+"))
        flags = ("Bold" in style) | ("Italic" in style) << 1 | ("Underline" in style) << 2
        runs.append((t.text or "", flags))
    return runs


def _revision_id(texts: list[ET.Element]) -> str | None:
    """The highest non-zero RevisionID among a paragraph's runs."""
    ids = [t.get("RevisionID", "0") for t in texts]
    marks = [i for i in ids if i.isdigit() and int(i) > 0]
    return max(marks, key=int) if marks else None


def _rgb(color: str | None) -> str:
    """Final Draft's 48-bit "#RRRRGGGGBBBB" as "#RRGGBB"."""
    if not color or len(color) != 13:
        return color or "Blue"
    return "#" + color[1:3] + color[5:7] + color[9:11]


# Final Draft's mark colours for its standard revision sets (TestFDX-FD.fdx, Final Draft 12).
REVISION_COLORS = {
    "White": "#000000000000",
    "Blue": "#00000000FFFF",
    "Pink": "#FFFF0000FFFF",
    "Yellow": "#A0A0A0A00000",
    "Green": "#000080800000",
    "Goldenrod": "#CCCC7F7F3232",
    "Buff": "#8E8E6B6B2323",
    "Salmon": "#A7A742424242",
    "Cherry": "#D5D523236B6B",
    "Tan": "#DBDB93937070",
}
_COLOR_NAMES = {hex_: name for name, hex_ in REVISION_COLORS.items()}


def runs_to_markup(runs: list[tuple[str, int]]) -> str:
    """Styled runs as a Fountain string; literal `*` and `_` are escaped when they would
    otherwise read as emphasis.

    >>> runs_to_markup([("He is ", 0), ("very", 2), (" tired_now_.", 0)])
    'He is *very* tired\\\\_now\\\\_.'
    """
    merged: list[tuple[str, int]] = []
    for text, flags in runs:
        if merged and merged[-1][1] == flags:
            merged[-1] = (merged[-1][0] + text, flags)
        elif text:
            merged.append((text, flags))
    plain = _markup(merged, escape_markers=False)
    if markup_to_runs(plain) == _split_lines(merged):
        return plain
    return _markup(merged, escape_markers=True)


def _markup(runs: list[tuple[str, int]], *, escape_markers: bool) -> str:
    out = []
    for text, flags in runs:
        if escape_markers:
            text = text.replace("*", "\\*").replace("_", "\\_")
        out.append("\n".join(_wrap(line, flags) for line in text.split("\n")))
    return "".join(out)


def _wrap(line: str, flags: int) -> str:
    body = line.strip(" ")
    if not flags or not body:
        return line
    marks = {1: "**", 2: "*", 3: "***"}.get(flags & 3, "")
    marked = f"{marks}{body}{marks}"
    if flags & 4:
        marked = f"_{marked}_"
    lead = len(line) - len(line.lstrip(" "))
    return f"{line[:lead]}{marked}{line[lead + len(body) :]}"


def _split_lines(runs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Runs in the shape markup_to_runs gives: newlines and unstyled spaces at a run's ends
    are their own plain runs, neighbours of one style merged."""
    pieces: list[tuple[str, int]] = []
    for text, flags in runs:
        for k, line in enumerate(text.split("\n")):
            if k:
                pieces.append(("\n", 0))
            body = line.strip(" ")
            if not body or not flags:
                pieces.append((line, 0))
                continue
            lead = len(line) - len(line.lstrip(" "))
            pieces += [(line[:lead], 0), (body, flags), (line[lead + len(body) :], 0)]
    merged: list[tuple[str, int]] = []
    for text, flags in pieces:
        if merged and merged[-1][1] == flags:
            merged[-1] = (merged[-1][0] + text, flags)
        elif text:
            merged.append((text, flags))
    return merged


def markup_to_runs(text: str) -> list[tuple[str, int]]:
    """A Fountain string as (text, flags) runs; inline notes and boneyard stay as plain text."""
    return markup.runs(text)


def _clean(text: str) -> str:
    """Final Draft text as model text: LF newlines, tabs as four spaces, no trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    if " \n" in text or text.endswith(" "):
        text = "\n".join(line.rstrip(" ") for line in text.split("\n"))
    return text


def _split_cue(cue: str) -> tuple[str, str | None]:
    if cue.endswith(")") and (paren := cue.find("(")) >= 0:
        return cue[:paren].rstrip(" "), cue[paren + 1 : -1]
    return cue, None


def _note_text(note: ET.Element) -> str:
    return "\n".join(
        _clean(runs_to_markup(_runs(p.findall("Text")))) for p in note.iter("Paragraph")
    )


def _note_element(note: ET.Element) -> Element:
    text = _note_text(note)
    if text.startswith("/*") and text.endswith("*/") and len(text) >= 4:
        return Boneyard(text[2:-2])
    return Note(text)


def _title_lines(content: ET.Element) -> list[tuple[str, str]]:
    """(alignment, text) for each title-page paragraph; an empty paragraph gives ''."""
    lines = []
    for p in content.findall("Paragraph"):
        text = "".join(t.text or "" for t in p.findall("Text"))
        styled = runs_to_markup(_runs(p.findall("Text"))) if text.strip() else ""
        lines.append((p.get("Alignment") or "Left", styled.replace("\r\n", "\n")))
    return lines


# --- render ----------------------------------------------------------------------------------
def render(doc: Screenplay) -> str:
    """Write a Screenplay as a Final Draft 11 document with its layout settings."""
    body: list[str] = []
    new_page = False
    elements = doc.elements
    n = 0
    while n < len(elements):
        element = elements[n]
        n += 1
        if isinstance(element, PageBreak):
            if new_page:
                body.append(f"    {_paragraph('General', [], new_page=True, empty=False)}\n")
            new_page = True
            continue
        if isinstance(element, Dialogue) and (element.dual or _pairs(elements, n - 1)):
            group = [element]
            if not element.dual:
                group.append(elements[n])  # type: ignore[arg-type]
                n += 1
            inner = "".join("".join(_speech(d)) for d in group if isinstance(d, Dialogue))
            attrs = ' StartsNewPage="Yes"' if new_page else ""
            body.append(
                f'    <Paragraph Type="General"{attrs}><DualDialogue>{inner}'
                f"</DualDialogue></Paragraph>\n"
            )
        else:
            if not new_page and n > 1 and _joins_speech(elements[n - 2], element):
                body.append('    <Paragraph Type="General"/>\n')  # ends the speech before
            body.append(f"    {_element_xml(element, new_page)}\n")
        new_page = False
    if new_page:
        body.append(f"    {_paragraph('General', [], new_page=True, empty=False)}\n")
    title = ""
    if doc.title_page:
        paragraphs = "".join(
            f"    {_paragraph('', markup_to_runs(text), align=align)}\n"
            for align, text in title_paragraphs(doc.title_page)
        )
        title = f"  <TitlePage>\n   <Content>\n{paragraphs}   </Content>\n  </TitlePage>\n"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
        '<FinalDraft DocumentType="Script" Template="No" Version="4">\n'
        f"  <Content>\n{''.join(body)}  </Content>\n{title}{settings_xml(doc.layout)}{_SETTINGS}"
        f"{_revisions_xml(doc)}"
        "</FinalDraft>\n"
    )


def _revisions_xml(doc: Screenplay) -> str:
    """Final Draft's <Revisions> (the last set active, so new edits continue it) and our own
    record of the sets' dates and the pending changes."""
    if not doc.revisions and not doc.changes:
        return ""
    sets = "".join(
        f"    <Revision Color={quoteattr(REVISION_COLORS.get(r.color, _rgb48(r.color)))} "
        f'FullRevision="No" ID={quoteattr(r.id)} Mark={quoteattr(r.mark)} '
        f'Name={quoteattr(_xml_text(r.name))} PageColor="#FFFFFFFFFFFF" Style=""/>\n'
        for r in doc.revisions
    )
    active = doc.revisions[-1].id if doc.revisions else "0"
    data = jsonformat.to_data(Screenplay(revisions=doc.revisions, changes=doc.changes))
    del data["title_page"], data["elements"]
    ours = escape(_xml_text(json.dumps(data, ensure_ascii=False)))
    return (
        f'  <Revisions ActiveSet="{active}" Location="7.75" RevisionMode="Yes" '
        f'RevisionsShown="Active" ShowAllMarks="No" ShowAllSets="No" ShowPageColor="No">\n'
        f"{sets}  </Revisions>\n"
        f"  <WritersroomRevisions>{ours}</WritersroomRevisions>\n"
    )


def _rgb48(color: str) -> str:
    """ "#RRGGBB" as Final Draft's "#RRRRGGGGBBBB" (other values: black)."""
    if re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        return "#" + "".join(color[i : i + 2].upper() * 2 for i in (1, 3, 5))
    return "#000000000000"


def _joins_speech(previous: Element, element: Element) -> bool:
    """Whether `element`'s paragraphs would read back as part of the speech before it."""
    if not isinstance(previous, Dialogue):
        return False
    cueless = isinstance(element, Dialogue) and not element.speaker and element.extension is None
    return cueless or isinstance(element, Lyrics)


def _pairs(elements: tuple[Element, ...], n: int) -> bool:
    follower = elements[n + 1] if n + 1 < len(elements) else None
    return isinstance(follower, Dialogue) and follower.dual


def _element_xml(element: Element, new_page: bool) -> str:
    match element:
        case SceneHeading(text=text, number=number):
            return _paragraph(
                "Scene Heading",
                markup_to_runs(text),
                new_page=new_page,
                number=number,
                revision=element.revision,
            )
        case Action(text=text, centered=centered):
            return _paragraph(
                "Action",
                markup_to_runs(text),
                new_page=new_page,
                align="Center" if centered else "",
                revision=element.revision,
            )
        case Dialogue():
            return "\n    ".join(_speech(element, new_page))
        case Lyrics(text=text):
            runs = markup_to_runs(text)
            return _paragraph("Lyric", runs, new_page=new_page, revision=element.revision)
        case Transition(text=text):
            runs = markup_to_runs(text)
            return _paragraph("Transition", runs, new_page=new_page, revision=element.revision)
        case Section(text=text, depth=depth):
            kind = f"Outline {min(max(depth, 1), 4)}"
            return _paragraph(kind, markup_to_runs(text), new_page=new_page)
        case Synopsis(text=text):
            return _paragraph("Outline Body", markup_to_runs(text), new_page=new_page)
        case Note(text=text):
            return _paragraph("General", [], new_page=new_page, note=text, empty=False)
        case Boneyard(text=text):
            return _paragraph("General", [], new_page=new_page, note=f"/*{text}*/", empty=False)
        case PageBreak():
            return _paragraph("General", [], new_page=True, empty=False)
    raise TypeError(f"not a screenplay element: {element!r}")


def _speech(d: Dialogue, new_page: bool = False) -> list[str]:
    parts = []
    mark = d.revision
    if d.speaker or d.extension is not None:
        cue = d.speaker if d.extension is None else f"{d.speaker} ({d.extension})"
        parts.append(_paragraph("Character", markup_to_runs(cue), new_page=new_page, revision=mark))
        new_page = False
    for line in d.lines:
        if isinstance(line, Parenthetical):
            runs = markup_to_runs(line.text)
            parts.append(_paragraph("Parenthetical", runs, new_page=new_page, revision=mark))
        elif line and all(x.startswith("~") for x in line.split("\n")):
            sung = "\n".join(x[1:] for x in line.split("\n"))
            parts.append(
                _paragraph("Lyric", markup_to_runs(sung), new_page=new_page, revision=mark)
            )
        else:
            runs = markup_to_runs(line)
            parts.append(_paragraph("Dialogue", runs, new_page=new_page, revision=mark))
        new_page = False
    return parts


_STYLES = {1: "Bold", 2: "Italic", 4: "Underline"}


def _paragraph(
    kind: str,
    runs: list[tuple[str, int]],
    *,
    new_page: bool = False,
    number: str | None = None,
    align: str = "",
    note: str | None = None,
    empty: bool = True,
    revision: str | None = None,
) -> str:
    attrs = f" Type={quoteattr(kind)}" if kind else ""
    if number:
        attrs += f" Number={quoteattr(_xml_text(number))}"
    if align:
        attrs += f' Alignment="{align}"'
    if new_page:
        attrs += ' StartsNewPage="Yes"'
    texts = []
    mark = f" RevisionID={quoteattr(revision)}" if revision else ""
    for text, flags in runs:
        style = "+".join(name for bit, name in _STYLES.items() if flags & bit)
        style_attr = f' Style="{style}"' if style else ""
        texts.append(f"<Text{mark}{style_attr}>{escape(_xml_text(text))}</Text>")
    if not texts and empty:
        texts.append(f"<Text{mark}></Text>")
    if note is not None:
        texts.append(_note_xml(note))
    return f"<Paragraph{attrs}>{''.join(texts)}</Paragraph>"


def _note_xml(note: str) -> str:
    inner = "".join(_paragraph("", markup_to_runs(line)) for line in note.split("\n"))
    return f"<ScriptNote>{inner}</ScriptNote>"


def _xml_text(text: str) -> str:
    """Characters XML 1.0 cannot carry become U+FFFD."""
    return _INVALID_XML.sub("\ufffd", text)


# What follows the element settings: Final Draft 11's continueds and scene-number options.
_SETTINGS = (
    "  <MoresAndContinueds>\n"
    '    <FontSpec Font="Courier Prime" Size="12" Style=""/>\n'
    '    <DialogueBreaks AutomaticCharacterContinueds="Yes" BottomOfPage="Yes" '
    'DialogueBottom="(MORE)" DialogueTop="(CONT\'D)" TopOfNext="Yes"/>\n'
    '    <SceneBreaks ContinuedNumber="No" SceneBottom="(CONTINUED)" SceneBottomOfPage="No" '
    'SceneTop="CONTINUED:" SceneTopOfNext="No"/>\n'
    "  </MoresAndContinueds>\n"
    '  <SceneNumberOptions LeftLocation="0.75" NumberScheme="1A" RightLocation="7.38" '
    'ShowNumbersOnLeft="Yes" ShowNumbersOnRight="Yes"/>\n'
)
