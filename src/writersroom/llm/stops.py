"""Stop strings in streamed text: what may be shown now, and where the text ends."""

from __future__ import annotations

from collections.abc import Sequence


def held_back(text: str, stops: Sequence[str]) -> int:
    """How many trailing characters of `text` could be the start of a stop string.

    >>> held_back("The END", ["ENDING"])
    3
    >>> held_back("no match", ["###"])
    0
    """
    hold = 0
    for stop in stops:
        for k in range(min(len(stop) - 1, len(text)), hold, -1):
            if text.endswith(stop[:k]):
                hold = k
                break
    return hold


def cut_at_stop(text: str, stops: Sequence[str]) -> tuple[str, bool]:
    """`text` up to the earliest stop string, and whether one was found.

    >>> cut_at_stop("one\\ntwo\\n", ["\\n"])
    ('one', True)
    """
    positions = [i for i in (text.find(s) for s in stops if s) if i >= 0]
    if not positions:
        return text, False
    return text[: min(positions)], True
