"""Fountain 1.1: `parse(text) -> Screenplay` and `render(doc) -> str`.

Reading never fails on content: a paragraph that no rule claims is Action. The contract is
`parse(render(doc)) == doc` for every document `parse` produces; `render` adds the forcing
characters (`!`, `@`, `.`, `>`) wherever a plain rendering would read back differently.

Pipeline: strip BOM, normalise newlines (CRLF/CR) and tabs (4 spaces), cut boneyards into
placeholders, split into paragraphs, classify each with an ordered rule chain, put boneyards back.

Decisions where the spec is silent (docs/formats.md §1):
* A boneyard `/* ... */` that fills whole lines is a `Boneyard` element and ends the paragraph
  around it. A boneyard that shares a line with other text ("inline") stays verbatim in that
  element's text, exactly like an inline `[[note]]`; printing exporters hide both.
* An unterminated `/*` is ordinary text.
* A line holding only spaces ("  ") joins the lines around it into one paragraph; inside an
  element it becomes an empty line ("\\n\\n" in Action and dialogue text).
* Blank lines beyond the one that separates paragraphs are kept only before Action: each run
  becomes ceil(extra / 2) empty `Action("")` elements, as Final Draft stores them. Elsewhere
  (before headings, cues, ...) extra blank lines are layout and are dropped.
* Sections and synopses are whole lines at the start of a paragraph; `===` lines break a
  paragraph anywhere. A `~` line inside a speech stays in the dialogue text (sung dialogue).
* A heading-like line directly followed by text is Action (as in the reference parser and
  fountain-py), not a character cue: nobody is called "INT. HOUSE - DAY".
* A scene heading with no text (possible in FDX) cannot be written in Fountain and is left out.
* The title page is the run of `Key: value` and indented (3+ spaces) lines that opens the first
  paragraph, unless it is a single key with no value (`FADE IN:` opens many scripts); the rest
  of that paragraph, if any, is read like any other paragraph. Keys keep their case.
* "Whitespace" is the space character (tabs become four of them); other Unicode spaces are
  text. Trailing spaces are dropped, after deciding that `CUT TO:  ` is not a transition.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from writersroom.screenplay.model import (
    Action,
    Boneyard,
    Dialogue,
    Element,
    Line,
    Lyrics,
    Note,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    Transition,
)

__all__ = ["parse", "render"]

# --- rules: one precompiled regex per rule -------------------------------------------------
_PAGE_BREAK = re.compile(r"={3,}")
_SCENE_HEADING = re.compile(
    r"(?:int\.?/ext|int\.ext|ext\.?/int|i\.?/e|e\.?/i|int|ext|est)[. ]", re.IGNORECASE
)
_SCENE_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]*")  # between the last two "#"
_NOTE = re.compile(r"\[\[((?:(?!\[\[|\]\]).)*)\]\]", re.DOTALL)
# A key and its value; the key's trailing spaces are dropped. Possessive (*+): no backtracking
# over a long line that is not a key.
_TITLE_KEY = re.compile(r"([^\W_][\w '()/&-]*+):(.*)")
_SECTION = re.compile(r"(#+)[ ]*(.*)")

_FORCING = "!@.>~=#"  # first characters that force or claim a paragraph
_SENTINELS = "\ue000\ue001\ue002\ue003\U000f0000\U000f0001\U000f0002\U000f0003"


# --- parse -----------------------------------------------------------------------------------
def parse(text: str) -> Screenplay:
    """Read Fountain text into a Screenplay. Never raises on content.

    >>> doc = parse("INT. DINER - NIGHT #3#\\n\\nBOB\\n(quietly)\\nHi.")
    >>> doc.elements[0]
    SceneHeading(text='INT. DINER - NIGHT', number='3')
    >>> doc.elements[1].lines
    (Parenthetical(text='(quietly)'), 'Hi.')
    """
    return _parse(text, allow_title=True)


def _parse(text: str, *, allow_title: bool) -> Screenplay:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        text = text.replace("\t", "    ")
    boneyards: list[str] = []
    sentinel = ""
    if "/*" in text and (sentinel := next((c for c in _SENTINELS if c not in text), "")):
        text = _cut_boneyards(text, sentinel, boneyards)
    title: tuple[TitleField, ...] = ()
    elements: list[Element] = []
    seen = False  # a paragraph came before (extra blank lines count after it)
    for blanks, chunk in _paragraphs(text, sentinel):
        start = len(elements)
        if chunk[0] == sentinel and chunk[-1] == sentinel and chunk[1:-1].isdigit():
            elements.append(Boneyard(boneyards[int(chunk[1:-1])]))
        elif not seen and allow_title and (found := _title_page(chunk)) is not None:
            title, rest = found
            if rest.strip(" \n"):
                _classify(rest, elements)
        else:
            _classify(chunk, elements)
            if blanks > 1 and seen and isinstance(elements[start], Action):
                elements[start:start] = [Action("")] * (blanks // 2)
        if sentinel and sentinel in chunk:
            elements[start:] = _restore(elements[start:], sentinel, boneyards)
            title = tuple(TitleField(f.key, _put(f.value, sentinel, boneyards)) for f in title)
        seen = True
    return Screenplay(title, tuple(elements))


def _cut_boneyards(text: str, sentinel: str, store: list[str]) -> str:
    """Replace each `/* ... */` by a placeholder and keep its contents in `store`. A scan with
    str.find rather than a regex: an opener with no closer after it ends the search at once."""
    out: list[str] = []
    position = 0
    while (opener := text.find("/*", position)) >= 0:
        closer = text.find("*/", opener + 2)
        if closer < 0:
            break
        store.append(text[opener + 2 : closer])
        out += [text[position:opener], f"{sentinel}{len(store) - 1}{sentinel}"]
        position = closer + 2
    out.append(text[position:])
    return "".join(out)


def _paragraphs(text: str, sentinel: str) -> list[tuple[int, str]]:
    """(blank lines before, paragraph) in order. A paragraph has no blank line at either end;
    lines of spaces inside it stay. A boneyard that fills whole lines is a paragraph of its own
    (its placeholder)."""
    pieces = [text]
    if sentinel:  # boneyards on lines of their own cut the text into pieces
        whole_line = f"\\n[ ]*({sentinel}\\d+{sentinel})[ ]*(?=\\n|$)"
        pieces = re.split(whole_line, "\n" + text)
    out: list[tuple[int, str]] = []
    for k, piece in enumerate(pieces):
        if k % 2:
            out.append((0, piece))
            continue
        if sentinel and piece[:1] == "\n":
            piece = piece[1:]  # the end of the line before
        blanks = 0
        body = piece.lstrip(" \n")
        if not body:
            continue
        if len(body) != len(piece):  # whitespace-only lines before the first paragraph
            lead = piece[: len(piece) - len(body)]
            blanks = lead.count("\n")
            piece = piece[lead.rfind("\n") + 1 :]
        tail = piece.rstrip(" \n")
        if "\n" in piece[len(tail) :]:  # whitespace-only lines after the last paragraph
            piece = piece[: len(tail) + piece[len(tail) :].index("\n")]
        out += _split_paragraphs(piece, blanks)
    return out


def _split_paragraphs(piece: str, blanks: int) -> list[tuple[int, str]]:
    """`piece` (no blank line at either end) cut at paragraph breaks: runs of whitespace-only
    lines with at least one line of fewer than two spaces (a run of lines of two or more spaces
    joins the paragraph around it). One pass over the lines: a regular expression would read a
    long run of such lines again from every line in it."""
    lines = piece.split("\n")
    out: list[tuple[int, str]] = []
    start = n = 0
    while n < len(lines):
        if lines[n].strip(" "):
            n += 1
            continue
        end, short = n, False
        while not lines[end].strip(" "):  # the last line is never blank
            short = short or len(lines[end]) < 2
            end += 1
        if short:
            out.append((blanks, "\n".join(lines[start:n])))
            blanks, start = end - n, end
        n = end
    out.append((blanks, "\n".join(lines[start:])))
    return out


def _title_page(chunk: str) -> tuple[tuple[TitleField, ...], str] | None:
    """(fields, rest of the paragraph) when the paragraph opens with a title page: `Key: value`
    lines and indented values, up to the first line that is neither."""
    if not _TITLE_KEY.fullmatch(chunk.split("\n", 1)[0]):
        return None
    lines = chunk.split("\n")
    fields: list[TitleField] = []
    key, values = "", []
    end = len(lines)
    for n, line in enumerate(lines):
        if line.startswith("   ") or (not line.strip(" ") and n):
            values.append(line.strip(" "))
        elif match := _TITLE_KEY.fullmatch(line):
            if n:
                fields.append(TitleField(key, "\n".join(v for v in values if v)))
            key, values = match.group(1).rstrip(" "), [match.group(2).strip(" ")]
        else:
            end = n
            break
    fields.append(TitleField(key, "\n".join(v for v in values if v)))
    if len(fields) == 1 and not fields[0].value:
        return None  # a lone "FADE IN:" opens many scripts
    rest = "\n".join(lines[end:]).strip("\n")
    return tuple(fields), rest


def _classify(chunk: str, out: list[Element]) -> None:
    """The rule chain for one paragraph; Action claims whatever is left."""
    if "\n" not in chunk:
        head = chunk.strip(" ")
        if head[0] not in "#=~[" or (head[0] == "[" and not head.startswith("[[")):
            out.append(_single_line(head, chunk.rstrip(" "), chunk))
            return
    lines = chunk.split("\n")
    stripped = [line.strip(" ") for line in lines]
    if "===" not in chunk or not any(_PAGE_BREAK.fullmatch(s) for s in stripped):
        _classify_lines(lines, stripped, out)
        return
    start = 0  # page breaks split a paragraph anywhere
    for n, s in enumerate(stripped):
        if _PAGE_BREAK.fullmatch(s):
            _classify_lines(lines[start:n], stripped[start:n], out)
            out.append(PageBreak())
            start = n + 1
    _classify_lines(lines[start:], stripped[start:], out)


def _classify_lines(lines: list[str], stripped: list[str], out: list[Element]) -> None:
    """The rule chain for the lines of a paragraph (`stripped`: the same lines without their
    outer spaces). Sections, synopses and lyrics claim lines at the start; the rest goes on."""
    start, end = 0, len(lines)
    while True:
        while start < end and not stripped[start]:
            start += 1
        while end > start and not stripped[end - 1]:
            end -= 1
        if start == end:
            return
        head = stripped[start]
        first = head[0]
        if first in "#=":  # sections and synopses: whole lines at the start of a paragraph
            while start < end and stripped[start][:1] in ("#", "="):
                line = stripped[start]
                if line[0] == "#":
                    match = _SECTION.fullmatch(line)
                    assert match is not None
                    out.append(Section(match.group(2), len(match.group(1))))
                else:
                    out.append(Synopsis(line[1:].strip(" ")))
                start += 1
            continue
        if first == "~":
            n = start
            while n < end and stripped[n][:1] == "~":
                n += 1
            out.append(Lyrics("\n".join(s[1:] for s in stripped[start:n])))
            start = n
            continue
        break
    _paragraph(lines[start:end], stripped[start:end], out)


def _paragraph(lines: list[str], stripped: list[str], out: list[Element]) -> None:
    head = stripped[0]
    first = head[0]
    if first == "!":
        out.append(Action("\n".join([head[1:], *_right_stripped(lines[1:])])))
        return
    if first == "[" and (note := _NOTE.fullmatch("\n".join(_right_stripped(lines)).strip(" "))):
        out.append(Note(note.group(1)))
        return
    if first == ">" and all(len(s) >= 2 and s[0] == ">" and s[-1] == "<" for s in stripped):
        out.append(Action("\n".join(s[1:-1].strip(" ") for s in stripped), centered=True))
        return
    if len(lines) == 1:
        out.append(_single_line(head, lines[0].rstrip(" "), lines[0]))
        return
    cue = _cue(head)
    if cue is not None:
        out.append(Dialogue(cue[0], _speech(stripped[1:]), cue[1], cue[2]))
        return
    out.append(Action("\n".join(_right_stripped(lines))))


def _right_stripped(lines: list[str]) -> list[str]:
    return [line.rstrip(" ") for line in lines]


def _single_line(head: str, line: str, raw: str) -> Element:
    """`head` is the stripped line, `line` the right-stripped one, `raw` as written."""
    first = head[0]
    if first == "." and len(head) > 1 and head[1].isalnum():
        return _heading(head[1:].rstrip(" "))
    if first == ">":
        body = line.lstrip(" ")
        if len(body) >= 2 and body[-1] == "<":
            return Action(body[1:-1].strip(" "), centered=True)
        return Transition(body[1:].strip(" "))
    if first == "!":
        return Action(line.lstrip(" ")[1:])
    if _SCENE_HEADING.match(head):
        return _heading(head.rstrip(" "))
    if raw.endswith("TO:") and head.isupper():
        return Transition(head)
    return Action(line)


def _heading(text: str) -> SceneHeading:
    """A heading and its scene number, `INT. HOUSE #12A#`."""
    if text.endswith("#"):
        opener = text.rfind("#", 0, len(text) - 1)
        if opener >= 0 and _SCENE_NUMBER.fullmatch(text, opener + 1, len(text) - 1):
            return SceneHeading(text[:opener].rstrip(" "), text[opener + 1 : -1])
    return SceneHeading(text)


def _cue(line: str) -> tuple[str, str | None, bool] | None:
    """(speaker, extension, dual) when the line is a character cue."""
    forced = line[0] == "@"
    if forced:
        line = line[1:].strip(" ")
    elif line[0] in _FORCING or _SCENE_HEADING.match(line):
        return None  # a heading with no blank line after it is Action, not a speaker
    dual = line.endswith("^")
    if dual:
        line = line[:-1].rstrip(" ")
    speaker, extension = line, None
    if line.endswith(")") and (paren := line.find("(")) >= 0:
        speaker, extension = line[:paren].rstrip(" "), line[paren + 1 : -1]
    if not forced and not speaker.isupper():
        return None
    return speaker, extension, dual


def _speech(lines: list[str]) -> tuple[Line, ...]:
    """Dialogue lines: `(...)` lines are parentheticals; runs of other lines (with "" for a
    spaces-only line) join into one string."""
    out: list[Line] = []
    run: list[str] = []
    for line in lines:
        if len(line) >= 2 and line[0] == "(" and line[-1] == ")":
            if run:
                out.append("\n".join(run))
                run = []
            out.append(Parenthetical(line))
        else:
            run.append(line)
    if run:
        out.append("\n".join(run))
    return tuple(out)


def _put(text: str, sentinel: str, boneyards: list[str]) -> str:
    """`text` with its boneyard placeholders replaced by the boneyards themselves."""
    if sentinel not in text:
        return text
    return re.sub(f"{sentinel}(\\d+){sentinel}", lambda m: f"/*{boneyards[int(m[1])]}*/", text)


def _restore(elements: list[Element], sentinel: str, boneyards: list[str]) -> list[Element]:
    """Put inline boneyards back into every string of the elements."""

    def put(text: str) -> str:
        return _put(text, sentinel, boneyards)

    def element(e: Element) -> Element:
        match e:
            case Dialogue():
                lines = tuple(
                    Parenthetical(put(x.text)) if isinstance(x, Parenthetical) else put(x)
                    for x in e.lines
                )
                ext = put(e.extension) if e.extension is not None else None
                return Dialogue(put(e.speaker), lines, ext, e.dual)
            case SceneHeading():
                return SceneHeading(put(e.text), e.number)
            case Action():
                return Action(put(e.text), e.centered)
            case Section():
                return Section(put(e.text), e.depth)
            case Lyrics():
                return Lyrics(put(e.text))
            case Transition():
                return Transition(put(e.text))
            case Synopsis():
                return Synopsis(put(e.text))
            case Note():
                return Note(put(e.text))
            case Boneyard() | PageBreak():
                return e

    return [element(e) for e in elements]


# --- render ----------------------------------------------------------------------------------
def render(doc: Screenplay) -> str:
    """Write a Screenplay as Fountain text, forcing elements where needed.

    >>> render(parse("@McCLANE\\nYippee."))
    '@McCLANE\\nYippee.\\n'
    """
    parts: list[str] = []
    if doc.title_page:
        parts.append(_render_title(doc.title_page))
    elements = doc.elements
    before_action = _before_action(elements)
    pending_empty = 0
    for n, element in enumerate(elements):
        if isinstance(element, SceneHeading) and not element.text:
            continue  # Fountain cannot write a heading with no text
        if element == Action("") and parts and before_action[n]:
            pending_empty += 1  # an empty Action before Action is two blank lines
            continue
        block = _render_element(element, first=not parts)
        if pending_empty:
            parts[-1] += "\n" * (2 * pending_empty - 1)
            pending_empty = 0
        parts.append(block)
    return "\n\n".join(parts) + "\n" if parts else ""


def _before_action(elements: tuple[Element, ...]) -> list[bool]:
    """For each element, whether the first element after it that is not an empty Action is
    an Action (one pass from the end)."""
    out = [False] * len(elements)
    following = False
    for n in range(len(elements) - 1, -1, -1):
        out[n] = following
        if elements[n] != Action(""):
            following = isinstance(elements[n], Action)
    return out


def _render_title(fields: tuple[TitleField, ...]) -> str:
    lines: list[str] = []
    for item in fields:
        if "\n" in _per_line(item.value, lambda line: ""):  # newlines outside boneyards
            lines.append(f"{item.key}:")
            lines.append(_per_line(item.value, lambda line: "    " + line))
        else:
            lines.append(f"{item.key}: {item.value}".rstrip(" "))
    return "\n".join(lines)


def _render_element(element: Element, *, first: bool) -> str:
    plain, forced = _forms(element)
    if plain is not None and _reads_back(plain, element, first):
        return plain
    return forced


def _reads_back(text: str, element: Element, first: bool) -> bool:
    """Whether `text`, as a paragraph of its own, parses back to `element`."""
    if (
        first
        or text[:1] in " \n\ufeff"  # also "": leading blank lines, BOM
        or text[-1] in " \n"
        or "\n\n" in text
        or "\n \n" in text
        or "/*" in text
        or "\r" in text
        or "\t" in text
    ):
        doc = _parse(text, allow_title=first)
        return not doc.title_page and doc.elements == (element,)
    out: list[Element] = []  # one paragraph with nothing to normalise: only the rule chain
    _classify(text, out)
    return out == [element]


def _forms(element: Element) -> tuple[str | None, str]:
    """(plain rendering or None, forced rendering) of one element."""
    match element:
        case SceneHeading(text=text, number=number):
            plain = f"{text} #{number}#" if number else text
            return plain, "." + plain
        case Action(text=text, centered=True):
            return None, _per_line(text, lambda line: f">{line}<")
        case Action(text=text):
            return _soft(text), _soft("!" + text)
        case Dialogue(speaker=speaker, extension=extension, dual=dual):
            cue = speaker if extension is None else f"{speaker} ({extension})"
            cue += " ^" if dual else ""
            body = "\n".join(
                _soft(x.text if isinstance(x, Parenthetical) else x) for x in element.lines
            )
            return f"{cue}\n{body}", f"@{cue}\n{body}"
        case Lyrics(text=text):
            return None, _per_line(text, lambda line: "~" + line)
        case Transition(text=text):
            return text, f"> {text}".rstrip(" ")
        case Section(text=text, depth=depth):
            return None, f"{'#' * depth} {text}".rstrip(" ")
        case Synopsis(text=text):
            return None, f"= {text}".rstrip(" ")
        case Note(text=text):
            return None, _soft(f"[[{text}]]")
        case Boneyard(text=text):
            return None, f"/*{text}*/"
        case PageBreak():
            return None, "==="
    raise TypeError(f"not a screenplay element: {element!r}")


def _soft(text: str) -> str:
    """Element text as Fountain lines: an empty line becomes two spaces, which keeps the
    paragraph together."""
    if text and "\n\n" not in text and text[0] != "\n" and text[-1] != "\n":
        return text
    return _per_line(text, lambda line: line or "  ")


def _per_line(text: str, change: Callable[[str], str]) -> str:
    """Apply `change` to every line of `text`, leaving inline boneyards (which may span lines)
    untouched."""
    sentinel = ""
    if "/*" in text and (sentinel := next((c for c in _SENTINELS if c not in text), "")):
        kept: list[str] = []
        text = _cut_boneyards(text, sentinel, kept)
    text = "\n".join(change(line) for line in text.split("\n"))
    if sentinel:
        text = re.sub(f"{sentinel}(\\d+){sentinel}", lambda m: f"/*{kept[int(m[1])]}*/", text)
    return text
