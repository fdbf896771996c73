"""The FDX title page: Fountain's `Key: value` fields laid out as Final Draft does, and read back.

Final Draft stores a title page as free-form paragraphs with an alignment and no keys, so
reading one back is a convention (docs/formats.md §2):

* centred blocks (runs of paragraphs without an empty one between them) in order: the first is
  the Title; one that ends in "by" ("written by", "Screenplay by") is the Credit, the block after
  it the Author; centred blocks before the credit continue the title (an episode name), those
  after the author are the Source;
* left blocks: `Key: value` gives that key; the first other block is the Contact, later ones
  are Notes (so Contact and Notes are written without their key); right blocks are the Draft
  date; a "Full" paragraph with a tab is a left part and a right part.

Writing: 18 empty lines, the centred block (Title, Credit, Author(s), Source), then the bottom
block (Contact and other keys on the left as `Key: value`, Draft date on the right).
"""

from __future__ import annotations

import re

from writersroom.screenplay.model import TitleField

__all__ = ["read_title_page", "title_paragraphs"]

_CREDIT = re.compile(r"(?i)^[\w ,&'.-]{0,40}\bby:?$")
_KEYED = re.compile(r"^([^\W_][\w '()/&-]{0,30}?)[ ]*:[ ]*(.*)$", re.DOTALL)
_CENTRED = ("title", "credit", "author", "authors", "source")
_ORDER = ["Title", "Credit", "Author", "Authors", "Source", "Draft date", "Contact"]


def title_paragraphs(fields: tuple[TitleField, ...]) -> list[tuple[str, str]]:
    """(alignment, text) paragraphs for a title page; "" text is an empty paragraph."""
    out: list[tuple[str, str]] = [("Left", "")] * 18
    gaps = {"credit": 3, "author": 1, "authors": 1, "source": 4}
    for key in _CENTRED:
        for item in fields:
            if item.key.lower() == key:
                if out[-1][1]:
                    out += [("Center", "")] * gaps.get(key, 1)
                out += [("Center", line) for line in item.value.split("\n")]
    bottom: list[tuple[str, str]] = []
    keys = {item.key.lower() for item in fields}
    for item in sorted(fields, key=lambda f: f.key.lower() != "contact"):
        key = item.key.lower()
        if key in _CENTRED:
            continue
        if bottom:
            bottom.append(("Left", ""))
        if key == "draft date":
            bottom += [("Right", line) for line in item.value.split("\n")]
        elif key == "contact" or (key == "notes" and "contact" in keys):
            bottom += [("Left", line) for line in item.value.split("\n")]
        else:
            lines = item.value.split("\n")
            bottom.append(("Left", f"{item.key}: {lines[0]}"))
            bottom += [("Left", line) for line in lines[1:]]
    if bottom:
        out += [("Center", "")] * max(3, 50 - len(out) - len(bottom))
        out += bottom
    return out


def read_title_page(paragraphs: list[tuple[str, str]]) -> tuple[TitleField, ...]:
    """Title-page fields from (alignment, text) paragraphs."""
    blocks: list[tuple[str, str]] = []
    previous = ""
    for align, text in _split_full(paragraphs):
        text = text.strip()
        credit = align == "Center" and bool(_CREDIT.match(text))
        if not text:
            previous = ""
        elif previous == align and blocks and not credit:
            blocks[-1] = (align, f"{blocks[-1][1]}\n{text}")
        else:
            blocks.append((align, text))
            previous = "" if credit else align  # the credit stands alone
    values: dict[str, list[str]] = {}
    _centred([text for align, text in blocks if align == "Center"], values)
    for align, text in blocks:
        if align == "Center":
            continue
        if align == "Right":
            values.setdefault("Draft date", []).append(text)
        elif match := _KEYED.match(text):
            key = match.group(1)
            values.setdefault(key[:1].upper() + key[1:], []).append(match.group(2))
        else:
            values.setdefault("Notes" if "Contact" in values else "Contact", []).append(text)
    keys = sorted(values, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER))
    return tuple(TitleField(key, "\n".join(v for v in values[key] if v)) for key in keys)


def _centred(blocks: list[str], values: dict[str, list[str]]) -> None:
    """Title (with what comes before the credit), Credit, Author, then Source; without a
    credit line: Title, Author, Source."""
    if not blocks:
        return
    credit = next((n for n, b in enumerate(blocks) if n and _CREDIT.match(b)), None)
    if credit is None:
        values["Title"], rest = blocks[:1], blocks[1:]
    else:
        values["Title"], values["Credit"] = blocks[:credit], [blocks[credit]]
        rest = blocks[credit + 1 :]
    if rest:
        values["Author"] = rest[:1]
    if rest[1:]:
        values["Source"] = rest[1:]


def _split_full(paragraphs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for align, text in paragraphs:
        if align == "Full" and "\t" in text:
            left, right = text.split("\t", 1)
            out += [("Left", left), ("Right", right.strip("\t "))]
        elif align == "Full":
            out.append(("Left", text))
        else:
            out.append((align, text))
    return out
