"""A scene's body as text: the form a model writes and a writer edits.

    Maya pushes the door open. Rain drips from her coat.

    MAYA TORRES
    (quietly)
    Is anyone here?

Paragraphs are separated by blank lines. A paragraph whose first line is a cue in capitals
(optionally with an extension, "COLE (V.O.)") followed by more lines is dialogue; "COLE: Hello"
on one line is read as dialogue too (bigger models without a grammar often write that); anything
else is action, and a paragraph starting with "!" is always action (as in Fountain).
`parse_scene_text(format_scene_text(blocks)) == blocks` for the blocks the parser produces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from writersroom.story.types import ActionBlock, Block, DialogueBlock, cue_of

_CUE = re.compile(r"^@?(?P<name>[A-Z][A-Z0-9 .'&-]*[A-Z0-9.'])\s*(?:\((?P<ext>[^)]*)\))?\s*\^?$")
_INLINE = re.compile(
    r"^(?P<name>[A-Z][A-Za-z0-9 .'&-]{0,30}?)\s*(?:\((?P<ext>[^)]*)\))?:\s+(?P<speech>\S.*)$"
)
_FENCE = re.compile(r"^```.*$", re.M)
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_HEADINGISH = re.compile(r"^(INT|EXT|INT\./EXT|INT/EXT|I/E|EST)[. ]", re.I)
_TRANSITION = re.compile(r"^[A-Z ]+TO:$|^FADE (IN|OUT)[:.]?$")


def _is_cue(line: str) -> re.Match[str] | None:
    match = _CUE.match(line)
    if not match or _HEADINGISH.match(line) or _TRANSITION.match(line):
        return None
    return match


def parse_scene_text(text: str) -> list[Block]:
    """Blocks from a scene body. Pure; never raises on content."""
    text = _FENCE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BOLD.sub(r"\1", text)
    blocks: list[Block] = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in paragraph.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("!"):  # forced action, as in Fountain
            forced = "\n".join([lines[0][1:].lstrip(), *lines[1:]]).strip()
            if forced:
                blocks.append(ActionBlock(text=forced))
            continue
        cue = _is_cue(lines[0])
        inline = _INLINE.match(lines[0]) if cue is None and len(lines) == 1 else None
        if cue and len(lines) > 1:
            speaker, ext = cue_of(cue.group("name")), cue.group("ext")
            blocks.append(
                DialogueBlock(
                    speaker=speaker, lines=tuple(lines[1:]), extension=ext.strip() if ext else None
                )
            )
        elif inline and not _HEADINGISH.match(lines[0]) and _looks_like_name(inline["name"]):
            ext = inline.group("ext")
            blocks.append(
                DialogueBlock(
                    speaker=cue_of(inline["name"]),
                    lines=(inline["speech"],),
                    extension=ext.strip() if ext else None,
                )
            )
        else:
            blocks.append(ActionBlock(text="\n".join(lines)))
    return blocks


def _looks_like_name(name: str) -> bool:
    # "Maya: hello" and "MAYA: hello" are cues; "Note: ..." or "Later that day: ..." are not.
    words = name.split()
    return (
        0 < len(words) <= 3
        and all(w[0].isupper() for w in words)
        and name.lower()
        not in {
            "note",
            "notes",
            "scene",
            "summary",
            "title",
            "action",
            "dialogue",
            "logline",
            "beat",
            "setting",
            "location",
            "time",
            "characters",
            "description",
            "int",
            "ext",
        }
    )


def format_scene_text(blocks: Sequence[Block]) -> str:
    """The scene body as text (the inverse of parse_scene_text)."""
    paragraphs = []
    for block in blocks:
        if isinstance(block, DialogueBlock):
            cue = f"{block.speaker} ({block.extension})" if block.extension else block.speaker
            paragraphs.append("\n".join([cue, *block.lines]))
        else:
            forced = parse_scene_text(block.text) != [block] or block.text.startswith("!")
            paragraphs.append(("!" if forced else "") + block.text)
    return "\n\n".join(paragraphs) + ("\n" if paragraphs else "")


def resolve_speakers(blocks: Sequence[Block], cues: Sequence[str]) -> list[Block]:
    """Map short cues to the bible's full ones when unambiguous ("MAYA" -> "MAYA TORRES"). Pure.

    >>> resolve_speakers([DialogueBlock(speaker="MAYA", lines=("Hi",))], ["MAYA TORRES"])[0].speaker
    'MAYA TORRES'
    """
    by_part: dict[str, set[str]] = {}
    for cue in cues:
        for part in cue.split():
            by_part.setdefault(part, set()).add(cue)
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, DialogueBlock) and block.speaker not in cues:
            match = by_part.get(block.speaker, set())
            if len(match) == 1:
                block = block.model_copy(update={"speaker": next(iter(match))})
        out.append(block)
    return out


def tail_lines(blocks: Sequence[Block], count: int = 4) -> list[str]:
    """The last `count` blocks as one line each ("MAYA: Is anyone here?"), for the next scene."""
    lines = []
    for block in blocks[-count:]:
        if isinstance(block, DialogueBlock):
            speech = " ".join(line for line in block.lines if not line.startswith("("))
            lines.append(f"{block.speaker}: {speech}")
        else:
            lines.append(" ".join(block.text.split()))
    return lines
