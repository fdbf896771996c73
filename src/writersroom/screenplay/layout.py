"""Page geometry for printed screenplays: one `PageLayout` record, a profile rather than constants.

Every position is in inches from the left (or top) edge of the page, as Final Draft's own
`ElementSettings` give them, and every width is counted in Courier cells (12 pt, 10 characters
per inch, 6 lines per inch). The defaults are Final Draft 11's, measured from its PDF output
(docs/formats.md §3):

    element         left   right  cells  blank lines before
    scene heading   1.50   7.50   61     2
    action          1.50   7.50   61     1
    character       3.50   7.25   38     1
    parenthetical   3.00   5.50   25     0     ("(" hangs one cell left, at 2.90)
    dialogue        2.50   6.00   35     0
    transition      5.50   7.10   16     1     (right-aligned)
    lyrics          2.50   7.38   48     1     (italic)

Final Draft lets a line of action run to 61 characters although the column is 6.0 in wide;
the `cells` of each `ElementStyle` are the wrap widths it was seen to use, not a formula.

    >>> PageLayout().body_lines, PageLayout.a4().body_lines
    (54, 58)
    >>> PageLayout().dialogue.cells
    35
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Align = Literal["left", "right", "center"]
SceneNumbers = Literal["none", "left", "right", "both"]

PAPER_SIZES: dict[str, tuple[float, float]] = {  # width, height in inches
    "letter": (8.5, 11.0),
    "a4": (8.27, 11.69),
}


@dataclass(frozen=True)
class ElementStyle:
    """Where one kind of paragraph sits and how it wraps."""

    left: float  # inches from the left edge of the page
    right: float  # inches from the left edge; right-aligned text ends here
    cells: int  # characters per line (trailing spaces and one hyphen may overhang)
    space_before: int = 0  # blank lines before the paragraph; dropped at the top of a page
    align: Align = "left"
    caps: bool = False  # printed in capitals
    bold: bool = False
    italic: bool = False
    underline: bool = False
    spacing: int = 1  # body lines each printed line takes (2: double-spaced, as in multicam)


@dataclass(frozen=True)
class PageLayout:
    """A printed screenplay's page: paper, margins, element columns and pagination options."""

    paper: str = "letter"  # a key of PAPER_SIZES
    top_margin: float = 1.0  # inches to the first body line
    lines_per_page: int | None = None  # body lines; None: fill the page down to bottom_margin
    bottom_margin: float = 1.0  # only used when lines_per_page is None
    font: str = "Courier Prime"  # bundled; "Courier" for the PDF base-14 face
    font_size: float = 12.0  # points
    cpi: float = 10.0  # characters per inch
    lpi: float = 6.0  # lines per inch

    scene_heading: ElementStyle = ElementStyle(1.50, 7.50, 61, space_before=2, caps=True)
    action: ElementStyle = ElementStyle(1.50, 7.50, 61, space_before=1)
    character: ElementStyle = ElementStyle(3.50, 7.25, 38, space_before=1, caps=True)
    parenthetical: ElementStyle = ElementStyle(3.00, 5.50, 25)
    paren_hang: float = 0.10  # the opening "(" sits this far left of the text
    dialogue: ElementStyle = ElementStyle(2.50, 6.00, 35)
    transition: ElementStyle = ElementStyle(
        5.50, 7.10, 16, space_before=1, align="right", caps=True
    )
    lyrics: ElementStyle = ElementStyle(2.50, 7.38, 48, space_before=1, italic=True)
    centered: ElementStyle = ElementStyle(1.50, 7.50, 61, space_before=1, align="center")

    # Dual dialogue: two narrower columns side by side (left column, then right column); the
    # cues are centred over their column's dialogue.
    dual_dialogue: tuple[ElementStyle, ElementStyle] = (
        ElementStyle(1.50, 4.375, 29),
        ElementStyle(4.625, 7.50, 29),
    )
    dual_parenthetical: tuple[ElementStyle, ElementStyle] = (
        ElementStyle(1.85, 4.125, 23),
        ElementStyle(4.975, 7.25, 23),
    )
    dual_character: tuple[ElementStyle, ElementStyle] = (
        ElementStyle(1.50, 4.375, 29, align="center", caps=True),
        ElementStyle(4.625, 7.50, 29, align="center", caps=True),
    )

    # Header, page numbers, scene numbers.
    page_number_right: float = 7.25  # "2." ends here ...
    page_number_top: float = 0.5  # ... this far from the top; none on the first page
    scene_numbers: SceneNumbers = "none"
    scene_number_left: float = 0.75  # the left copy starts here
    scene_number_right: float = 7.38  # the right copy ends here

    # Continueds. The (MORE) and NAME (CONT'D) lines sit outside the body and take no body lines.
    more: str = "(MORE)"
    contd: str = "(CONT'D)"
    automatic_contd: bool = True  # NAME (CONT'D) when a speaker resumes after action
    contd_skip: tuple[str, ...] = ("V.O.",)  # ...unless either cue carries one of these
    title_line: int = 18  # body line of the title on the title page (0-based)

    @classmethod
    def a4(cls, **changes: object) -> PageLayout:
        """Final Draft's layout on A4 paper: the same columns, more body lines (58)."""
        return replace(cls(paper="a4"), **changes)  # type: ignore[arg-type]

    @property
    def page_size(self) -> tuple[float, float]:
        """(width, height) in inches."""
        try:
            return PAPER_SIZES[self.paper]
        except KeyError:
            known = sorted(PAPER_SIZES)
            raise ValueError(f"unknown paper {self.paper!r}; use one of {known}") from None

    @property
    def body_lines(self) -> int:
        """How many lines of text fit between the top and bottom margins."""
        if self.lines_per_page is not None:
            return self.lines_per_page
        height = self.page_size[1] - self.top_margin - self.bottom_margin
        return int(height * self.lpi + 1e-6)

    @property
    def cell(self) -> float:
        """The width of one character in inches."""
        return 1.0 / self.cpi

    @property
    def line_height(self) -> float:
        """The height of one line in inches."""
        return 1.0 / self.lpi

    def line_top(self, y: int) -> float:
        """Inches from the top of the page to the top of line `y` (0 = first body line)."""
        return self.top_margin + y * self.line_height
