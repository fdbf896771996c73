"""Fountain markup in model strings as styled runs, in time linear in the text's length.

Inline `[[notes]]` and `/* boneyard */` are found with str.find (an opener without a closer
stops the search at once), and emphasis is read by `typeset.parse_emphasis` one piece at a
time, between those spans and any unclosed `[[` or `/*`, and line by line (lines dense with
`*` and `_` in pieces), so no input makes the regular expressions scan the rest of the text
again and again.

    >>> runs("a **b** [[note]] c")
    [('a ', 0), ('b', 1), (' [[note]] c', 0)]
    >>> visible("a **b** [[note]] c")
    'a b  c'
"""

from __future__ import annotations

from writersroom.screenplay.typeset import parse_emphasis

__all__ = ["hidden_spans", "runs", "visible"]

Run = tuple[str, int]  # (text, flags): 1 bold, 2 italic, 4 underline
# Emphasis is read line by line (it never crosses a line break); a line with more markers
# than this is read in pieces cut after a space (typeset.parse_emphasis slows down sharply with
# many unmatched markers on one line).
MARKERS = 32

_PAIRS = (("[[", "]]"), ("/*", "*/"))


def hidden_spans(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, hidden) in order: hidden pieces are whole `[[...]]` notes and
    `/*...*/` boneyards; an opener with no closer stays in the visible text."""
    out: list[tuple[str, bool]] = []
    position = 0
    closed = {opener: False for opener, _ in _PAIRS}  # True: no closer left after here
    while True:
        best: tuple[int, int] | None = None
        for opener, closer in _PAIRS:
            if closed[opener]:
                continue
            start = text.find(opener, position)
            if start < 0:
                closed[opener] = True
                continue
            end = text.find(closer, start + 2)
            if end < 0:
                closed[opener] = True
                continue
            if best is None or start < best[0]:
                best = (start, end + 2)
        if best is None:
            break
        if best[0] > position:
            out.append((text[position : best[0]], False))
        out.append((text[best[0] : best[1]], True))
        position = best[1]
    if position < len(text):
        out.append((text[position:], False))
    return out


def runs(text: str, *, keep_hidden: bool = True) -> list[Run]:
    """Styled runs of a Fountain string, neighbours of one style merged. Hidden spans (notes,
    boneyard) are kept as plain text, or dropped with keep_hidden=False."""
    out: list[Run] = []
    for piece, hidden in hidden_spans(text):
        if hidden:
            if keep_hidden:
                out.append((piece, 0))
            continue
        for part in _split_openers(piece):
            if part in ("[[", "/*"):
                out.append((part, 0))
                continue
            for n, line in enumerate(part.split("\n")):
                if n:
                    out.append(("\n", 0))
                for segment in _segments(line):
                    out += _emphasis(segment)
    # Neighbours of one style joined once at the end (adding to the last run each time would
    # copy it again and again: quadratic in a long paragraph of one style).
    merged: list[tuple[list[str], int]] = []
    for piece_text, flags in out:
        if merged and merged[-1][1] == flags:
            merged[-1][0].append(piece_text)
        elif piece_text:
            merged.append(([piece_text], flags))
    return [("".join(pieces), flags) for pieces, flags in merged]


def visible(text: str) -> str:
    """The printed characters of a Fountain string: no markup, notes or boneyard."""
    return "".join(piece for piece, _ in runs(text, keep_hidden=False))


# typeset.parse_emphasis uses these two characters internally (for escaped markers); text
# that holds them is read with them swapped for characters it does not hold.
_RESERVED = "\ue000\ue001"
_STAND_INS = "\U000f0100\U000f0101\U000f0102\U000f0103\U000f0104\U000f0105"


def _emphasis(text: str) -> list[Run]:
    if "\ue000" not in text and "\ue001" not in text:
        return [(r.text, r.flags) for r in parse_emphasis(text)]
    free = [c for c in _STAND_INS if c not in text][:2]
    if len(free) < 2:
        return [(text, 0)]  # cannot read it safely: keep it as plain text
    there = str.maketrans(dict(zip(_RESERVED, free, strict=True)))
    back = str.maketrans(dict(zip(free, _RESERVED, strict=True)))
    return [(r.text.translate(back), r.flags) for r in parse_emphasis(text.translate(there))]


def _segments(line: str) -> list[str]:
    """A line cut after spaces into pieces with at most MARKERS emphasis markers each."""
    if line.count("*") + line.count("_") <= MARKERS:
        return [line]
    out: list[str] = []
    start = markers = 0
    for n, char in enumerate(line):
        if char in "*_":
            markers += 1
        elif char == " " and markers > MARKERS:
            out.append(line[start : n + 1])
            start, markers = n + 1, 0
    out.append(line[start:])
    return out


def _split_openers(text: str) -> list[str]:
    """Visible text cut around unclosed "[[" and "/*" (which parse_emphasis would otherwise
    take as the start of a note or boneyard and search past)."""
    if "[[" not in text and "/*" not in text:
        return [text]
    out: list[str] = []
    position = 0
    n = 0
    while n < len(text) - 1:
        pair = text[n : n + 2]
        if pair in ("[[", "/*"):
            out += [text[position:n], pair]
            n += 2
            position = n
        else:
            n += 1
    out.append(text[position:])
    return [part for part in out if part]
