"""Scene numbers, and locked scene numbers the way Final Draft keeps them.

Unlocked, scenes are numbered 1, 2, 3 ... in document order. Locked (a revision round after the
numbers went out), a numbered scene keeps its number whatever moves around it, an omitted scene
keeps its number under `OMITTED`, and a new scene takes the number of the scene before it with
a letter after it:

    after 12        12A, then 12B, 12C ...     after 12Z: 12ZA
    after 12A       12B (12AA when 12B is already taken further on)
    before 1        A1, then B1 ...
    between 12 and an existing 12A             A12A (a letter before: "just before 12A")

    >>> from writersroom.screenplay.model import SceneHeading, Screenplay
    >>> doc = Screenplay(elements=(SceneHeading("INT. A", "1"), SceneHeading("INT. NEW"),
    ...                            SceneHeading("INT. B", "2")))
    >>> [h.number for h in number_scenes(doc, locked=True).elements]
    ['1', '1A', '2']
"""

from __future__ import annotations

import re
from dataclasses import replace

from writersroom.screenplay.model import SceneHeading, Screenplay

__all__ = ["number_after", "number_scenes", "scene_key"]

_NUMBER = re.compile(r"([A-Z]*)(\d+)([A-Z]*)")


def scene_key(number: str) -> tuple[int, int, str]:
    """Sort key of a scene number: A1 < 1 < 1A < 1AA < 1B < 2; unreadable numbers last."""
    m = _NUMBER.fullmatch(number.upper())
    if m is None:
        return (10**9, 1, number)
    prefix, digits, suffix = m.groups()
    return (int(digits), 0 if prefix else 1, prefix or suffix)


def _bump(letters: str) -> str:
    """The next letters: "" -> "A", "A" -> "B", "Z" -> "ZA"."""
    if not letters:
        return "A"
    if letters[-1] == "Z":
        return letters + "A"
    return letters[:-1] + chr(ord(letters[-1]) + 1)


def number_after(previous: str | None, following: str | None, taken: set[str]) -> str:
    """The number of a new scene between the numbered scenes `previous` and `following`
    (None: there is none), not one in `taken`."""
    if previous is None:
        if following is None:
            n = 1
            while str(n) in taken:
                n += 1
            return str(n)
        m = _NUMBER.fullmatch(following.upper())
        base = m.group(2) if m else following
        letters = "A"
        while f"{letters}{base}" in taken:
            letters = _bump(letters)
        return f"{letters}{base}"
    m = _NUMBER.fullmatch(previous.upper())
    if m is None:
        candidate = previous + "A"
    elif m.group(1):  # A1: before 1, so the next is B1
        candidate = f"{_bump(m.group(1))}{m.group(2)}"
    else:
        candidate = f"{m.group(2)}{_bump(m.group(3))}"
    before = following is None or scene_key(candidate) < scene_key(following)
    if (candidate in taken or not before) and m is not None and not m.group(1):
        candidate = previous + "A"  # 12A, 12B taken: 12AA
        before = following is None or scene_key(candidate) < scene_key(following)
    if candidate in taken or not before:
        assert following is not None
        letters = "A"
        while f"{letters}{following}" in taken:
            letters = _bump(letters)
        candidate = f"{letters}{following}"  # just before `following`
    return candidate


def number_scenes(doc: Screenplay, *, locked: bool = False) -> Screenplay:
    """`doc` with a number on every scene heading: 1, 2, 3 ...; or, `locked`, the numbers it
    has kept and the new scenes numbered after the scene before them (see the module)."""
    headings = [i for i, e in enumerate(doc.elements) if isinstance(e, SceneHeading)]
    elements = list(doc.elements)
    if not any(getattr(elements[i], "number", None) for i in headings):
        locked = False  # nothing was locked yet: locking numbers them for the first time
    if not locked:
        for n, i in enumerate(headings, 1):
            heading = elements[i]
            assert isinstance(heading, SceneHeading)
            elements[i] = replace(heading, number=str(n))
        return replace(doc, elements=tuple(elements))
    numbers: list[str | None] = [getattr(elements[i], "number", None) for i in headings]
    taken = {n for n in numbers if n}
    for k, i in enumerate(headings):
        if numbers[k]:
            continue
        previous = numbers[k - 1] if k else None
        following = next((n for n in numbers[k + 1 :] if n), None)
        numbers[k] = number_after(previous, following, taken)
        taken.add(numbers[k] or "")
        heading = elements[i]
        assert isinstance(heading, SceneHeading)
        elements[i] = replace(heading, number=numbers[k])
    return replace(doc, elements=tuple(elements))
