"""Where the pages of a Fountain text start, from writersroom's own paginator.

The paginator places elements; the editor needs character offsets. Each element's offset is
found by searching the text, in order, for the first line of the element as Fountain writes it;
a page that starts inside a split element is found by searching for its first printed line.
When a line cannot be found (inline markup differs from the printed text), the element's own
offset is used.
"""

from __future__ import annotations

from dataclasses import dataclass

from writersroom.screenplay import fountain
from writersroom.screenplay.model import Screenplay
from writersroom.screenplay.paginate import Page, paginate

_FORCING = "!@.>~=#"


@dataclass(frozen=True)
class Pagination:
    pages: int
    breaks: tuple[tuple[int, int], ...]  # (page number >= 2, character offset where it starts)


def _needle(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip(_FORCING).strip()
        if line:
            return line[:40]
    return ""


def element_offsets(text: str, doc: Screenplay) -> list[int]:
    """The character offset in `text` where each of doc.elements starts (best effort)."""
    offsets, pos = [], 0
    for element in doc.elements:
        needle = _needle(fountain.render(Screenplay((), (element,))))
        found = text.find(needle, pos) if needle else -1
        if found >= 0:
            pos = found
        offsets.append(pos)
        if found >= 0:
            pos = found + len(needle)
    return offsets


def _page_start(page: Page, previous: Page | None, text: str, offsets: list[int]) -> int | None:
    body = [ln for ln in page.body() if ln.element >= 0]
    if not body:
        return None
    first = body[0]
    start = offsets[first.element]
    split = previous is not None and any(ln.element == first.element for ln in previous.body())
    if split and first.text.strip():
        end = offsets[first.element + 1] if first.element + 1 < len(offsets) else len(text)
        found = text.find(first.text.strip()[:30], start, max(end, start) + 200)
        if found > start:
            return found
    return start


def pagination(text: str) -> Pagination:
    doc = fountain.parse(text)
    pages = [p for p in paginate(doc) if not p.is_title]
    offsets = element_offsets(text, doc)
    breaks: list[tuple[int, int]] = []
    for i, page in enumerate(pages[1:], start=1):
        start = _page_start(page, pages[i - 1], text, offsets)
        if start is not None and page.number is not None:
            breaks.append((page.number, start))
    return Pagination(len(pages), tuple(breaks))
