"""The printed title page: Fountain title-page keys placed the way Final Draft places them.

Title, Credit, Author(s) and Source are centred from body line 19 down (Final Draft 11: the
title about 4 in from the top, "written by" 4 lines below it, the author 2 lines below that,
the source 5 lines below that). Contact, Copyright and Notes sit bottom left; Draft date,
Date and Revision bottom right. Other keys are metadata and are not printed.

    >>> from writersroom.screenplay.model import TitleField
    >>> lines = title_page_lines((TitleField("Title", "Big Fish"), TitleField("Author", "J. A.")),
    ...                          PageLayout())
    >>> [(y, "".join(r.text for r in runs)) for y, x, runs in lines]
    [(18, 'BIG FISH'), (22, 'J. A.')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from writersroom.screenplay.layout import ElementStyle, PageLayout
from writersroom.screenplay.model import TitleField
from writersroom.screenplay.typeset import BOLD, UNDERLINE, Run, parse_emphasis, slice_runs, wrap

TitleLine = tuple[int, float, tuple[Run, ...]]  # (y, x, runs)

# (key, lines below the previous centred item) in the order they are printed.
_CENTRED = (("title", 0), ("credit", 4), ("author", 2), ("authors", 2), ("source", 5))
_LEFT = ("contact", "copyright", "notes")
_RIGHT = ("draft date", "date", "revision")


def title_page_lines(fields: Sequence[TitleField], layout: PageLayout) -> list[TitleLine]:
    """The lines of the title page; empty when nothing on it is printable."""
    values: dict[str, list[str]] = {}
    for item in fields:
        values.setdefault(item.key.strip().lower(), []).append(item.value)
    column = ElementStyle(1.0, 7.5, 61, align="center")
    lines: list[TitleLine] = []
    y: int | None = None  # the last line used
    after_title = False
    for key, gap in _CENTRED:
        for value in values.get(key, []):
            if y is None:
                y = layout.title_line
            else:
                y += max(gap, 4) if after_title else gap
            after_title = key == "title"
            style = replace(column, caps=True) if key == "title" else column
            flags = BOLD | UNDERLINE if key == "title" and not _has_markup(value) else 0
            wrapped = _wrapped(value, style, flags)
            lines.extend(_place(runs, y + n, style, layout) for n, runs in enumerate(wrapped))
            y += max(len(wrapped) - 1, 0)
    bottom = layout.body_lines - 1
    for keys, style in (
        (_LEFT, ElementStyle(1.5, 5.0, 35)),
        (_RIGHT, ElementStyle(5.0, 7.5, 25, align="right")),
    ):
        block: list[tuple[Run, ...]] = []
        for key in keys:
            for value in values.get(key, []):
                if block:
                    block.append(())
                block.extend(_wrapped(value, style, 0))
        top = bottom - len(block) + 1
        lines.extend(_place(runs, top + n, style, layout) for n, runs in enumerate(block) if runs)
    return lines


def _has_markup(value: str) -> bool:
    return any(mark in value for mark in "*_")


def _wrapped(value: str, style: ElementStyle, flags: int) -> list[tuple[Run, ...]]:
    runs = parse_emphasis(value.strip(), flags)
    if style.caps:
        runs = tuple(replace(r, text=r.text.upper()) for r in runs)
    text = "".join(r.text for r in runs)
    return [slice_runs(runs, a, len(text[:b].rstrip())) for a, b in wrap(text, style.cells)]


def _place(runs: tuple[Run, ...], y: int, style: ElementStyle, layout: PageLayout) -> TitleLine:
    length = sum(len(r.text) for r in runs)
    if style.align == "center":
        x = (style.left + style.right) / 2 - length * layout.cell / 2
    elif style.align == "right":
        x = style.right - length * layout.cell
    else:
        x = style.left
    return y, round(x, 4), runs
