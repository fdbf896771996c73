"""What the room's AI actions ask the model: positions in the shared text, the context around
them, and the requests (prompt, limits, grammar) for continue, rewrite and dialogue.

Positions come from the browser as base64 Yjs relative positions; pycrdt resolves them to UTF-16
offsets, which `py_index` turns into str indices (and `encode_position` back).

Requests carry a GBNF grammar (llama.cpp backends decode under it; servers that cannot are sent
the prompt alone): a passage of blocks, each an action paragraph or a speech by one of the
script's characters, built from the same rules as the story engine's scene grammar, so even the
bundled 135M model answers in screenplay form rather than prose.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pycrdt import Assoc, Doc, StickyIndex

from writersroom.llm.base import Request, chat
from writersroom.screenplay import fountain as fountain_format
from writersroom.screenplay.model import Action, Dialogue, SceneHeading, Transition
from writersroom.story.forms import literal
from writersroom.web.ydoc import fountain

CONTEXT_CHARS = 3000  # text before the cursor a continuation sees
SCENE_CHARS = 4000  # most of a scene given as context to a rewrite
MAX_CUES = 6  # speakers the grammar lets a passage use
_HEADING = re.compile(r"^(?:\.(?!\.)\S|(?:INT|EXT|EST|INT\./EXT|INT/EXT|I/E)[ .])", re.I)


class PositionError(ValueError):
    """A relative position that is not base64 or not in this document."""


# -- positions ------------------------------------------------------------------------------------


def py_index(text: str, utf16: int) -> int:
    """The str index of a UTF-16 offset into `text`."""
    return len(text.encode("utf-16-le")[: 2 * utf16].decode("utf-16-le", errors="ignore"))


def utf16_index(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def resolve(doc: Doc[Any], encoded: str) -> int:
    """The str index in "fountain" of a base64 relative position (call on the loop thread)."""
    try:
        data = base64.b64decode(encoded, validate=True)
        sticky = StickyIndex.decode(data, fountain(doc))
        offset = sticky.get_index()
    except Exception as exc:  # not base64, not a relative position
        raise PositionError("not a relative position in this script's text") from exc
    except BaseException as exc:  # pycrdt's Rust panics derive from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise PositionError("not a relative position in this script's text") from exc
    text = str(fountain(doc))
    return min(py_index(text, offset), len(text))


def encode_position(doc: Doc[Any], index: int, *, before: bool = False) -> str:
    """A base64 relative position at str index `index` of "fountain" (`before`: it sticks to
    the character on its left, as an end of a range should)."""
    text = fountain(doc)
    current = str(text)
    offset = utf16_index(current, index)
    if offset == (0 if before else utf16_index(current, len(current))):
        # No character on that side: Yjs names the type instead (tag 1, its name, the assoc);
        # pycrdt cannot make this one itself.
        name = b"fountain"
        data = b"\x01" + bytes([len(name)]) + name + (b"\x41" if before else b"\x00")
        return base64.b64encode(data).decode()
    sticky = StickyIndex.new(text, offset, Assoc.BEFORE if before else Assoc.AFTER)
    return base64.b64encode(sticky.encode()).decode()


# -- context --------------------------------------------------------------------------------------


def scene_bounds(text: str, index: int) -> tuple[int, int]:
    """(start, end) of the scene around `index`: from its heading to the next one."""
    starts = [0] + [
        m.start() for m in re.finditer(r"(?m)^", text) if _HEADING.match(text[m.start() :])
    ]
    start = max(s for s in starts if s <= index)
    later = [s for s in starts if s > index]
    return start, later[0] if later else len(text)


def speakers(text: str, first: str = "") -> list[str]:
    """The script's character cues, those speaking in `first` (a scene) first."""

    def cues(part: str) -> list[str]:
        elements = fountain_format.parse(part).elements
        return [e.speaker.upper() for e in elements if isinstance(e, Dialogue) and e.speaker]

    return list(dict.fromkeys([*cues(first), *cues(text)]))[:MAX_CUES]


def separators(before: str, after: str) -> tuple[str, str]:
    """Blank lines to put around text inserted between `before` and `after`, so it stands as
    its own paragraphs."""
    lead = (
        "" if not before or before.endswith("\n\n") else "\n" if before.endswith("\n") else "\n\n"
    )
    trail = "" if not after or after.startswith("\n") else "\n\n"
    return lead, trail


# -- grammar and requests -------------------------------------------------------------------------


def _block_rules(sentence_chars: int) -> list[str]:
    """Action paragraphs and speeches (the story engine's scene grammar rules, without colons,
    which keeps a small model from echoing the prompt's labels)."""
    return [
        'paren ::= "(" [a-z] [a-z ,\']{1,24} ")\\n"',
        'action ::= [A-Z] [a-z]* [ ,\'] tail (" " sentence){0,2}',
        'speech ::= said (" " said)?',
        f"said ::= [A-Z\"'] [^\\n.!?:]{{1,{sentence_chars}}} [.!?] [\"']?",
        "sentence ::= [A-Z\"'] tail",
        f"tail ::= [^\\n.!?:]{{1,{sentence_chars}}} [.!?] [\"']?",
        "",
    ]


def passage_grammar(cues: Sequence[str], blocks: int, *, sentence_chars: int = 110) -> str:
    """GBNF: 1..`blocks` paragraphs, each an action or a speech by one of `cues`."""
    names = list(dict.fromkeys(cues))
    kinds = ["action", *(f"line{i}" for i in range(len(names)))]
    return "\n".join(
        [
            f'root ::= block ("\\n\\n" block){{0,{max(0, blocks - 1)}}}',
            "block ::= " + " | ".join(kinds),
            *(f'line{i} ::= {literal(n)} "\\n" paren? speech' for i, n in enumerate(names)),
            *_block_rules(sentence_chars),
        ]
    )


def shaped_grammar(original: str, *, sentence_chars: int = 110) -> str | None:
    """GBNF: the original's paragraphs in order, each rewritten in kind: a speech stays the
    same character's, an action stays an action, headings and transitions are kept as they
    are. None when the original has no paragraphs."""
    parts = []
    for element in fountain_format.parse(original).elements:
        if isinstance(element, Dialogue):
            cue = element.speaker.upper() + (f" ({element.extension})" if element.extension else "")
            parts.append(f'{literal(cue)} "\\n" paren? speech')
        elif isinstance(element, SceneHeading | Transition):
            parts.append(literal(element.text))
        elif isinstance(element, Action):
            parts.append("action")
    if not parts:
        return None
    return "\n".join(
        [
            "root ::= " + ' "\\n\\n" '.join(f"b{i}" for i in range(len(parts))),
            *(f"b{i} ::= {part}" for i, part in enumerate(parts)),
            *_block_rules(sentence_chars),
        ]
    )


def inline_grammar(original: str) -> str:
    """GBNF: one line (the rewrite of words inside a line): whole sentences when the original
    is made of them, else a phrase; no colons, which keeps the prompt's labels out."""
    words = original.strip()
    if words[:1].isupper() and words[-1:] in (".", "!", "?"):
        count = max(1, len(re.findall(r"[.!?](?:\s|$)", words)))
        return "\n".join(
            [
                f'root ::= sentence (" " sentence){{0,{count}}}',
                "sentence ::= [A-Z\"'] [^\\n.!?:]{1,150} [.!?] [\"']?",
                "",
            ]
        )
    return f"root ::= [^\\n:]{{1,{2 * len(words) + 40}}}\n"


SYSTEM = (
    "You are a screenwriter in a writers' room. You write in Fountain screenplay format: "
    "action paragraphs, and dialogue as a character name in capitals on its own line with "
    "the speech below it."
)


@dataclass(frozen=True)
class Passage:
    """Where an action's text goes and what the model sees."""

    before: str  # the script before the insertion point or selection
    selected: str  # the selection (empty for an insert)
    after: str  # the script after it
    scene: str  # the scene around it


def around(text: str, start: int, end: int) -> Passage:
    s0, s1 = scene_bounds(text, start)
    return Passage(text[:start], text[start:end], text[end:], text[s0 : max(s1, end)])


def continue_request(p: Passage, *, max_tokens: int = 200, seed: int | None = None) -> Request:
    """Continue the script from the cursor, in screenplay form."""
    context = p.before[-CONTEXT_CHARS:].strip() or "(an empty page)"
    cues = speakers(p.before, p.scene)
    user = (
        f"The screenplay so far:\n\n{context}\n\n"
        "Write what happens next: a few paragraphs of action and dialogue, "
        f"in Fountain format.{_cast_note(cues)}"
    )
    return chat(
        user,
        system=SYSTEM,
        max_tokens=max_tokens,
        temperature=0.8,
        repeat_penalty=1.05,
        seed=seed,
        grammar=passage_grammar(cues, blocks=6),
    )


def rewrite_request(
    p: Passage, instruction: str, *, max_tokens: int = 400, seed: int | None = None
) -> Request:
    """Rewrite the selection on an instruction, its scene as context."""
    instruction = " ".join(instruction.split()) or "Improve it."
    scene = p.scene[:SCENE_CHARS].strip()
    inline = "\n" not in p.selected.strip()
    if inline:
        grammar = inline_grammar(p.selected)
    else:
        blocks = p.selected.strip().count("\n\n") + 2
        grammar = shaped_grammar(p.selected) or passage_grammar(speakers(p.scene), blocks)
    what = "these words" if inline else "this passage"
    user = (
        f"{scene}\n\n---\n\nRewrite {what} from the scene above ({instruction}):\n\n"
        f"{p.selected.strip()}"
    )
    budget = min(max_tokens, max(24, len(p.selected) // 2 + 64))
    return chat(user, system=SYSTEM, max_tokens=budget, temperature=0.7, seed=seed, grammar=grammar)


def dialogue_request(
    p: Passage, characters: Sequence[str], situation: str, lines: int, *, seed: int | None = None
) -> Request:
    """A plain exchange request (used when the voice module is not available)."""
    cues = [" ".join(c.upper().split()) for c in characters if c.strip()]
    user = (
        f"The scene so far:\n\n{p.scene[-SCENE_CHARS:].strip() or '(a new scene)'}\n\n"
        f"Write {lines} lines of dialogue between {', '.join(cues)}. "
        f"Situation: {' '.join(situation.split()) or '(none given)'}"
    )
    return chat(
        user,
        system=SYSTEM,
        max_tokens=48 * lines + 24,
        temperature=0.8,
        seed=seed,
        grammar=passage_grammar(cues, blocks=lines),
    )


def _cast_note(cues: Sequence[str]) -> str:
    return f" The characters: {', '.join(cues)}." if cues else ""
