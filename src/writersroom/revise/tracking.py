"""Tracked changes: a revision recorded against the original, then listed, accepted or rejected.

`track(doc, steps, revision)` compares the original elements with the result of each operation
in turn and records every differing run as a `Change` (the elements it replaced, where the new
ones sit) in a new revision set; the new elements carry the set's mark, as Final Draft's revision
mode marks changed paragraphs. `reject` puts the `before` elements back, so rejecting every
change gives the original element for element; `accept` drops the record and keeps the marks
(Final Draft keeps a round's asterisks until the marks are cleared).

    >>> from writersroom.screenplay.model import Action, SceneHeading, Screenplay
    >>> doc = Screenplay((), (SceneHeading("INT. DINER - DAY"), Action("Rain.")))
    >>> revised = track(doc, [("set_time", (SceneHeading("INT. DINER - NIGHT"), Action("Rain.")))],
    ...                 new_revision_set(doc, date="2026-12-04"))
    >>> [(c.id, c.op, c.at, c.size) for c in revised.changes]
    [('1.1', 'set_time', 0, 1)]
    >>> reject(revised).elements == doc.elements
    True
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from writersroom.errors import FormatError
from writersroom.screenplay import fountain
from writersroom.screenplay.model import (
    Change,
    Element,
    RevisionSet,
    SceneHeading,
    Screenplay,
    marked,
)
from writersroom.screenplay.views import scenes

__all__ = [
    "COLORS",
    "ChangeView",
    "accept",
    "describe",
    "new_revision_set",
    "reject",
    "track",
]

# Final Draft's standard order of revision colours (the original draft is White).
COLORS = ("Blue", "Pink", "Yellow", "Green", "Goldenrod", "Buff", "Salmon", "Cherry", "Tan")


@dataclass(frozen=True)
class ChangeView:
    """A change as the `changes` command shows it."""

    id: str
    scene: int  # 1-based scene (in the current document) where the change sits; 0: before any
    op: str
    before: str  # the replaced elements as Fountain text
    after: str  # the new elements as Fountain text


def new_revision_set(doc: Screenplay, *, date: str | None = None, label: str = "") -> RevisionSet:
    """The next round: id one above the highest so far, the next colour in Final Draft's order."""
    numbers = [int(r.id) for r in doc.revisions if r.id.isdigit()]
    number = max(numbers, default=0) + 1
    color = COLORS[(number - 1) % len(COLORS)]
    day = date or datetime.date.today().isoformat()
    return RevisionSet(str(number), label or f"{color} Revision", color, day)


def track(
    doc: Screenplay, steps: Sequence[tuple[str, Sequence[Element]]], revision: RevisionSet
) -> Screenplay:
    """`doc` with `steps` (each an operation's name and the elements after it) recorded as
    tracked changes of `revision`. Raises FormatError when `doc` has changes still pending."""
    if doc.changes:
        raise FormatError(
            "the script has tracked changes still pending; accept or reject them first "
            "(writersroom changes FILE --accept-all)"
        )
    base = list(doc.elements)
    current = list(base)
    ops: list[frozenset[str]] = [frozenset()] * len(base)  # operations that touched each
    origin: list[int | None] = list(range(len(base)))  # each element's index in base
    cut_by: dict[int, str] = {}  # base index -> the operation that removed it
    for op, after in steps:
        after = list(after)
        new_ops, new_origin = list(ops), list(origin)
        for i1, i2, j1, j2 in reversed(_hunks(current, after)):
            paired = i2 - i1 == j2 - j1 == 1
            touched = frozenset({op}).union(*ops[i1:i2])
            new_ops[i1:i2] = [touched] * (j2 - j1)
            new_origin[i1:i2] = origin[i1:i2] if paired else [None] * (j2 - j1)
            if not paired:
                cut_by.update({n: op for n in origin[i1:i2] if n is not None})
        current, ops, origin = after, new_ops, new_origin
    changes: list[Change] = []
    out = list(current)
    for i1, i2, j1, j2 in _anchored_hunks(base, current, origin):
        names = frozenset().union(*ops[j1:j2]) or {cut_by.get(n, "edit") for n in range(i1, i2)}
        number = f"{revision.id}.{len(changes) + 1}"
        changes.append(
            Change(number, revision.id, "+".join(sorted(names)), j1, j2 - j1, tuple(base[i1:i2]))
        )
        out[j1:j2] = [marked(e, revision.id) for e in current[j1:j2]]
    if not changes:
        return doc
    return replace(
        doc,
        elements=tuple(out),
        revisions=(*doc.revisions, revision),
        changes=tuple(changes),
    )


def _anchored_hunks(
    base: Sequence[Element], current: Sequence[Element], origin: Sequence[int | None]
) -> list[tuple[int, int, int, int]]:
    """The differing runs of `base` and `current`, anchored on the elements no operation
    touched (their `origin` in base, the longest run in order), so a scene that was moved is
    the one marked, not the scenes it moved past."""
    found = [(n, j) for j, n in enumerate(origin) if n is not None and current[j] == base[n]]
    hunks = []
    i0 = j0 = 0
    for i, j in [*_increasing(found), (len(base), len(current))]:
        for a1, a2, b1, b2 in _hunks(base[i0:i], current[j0:j]):
            hunks.append((i0 + a1, i0 + a2, j0 + b1, j0 + b2))
        i0, j0 = i + 1, j + 1
    return hunks


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of (i, j) pairs (j ascending) whose i ascend too."""
    tails: list[int] = []  # index into pairs of the smallest tail of each length
    before: list[int] = [-1] * len(pairs)
    for k, (i, _) in enumerate(pairs):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if pairs[tails[mid]][0] < i:
                lo = mid + 1
            else:
                hi = mid
        before[k] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(k)
        else:
            tails[lo] = k
    out = []
    k = tails[-1] if tails else -1
    while k >= 0:
        out.append(pairs[k])
        k = before[k]
    return out[::-1]


def _in_order(items: Sequence[Change]) -> list[Change]:
    """Document order; a cut comes before a change that starts where it was."""
    return sorted(items, key=lambda c: (c.at, c.size > 0))


def _hunks(a: Sequence[Element], b: Sequence[Element]) -> list[tuple[int, int, int, int]]:
    """The differing runs of `a` and `b` as (i1, i2, j1, j2), fine-grained: inside a replaced
    run, elements of the same kind are paired one to one, so a rename touching a whole scene
    gives one change per element, not one for the scene."""
    out = []
    for kind, i1, i2, j1, j2 in _opcodes(a, b):
        if kind == "equal":
            continue
        if kind != "replace":
            out.append((i1, i2, j1, j2))
            continue
        kinds_a = [type(e).__name__ for e in a[i1:i2]]
        kinds_b = [type(e).__name__ for e in b[j1:j2]]
        for sub, k1, k2, m1, m2 in SequenceMatcher(
            None, kinds_a, kinds_b, autojunk=False
        ).get_opcodes():
            if sub != "equal":
                out.append((i1 + k1, i1 + k2, j1 + m1, j1 + m2))
                continue
            for step in range(k2 - k1):
                i, j = i1 + k1 + step, j1 + m1 + step
                if a[i] != b[j]:
                    out.append((i, i + 1, j, j + 1))
    return out


def _opcodes(
    a: Sequence[Element], b: Sequence[Element]
) -> Sequence[tuple[str, int, int, int, int]]:
    return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _select(doc: Screenplay, ids: Iterable[str] | None) -> set[str]:
    known = {c.id for c in doc.changes}
    if ids is None:
        return known
    wanted = set(ids)
    if unknown := wanted - known:
        listed = ", ".join(c.id for c in doc.changes) or "none"
        raise FormatError(f"no change {', '.join(sorted(unknown))}; the changes are: {listed}")
    return wanted


def accept(doc: Screenplay, ids: Iterable[str] | None = None) -> Screenplay:
    """`doc` with the changes `ids` (None: all) made permanent; their revision marks stay."""
    chosen = _select(doc, ids)
    return replace(doc, changes=tuple(c for c in doc.changes if c.id not in chosen))


def reject(doc: Screenplay, ids: Iterable[str] | None = None) -> Screenplay:
    """`doc` with the changes `ids` (None: all) undone: their `before` elements put back.
    A revision set that nothing uses any more is dropped with its last change."""
    chosen = _select(doc, ids)
    elements: list[Element] = []
    kept: list[Change] = []
    done = 0  # elements of doc consumed so far
    for change in _in_order(doc.changes):
        elements += doc.elements[done : change.at]
        if change.id in chosen:
            elements += change.before
        else:
            kept.append(replace(change, at=len(elements)))
            elements += doc.elements[change.at : change.at + change.size]
        done = change.at + change.size
    elements += doc.elements[done:]
    undone = {c.revision for c in doc.changes if c.id in chosen}
    used = {getattr(e, "revision", None) for e in elements} | {c.revision for c in kept}
    revisions = tuple(r for r in doc.revisions if r.id in used or r.id not in undone)
    return replace(doc, elements=tuple(elements), revisions=revisions, changes=tuple(kept))


def describe(doc: Screenplay) -> list[ChangeView]:
    """The pending changes in document order, with their scene and text before and after."""
    starts = [s.start for s in scenes(doc)]
    views = []
    for c in _in_order(doc.changes):
        scene = sum(1 for start in starts if start <= c.at) if c.size else _scene_of_cut(starts, c)
        after = doc.elements[c.at : c.at + c.size]
        views.append(ChangeView(c.id, scene, c.op, _text(c.before), _text(after)))
    return views


def _scene_of_cut(starts: list[int], change: Change) -> int:
    """A cut sits between elements: it belongs to the scene of the element before it (a cut
    scene, whose `before` starts with its heading, counts as the scene it was)."""
    if change.before and isinstance(change.before[0], SceneHeading):
        return sum(1 for start in starts if start < change.at) + 1
    return sum(1 for start in starts if start <= change.at - 1)


def _text(elements: Sequence[Element]) -> str:
    plain = [marked(e, None) for e in elements]
    return fountain.render(Screenplay((), tuple(plain))).strip("\n")
