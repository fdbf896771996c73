"""DraCor TEI XML plays → the screenplay document model.

    doc, facts = parse_tei(xml_bytes)     # facts: title, author, licence (from the TEI header)

`<div>` with a `<head>` → a `Section` and a scene heading (from the head or the first `<stage>`),
`<stage>` → `Action`, `<sp>` → `Dialogue` (its `<speaker>`; `<p>`, `<l>`, `<lg>` as lines; short
`<stage>` inside a speech → `Parenthetical`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from writersroom.errors import FormatError
from writersroom.screenplay.model import Action, Element, Line, Screenplay, Section
from writersroom.train.plays import (
    MAX_PARENTHETICAL_WORDS,
    _heading,
    _join,
    _make_dialogue,
    _paren,
    _strip_brackets,
    _title_page,
)

TEI = "{http://www.tei-c.org/ns/1.0}"


def parse_tei(data: str | bytes) -> tuple[Screenplay, dict[str, str]]:
    """A DraCor TEI play as a Screenplay, plus header facts: title, author, licence."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise FormatError(f"not well-formed XML ({exc})") from exc
    if root.tag not in {f"{TEI}TEI", "TEI"}:
        raise FormatError(f"not a TEI document (root element <{root.tag}>)")
    ns = TEI if root.tag.startswith("{") else ""
    facts = {
        "title": _text(root.find(f".//{ns}titleStmt/{ns}title")),
        "author": _text(root.find(f".//{ns}titleStmt/{ns}author")),
        "licence": _licence(root, ns),
    }
    body = root.find(f".//{ns}text/{ns}body")
    elements = list(_tei_elements(body, ns, "STAGE")) if body is not None else []
    doc = Screenplay(
        title_page=_title_page(facts["title"] or None, facts["author"] or None),
        elements=tuple(elements),
    )
    return doc, facts


def _licence(root: ET.Element, ns: str) -> str:
    node = root.find(f".//{ns}publicationStmt/{ns}availability/{ns}licence")
    if node is None:
        node = root.find(f".//{ns}availability")
    if node is None:
        return ""
    text = _text(node)
    target = node.get("target", "")
    return f"{text} ({target})" if text and target else text or target


def _text(node: ET.Element | None) -> str:
    return _join("".join(node.itertext())) if node is not None else ""


def _tei_elements(node: ET.Element, ns: str, location: str) -> Iterator[Element]:
    for child in node:
        tag = child.tag.removeprefix(ns)
        if tag == "div":
            head = child.find(f"{ns}head")
            first_stage = child.find(f"{ns}stage")
            if head is not None:
                yield Section(_text(head))
                heading = _heading(_text(head), _text(first_stage), location)
                location = heading.text
                yield heading
            yield from _tei_elements(child, ns, location)
        elif tag == "stage":
            text = _strip_brackets(_text(child))
            if text:
                yield Action(text)
        elif tag == "sp":
            yield from _tei_speech(child, ns)
        elif tag in {"p", "lg", "l"}:
            text = _text(child)
            if text:
                yield Action(text)


def _tei_speech(sp: ET.Element, ns: str) -> Iterator[Element]:
    speaker = _text(sp.find(f"{ns}speaker")).rstrip(".:") or (sp.get("who") or "?").lstrip("#")
    lines: list[Line] = []
    for child in sp:
        tag = child.tag.removeprefix(ns)
        if tag == "speaker":
            continue
        if tag == "stage":
            direction = _strip_brackets(_text(child))
            if direction and len(direction.split()) <= MAX_PARENTHETICAL_WORDS:
                lines.append(_paren(direction))
            elif direction:
                if any(isinstance(line, str) for line in lines):
                    yield _make_dialogue(speaker, lines, False)
                    lines = []
                yield Action(direction)
            continue
        # <p>, <l>, <lg>: the text with inline <stage> kept as a parenthetical split
        for part in _tei_inline(child, ns):
            lines.append(part)
    if any(isinstance(line, str) for line in lines):
        yield _make_dialogue(speaker, lines, False)


def _tei_inline(node: ET.Element, ns: str) -> Iterator[Line]:
    buffer = [node.text or ""]
    for child in node:
        if child.tag.removeprefix(ns) == "stage":
            text = _join("".join(buffer))
            if text:
                yield text
            buffer = []
            direction = _strip_brackets(_text(child))
            if direction:
                yield _paren(direction)
        else:
            buffer.append("".join(child.itertext()))
        buffer.append(child.tail or "")
    text = _join("".join(buffer))
    if text:
        yield text
