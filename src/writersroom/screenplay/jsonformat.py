"""The JSON interchange format: `render(doc) -> str` and `parse(text) -> Screenplay`.

One object per paragraph in document order (docs/json-format.md):

    {"title_page": [{"key": "Title", "value": "Brick & Steel"}],
     "elements": [{"type": "scene_heading", "text": "EXT. PATIO - DAY", "scene_number": "1"},
                  {"type": "character", "text": "STEEL", "extension": "V.O."},
                  {"type": "dialogue", "text": "Beer's ready!"}, ...]}

A Dialogue becomes a `character` element followed by its `parenthetical` and `dialogue`
elements; reading groups them back. Text keeps Fountain emphasis markup.

Revision marks (only written when present, so unrevised documents look as they always did): an
element's first object carries `"revision": "2"`; the document carries `"revisions"` (the sets:
id, name, color, date, mark) and `"changes"` (tracked changes: id, revision, op, at, size and the
`before` elements in this same element format).
"""

from __future__ import annotations

import json
from typing import Any

from writersroom.errors import FormatError
from writersroom.screenplay.model import (
    Action,
    Boneyard,
    Change,
    Dialogue,
    Element,
    Line,
    Lyrics,
    Note,
    PageBreak,
    Parenthetical,
    RevisionSet,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    Transition,
    marked,
)

__all__ = ["TYPES", "parse", "render", "to_data"]

TYPES = (
    "scene_heading",
    "action",
    "character",
    "parenthetical",
    "dialogue",
    "lyrics",
    "transition",
    "centered",
    "section",
    "synopsis",
    "note",
    "page_break",
    "boneyard",
)
_TEXT_TYPES = {
    "action": Action,
    "lyrics": Lyrics,
    "transition": Transition,
    "synopsis": Synopsis,
    "note": Note,
    "boneyard": Boneyard,
}


def render(doc: Screenplay) -> str:
    """The document as indented JSON text (UTF-8, non-ASCII kept as is)."""
    return json.dumps(to_data(doc), ensure_ascii=False, indent=2) + "\n"


def to_data(doc: Screenplay) -> dict[str, Any]:
    """The document as plain dicts and lists, ready for json.dumps."""
    data: dict[str, Any] = {
        "title_page": [{"key": f.key, "value": f.value} for f in doc.title_page],
        "elements": _elements(doc.elements),
    }
    if doc.revisions:
        data["revisions"] = [
            {"id": r.id, "name": r.name, "color": r.color, "date": r.date, "mark": r.mark}
            for r in doc.revisions
        ]
    if doc.changes:
        data["changes"] = [
            {"id": c.id, "revision": c.revision, "op": c.op, "at": c.at, "size": c.size}
            | {"before": _elements(c.before)}
            for c in doc.changes
        ]
    return data


def _elements(elements: tuple[Element, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for element in elements:
        items = _element(element)
        mark = getattr(element, "revision", None)
        if mark is not None:
            items[0]["revision"] = mark
        out.extend(items)
    return out


def _element(element: Element) -> list[dict[str, Any]]:
    match element:
        case SceneHeading(text=text, number=number):
            item: dict[str, Any] = {"type": "scene_heading", "text": text}
            if number is not None:
                item["scene_number"] = number
            return [item]
        case Action(text=text, centered=centered):
            return [{"type": "centered" if centered else "action", "text": text}]
        case Dialogue(speaker=speaker, lines=lines, extension=extension, dual=dual):
            cue: dict[str, Any] = {"type": "character", "text": speaker}
            if extension is not None:
                cue["extension"] = extension
            if dual:
                cue["dual"] = True
            return [cue] + [
                {"type": "parenthetical", "text": line.text}
                if isinstance(line, Parenthetical)
                else {"type": "dialogue", "text": line}
                for line in lines
            ]
        case Section(text=text, depth=depth):
            return [{"type": "section", "text": text, "depth": depth}]
        case PageBreak():
            return [{"type": "page_break"}]
        case Lyrics() | Transition() | Synopsis() | Note() | Boneyard():
            return [{"type": _type_of(element), "text": element.text}]
    raise TypeError(f"not a screenplay element: {element!r}")


def _type_of(element: Element) -> str:
    return next(name for name, cls in _TEXT_TYPES.items() if isinstance(element, cls))


def parse(text: str | bytes) -> Screenplay:
    """Read the JSON format. Raises FormatError naming the first problem and where it is."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (column {exc.colno})"
        raise FormatError(message, line=exc.lineno) from exc
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text: {exc.reason}") from exc
    except RecursionError as exc:
        raise FormatError("JSON nested too deeply to be a screenplay") from exc
    if not isinstance(data, dict):
        raise FormatError("a screenplay JSON document is an object with 'elements'")
    title = [_field(item, n) for n, item in enumerate(_list(data, "title_page", "title_page"))]
    if "elements" not in data:
        raise FormatError("the document has no 'elements' list")
    elements = _read_elements(_list(data, "elements", "elements"), "elements")
    revisions = tuple(
        _revision_set(item, f"revisions[{n}]")
        for n, item in enumerate(_list(data, "revisions", "revisions"))
    )
    changes = tuple(
        _change(item, f"changes[{n}]") for n, item in enumerate(_list(data, "changes", "changes"))
    )
    return Screenplay(tuple(title), elements, revisions=revisions, changes=changes)


def _revision_set(item: Any, where: str) -> RevisionSet:
    if not isinstance(item, dict):
        raise FormatError(f"{where}: expected an object with 'id' and 'name'")
    values = {key: _str(item, key, where) for key in ("id", "name")}
    extra = {key: _str(item, key, where) for key in ("color", "date", "mark") if key in item}
    return RevisionSet(values["id"], values["name"], **extra)


def _change(item: Any, where: str) -> Change:
    if not isinstance(item, dict):
        raise FormatError(f"{where}: expected an object with 'id', 'at', 'size' and 'before'")
    numbers = []
    for key in ("at", "size"):
        value = item.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise FormatError(f"{where}: '{key}' must be a whole number of at least 0")
        numbers.append(value)
    before = _read_elements(_list(item, "before", f"{where}.before"), f"{where}.before")
    ids = [_str(item, key, where) for key in ("id", "revision", "op")]
    return Change(ids[0], ids[1], ids[2], numbers[0], numbers[1], before)


def _read_elements(items: list[Any], prefix: str) -> tuple[Element, ...]:
    out: list[Element] = []
    speech: list[Any] | None = None  # [speaker, extension, dual, lines, revision]
    for n, item in enumerate(items):
        where = f"{prefix}[{n}]"
        if not isinstance(item, dict):
            raise FormatError(f"{where}: expected an object, got {type(item).__name__}")
        kind = item.get("type")
        if kind not in TYPES:
            known = ", ".join(TYPES)
            raise FormatError(f"{where}: unknown type {kind!r}; expected one of {known}")
        if kind in ("parenthetical", "dialogue"):
            if speech is None:
                speech = ["", None, False, [], None]  # speech with no cue: keep its words
            text_ = _str(item, "text", where)
            line: Line = Parenthetical(text_) if kind == "parenthetical" else text_
            speech[3].append(line)
            speech[4] = speech[4] or _mark(item, where)
            continue
        if speech is not None:
            out.append(_dialogue(speech))
            speech = None
        if kind == "character":
            extension = None
            if item.get("extension") is not None:
                extension = _str(item, "extension", where)
            dual = item.get("dual", False)
            if not isinstance(dual, bool):
                raise FormatError(f"{where}: 'dual' must be true or false")
            speech = [_str(item, "text", where), extension, dual, [], _mark(item, where)]
        else:
            element = _read(kind, item, where)
            mark = _mark(item, where)
            out.append(marked(element, mark))
    if speech is not None:
        out.append(_dialogue(speech))
    return tuple(out)


def _dialogue(speech: list[Any]) -> Dialogue:
    return Dialogue(speech[0], tuple(speech[3]), speech[1], speech[2], revision=speech[4])


def _mark(item: dict[str, Any], where: str) -> str | None:
    if item.get("revision") is None:
        return None
    if item.get("type") in ("section", "synopsis", "note", "boneyard", "page_break"):
        raise FormatError(f"{where}: only printed elements carry a 'revision' mark")
    return _str(item, "revision", where)


def _read(kind: str, item: dict[str, Any], where: str) -> Element:
    if kind == "page_break":
        return PageBreak()
    text = _str(item, "text", where)
    if kind == "scene_heading":
        number = item.get("scene_number")
        if number is not None and not isinstance(number, str | int):
            raise FormatError(f"{where}: 'scene_number' must be a string")
        return SceneHeading(text, None if number is None else str(number))
    if kind == "centered":
        return Action(text, centered=True)
    if kind == "section":
        depth = item.get("depth", 1)
        if not isinstance(depth, int) or isinstance(depth, bool) or depth < 1:
            raise FormatError(f"{where}: 'depth' must be a whole number of at least 1")
        return Section(text, depth)
    element: Element = _TEXT_TYPES[kind](text)
    return element


def _list(data: dict[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise FormatError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _field(item: Any, n: int) -> TitleField:
    where = f"title_page[{n}]"
    if not isinstance(item, dict):
        raise FormatError(f"{where}: expected an object with 'key' and 'value'")
    return TitleField(_str(item, "key", where), _str(item, "value", where))


def _str(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key, "" if key == "text" else None)
    if not isinstance(value, str):
        raise FormatError(f"{where}: '{key}' must be a string")
    return value
