"""PDF import: a screenplay PDF's text layer back into a Screenplay.

The glyphs and their boxes come from PDFium (pypdfium2, installed with pdfplumber): on Final
Draft's PDFs it is about 40 times faster than pdfminer, which pdfplumber builds on.

Most produced scripts exist only as PDF. A screenplay page is a grid of 12 pt Courier, so each
printed line is classified by where it starts, measured from the action margin (the most common
left edge):

    offset from action   what it is
    under 0.5 in         action, scene heading (INT./EXT. ...), centered text
    0.5 - 1.3 in         dialogue
    1.3 - 1.8 in         parenthetical (starts with "(" and runs to ")")
    1.8 - 3.0 in         character cue, when dialogue follows right under it
    right-aligned        transition

Two columns on one line are dual dialogue. Blank lines separate paragraphs; a wrapped line is
joined to the next with a space unless the next word would have fitted (a deliberate break).
Page numbers, headers and footers, (MORE), (CONTINUED), the repeated `NAME (CONT'D)` cue and
automatic (CONT'D) extensions are dropped, and a speech split across pages is joined again.
Scene numbers in the margins become `SceneHeading.number`; bold/italic faces and underlines
become Fountain emphasis markup. A first page of centred lines is read as the title page.

A PDF without a text layer (a scan) raises FormatError: run OCR first.

Known limit: an action paragraph that a page break split in two comes back as two paragraphs
(nothing on the page says it was one); speeches split with (MORE) are joined.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from writersroom.errors import FormatError, MissingExtra
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Element,
    Line,
    Parenthetical,
    SceneHeading,
    Screenplay,
    TitleField,
    Transition,
)

__all__ = ["parse"]

_PAGE_NUMBER = re.compile(r"\(?\d{1,4}[A-Z]?\.?\)?")
_SCENE_NUMBER = re.compile(r"[0-9A-Z][0-9A-Z.\-]{0,9}", re.IGNORECASE)
_HEADING = re.compile(r"(?:INT|EXT|EST|INT\.?/EXT|EXT\.?/INT|I/E|I\./E)[. ]", re.IGNORECASE)
_MORE = re.compile(r"\(\s*MORE\s*\)", re.IGNORECASE)
_CONTINUED = re.compile(r"\(?CONTINUED\)?:?", re.IGNORECASE)  # scene continueds
_CONTD = re.compile(r"\s*\(\s*(?:CONT['’]?D|CONT\.|CONTINUED|CONTINUING)\s*\)", re.IGNORECASE)
_CREDIT = re.compile(r"(?:(?:screenplay|written|story|teleplay)\s+)?by\b.*", re.IGNORECASE)
_INCH = 72.0


@dataclass
class _Row:
    """One printed line: position in inches and text with emphasis markup."""

    page: int
    y: float  # top of the glyphs, from the top of the page
    x0: float
    x1: float
    text: str
    segments: list[tuple[float, float, str]] = field(default_factory=list)

    @property
    def upper(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and all(c.isupper() for c in letters)


def parse(data: bytes) -> Screenplay:
    """Read a screenplay PDF into the document model."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise FormatError("not a PDF file (it does not start with %PDF)")
    try:
        pages, size = _text_layer(data)
    except MissingExtra:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types
        raise FormatError(f"cannot read the PDF: {exc}") from exc
    if not any(pages):
        raise FormatError(
            "the PDF has no text layer (a scanned script?); "
            "run it through OCR first, e.g. `ocrmypdf in.pdf out.pdf`"
        )
    return _Reader(pages, size).screenplay()


# --- text layer to rows ----------------------------------------------------------------------


def _text_layer(data: bytes) -> tuple[list[list[_Row]], tuple[float, float]]:
    """Every page's glyphs, read with PDFium (pypdfium2, which pdfplumber installs): some
    40 times faster than pdfminer on Final Draft's PDFs."""
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw
    except ImportError as exc:  # pragma: no cover - a base dependency
        raise MissingExtra("pdf", "pypdfium2") from exc

    document = pdfium.PdfDocument(data)
    pages: list[list[_Row]] = []
    size = (8.5, 11.0)
    box = raw.FS_RECTF()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    try:
        for n in range(len(document)):
            page = document[n]
            width, height = page.get_size()
            if n == 0:
                size = (width / _INCH, height / _INCH)
            textpage = page.get_textpage()
            handle = textpage.raw
            glyphs = []
            for k in range(textpage.count_chars()):
                code = raw.FPDFText_GetUnicode(handle, k)
                if (
                    code in (0, 10, 13, 32)
                    or raw.FPDFText_IsGenerated(handle, k)
                    or not raw.FPDFText_GetLooseCharBox(handle, k, box)
                ):
                    continue  # spaces come back from the gaps
                raw.FPDFText_GetFontInfo(handle, k, name, 128, ctypes.byref(flags))
                font = name.value.decode("latin-1").lower()
                if flags.value & 64:  # PDF font flag: Italic
                    font += " italic"
                glyphs.append(
                    {
                        "text": "-" if code == 2 else chr(code),  # 2: a line-end hyphen
                        "x0": box.left,
                        "x1": box.right,
                        "top": height - box.top,
                        "bottom": height - box.bottom,
                        "width": box.right - box.left,
                        "fontname": font,
                    }
                )
            rules = []
            for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=2):
                left, bottom, right, top = obj.get_bounds()
                if top - bottom < 3 and right - left > 2:  # a rule under text
                    rules.append((left, right, height - top))
            pages.append(_page_rows(n, glyphs, rules))
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages, size


def _page_rows(
    number: int, glyphs: list[dict[str, Any]], rules: list[tuple[float, float, float]]
) -> list[_Row]:
    seen: set[tuple[str, int, int]] = set()  # some writers draw every glyph twice
    chars = []
    for c in sorted(glyphs, key=lambda c: (c["top"], c["x0"])):
        key = (c["text"], round(c["x0"] * 4), round(c["top"] * 4))
        if key not in seen and c["text"] not in ("\n", ""):
            seen.add(key)
            chars.append(c)
    lines: list[list[dict[str, Any]]] = []
    for c in chars:  # a line: glyph tops within 3 pt
        if lines and c["top"] - lines[-1][0]["top"] < 3:
            lines[-1].append(c)
        else:
            lines.append([c])
    rows: list[_Row] = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        segments = _segments(line, rules)
        cell = (line[0]["width"] or 7.2) / _INCH
        text = segments[0][2] if segments else ""
        for (_, x1, _), (x0, _, piece) in itertools.pairwise(segments):
            text += " " * max(1, round((x0 - x1) / cell)) + piece
        if text.strip():
            rows.append(
                _Row(
                    number, line[0]["top"] / _INCH, segments[0][0], segments[-1][1], text, segments
                )
            )
    return rows


def _segments(
    chars: list[dict[str, Any]], rules: list[tuple[float, float, float]]
) -> list[tuple[float, float, str]]:
    """Split a line where a gap wider than two character cells has no glyph (dual dialogue,
    scene numbers in the margins)."""
    segments: list[tuple[float, float, str]] = []
    start = 0
    for i in range(1, len(chars) + 1):
        if i == len(chars) or chars[i]["x0"] - chars[i - 1]["x1"] > 2.2 * chars[i - 1]["width"]:
            group = chars[start:i]
            while group and not group[-1]["text"].strip():
                group.pop()
            if group:
                segments.append(
                    (group[0]["x0"] / _INCH, group[-1]["x1"] / _INCH, _markup(group, rules))
                )
            start = i
    return segments


def _style(char: dict[str, Any], rules: list[tuple[float, float, float]]) -> tuple[int, bool]:
    """(emphasis marker length: 0 plain, 1 italic, 2 bold, 3 both; underlined?)"""
    font = char["fontname"]
    marks = 2 * ("bold" in font) + ("italic" in font or "oblique" in font)
    if not rules:
        return marks, False
    centre = (char["x0"] + char["x1"]) / 2
    under = any(
        x0 <= centre <= x1 and char["bottom"] - 6 <= top <= char["bottom"] + 3
        for x0, x1, top in rules
    )
    return marks, under


def _markup(chars: list[dict[str, Any]], rules: list[tuple[float, float, float]]) -> str:
    """The characters as text, with Fountain markers around bold, italic and underlined runs.
    A space takes the style of the text around it when both sides share it."""
    width = chars[0]["width"] or 7.2
    texts: list[str] = []
    styles: list[tuple[int, bool] | None] = []
    prev_x1 = None
    for c in chars:
        if prev_x1 is not None and c["x0"] - prev_x1 > 0.6 * width:  # a gap, not a glyph
            texts.append(" " * round((c["x0"] - prev_x1) / width))
            styles.append(None)
        texts.append(c["text"])
        styles.append(_style(c, rules) if c["text"].strip() else None)
        prev_x1 = c["x1"]
    marks = _fill([s[0] if s else None for s in styles])
    under = _fill([s[1] if s else None for s in styles])
    out: list[str] = []
    i = 0
    underlined = False
    while i < len(texts):
        j = i
        while j < len(texts) and (marks[j], under[j]) == (marks[i], under[i]):
            j += 1
        if under[i] != underlined:
            out.append("_")
            underlined = bool(under[i])
        star = "*" * (marks[i] or 0)
        out.append(f"{star}{''.join(texts[i:j])}{star}")
        i = j
    if underlined:
        out.append("_")
    return "".join(out)


def _fill(values: list[Any]) -> list[Any]:
    """Give each None (a space) the value on both sides of it when they agree, else 0."""
    out = list(values)
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    for (a, va), (b, vb) in itertools.pairwise(known):
        for k in range(a + 1, b):
            out[k] = va if va == vb else type(va)(0)
    for k, v in enumerate(out):
        if v is None:
            out[k] = type(known[0][1])(0) if known else 0
    return out


# --- rows to elements ------------------------------------------------------------------------


class _Reader:
    def __init__(self, pages: list[list[_Row]], size: tuple[float, float]) -> None:
        self.width, self.height = size
        self.pages = pages
        # The action margin: the leftmost edge that many lines share (the dialogue edge is
        # often the most common one).
        lefts = Counter(round(r.x0, 1) for page in pages for r in page)
        total = sum(lefts.values())
        common = [x for x, n in lefts.items() if n >= 0.05 * total] or list(lefts)
        self.left = min(common)
        self.line = 1 / 6

    def screenplay(self) -> Screenplay:
        pages = self.pages
        title: tuple[TitleField, ...] = ()
        if pages and self._is_title_page(pages[0]):
            title = self._title_page(pages[0])
            pages = pages[1:]
        rows = [row for page in pages for row in self._body(page)]
        return Screenplay(title, tuple(self._elements(rows)))

    # Title page: every line centred, or in the bottom third.
    def _is_title_page(self, rows: list[_Row]) -> bool:
        centre = self.width / 2
        return (
            bool(rows)
            and len(rows) < 30
            and all(abs((r.x0 + r.x1) / 2 - centre) < 0.5 or r.y > self.height * 0.6 for r in rows)
        )

    def _title_page(self, rows: list[_Row]) -> tuple[TitleField, ...]:
        """Centred groups are Title, Credit ("written by"), Author, Source; the bottom left
        is Contact, the bottom right Draft date."""
        centre = self.width / 2
        pieces = [_Row(r.page, r.y, x0, x1, text) for r in rows for x0, x1, text in r.segments]
        top = [r for r in pieces if r.y <= self.height * 0.6]
        fields: list[TitleField] = []
        keys = ["Title", "Credit", "Author", "Source"]
        for group in _groups(top, self.line):
            text = "\n".join(r.text.strip() for r in group)
            if len(keys) == 3 and not _CREDIT.fullmatch(_visible(text)):
                keys.pop(0)  # no credit line
            fields.append(TitleField(keys.pop(0) if keys else "Notes", text))
        bottom = [r for r in pieces if r.y > self.height * 0.6]
        contact = [r.text.strip() for r in bottom if r.x0 < centre]
        dates = [r.text.strip() for r in bottom if r.x0 >= centre]
        if contact:
            fields.append(TitleField("Contact", "\n".join(contact)))
        if dates:
            fields.append(TitleField("Draft date", "\n".join(dates)))
        return tuple(fields)

    def _body(self, rows: list[_Row]) -> Iterable[_Row]:
        """Drop the furniture: header and footer lines, page numbers, scene numbers in the
        margins (kept on the heading), (MORE) and (CONTINUED)."""
        for row in rows:
            text = row.text.strip()
            in_margin = row.y < 0.75 or row.y > self.height - 0.75  # header / footer
            if in_margin and not _CONTD.search(text):
                continue
            if _PAGE_NUMBER.fullmatch(text) and (row.y < 1.0 or row.x0 > self.width * 0.7):
                continue
            if _CONTINUED.fullmatch(text):
                continue
            if _MORE.fullmatch(text):
                row.text = "(MORE)"
            yield row

    def _elements(self, rows: list[_Row]) -> list[Element]:
        out: list[Element] = []
        i = 0
        continued = False  # after (MORE): the next cue continues a speech
        while i < len(rows):
            row = rows[i]
            text, number = self._scene_number(row)
            kind = self._kind(rows, i)
            if kind == "more":
                continued = True
                i += 1
                continue
            if kind == "dual":
                i = self._dual(rows, i, out)
            elif kind == "cue":
                i = self._speech(rows, i, out, continued)
            else:
                end = i + 1
                while (
                    end < len(rows)
                    and self._adjacent(rows[end - 1], rows[end])
                    and self._kind(rows, end) == kind
                ):
                    end += 1
                lines = [text, *(r.text for r in rows[i + 1 : end])]
                out.append(self._flow(kind, lines, number, self._gap_before(rows, i)))
                i = end
            continued = False
        return out

    def _kind(self, rows: list[_Row], i: int) -> str:
        row = rows[i]
        off = row.x0 - self.left
        centre = (row.x0 + row.x1) / 2
        if row.text == "(MORE)":
            return "more"
        if (
            row.upper
            and len(row.segments) >= 2
            and off > 0.3
            and row.segments[0][0] < self.width / 2 - 0.3
            and any(x0 > self.width / 2 + 0.2 for x0, _, _ in row.segments)
            and i + 1 < len(rows)
            and self._adjacent(row, rows[i + 1])
        ):
            return "dual"
        if 1.8 <= off < 3.0 and row.upper and self._speech_follows(rows, i):
            return "cue"
        if off >= 3.0 and row.upper:
            return "transition"
        if off > 0.5 and abs(centre - (self.left + self.width - 1) / 2) < 0.3:
            return "centered"
        return "action"

    def _gap_before(self, rows: list[_Row], i: int) -> float:
        """Blank lines above row i (a scene heading has two); 0 at the top of a page."""
        if i == 0 or rows[i - 1].page != rows[i].page:
            return 0.0
        return (rows[i].y - rows[i - 1].y) / self.line - 1

    def _flow(self, kind: str, lines: list[str], number: str | None, gap: float) -> Element:
        first = lines[0].strip()
        if kind == "transition":
            return Transition(" ".join(t.strip() for t in lines))
        if kind == "centered":
            return Action("\n".join(t.strip() for t in lines), centered=True)
        heading_like = first.isupper() or _HEADING.match(first) is not None
        if heading_like and (_HEADING.match(first) or number or (len(lines) == 1 and gap > 1.5)):
            return SceneHeading(" ".join(t.strip() for t in lines), number)
        return Action(self._join(lines, 61))

    def _scene_number(self, row: _Row) -> tuple[str, str | None]:
        """Strip scene numbers printed in the margins; return (text, number)."""
        segs = row.segments
        number = None
        text = row.text
        if (
            len(segs) >= 2
            and segs[0][1] < self.left - 0.05
            and _SCENE_NUMBER.fullmatch(segs[0][2].strip())
        ):
            number = segs[0][2].strip()
            segs = segs[1:]
        if (
            len(segs) >= 2
            and segs[-1][0] > self.width * 0.75
            and _SCENE_NUMBER.fullmatch(segs[-1][2].strip())
            and (number is None or number == segs[-1][2].strip())
        ):
            number = segs[-1][2].strip()
            segs = segs[:-1]
        if number is not None:
            row.segments = segs
            row.x0, row.x1 = segs[0][0], segs[-1][1]
            text = row.text = " ".join(s[2] for s in segs)
        return text, number

    def _adjacent(self, a: _Row, b: _Row) -> bool:
        return a.page == b.page and b.y - a.y < 1.5 * self.line

    def _speech_follows(self, rows: list[_Row], i: int) -> bool:
        if i + 1 >= len(rows) or not self._adjacent(rows[i], rows[i + 1]):
            return False
        return 0.5 <= rows[i + 1].x0 - self.left < 1.8

    def _speech(self, rows: list[_Row], i: int, out: list[Element], continued: bool) -> int:
        cue = _CONTD.sub("", rows[i].text).strip()
        end = i + 1
        while (
            end < len(rows)
            and self._adjacent(rows[end - 1], rows[end])
            and 0.5 <= rows[end].x0 - self.left < 1.8
        ):
            end += 1
        lines = _speech_lines([r.text for r in rows[i + 1 : end]], self._join)
        previous = out[-1] if out else None
        if continued and isinstance(previous, Dialogue) and _CONTD.sub("", previous.cue) == cue:
            out[-1] = Dialogue(
                previous.speaker, _merge(previous.lines, lines), previous.extension, previous.dual
            )
        else:
            out.append(_dialogue(cue, lines))
        return end

    def _dual(self, rows: list[_Row], i: int, out: list[Element]) -> int:
        middle = self.width / 2
        columns: list[list[str]] = [[], []]
        end = i
        while end < len(rows) and (end == i or self._adjacent(rows[end - 1], rows[end])):
            for x0, _, text in rows[end].segments:
                columns[0 if x0 < middle else 1].append(text)
            end += 1
        for n, column in enumerate(columns):
            if column:
                cue = _CONTD.sub("", column[0]).strip()
                lines = _speech_lines(column[1:], lambda rows: self._join(rows, 29))
                out.append(_dialogue(cue, lines, dual=n == 1))
        return end

    def _join(self, lines: list[str], width: int = 35) -> str:
        """Join wrapped lines with spaces; keep a line break where the next word would have
        fitted on the line (the writer broke the line on purpose)."""
        text = lines[0].rstrip() if lines else ""
        for line in lines[1:]:
            previous, line = text.rsplit("\n", 1)[-1], line.strip()
            first_word = _visible(line.split(" ", 1)[0])
            if len(_visible(previous)) + 1 + len(first_word) <= width - 1:
                text += "\n" + line  # it would have fitted: deliberate
                continue
            closing = _TRAILING_MARKS.search(text)
            opening = _LEADING_MARKS.match(line)
            if closing and opening and opening.group() == closing.group()[::-1]:
                text, line = text[: closing.start()], line[opening.end() :]  # one styled run
            if re.search(r"\w-$|\s-$", text) and (line[:1].isalnum() or line[:1] == "-"):
                text += line  # broken after a hyphen
            else:
                text += " " + line
        return text


_TRAILING_MARKS = re.compile(r"[*_]+$")
_LEADING_MARKS = re.compile(r"^[*_]+")


def _visible(text: str) -> str:
    return text.replace("*", "").replace("_", "")


def _groups(rows: list[_Row], line: float) -> list[list[_Row]]:
    groups: list[list[_Row]] = []
    for row in rows:
        if groups and row.y - groups[-1][-1].y < 1.5 * line:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _speech_lines(texts: list[str], join: Any) -> tuple[Line, ...]:
    """Dialogue rows into parts: parentheticals run from "(" to ")"; the rest is dialogue."""
    parts: list[Line] = []
    buffer: list[str] = []
    paren: list[str] | None = None
    for text in texts:
        stripped = text.strip()
        if paren is None and stripped.startswith("("):
            if buffer:
                parts.append(join(buffer))
                buffer = []
            paren = []
        if paren is not None:
            paren.append(stripped)
            if stripped.endswith(")"):
                parts.append(Parenthetical(" ".join(paren)))
                paren = None
        else:
            buffer.append(text)
    if paren:
        parts.append(Parenthetical(" ".join(paren)))
    if buffer:
        parts.append(join(buffer))
    return tuple(parts)


def _merge(before: tuple[Line, ...], after: tuple[Line, ...]) -> tuple[Line, ...]:
    """Join the two halves of a speech split across pages (inside a part, after a sentence)."""
    if before and after and isinstance(before[-1], str) and isinstance(after[0], str):
        return (*before[:-1], f"{before[-1]}  {after[0]}", *after[1:])
    return before + after


def _dialogue(cue: str, lines: tuple[Line, ...], *, dual: bool = False) -> Dialogue:
    m = re.fullmatch(r"(.*?)\s*\((.*)\)", cue)
    if m and m.group(1):
        return Dialogue(m.group(1).strip(), lines, m.group(2).strip(), dual)
    return Dialogue(cue.strip(), lines, None, dual)
