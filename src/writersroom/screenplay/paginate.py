"""Pure pagination: a Screenplay and a PageLayout in, a list of Pages of placed lines out.

The rules are Final Draft 11's (docs/formats.md §4, fitted to its PDFs):
* every paragraph has blank lines before it (2 for a scene heading, 1 for action, cues and
  transitions, 0 for parentheticals and dialogue); they are dropped at the top of a page;
* a scene heading is never the last thing on a page;
* action splits only after a sentence, with at least 2 lines on each page;
* dialogue splits between its parts or after a sentence inside a part of 3+ lines, with at least
  2 lines of dialogue or parenthetical on each page; `(MORE)` goes under the top half and
  `NAME (CONT'D)` above the bottom half, both outside the body lines (they cost nothing);
* dual dialogue is printed side by side and never split; `===` starts a new page; the title
  page is a page of its own and carries no number;
* a last page that would hold only empty paragraphs is not printed (Final Draft's PDF of
  fdx-import/title-page-cast-page ends without one);
* a paragraph styled with `spacing` 2 (double-spaced) has an empty line after each of its lines
  but the last.

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

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from writersroom.screenplay.blocks import (
    Block,
    Break,
    Dual,
    Flow,
    Para,
    Speech,
    build_blocks,
    force_split_flow,
    force_split_speech,
    split_flow,
    split_speech,
)
from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.model import Element, SceneHeading, Screenplay
from writersroom.screenplay.titlepage import title_page_lines
from writersroom.screenplay.typeset import Run

__all__ = ["Page", "PlacedLine", "SceneSpan", "page_count", "paginate", "scene_spans"]


@dataclass(frozen=True)
class PlacedLine:
    """One printed line: where it goes and what it comes from."""

    y: int  # lines below the first body line (negative: in the header)
    x: float  # inches from the left edge of the page to the first character
    kind: str  # scene_heading, action, centered, character, parenthetical,
    # dialogue, lyrics, transition, more, contd, page_number,
    # scene_number, title
    runs: tuple[Run, ...]  # the text in styled pieces
    element: int = -1  # index into Screenplay.elements (-1: title page, page number)
    scene: int = -1  # 0-based scene index (-1: before the first scene heading)
    part: int = -1  # index into Dialogue.lines (-1: the cue, or not dialogue)

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

    scene: int  # 0-based scene index
    element: int  # index of its SceneHeading in Screenplay.elements
    page: int  # printed page number where the heading sits
    lines: int  # body lines it covers, blank lines included
    eighths: int  # length in eighths of a page (at least 1)


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
    def header_y(self) -> int:
        """The grid line of the page number: 0.5 in from the top is 3 lines above the body."""
        return round((self.layout.page_number_top - self.layout.top_margin) * self.layout.lpi)

    @property
    def room(self) -> int:
        return self.layout.body_lines - self.y

    def space(self, block: Flow | Speech | Dual) -> int:
        return block.space if self.y else 0

    def finish(self) -> None:
        """Close the current page (if anything is on it) and start the next."""
        if not self.lines:
            return
        if self.number > 1:
            label = f"{self.number}."
            self.lines.append(
                _placed_right(
                    self.layout,
                    self.header_y,
                    self.layout.page_number_right,
                    "page_number",
                    (Run(label),),
                )
            )
        self.pages.append(Page(self.number, tuple(self.lines)))
        self.lines = []
        self.y = 0
        self.number += 1

    def put(self, para: Para, y: int, scene: int) -> int:
        """Place a paragraph's lines from body line y; returns the line after it."""
        st = para.style
        text = para.source.text
        spans = para.spans
        for n, (a, b) in enumerate(spans):
            length = len(text[a:b].rstrip(" "))  # trailing spaces are not printed
            runs = para.slice(a, a + length)
            if st.align == "right":
                x = st.right - length * self.layout.cell
            elif st.align == "center":
                if n == len(spans) - 1:
                    length -= para.suffix
                x = (st.left + st.right) / 2 - length * self.layout.cell / 2
            else:
                x = st.left - (para.hang if n == 0 else 0.0)
            self.lines.append(
                PlacedLine(y, round(x, 4), para.kind, runs, para.element, scene, para.part)
            )
            y += 1
        return y

    def put_flow(self, block: Flow) -> None:
        self.y = self.put(block.para, self.y + self.space(block), block.scene)

    def put_speech(self, block: Speech, *, contd: bool = False) -> None:
        y = self.y + self.space(block)
        if contd:  # NAME (CONT'D) in the header line above
            self.put(block.cue, -1, block.scene)
        else:
            y = self.put(block.cue, y, block.scene)
        for part in block.parts:
            y = self.put(part, y, block.scene)
        self.y = y

    def put_more(self, block: Speech) -> None:
        st = self.layout.character
        self.lines.append(
            PlacedLine(
                self.y, st.left, "more", (Run(self.layout.more),), block.element, block.scene
            )
        )

    def put_dual(self, block: Dual) -> None:
        y0 = self.y + self.space(block)
        ends = []
        for side in (block.left, block.right):
            y = self.put(side.cue, y0, block.scene)
            for part in side.parts:
                y = self.put(part, y, block.scene)
            ends.append(y)
        self.y = max(ends)


def _placed_right(
    layout: PageLayout, y: int, right: float, kind: str, runs: tuple[Run, ...]
) -> PlacedLine:
    length = sum(len(r.text) for r in runs)
    return PlacedLine(y, round(right - length * layout.cell, 4), kind, runs)


def _fits_some(block: Block, room: int, layout: PageLayout) -> bool:
    """Can at least part of `block` go in `room` lines (after its spacing)?"""
    match block:
        case Break():
            return True
        case Flow():
            room -= block.space
            return block.height_upto(room) <= room or split_flow(block, room) is not None
        case Speech():
            room -= block.space
            return block.height_upto(room) <= room or split_speech(block, room, layout) is not None
        case Dual():
            return block.height_upto(room - block.space) <= room - block.space
    return True


def paginate(doc: Screenplay, layout: PageLayout | None = None) -> list[Page]:
    """Lay the screenplay out on pages the way Final Draft does. The title page (when the
    document has one) comes first, with number None; script pages are numbered from 1."""
    layout = layout or doc.layout or PageLayout()
    sheet = _Sheet(layout)
    blocks = build_blocks(doc, layout)
    lines_per_page = layout.body_lines
    for i, block in enumerate(blocks):
        if isinstance(block, Break):
            sheet.finish()
            continue
        _place(sheet, block, blocks[i + 1 : i + 2], lines_per_page)
    sheet.finish()
    pages = sheet.pages
    while len(pages) > 1 and not any(ln.text.strip() for ln in pages[-1].body()):
        pages.pop()  # Final Draft prints no last page of empty paragraphs only
    if layout.scene_numbers != "none":
        pages = [_with_scene_numbers(page, doc.elements, layout) for page in pages]
    title = [
        PlacedLine(y, x, "title", runs) for y, x, runs in title_page_lines(doc.title_page, layout)
    ]
    if title:
        pages.insert(0, Page(None, tuple(title)))
    return pages


def _place(
    sheet: _Sheet, block: Flow | Speech | Dual, following: Sequence[Block], lines_per_page: int
) -> None:
    layout = sheet.layout
    if isinstance(block, Dual):
        if block.height_upto(lines_per_page) > lines_per_page:  # cannot stand side by side
            _place(sheet, block.left, (), lines_per_page)
            _place(sheet, replace(block.right, space=block.left.space), following, lines_per_page)
            return
        room = sheet.room - sheet.space(block)
        if block.height_upto(room) > room:
            sheet.finish()
        sheet.put_dual(block)
        return
    contd = False
    while True:
        room = sheet.room - sheet.space(block)
        # Lines it needs here (a continued cue sits in the header); only a page's worth of a
        # long block is wrapped to tell whether it fits.
        cue = block.cue.height if contd and isinstance(block, Speech) else 0
        need = block.height_upto(room + cue) - cue
        if need <= room:
            nxt = following[0] if following else None
            if sheet.y and nxt is not None and _keep_with_next(block, nxt, room - need, layout):
                sheet.finish()
                continue
            if isinstance(block, Speech):
                sheet.put_speech(block, contd=contd)
            else:
                sheet.put_flow(block)
            return
        if isinstance(block, Flow):
            halves = split_flow(block, room)
            if halves is None and sheet.y == 0:  # taller than a page and no sentence to break
                halves = force_split_flow(block, lines_per_page)
            if halves is None:
                sheet.finish()
                continue
            sheet.put_flow(halves[0])
            sheet.finish()
            block = halves[1]
            continue
        cue_room = room + (block.cue.height if contd else 0)
        split = split_speech(block, cue_room, layout)
        if split is None and sheet.y == 0:
            split = force_split_speech(block, cue_room, layout)
            if split is None:  # nothing to break: let it run off the page
                sheet.put_speech(block, contd=contd)
                return
        if split is None:
            sheet.finish()
            continue
        sheet.put_speech(split[0], contd=contd)
        sheet.put_more(block)
        sheet.finish()
        block, contd = split[1], True


def _keep_with_next(block: Flow | Speech, nxt: Block, room: int, layout: PageLayout) -> bool:
    """Should `block` move to the next page with what follows it? A scene heading is never
    the last line of a page, and a transition never the first."""
    if isinstance(block, Flow) and block.para.kind == "scene_heading":
        return not _fits_some(nxt, room, layout)
    if isinstance(nxt, Flow) and nxt.para.kind == "transition":
        return nxt.height_upto(room - nxt.space) > room - nxt.space
    return False


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
            extra.append(
                PlacedLine(
                    line.y, layout.scene_number_left, "scene_number", runs, line.element, line.scene
                )
            )
        if layout.scene_numbers in ("right", "both"):
            placed = _placed_right(layout, line.y, layout.scene_number_right, "scene_number", runs)
            extra.append(replace(placed, element=line.element, scene=line.scene))
    return replace(page, lines=page.lines + tuple(extra)) if extra else page


# --- derived figures --------------------------------------------------------------------------


def page_count(doc: Screenplay, layout: PageLayout | None = None) -> int:
    """Printed pages, the title page included."""
    return len(paginate(doc, layout))


def scene_spans(pages: Sequence[Page], layout: PageLayout | None = None) -> list[SceneSpan]:
    """Each scene's first page and its length in body lines and eighths of a page (54 lines
    make 8/8). A scene runs from its heading to the next heading, blank lines included; the
    unused foot of a page belongs to the scene printed last on it."""
    layout = layout or PageLayout()
    per_page = layout.body_lines
    body_pages = [page for page in pages if page.number is not None]
    first: dict[int, tuple[int, int]] = {}  # scene -> (heading element, page)
    lines: dict[int, int] = {}
    for n, page in enumerate(body_pages):
        starts: dict[int, int] = {}  # scene -> its first y on this page
        last_y = -1
        for ln in page.body():
            if ln.y < 0:
                continue
            last_y = max(last_y, ln.y)
            if ln.scene >= 0:
                starts[ln.scene] = min(starts.get(ln.scene, ln.y), ln.y)
                if ln.kind == "scene_heading" and ln.scene not in first:
                    first[ln.scene] = (ln.element, page.number or 0)
        order = sorted(starts, key=lambda scene: starts[scene])
        if not order:
            continue
        end = per_page if n + 1 < len(body_pages) else last_y + 1
        for scene, nxt in zip(order, [*order[1:], None], strict=True):
            top = 0 if scene not in first or first[scene][1] != page.number else starts[scene]
            bottom = starts[nxt] if nxt is not None else end
            lines[scene] = lines.get(scene, 0) + max(bottom - top, 0)
    return [
        SceneSpan(
            scene,
            element,
            page_no,
            lines.get(scene, 0),
            max(1, round(lines.get(scene, 0) * 8 / per_page)),
        )
        for scene, (element, page_no) in sorted(first.items())
    ]
