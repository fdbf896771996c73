"""Final-Draft-like reports: scenes (page, length in eighths), characters, locations, page count
and estimated runtime (one page is about one minute).

`report(doc)` paginates once with the Final Draft layout and returns one record that the CLI
prints as tables or JSON (`to_data`).

    >>> from writersroom.screenplay import fountain
    >>> r = report(fountain.parse("INT. DINER - NIGHT #4#\\n\\nBOB\\nTwo coffees."))
    >>> [(s.number, s.heading, s.page, s.eighths) for s in r.scenes]
    [('4', 'INT. DINER - NIGHT', 1, 1)]
    >>> r.pages, r.runtime_minutes
    (1, 1)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.markup import visible
from writersroom.screenplay.model import Screenplay
from writersroom.screenplay.paginate import paginate, scene_spans
from writersroom.screenplay.views import (
    Breakdown,
    CharacterStats,
    Location,
    breakdown,
    characters,
    locations,
    parse_heading,
    scenes,
)

__all__ = ["Report", "SceneRow", "format_eighths", "report", "to_data"]


@dataclass(frozen=True)
class SceneRow:
    number: str  # the printed scene number: "#12A#" or the position
    heading: str
    page: int | None  # printed page of the heading (None if it was not placed)
    eighths: int  # length in eighths of a page
    int_ext: str
    location: str
    time: str

    @property
    def length(self) -> str:
        return format_eighths(self.eighths)


@dataclass(frozen=True)
class Report:
    title: str | None  # printed text, on one line
    pages: int  # script pages (the last page number), title page excluded
    sheets: int  # every printed page, the title page included (Final Draft's page count)
    runtime_minutes: int  # one page of script is about one minute of screen time
    scenes: tuple[SceneRow, ...]
    characters: tuple[CharacterStats, ...]
    locations: tuple[Location, ...]
    breakdown: Breakdown


def report(doc: Screenplay, layout: PageLayout | None = None) -> Report:
    """Paginate `doc` (its own layout, else Final Draft's, unless told otherwise) and gather
    every report."""
    layout = layout or doc.layout or PageLayout()
    pages = paginate(doc, layout)
    body_pages = [p for p in pages if not p.is_title]
    spans = {span.element: span for span in scene_spans(pages, layout)}
    rows = []
    for scene in scenes(doc):
        span = spans.get(scene.start)
        slug = parse_heading(scene.heading.text)
        rows.append(
            SceneRow(
                scene.label,
                " ".join(visible(scene.heading.text).split()),
                span.page if span else None,
                span.eighths if span else 0,
                slug.int_ext,
                slug.location,
                slug.time,
            )
        )
    page_total = len(body_pages)
    if body_pages and body_pages[-1].number:
        page_total = max(page_total, body_pages[-1].number)
    minutes = math.ceil(_used_pages(body_pages, layout)) if body_pages else 0
    title = " ".join(visible(doc.title).split()) if doc.title else None
    return Report(
        title,
        page_total,
        len(pages),
        minutes,
        tuple(rows),
        tuple(characters(doc)),
        tuple(locations(doc)),
        breakdown(doc),
    )


def _used_pages(pages: list[Any], layout: PageLayout) -> float:
    """Full pages plus the used part of the last one."""
    last = [line.y for line in pages[-1].body() if line.y >= 0]
    return len(pages) - 1 + ((max(last) + 1) / layout.body_lines if last else 0)


def format_eighths(eighths: int) -> str:
    """Final Draft's page-length notation.

    >>> [format_eighths(n) for n in (1, 8, 11, 16)]
    ['1/8', '1', '1 3/8', '2']
    """
    whole, rest = divmod(eighths, 8)
    if not rest:
        return str(whole)
    return f"{whole} {rest}/8" if whole else f"{rest}/8"


def to_data(r: Report) -> dict[str, Any]:
    """The report as plain dicts and lists for JSON."""
    data = asdict(r)
    for row, scene in zip(data["scenes"], r.scenes, strict=True):
        row["length"] = scene.length
    return data
