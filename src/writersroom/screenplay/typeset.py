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
from bisect import bisect_left
from collections.abc import Iterator
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


_MARKUP = re.compile(r"[*_\\]|\[\[|/\*")
# Invisible parts of a string: inline notes and boneyard, (opener, closer).
_HIDDEN = (("[[", "]]"), ("/*", "*/"))
# Emphasis delimiters; when two can start at the same place the earlier one here wins.
_DELIMITERS = (("***", BOLD | ITALIC), ("**", BOLD), ("*", ITALIC), ("_", UNDERLINE))


def visible(text: str) -> str:
    """The printed characters of a Fountain string, without markup."""
    return "".join(r.text for r in parse_emphasis(text))


def parse_emphasis(text: str, flags: int = 0) -> tuple[Run, ...]:
    """Split a Fountain string into styled runs; notes and boneyard are dropped.
    Emphasis never crosses a line break.

    A span `*x*` is emphasis when its delimiters touch text on their inner side: the leftmost
    opener that has a closer takes the nearest closer, `***` before `**` before `*` before `_`
    when several start at one place, and the text between is read again the same way
    (`_a *b* c_`). `\\*` and `\\_` print the marker itself. Time is about linear in the
    length of the text, however the markers are arranged.
    """
    if not _MARKUP.search(text):
        return (run(text, flags),) if text else ()
    runs: list[Run] = []
    for n, line in enumerate(_strip_hidden(text).split("\n")):
        if n:
            runs.append(run("\n", flags))
        if "*" in line or "_" in line:
            _Line(*_unescape(line)).read(0, -1, flags, runs)
        else:
            runs.append(run(line, flags))
    return _merge(runs)


def _strip_hidden(text: str) -> str:
    """`text` without its `[[notes]]` and `/* boneyard */`: the leftmost opener that has a
    closer after it hides everything up to that closer; an opener with none stays as text."""
    if "[[" not in text and "/*" not in text:
        return text
    kept: list[str] = []
    pos = 0
    # Per kind, the first opener at or after `pos` and the first closer after that opener;
    # both only move forward, so every character is looked at a bounded number of times.
    found = {opener: (-1, -1) for opener, _ in _HIDDEN}
    while found:
        for opener, closer in _HIDDEN:
            if opener not in found:
                continue
            start, end = found[opener]
            if start < pos:
                start = text.find(opener, pos)
                if start >= 0 and end < start + 2:
                    end = text.find(closer, start + 2)
                if start < 0 or end < 0:  # no opener, or no closer: none will match later
                    del found[opener]
                    continue
                found[opener] = (start, end)
        if not found:
            break
        start, end = min(found.values())
        kept.append(text[pos:start])
        pos = end + 2
    kept.append(text[pos:])
    return "".join(kept)


def _unescape(line: str) -> tuple[str, frozenset[int]]:
    """`line` with `\\*` and `\\_` turned into the bare marker, and the positions of those
    markers, which are text and never delimit emphasis."""
    if "\\" not in line:
        return line, frozenset()
    kept: list[str] = []
    escaped: list[int] = []
    pos = size = 0
    at = line.find("\\")
    while at >= 0:
        if line[at + 1 : at + 2] in ("*", "_"):
            kept.append(line[pos:at])
            size += at - pos
            escaped.append(size)
            pos = at + 1  # the marker itself is kept, as text
            at = line.find("\\", at + 2)
        else:
            at = line.find("\\", at + 1)
    kept.append(line[pos:])
    return "".join(kept), frozenset(escaped)


class _Line:
    """One line's emphasis, read with sorted lists of where each delimiter can open and close,
    so that finding the next span is a binary search instead of a scan of the rest of the
    line (a regular expression rescans it for every unmatched marker)."""

    def __init__(self, text: str, escaped: frozenset[int]) -> None:
        self.text = text
        self.opens: list[list[int]] = []
        self.closes: list[list[int]] = []
        size = len(text)
        for delimiter, _ in _DELIMITERS:
            width = len(delimiter)
            opens: list[int] = []
            closes: list[int] = []
            for start in _occurrences(text, delimiter[0], width, escaped):
                if start + width < size and not text[start + width].isspace():
                    opens.append(start)
                if start and not text[start - 1].isspace():
                    closes.append(start)
            self.opens.append(opens)
            self.closes.append(closes)

    def read(self, start: int, stop: int, flags: int, out: list[Run]) -> None:
        """Append the runs of text[start:stop] (stop -1: the end) to `out`. A span never
        holds another of its own delimiter (it closes at the nearest closer), so the
        recursion is at most four deep."""
        text = self.text
        stop = len(text) if stop < 0 else stop
        while True:
            best: tuple[int, int, int, int] | None = None  # (open, close, width, flag)
            for n, (delimiter, flag) in enumerate(_DELIMITERS):
                width = len(delimiter)
                opens, closes = self.opens[n], self.closes[n]
                i = bisect_left(opens, start)
                if i == len(opens):
                    continue
                # Closers are sorted, so if the first opener here has no closer before
                # `stop`, no later opener has one either.
                j = bisect_left(closes, opens[i] + width + 1)
                if j == len(closes) or closes[j] + width > stop:
                    continue
                if best is None or opens[i] < best[0]:
                    best = (opens[i], closes[j], width, flag)
            if best is None:
                out.append(run(text[start:stop], flags))
                return
            opened, closed, width, flag = best
            out.append(run(text[start:opened], flags))
            self.read(opened + width, closed, flags | flag, out)
            start = closed + width


def _occurrences(text: str, marker: str, width: int, escaped: frozenset[int]) -> list[int]:
    """Start positions of `width` unescaped `marker` characters in a row (overlapping)."""
    out: list[int] = []
    streak = 0
    at = text.find(marker)
    previous = -2
    while at >= 0:
        if at in escaped:
            streak = 0
        elif at == previous + 1:
            streak += 1
        else:
            streak = 1
        if streak >= width:
            out.append(at - width + 1)
        previous = at
        at = text.find(marker, at + 1)
    return out


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    """Neighbouring runs of one style joined, empty runs dropped."""
    merged: list[Run] = []
    pieces: list[str] = []
    for r in runs:
        if merged and merged[-1].flags == r.flags:
            pieces.append(r.text)
        elif r.text:
            if merged:
                merged[-1] = run("".join(pieces), merged[-1].flags)
            merged.append(r)
            pieces = [r.text]
    if merged:
        merged[-1] = run("".join(pieces), merged[-1].flags)
    return tuple(merged)


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
# The group is where the next sentence starts.
_SENTENCE_END = re.compile(r"[.!?][\"')\]\u201d\u2019]*(?=[ \n]+(\S))")


def wrap(text: str, cells: int, first: int | None = None) -> list[tuple[int, int]]:
    """Greedy wrap of `text` (visible characters, may hold newlines) into lines of at most
    `cells` characters (`first` for the first line). Returns (start, end) offsets; an empty
    line inside the text gives an empty span. Trailing spaces stay inside the span."""
    return list(iter_wrap(text, cells, first))


Token = tuple[int, int, int]  # (start, end of the word without its trailing spaces, end)


def tokens(text: str, start: int = 0, end: int | None = None) -> Iterator[Token]:
    """The tokens of text[start:end] that `iter_wrap` breaks between: a word with the spaces
    after it, a piece of a word up to a hyphen, or a run of spaces. Newlines are no token."""
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        a, b = m.span()
        yield a, a + len(m.group().rstrip(" ")), b


def iter_wrap(
    text: str,
    cells: int,
    first: int | None = None,
    start: int = 0,
    end: int | None = None,
    words: Iterator[Token] | None = None,
) -> Iterator[tuple[int, int]]:
    """`wrap` of text[start:end], one line at a time, in offsets into `text`: a caller that
    needs only the first lines of a long paragraph wraps only those. `words` may stand in for
    `tokens(text, start, end)` (the paginator reuses what it knows about very long words)."""
    end = len(text) if end is None else end
    limit = first or cells
    line = pos = at = start  # start of the current line; end of the last token; read up to
    for token_start, word_end, token_end in words or tokens(text, start, end):
        while at < token_start:  # only newlines lie between tokens
            yield line, at
            at += 1
            line = pos = at
            limit = cells
        hyphen = word_end > line and text[word_end - 1] == "-"
        if word_end - line - hyphen > limit and pos > line:
            yield line, pos
            line, limit = pos, cells
        while word_end - line - hyphen > limit:  # a word longer than the column
            cut = line + max(limit, 1)
            yield line, cut
            line, limit = cut, cells
        pos = at = token_end
    while at < end:  # newlines after the last token
        yield line, at
        at += 1
        line = at
    yield line, end


def sentence_breaks(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, next) of each sentence end that `sentence_ends` finds: where its
    punctuation starts and ends, and where the next sentence starts.

    >>> list(sentence_breaks("Go.  Now! Yes"))
    [(2, 3, 5), (8, 9, 10)]
    """
    for m in _SENTENCE_END.finditer(text):
        yield m.start(), m.end(), m.start(1)


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end inside `text`, where a paragraph may be split
    across pages (the rest starts at the next non-space character).

    >>> sentence_ends("Go.  Now! Yes")
    [3, 9]
    """
    return [end for _, end, _ in sentence_breaks(text)]
