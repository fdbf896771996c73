"""Pure pagination: a Screenplay and a PageLayout in, a list of Pages of placed lines out.

The rules are Final Draft 11's (docs/screenplay-format.md §4.2, fitted to its PDFs):
* every paragraph has blank lines before it (2 for a scene heading, 1 for action, cues and
  transitions, 0 for parentheticals and dialogue); they are dropped at the top of a page;
* a scene heading is never the last thing on a page;
* action splits only after a sentence, with at least 2 lines on each page;
* dialogue splits between its parts or after a sentence inside a part of 3+ lines, with at least
  2 lines of dialogue or parenthetical on each page; `(MORE)` goes under the top half and
  `NAME (CONT'D)` above the bottom half, both outside the body lines (they cost nothing);
* dual dialogue is printed side by side and never split; `===` starts a new page; the title
  page is a page of its own and carries no number.

    >>> from writersroom.screenplay.model import Action, Screenplay
    >>> pages = paginate(Screenplay(elements=(Action("Rain."),)))
    >>> [(line.y, line.kind, line.text) for line in pages[0].lines]
    [(0, 'action', 'Rain.')]

A `Page` lists `PlacedLine`s on a grid: `y` counts lines from the first body line (the page
number sits at y = -3, a (CONT'D) cue at -1, (MORE) right under the last line it follows) and `x`
is in inches from the left edge. Each line names the element (index into `doc.elements`) and
the scene it comes from, so reports can give each scene's page and length (`scene_spans`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from writersroom.screenplay.layout import ElementStyle, PageLayout
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Element,
    Lyrics,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Transition,
)
from writersroom.screenplay.titlepage import title_page_lines
from writersroom.screenplay.typeset import (
    BOLD,
    ITALIC,
    UNDERLINE,
    Run,
    parse_emphasis,
    sentence_ends,
    slice_runs,
    upper_runs,
    wrap,
)

__all__ = ["Page", "PlacedLine", "SceneSpan", "page_count", "paginate", "scene_spans"]

CONTENT_KINDS = frozenset({"dialogue", "parenthetical", "lyrics"})


@dataclass(frozen=True)
class PlacedLine:
    """One printed line: where it goes and what it comes from."""

    y: int                       # lines below the first body line (negative: in the header)
    x: float                     # inches from the left edge of the page to the first character
    kind: str                    # scene_heading, action, centered, character, parenthetical,
                                 # dialogue, lyrics, transition, more, contd, page_number,
                                 # scene_number, title
    runs: tuple[Run, ...]        # the text in styled pieces
    element: int = -1            # index into Screenplay.elements (-1: title page, page number)
    scene: int = -1              # 0-based scene index (-1: before the first scene heading)
    part: int = -1               # index into Dialogue.lines (-1: the cue, or not dialogue)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Page:
    """One printed page. `number` is the printed page number; None for the title page."""

    number: int | None
    lines: tuple[PlacedLine, ...]

    @property
    def is_title(self) -> bool:
        return self.number is None

    def body(self) -> list[PlacedLine]:
        """The lines that belong to the script itself (no page number, scene numbers, MORE)."""
        return [ln for ln in self.lines if ln.kind not in _FURNITURE]


_FURNITURE = frozenset({"page_number", "scene_number", "more", "contd"})


@dataclass(frozen=True)
class SceneSpan:
    """Where a scene starts and how long it runs, the way Final Draft's scene report says it."""

    scene: int          # 0-based scene index
    element: int        # index of its SceneHeading in Screenplay.elements
    page: int           # printed page number where the heading sits
    lines: int          # body lines it covers, blank lines included
    eighths: int        # length in eighths of a page (at least 1)


# --- paragraphs -------------------------------------------------------------------------------

@dataclass
class _Para:
    """A paragraph of visible text wrapped into a column."""

    kind: str
    style: ElementStyle
    runs: tuple[Run, ...]
    text: str
    spans: list[tuple[int, int]]
    element: int
    hang: float = 0.0            # the first line starts this far left (parenthetical "(")
    suffix: int = 0              # trailing characters left out when centring: " (CONT'D)"
    part: int = -1               # index into Dialogue.lines

    @property
    def height(self) -> int:
        return len(self.spans)

    def cut(self, start: int, end: int) -> _Para:
        """The paragraph made of characters start..end, wrapped again."""
        runs = slice_runs(self.runs, start, end)
        return replace(_para(self.kind, self.style, runs, self.element, self.hang),
                       part=self.part)


def _para(kind: str, style: ElementStyle, runs: tuple[Run, ...], element: int,
          hang: float = 0.0) -> _Para:
    if style.caps:
        runs = upper_runs(runs)
    text = "".join(r.text for r in runs)
    first = style.cells + round(hang * 10) if hang else None
    return _Para(kind, style, runs, text, wrap(text, style.cells, first), element, hang)


def _text_para(kind: str, style: ElementStyle, markup: str, element: int,
               hang: float = 0.0) -> _Para:
    flags = style.bold * BOLD | style.italic * ITALIC | style.underline * UNDERLINE
    return _para(kind, style, parse_emphasis(markup, flags), element, hang)


def _split_points(para: _Para) -> Iterator[tuple[int, int]]:
    """(end of top, start of bottom) offsets where a paragraph may break across pages."""
    text = para.text
    for end in sentence_ends(text):
        start = end
        while start < len(text) and text[start] in " \n":
            start += 1
        top_end = len(text[:end].rstrip(" \n"))
        if top_end > 0 and start < len(text):
            yield top_end, start


# --- blocks: what the paginator moves around --------------------------------------------------

@dataclass
class _Flow:
    """Scene heading, action, centered text, lyrics or transition."""

    para: _Para
    space: int
    scene: int
    splittable: bool = False

    @property
    def height(self) -> int:
        return self.para.height


@dataclass
class _Speech:
    """A character cue with its parentheticals and dialogue."""

    cue: _Para
    parts: list[_Para]
    space: int
    scene: int
    element: int

    @property
    def height(self) -> int:
        return self.cue.height + sum(p.height for p in self.parts)

    @property
    def content(self) -> int:
        return sum(p.height for p in self.parts if p.kind in CONTENT_KINDS)


@dataclass
class _Dual:
    left: _Speech
    right: _Speech
    space: int
    scene: int

    @property
    def height(self) -> int:
        return max(self.left.height, self.right.height)


@dataclass
class _Break:
    pass


_Block = _Flow | _Speech | _Dual | _Break


def _blocks(doc: Screenplay, layout: PageLayout) -> list[_Block]:
    blocks: list[_Block] = []
    scene = -1
    previous: dict[str, bool] = {}     # last speech's speakers in this scene -> voice-over?
    elements = doc.elements
    i = 0
    while i < len(elements):
        el = elements[i]
        match el:
            case SceneHeading(text=text):
                scene += 1
                previous = {}
                st = layout.scene_heading
                blocks.append(_Flow(_text_para("scene_heading", st, text, i), st.space_before,
                                    scene))
            case Action(text=text, centered=True):
                st = layout.centered
                lines = "\n".join(line.strip() for line in text.split("\n"))
                blocks.append(_Flow(_text_para("centered", st, lines, i), st.space_before,
                                    scene, splittable=True))
            case Action(text=text):
                st = layout.action
                blocks.append(_Flow(_text_para("action", st, text, i), st.space_before, scene,
                                    splittable=True))
            case Lyrics(text=text):
                st = layout.lyrics
                blocks.append(_Flow(_text_para("lyrics", st, text, i), st.space_before, scene,
                                    splittable=True))
            case Transition(text=text):
                st = layout.transition
                blocks.append(_Flow(_text_para("transition", st, text, i), st.space_before,
                                    scene))
            case Dialogue():
                nxt = elements[i + 1] if i + 1 < len(elements) else None
                pair = [el, nxt] if isinstance(nxt, Dialogue) and nxt.dual and not el.dual else [el]
                speeches = []
                for n, speech in enumerate(pair):
                    assert isinstance(speech, Dialogue)
                    contd = layout.automatic_contd and _continues(speech, previous, layout)
                    speeches.append(_speech(speech, i + n, scene, layout,
                                            n if len(pair) == 2 else None, contd))
                previous = {_name(d): _voice_over(d, layout) for d in pair
                            if isinstance(d, Dialogue)}
                if len(speeches) == 2:
                    blocks.append(_Dual(speeches[0], speeches[1], layout.character.space_before,
                                        scene))
                else:
                    blocks.append(speeches[0])
                i += len(pair)
                continue
            case PageBreak():
                blocks.append(_Break())
            case _:
                pass                         # sections, synopses, notes, boneyard: not printed
        i += 1
    return blocks


def _name(el: Dialogue) -> str:
    return el.speaker.strip().upper()


def _voice_over(el: Dialogue, layout: PageLayout) -> bool:
    ext = (el.extension or "").replace(" ", "").upper()
    return any(skip.replace(" ", "").upper() in ext for skip in layout.contd_skip)


def _continues(el: Dialogue, previous: dict[str, bool], layout: PageLayout) -> bool:
    """Final Draft's automatic (CONT'D): the speaker also spoke in the previous speech (or
    dual pair) of the scene, and neither cue is a voice-over."""
    if "CONT" in (el.extension or "").upper():
        return False
    name = _name(el)
    return name in previous and not previous[name] and not _voice_over(el, layout)


def _speech(el: Dialogue, element: int, scene: int, layout: PageLayout, column: int | None,
            contd: bool) -> _Speech:
    if column is None:
        cue_st, paren_st, dia_st = layout.character, layout.parenthetical, layout.dialogue
    else:
        cue_st = layout.dual_character[column]
        paren_st = layout.dual_parenthetical[column]
        dia_st = layout.dual_dialogue[column]
    cue = _text_para("character", cue_st, el.cue, element)
    if contd:
        cue = _with_suffix(cue, layout.contd)
    parts: list[_Para] = []
    for n, line in enumerate(el.lines):
        if isinstance(line, Parenthetical):
            part = _text_para("parenthetical", paren_st, line.text.strip(), element,
                              hang=layout.paren_hang)
        else:
            lyric = all(row.lstrip().startswith("~") for row in line.split("\n"))
            part = _para("lyrics" if lyric else "dialogue", dia_st, _sung(line, dia_st), element)
        part.part = n
        parts.append(part)
    return _Speech(cue, parts, cue_st.space_before, scene, element)


def _with_suffix(cue: _Para, suffix: str) -> _Para:
    """The cue with " (CONT'D)" after it; a centred cue stays centred on the name alone."""
    para = _para(cue.kind, cue.style, (*cue.runs, Run(" " + suffix)), cue.element)
    para.suffix = len(suffix) + 1
    return para


def _sung(text: str, style: ElementStyle) -> tuple[Run, ...]:
    """Dialogue runs; lines starting with "~" are sung: italic, without the tilde."""
    base = style.bold * BOLD | style.italic * ITALIC | style.underline * UNDERLINE
    if "~" not in text:
        return parse_emphasis(text, base)
    runs: list[Run] = []
    for n, row in enumerate(text.split("\n")):
        if n:
            runs.append(Run("\n"))
        sung = row.lstrip().startswith("~")
        runs.extend(parse_emphasis(row.lstrip()[1:].lstrip() if sung else row,
                                   base | ITALIC if sung else base))
    return tuple(runs)


# --- splitting --------------------------------------------------------------------------------

def _split_flow(block: _Flow, room: int) -> tuple[_Flow, _Flow] | None:
    """The fullest legal split of an action paragraph whose top fits in `room` lines."""
    if not block.splittable or block.height < 4:
        return None
    best: tuple[_Para, _Para] | None = None
    for top_end, start in _split_points(block.para):
        top = block.para.cut(0, top_end)
        if top.height > room:
            break
        bottom = block.para.cut(start, len(block.para.text))
        if top.height >= 2 and bottom.height >= 2:
            best = (top, bottom)
    if best is None:
        return None
    return replace(block, para=best[0]), replace(block, para=best[1], space=0)


@dataclass(frozen=True)
class _SpeechSplit:
    top: list[_Para]
    bottom: list[_Para]
    sentence: bool               # the break falls inside a part, after a sentence
    rest: int                    # content lines left for the next page, counted on the
                                 # unsplit wrapping (the line holding the break stays on top)


def _content(parts: Sequence[_Para]) -> int:
    return sum(p.height for p in parts if p.kind in CONTENT_KINDS)


def _speech_splits(block: _Speech) -> Iterator[_SpeechSplit]:
    parts = block.parts
    for i, part in enumerate(parts):
        after = _content(parts[i + 1:])
        if part.kind != "parenthetical" and part.height >= 3:
            for top_end, start in _split_points(part):
                line = next(n for n, (_, b) in enumerate(part.spans) if b >= top_end)
                yield _SpeechSplit([*parts[:i], part.cut(0, top_end)],
                                   [part.cut(start, len(part.text)), *parts[i + 1:]], True,
                                   part.height - line - 1 + after)
        if i + 1 < len(parts):
            yield _SpeechSplit(parts[: i + 1], parts[i + 1:], False, after)


def _continued(cue: _Para, layout: PageLayout) -> _Para:
    """The cue repeated above the rest of a split speech: NAME (V.O.) (CONT'D)."""
    return cue if cue.suffix else _with_suffix(cue, layout.contd)


def _split_speech(block: _Speech, room: int, layout: PageLayout) -> tuple[_Speech, _Speech] | None:
    """The best legal split of a dialogue block whose top half fits in `room` lines.

    Final Draft (fitted on its output and the fd-probes): at least 2 lines of dialogue or
    parenthetical stay on each page, the lines left for the next page counted on the unsplit
    wrapping; a break after a sentence inside a part beats a break between parts; then the
    fuller top half wins, then the one with more text on top."""
    best: tuple[tuple[bool, int, int], _SpeechSplit] | None = None
    for split in _speech_splits(block):
        top_height = block.cue.height + sum(p.height for p in split.top)
        if top_height > room or _content(split.top) < 2 or split.rest < 2:
            continue
        score = (split.sentence, top_height, sum(len(p.text) for p in split.top))
        if best is None or score > best[0]:
            best = (score, split)
    if best is None:
        return None
    split = best[1]
    cont = _continued(block.cue, layout)
    top = replace(block, parts=split.top)
    bottom = _Speech(cont, split.bottom, 0, block.scene, block.element)
    return top, bottom


# --- placing ----------------------------------------------------------------------------------

@dataclass
class _Sheet:
    """The page being filled."""

    layout: PageLayout
    pages: list[Page] = field(default_factory=list)
    lines: list[PlacedLine] = field(default_factory=list)
    y: int = 0
    number: int = 1

    @property
    def room(self) -> int:
        return self.layout.body_lines - self.y

    def space(self, block: _Flow | _Speech | _Dual) -> int:
        return block.space if self.y else 0

    def finish(self) -> None:
        """Close the current page (if anything is on it) and start the next."""
        if not self.lines:
            return
        if self.number > 1:
            label = f"{self.number}."
            self.lines.append(_placed_right(self.layout, -3, self.layout.page_number_right,
                                            "page_number", (Run(label),)))
        self.pages.append(Page(self.number, tuple(self.lines)))
        self.lines = []
        self.y = 0
        self.number += 1

    def put(self, para: _Para, y: int, scene: int) -> int:
        """Place a paragraph's lines from body line y; returns the line after it."""
        st = para.style
        text = para.text
        for n, (a, b) in enumerate(para.spans):
            length = len(text[a:b].rstrip(" "))         # trailing spaces are not printed
            runs = slice_runs(para.runs, a, a + length)
            if st.align == "right":
                x = st.right - length * self.layout.cell
            elif st.align == "center":
                if n == len(para.spans) - 1:
                    length -= para.suffix
                x = (st.left + st.right) / 2 - length * self.layout.cell / 2
            else:
                x = st.left - (para.hang if n == 0 else 0.0)
            self.lines.append(PlacedLine(y, round(x, 4), para.kind, runs,
                                         para.element, scene, para.part))
            y += 1
        return y

    def put_flow(self, block: _Flow) -> None:
        self.y = self.put(block.para, self.y + self.space(block), block.scene)

    def put_speech(self, block: _Speech, *, contd: bool = False) -> None:
        y = self.y + self.space(block)
        if contd:                                # NAME (CONT'D) in the header line above
            self.put(block.cue, -1, block.scene)
        else:
            y = self.put(block.cue, y, block.scene)
        for part in block.parts:
            y = self.put(part, y, block.scene)
        self.y = y

    def put_more(self, block: _Speech) -> None:
        st = self.layout.character
        self.lines.append(PlacedLine(self.y, st.left, "more", (Run(self.layout.more),),
                                     block.element, block.scene))

    def put_dual(self, block: _Dual) -> None:
        y0 = self.y + self.space(block)
        ends = []
        for side in (block.left, block.right):
            y = self.put(side.cue, y0, block.scene)
            for part in side.parts:
                y = self.put(part, y, block.scene)
            ends.append(y)
        self.y = max(ends)


def _placed_right(layout: PageLayout, y: int, right: float, kind: str,
                  runs: tuple[Run, ...]) -> PlacedLine:
    length = sum(len(r.text) for r in runs)
    return PlacedLine(y, round(right - length * layout.cell, 4), kind, runs)


def _fits_some(block: _Block, room: int, layout: PageLayout) -> bool:
    """Can at least part of `block` go in `room` lines (after its spacing)?"""
    match block:
        case _Break():
            return True
        case _Flow():
            room -= block.space
            return block.height <= room or _split_flow(block, room) is not None
        case _Speech():
            room -= block.space
            return block.height <= room or _split_speech(block, room, layout) is not None
        case _Dual():
            return block.space + block.height <= room
    return True


def paginate(doc: Screenplay, layout: PageLayout | None = None) -> list[Page]:
    """Lay the screenplay out on pages the way Final Draft does. The title page (when the
    document has one) comes first, with number None; script pages are numbered from 1."""
    layout = layout or PageLayout()
    sheet = _Sheet(layout)
    blocks = _blocks(doc, layout)
    lines_per_page = layout.body_lines
    for i, block in enumerate(blocks):
        if isinstance(block, _Break):
            sheet.finish()
            continue
        _place(sheet, block, blocks[i + 1:i + 2], lines_per_page)
    sheet.finish()
    pages = sheet.pages
    if layout.scene_numbers != "none":
        pages = [_with_scene_numbers(page, doc.elements, layout) for page in pages]
    title = [PlacedLine(y, x, "title", runs) for y, x, runs in
             title_page_lines(doc.title_page, layout)]
    if title:
        pages.insert(0, Page(None, tuple(title)))
    return pages


def _place(sheet: _Sheet, block: _Flow | _Speech | _Dual, following: Sequence[_Block],
           lines_per_page: int) -> None:
    layout = sheet.layout
    if isinstance(block, _Dual):
        if sheet.space(block) + block.height > sheet.room:
            sheet.finish()
        sheet.put_dual(block)
        return
    contd = False
    while True:
        room = sheet.room - sheet.space(block)
        need = block.height - (block.cue.height if contd and isinstance(block, _Speech) else 0)
        if need <= room:
            nxt = following[0] if following else None
            if sheet.y and nxt is not None and _keep_with_next(block, nxt, room - need, layout):
                sheet.finish()
                continue
            if isinstance(block, _Speech):
                sheet.put_speech(block, contd=contd)
            else:
                sheet.put_flow(block)
            return
        if isinstance(block, _Flow):
            halves = _split_flow(block, room)
            if halves is None and sheet.y == 0:  # taller than a page and no sentence to break
                halves = _force_split_flow(block, lines_per_page)
            if halves is None:
                sheet.finish()
                continue
            sheet.put_flow(halves[0])
            sheet.finish()
            block = halves[1]
            continue
        cue_room = room + (block.cue.height if contd else 0)
        split = _split_speech(block, cue_room, layout)
        if split is None and sheet.y == 0:
            split = _force_split_speech(block, cue_room, layout)
        if split is None:
            sheet.finish()
            continue
        sheet.put_speech(split[0], contd=contd)
        sheet.put_more(block)
        sheet.finish()
        block, contd = split[1], True


def _keep_with_next(block: _Flow | _Speech, nxt: _Block, room: int, layout: PageLayout) -> bool:
    """Should `block` move to the next page with what follows it? A scene heading is never
    the last line of a page, and a transition never the first."""
    if isinstance(block, _Flow) and block.para.kind == "scene_heading":
        return not _fits_some(nxt, room, layout)
    if isinstance(nxt, _Flow) and nxt.para.kind == "transition":
        return nxt.space + nxt.height > room
    return False


def _force_split_flow(block: _Flow, lines: int) -> tuple[_Flow, _Flow] | None:
    spans = block.para.spans
    if len(spans) <= lines:
        return None
    cut = spans[lines - 1][1]
    text = block.para.text
    start = spans[lines][0]
    return (replace(block, para=block.para.cut(0, cut)),
            replace(block, para=block.para.cut(start, len(text)), space=0))


def _force_split_speech(block: _Speech, room: int,
                        layout: PageLayout) -> tuple[_Speech, _Speech] | None:
    """A dialogue block taller than a page with no legal split: break it at a line."""
    budget = room - block.cue.height
    top: list[_Para] = []
    rest = list(block.parts)
    while rest and rest[0].height <= budget:
        budget -= rest[0].height
        top.append(rest.pop(0))
    if rest and budget > 0:
        part = rest.pop(0)
        cut, start = part.spans[budget - 1][1], part.spans[budget][0]
        top.append(part.cut(0, cut))
        rest.insert(0, part.cut(start, len(part.text)))
    if not top or not rest:
        return None
    cont = _continued(block.cue, layout)
    return replace(block, parts=top), _Speech(cont, rest, 0, block.scene, block.element)


def _with_scene_numbers(page: Page, elements: Sequence[Element], layout: PageLayout) -> Page:
    extra: list[PlacedLine] = []
    seen: set[int] = set()
    for line in page.lines:
        if line.kind != "scene_heading" or line.element in seen:
            continue
        seen.add(line.element)
        heading = elements[line.element]
        assert isinstance(heading, SceneHeading)
        label = heading.number or str(line.scene + 1)
        runs = (Run(label),)
        if layout.scene_numbers in ("left", "both"):
            extra.append(PlacedLine(line.y, layout.scene_number_left, "scene_number", runs,
                                    line.element, line.scene))
        if layout.scene_numbers in ("right", "both"):
            placed = _placed_right(layout, line.y, layout.scene_number_right, "scene_number",
                                   runs)
            extra.append(replace(placed, element=line.element, scene=line.scene))
    return replace(page, lines=page.lines + tuple(extra)) if extra else page


# --- derived figures --------------------------------------------------------------------------

def page_count(doc: Screenplay, layout: PageLayout | None = None) -> int:
    """Printed pages, the title page included."""
    return len(paginate(doc, layout))


def scene_spans(pages: Sequence[Page], layout: PageLayout | None = None) -> list[SceneSpan]:
    """Each scene's first page and its length in body lines and eighths of a page, measured
    from its heading to the next heading (blank lines included)."""
    layout = layout or PageLayout()
    per_page = layout.body_lines
    spans: list[SceneSpan] = []
    start: dict[int, tuple[int, int, int]] = {}      # scene -> (element, page, first y)
    used: dict[int, int] = {}
    for page in pages:
        if page.number is None:
            continue
        body = [ln for ln in page.body() if ln.scene >= 0 and ln.y >= 0]
        by_scene: dict[int, tuple[int, int]] = {}
        for ln in body:
            lo, hi = by_scene.get(ln.scene, (ln.y, ln.y))
            by_scene[ln.scene] = (min(lo, ln.y), max(hi, ln.y))
            if ln.scene not in start and ln.kind == "scene_heading":
                start[ln.scene] = (ln.element, page.number, ln.y)
        for scene, (lo, hi) in by_scene.items():
            used[scene] = used.get(scene, 0) + hi - lo + 1
    ordered = sorted(start)
    for scene in ordered:
        element, page_no, _ = start[scene]
        lines = used.get(scene, 1)
        eighths = max(1, round(lines * 8 / per_page))
        spans.append(SceneSpan(scene, element, page_no, lines, eighths))
    return spans
