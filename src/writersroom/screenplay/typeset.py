"""Printable text: Fountain emphasis markup to styled runs, and Courier line wrapping.

Strings in the document model keep Fountain markup (`*italic*`, `**bold**`, `***both***`,
`_underline_`, `\\*` escapes, inline `[[notes]]`). Exporters that print need the visible text
with a style per character, wrapped at a column width counted in Courier cells:

    >>> [(r.text, r.bold) for r in parse_emphasis("a **bold** move")]
    [('a ', False), ('bold', True), (' move', False)]
    >>> wrap("one two three", 8)
    [(0, 8), (8, 13)]

Wrapping follows what Final Draft does (measured on its PDFs): greedy, breaking after spaces
and after a hyphen inside a word; trailing spaces and one trailing hyphen may overhang the
column; a word longer than the column is cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BOLD, ITALIC, UNDERLINE = 1, 2, 4


@dataclass(frozen=True)
class Run:
    """A stretch of text printed in one style."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False

    @property
    def flags(self) -> int:
        return BOLD * self.bold | ITALIC * self.italic | UNDERLINE * self.underline


def run(text: str, flags: int) -> Run:
    return Run(text, bool(flags & BOLD), bool(flags & ITALIC), bool(flags & UNDERLINE))


# Invisible parts of a string: inline notes and boneyard.
_HIDDEN = re.compile(r"\[\[.*?\]\]|/\*.*?\*/", re.DOTALL)
# Escaped markers become private-use characters while emphasis is parsed.
_ESCAPES = {"\\*": "\ue000", "\\_": "\ue001"}
_UNESCAPE = str.maketrans({"\ue000": "*", "\ue001": "_"})
# Emphasis: the delimiter must touch text on its inner side (`*69 and then *23` is literal).
_EMPHASIS = (
    (re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*"), BOLD | ITALIC),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), BOLD),
    (re.compile(r"\*(?=\S)(.+?)(?<=\S)\*"), ITALIC),
    (re.compile(r"_(?=\S)(.+?)(?<=\S)_"), UNDERLINE),
)
_MARKUP = re.compile(r"[*_\\]|\[\[|/\*")


def visible(text: str) -> str:
    """The printed characters of a Fountain string, without markup."""
    return "".join(r.text for r in parse_emphasis(text))


def parse_emphasis(text: str, flags: int = 0) -> tuple[Run, ...]:
    """Split a Fountain string into styled runs; notes and boneyard are dropped.
    Emphasis never crosses a line break."""
    if not _MARKUP.search(text):
        return (run(text, flags),) if text else ()
    text = _HIDDEN.sub("", text)
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    runs: list[Run] = []
    for n, line in enumerate(text.split("\n")):
        if n:
            runs.append(run("\n", flags))
        _emphasis(line, flags, runs)
    return tuple(_merge(runs))


def _emphasis(text: str, flags: int, out: list[Run]) -> None:
    while text:
        best: tuple[re.Match[str], int] | None = None
        for pattern, flag in _EMPHASIS:
            m = pattern.search(text)
            if m and (best is None or m.start() < best[0].start()):
                best = (m, flag)
        if best is None:
            out.append(run(text.translate(_UNESCAPE), flags))
            return
        m, flag = best
        if m.start():
            out.append(run(text[: m.start()].translate(_UNESCAPE), flags))
        _emphasis(m.group(1), flags | flag, out)
        text = text[m.end() :]


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for r in runs:
        if merged and merged[-1].flags == r.flags:
            merged[-1] = run(merged[-1].text + r.text, r.flags)
        elif r.text:
            merged.append(r)
    return merged


def slice_runs(runs: tuple[Run, ...], start: int, end: int) -> tuple[Run, ...]:
    """The runs covering characters start..end of their joined text."""
    out: list[Run] = []
    pos = 0
    for r in runs:
        stop = pos + len(r.text)
        if stop > start and pos < end:
            out.append(run(r.text[max(start - pos, 0) : end - pos], r.flags))
        pos = stop
        if pos >= end:
            break
    return tuple(out)


def upper_runs(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    return tuple(run(r.text.upper(), r.flags) for r in runs)


# A token is a word with the spaces after it, or a piece of a word up to a hyphen: Final
# Draft breaks after any hyphen ("daughter-|in-law", "impossible -|- everything").
_TOKEN = re.compile(r"[^ \n-]*- *|[^ \n-]+ *| +")
# A sentence ends at . ! ? (and closing quotes or brackets) followed by a space or a line
# break. A line break alone is not a place to split (a lyric line ending in a comma).
_SENTENCE_END = re.compile(r"[.!?][\"')\]\u201d\u2019]*(?=[ \n]+\S)")


def wrap(text: str, cells: int, first: int | None = None) -> list[tuple[int, int]]:
    """Greedy wrap of `text` (visible characters, may hold newlines) into lines of at most
    `cells` characters (`first` for the first line). Returns (start, end) offsets; an empty
    line inside the text gives an empty span. Trailing spaces stay inside the span."""
    spans: list[tuple[int, int]] = []
    limit = first or cells
    offset = 0
    for line in text.split("\n"):
        start = pos = offset
        for m in _TOKEN.finditer(line):
            word_end = offset + m.start() + len(m.group().rstrip(" "))
            hyphen = word_end > start and text[word_end - 1] == "-"
            if word_end - start - hyphen > limit and pos > start:
                spans.append((start, pos))
                start, limit = pos, cells
            while word_end - start - hyphen > limit:  # a word longer than the column
                cut = start + max(limit, 1)
                spans.append((start, cut))
                start, limit = cut, cells
            pos = offset + m.end()
        spans.append((start, offset + len(line)))
        limit = cells
        offset += len(line) + 1
    return spans


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end inside `text`, where a paragraph may be split
    across pages (the rest starts at the next non-space character).

    >>> sentence_ends("Go.  Now! Yes")
    [3, 9]
    """
    return [m.end() for m in _SENTENCE_END.finditer(text)]
