"""The layout of a project's shared Y.Doc (see docs/web.md) and server-side edits to it.

    Y.Text "fountain"     the screenplay's Fountain text
    Y.Map  "comments"     id -> {"id","author","text","quote","start","end","created","resolved"}
    Y.Map  "suggestions"  id -> {"id","author","kind","start","end","original","text",...}
    Y.Map  "bible"        level name -> JSON
    Y.Map  "jobs"         id -> {"id","kind","status","progress","message"}

pycrdt indexes Y.Text by UTF-8 bytes; the browser by UTF-16 units. Positions therefore never
cross the wire as numbers: clients send relative positions, and `replace_text` converts.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from pycrdt import Doc, Map, Text

MAPS = ("comments", "suggestions", "bible", "jobs")


def fountain(doc: Doc[Any]) -> Text:
    text: Text = doc.get("fountain", type=Text)
    return text


def shared_map(doc: Doc[Any], name: str) -> Map[Any]:
    assert name in MAPS, name
    shared: Map[Any] = doc.get(name, type=Map)
    return shared


def text_of(doc: Doc[Any]) -> str:
    return str(fountain(doc))


def stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def replace_text(doc: Doc[Any], new: str) -> None:
    """Make "fountain" read `new`, touching only the lines that differ (so comments and
    cursors on unchanged lines keep their anchors). Call inside a transaction."""
    text = fountain(doc)
    old = str(text)
    if old == new:
        return
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    starts = [0]
    for line in a:
        starts.append(starts[-1] + len(line.encode()))
    for tag, i1, i2, j1, j2 in reversed(ops):  # from the end, so earlier offsets stay valid
        if tag == "equal":
            continue
        if i2 > i1:
            del text[starts[i1] : starts[i2]]
        if j2 > j1:
            text.insert(starts[i1], "".join(b[j1:j2]))
