"""Assemble the story bible into a screenplay document and write it in every format.

assemble(bible, author="Ada") -> Screenplay(title_page=(Title, Credit, Author, Draft date,
    Notes), elements=(SceneHeading("INT. LIGHTHOUSE - NIGHT"), Action(...), Dialogue(...), ...,
    Transition("FADE OUT.")))
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from writersroom.errors import ProjectError
from writersroom.files import backup, write_atomic
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Element,
    Line,
    Parenthetical,
    SceneHeading,
    Screenplay,
    TitleField,
    Transition,
)
from writersroom.story.project import Bible
from writersroom.story.types import ActionBlock, Block, DialogueBlock

OUTPUTS = ("fountain", "pdf", "fdx")


def missing_drafts(bible: Bible) -> list[int]:
    return [s.number for s in bible.scenes or () if s.number not in bible.drafts]


def scene_elements(heading: str, blocks: Sequence[Block]) -> list[Element]:
    """One scene as document elements: its heading, then action and dialogue."""
    elements: list[Element] = [SceneHeading(heading)]
    for block in blocks:
        if isinstance(block, ActionBlock):
            elements.append(Action(block.text))
        elif isinstance(block, DialogueBlock):
            lines: list[Line] = [
                Parenthetical(x) if x.startswith("(") and x.endswith(")") else x
                for x in block.lines
            ]
            elements.append(Dialogue(block.speaker, tuple(lines), extension=block.extension))
    return elements


def assemble(bible: Bible, *, author: str = "", partial: bool = False) -> Screenplay:
    """The screenplay with a title page. Raises ProjectError when scenes are not drafted yet,
    unless `partial` (undrafted scenes then show their summary as a note-like action)."""
    if bible.scenes is None:
        raise ProjectError("no scene list yet: run 'writersroom resume DIR' first")
    missing = missing_drafts(bible)
    if missing and not partial:
        raise ProjectError(
            f"scenes {', '.join(map(str, missing))} are not drafted yet: "
            "run 'writersroom resume DIR' first"
        )
    title = bible.title.text if bible.title else "Untitled"
    fields = [
        TitleField("Title", title),
        TitleField("Credit", "Written by"),
        TitleField("Author", author or "Anonymous"),
        TitleField("Draft date", date.today().isoformat()),
        TitleField("Notes", bible.logline.text),
    ]
    elements: list[Element] = []
    for outline in bible.scenes:
        draft = bible.drafts.get(outline.number)
        if draft is None:
            elements += [SceneHeading(outline.heading), Action(f"[[{outline.summary}]]")]
        else:
            elements += scene_elements(outline.heading, draft.blocks)
    elements.append(Transition("FADE OUT."))
    return Screenplay(title_page=tuple(fields), elements=tuple(elements))


@dataclass(frozen=True)
class Written:
    path: Path
    hash: str  # of the bytes written
    backup: Path | None = None  # the earlier version, kept because it had been changed


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def render_as(doc: Screenplay, path: Path) -> bytes:
    """The document in the format of `path`'s extension (.fountain, .pdf, .fdx, .json, .html)."""
    from writersroom.screenplay import io as screenplay_io  # late: the PDF writer loads ReportLab

    data = screenplay_io.dumps(doc, screenplay_io.format_for(path))
    return data if isinstance(data, bytes) else data.encode("utf-8")


def write_output(doc: Screenplay, path: Path, *, expected: str | None = None) -> Written:
    """Write `doc` to `path` (format from the extension), atomically. An existing file is backed
    up first unless it is exactly what writersroom last wrote there (`expected` hash)."""
    data = render_as(doc, path)
    kept = None
    if path.exists():
        current = path.read_bytes()
        if current != data and bytes_digest(current) != expected:
            kept = backup(path)
    write_atomic(path, data)
    return Written(path=path, hash=bytes_digest(data), backup=kept)
