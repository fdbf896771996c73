"""A Fountain file's revisions: revision sets, marks and tracked changes in one boneyard block.

Fountain has no revision marks, so a Fountain file keeps them in a boneyard block at its end,
which every Fountain application skips as a comment:

    /* writersroom-revisions {"revisions": [...], "changes": [...], "marks": [[12, "1"], ...]} */

`marks` pairs an element's index with its revision id. `screenplay.io` applies `embed` when it
writes Fountain and `extract` when it reads it, so `writersroom convert` carries the marks from a
revised Fountain file into FDX, JSON and PDF. Pages and scene numbers locked by
`screenplay.locking` ride in the same block (`"locked_pages"`).

    >>> from writersroom.screenplay.model import Action, RevisionSet, Screenplay
    >>> doc = Screenplay(elements=(Action("Rain.", revision="1"),),
    ...                  revisions=(RevisionSet("1", "Blue Revision"),))
    >>> extract(embed(doc)) == doc
    True
"""

from __future__ import annotations

import json
from dataclasses import replace

from writersroom.errors import FormatError
from writersroom.screenplay import jsonformat
from writersroom.screenplay.model import Boneyard, Screenplay, marked

__all__ = ["PREFIX", "embed", "extract"]

PREFIX = "writersroom-revisions "


def embed(doc: Screenplay) -> Screenplay:
    """`doc` unmarked, with its revisions in a boneyard block at the end (for Fountain)."""
    if not doc.revisions and not doc.changes:
        return doc
    data = jsonformat.to_data(Screenplay(revisions=doc.revisions, changes=doc.changes))
    del data["title_page"], data["elements"]
    data["marks"] = [
        [n, mark] for n, e in enumerate(doc.elements) if (mark := getattr(e, "revision", None))
    ]
    # "*/" would close the boneyard; JSON reads "\/" as "/".
    text = json.dumps(data, ensure_ascii=False).replace("*/", "*\\/")
    elements = (*(marked(e, None) for e in doc.elements), Boneyard(f" {PREFIX}{text} "))
    return replace(doc, elements=elements, revisions=(), changes=())


def extract(doc: Screenplay) -> Screenplay:
    """The inverse of `embed`: the revision block taken out and applied."""
    last = doc.elements[-1] if doc.elements else None
    if not isinstance(last, Boneyard) or not last.text.strip().startswith(PREFIX):
        return doc
    try:
        data = json.loads(last.text.strip()[len(PREFIX) :])
        marks = [(int(n), str(mark)) for n, mark in data.pop("marks", [])]
        kept = jsonformat.parse(json.dumps({"elements": []} | data))
    except (ValueError, TypeError, FormatError) as exc:
        raise FormatError(f"broken writersroom-revisions block: {exc}") from exc
    elements = list(doc.elements[:-1])
    for n, mark in marks:
        if 0 <= n < len(elements):
            elements[n] = marked(elements[n], mark)
    return replace(doc, elements=tuple(elements), revisions=kept.revisions, changes=kept.changes)
