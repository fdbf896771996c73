"""Reading and writing scripts with their revisions, in every format that can hold them.

FDX and the JSON format carry revision sets, marks and tracked changes themselves (see
`screenplay.fdx` and `screenplay.jsonformat`). Fountain has no revision marks, so a Fountain
file keeps them in a boneyard block at its end, which every Fountain application skips:

    /* writersroom-revisions {"revisions": [...], "changes": [...], "marks": [[12, "1"], ...]} */

`marks` pairs an element's index with its revision id. Other formats (PDF, HTML) are written
without the tracked changes.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from writersroom.errors import FormatError
from writersroom.screenplay import io, jsonformat
from writersroom.screenplay.model import Boneyard, Screenplay, marked

__all__ = ["PREFIX", "embed", "extract", "load", "save"]

PREFIX = "writersroom-revisions "


def load(path: str | os.PathLike[str]) -> Screenplay:
    """Read a script; a Fountain file's revision block becomes marks and changes again."""
    doc = io.load(path)
    return extract(doc) if io.format_for(path) == "fountain" else doc


def save(doc: Screenplay, path: str | os.PathLike[str]) -> Path:
    """Write `doc` atomically in the format of `path` (Fountain with its revision block)."""
    io.save(embed(doc) if io.format_for(path) == "fountain" else doc, path)
    return Path(path)


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
