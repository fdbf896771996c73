"""PDF export in industry layout, paginated like Final Draft (ReportLab, imported inside).

`render(doc, out, layout)` paginates the screenplay (`paginate.py`) and draws every placed line
on a grid of 12 pt Courier cells: 10 characters per inch, 6 lines per inch. Emphasis markup in
the strings (`*italic*`, `**bold**`, `_underline_`) picks the font face; underlines are drawn.
The font is Courier Prime, bundled under `fonts/` with its OFL licence (see fonts/NOTICE); when
those files are missing the PDF falls back to the base-14 Courier.

Revision marks (Final Draft's revision mode): every line of an element that carries a revision
mark gets the set's mark (`*`) in the right margin, 7.75 inches from the left edge where Final
Draft puts it, and a page with marks names the latest set and its date in the header, left of
the page number ("Blue Revision (2026-12-04)").

    >>> import io
    >>> from writersroom.screenplay.model import Action, Screenplay
    >>> buffer = io.BytesIO()
    >>> render(Screenplay(elements=(Action("Rain."),)), buffer)
    >>> buffer.getvalue()[:5]
    b'%PDF-'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, BinaryIO

from writersroom.errors import MissingExtra
from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.model import RevisionSet, Screenplay
from writersroom.screenplay.paginate import Page, paginate
from writersroom.screenplay.typeset import BOLD, ITALIC, UNDERLINE, visible

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

__all__ = ["render", "render_pages"]

_TTF = {
    0: "CourierPrime-Regular",
    BOLD: "CourierPrime-Bold",
    ITALIC: "CourierPrime-Italic",
    BOLD | ITALIC: "CourierPrime-BoldItalic",
}
_BASE14 = {
    0: "Courier",
    BOLD: "Courier-Bold",
    ITALIC: "Courier-Oblique",
    BOLD | ITALIC: "Courier-BoldOblique",
}
FONT_DIR = "fonts"  # package folder of the bundled TTFs


@dataclass(frozen=True)
class _Fonts:
    names: dict[int, str]  # style flags -> registered font name
    ascent: float  # the regular face's ascent, in ems


_bundled: _Fonts | None = None  # Courier Prime, registered once per process


def render(doc: Screenplay, out: BinaryIO, layout: PageLayout | None = None) -> None:
    """Write `doc` as a PDF to the binary stream `out` (in `layout`, else the document's own
    layout, else Final Draft 11's)."""
    layout = layout or doc.layout or PageLayout()
    render_pages(
        paginate(doc, layout),
        out,
        layout,
        title=visible(doc.title or ""),
        author=visible(doc.title_value("Author") or doc.title_value("Authors") or ""),
        marks={n: m for n, e in enumerate(doc.elements) if (m := getattr(e, "revision", None))},
        revisions=doc.revisions,
    )


def render_pages(
    pages: Sequence[Page],
    out: BinaryIO,
    layout: PageLayout | None = None,
    *,
    title: str = "",
    author: str = "",
    marks: Mapping[int, str] | None = None,
    revisions: Sequence[RevisionSet] = (),
) -> None:
    """Draw already paginated pages (from `paginate`) to `out` as a PDF; `marks` maps an
    element index to its revision set's id (see `revisions`) for the margin marks."""
    try:
        from reportlab import rl_config
        from reportlab.pdfgen.canvas import Canvas
    except ImportError as exc:  # pragma: no cover - reportlab is a dependency
        raise MissingExtra("pdf", "reportlab") from exc
    layout = layout or PageLayout()
    fonts = _load_fonts(layout.font)
    width, height = (v * 72 for v in layout.page_size)
    canvas = Canvas(
        out,
        pagesize=(width, height),
        pageCompression=1,
        initialFontName=fonts.names[0],
        initialFontSize=layout.font_size,
    )
    canvas.setTitle(title or "Screenplay")
    if author:
        canvas.setAuthor(author)
    canvas.setCreator("writersroom")
    if not pages:  # an empty script still makes a valid PDF
        canvas.showPage()
    sets = {r.id: r for r in revisions}
    for page in pages:
        _draw_page(canvas, page, layout, fonts, height)
        if marks:
            _draw_marks(canvas, page, layout, fonts, (width, height), marks, sets)
        canvas.showPage()
    # Compressed streams need no ASCII85 armour: 15% smaller and faster to write. ReportLab
    # reads the switch from its global config while saving, so set it just for that.
    armour = rl_config.useA85
    rl_config.useA85 = 0
    try:
        canvas.save()
    finally:
        rl_config.useA85 = armour


def _draw_page(
    canvas: Canvas, page: Page, layout: PageLayout, fonts: _Fonts, height: float
) -> None:
    size = layout.font_size
    cell = layout.cell * 72
    text = canvas.beginText()
    underlines: list[tuple[float, float, float]] = []
    current = -1
    for line in page.lines:
        # pdf y of the baseline: the glyphs' tops sit on the grid line (as in Final Draft's PDFs)
        baseline = height - layout.line_top(line.y) * 72 - fonts.ascent * size
        x = line.x * 72
        for run in line.runs:
            if run.text:
                flags = run.flags & (BOLD | ITALIC)
                if flags != current:
                    text.setFont(fonts.names[flags], size)
                    current = flags
                text.setTextOrigin(x, baseline)
                text.textOut(run.text)
                if run.flags & UNDERLINE and run.text.strip():
                    underlines.append((x, baseline - 0.12 * size, x + len(run.text) * cell))
            x += len(run.text) * cell
    canvas.drawText(text)
    if underlines:
        canvas.setLineWidth(0.05 * size)
        for x0, y, x1 in underlines:
            canvas.line(x0, y, x1, y)


def _draw_marks(
    canvas: Canvas,
    page: Page,
    layout: PageLayout,
    fonts: _Fonts,
    size: tuple[float, float],
    marks: Mapping[int, str],
    sets: Mapping[str, RevisionSet],
) -> None:
    """The revision marks in the right margin and, on a page that has some, the latest
    revision set's name and date in the header."""
    width, height = size
    font = layout.font_size
    x = min(7.75 * 72, width - 0.5 * 72)
    canvas.setFont(fonts.names[0], font)
    latest = ""
    for line in page.lines:
        mark = marks.get(line.element) if line.element >= 0 else None
        if mark is None or line.kind in ("page_number", "scene_number"):
            continue
        baseline = height - layout.line_top(line.y) * 72 - fonts.ascent * font
        revision = sets.get(mark)
        canvas.drawString(x, baseline, revision.mark if revision else "*")
        latest = max(latest, mark, key=lambda m: (len(m), m))
    if latest:
        revision = sets.get(latest)
        label = revision.name if revision else f"Revision {latest}"
        if revision and revision.date:
            label += f" ({revision.date})"
        top = height - 0.5 * 72 - fonts.ascent * font
        canvas.drawRightString(width - 1.5 * 72, top, label)


def _load_fonts(family: str) -> _Fonts:
    """The faces for `family`: the bundled Courier Prime (registered with ReportLab once per
    process), or the base-14 Courier for "Courier" and whenever the font files are missing."""
    global _bundled
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    base14 = _Fonts(dict(_BASE14), pdfmetrics.getFont("Courier").face.ascent / 1000)
    if family.replace(" ", "").lower() != "courierprime":
        return base14
    if _bundled is not None:
        return _bundled
    folder = resources.files("writersroom.screenplay").joinpath(FONT_DIR)
    try:
        faces = {}
        for flags, name in _TTF.items():
            with resources.as_file(folder.joinpath(f"{name}.ttf")) as path:
                faces[flags] = TTFont(name, str(path))
    except (OSError, TTFError):
        return base14
    for face in faces.values():
        pdfmetrics.registerFont(face)
    _bundled = _Fonts(dict(_TTF), faces[0].face.ascent / 1000)
    return _bundled
