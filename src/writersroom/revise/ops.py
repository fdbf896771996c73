"""Revision operations: what a plan is made of, and the code that applies each one.

    Operation("rename_character", character="JOE", value="JOANNA")   every cue and mention
    Operation("set_time", scene=3, value="NIGHT")                     the heading's time of day
    Operation("set_place", scene=3, value="BEACH")                    the heading's location
    Operation("cut_scene", scene=4)        Operation("move_scene", scene=4, value="7")  (after 7)
    Operation("shorten_speech", scene=2, character="MAYA")            her longest speech, halved
    Operation("replace_text", scene=2, character="Edwrad", value="Edward")   one spelling, exactly
    Operation("insert_beat", scene=2, value="Rain hammers the roof.") an action at the scene's end
    Operation("rewrite_dialogue", scene=2, value="angrier")           every speech, by the model
    Operation("rewrite_lines", scene=2, character="MAYA", value="shorter")   one speaker's lines

`apply(elements, op, scope)` is pure for the exact operations; the two rewrites take a
`rewrite(scene_text, speaker, line, direction) -> str` callable (the model, in `revise.plan`).
Scenes are numbered 1-based in document order; `scope` (a set of scene numbers, None for the
whole script) bounds every operation: nothing outside it changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from writersroom.screenplay import fountain
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Element,
    Line,
    Note,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
)
from writersroom.screenplay.views import Scene, parse_heading, scenes

__all__ = ["EXACT", "OPS", "Operation", "Rewriter", "apply", "in_scope", "sentences"]

EXACT = (
    "rename_character",
    "set_time",
    "set_place",
    "cut_scene",
    "move_scene",
    "shorten_speech",
    "replace_text",
    "insert_beat",
)
OPS = (*EXACT, "rewrite_dialogue", "rewrite_lines")

# rewrite(scene_text, speaker, line, direction) -> the new line
Rewriter = Callable[[str, str, str, str], str]


@dataclass(frozen=True)
class Operation:
    op: str  # one of OPS
    scene: int | None = None  # 1-based scene; None: every scene in scope
    character: str = ""  # a cue ("MAYA") or, for replace_text, the text to replace
    value: str = ""  # new name, time, place, scene to move after, beat text, direction
    request: str = field(default="", compare=False)  # the words that asked for it


def in_scope(doc_elements: Sequence[Element], scope: set[int] | None) -> list[bool]:
    """For each element, whether it lies inside the scope (a scene heading belongs to its
    scene; material before the first heading is inside only a whole-script scope)."""
    flags = [scope is None] * len(doc_elements)
    for scene in scenes(Screenplay((), tuple(doc_elements))):
        inside = scope is None or scene.number in scope
        end = scene.start + 1 + len(scene.elements)
        flags[scene.start : end] = [inside] * (end - scene.start)
    return flags


def apply(
    elements: Sequence[Element],
    op: Operation,
    scope: set[int] | None = None,
    rewrite: Rewriter | None = None,
) -> list[Element]:
    """The elements after `op`, changed only inside `scope` (and `op.scene` when given)."""
    if op.scene is not None:
        if scope is not None and op.scene not in scope:
            return list(elements)
        scope = {op.scene}
    match op.op:
        case "rename_character":
            return _each(elements, scope, lambda e: _rename(e, op.character, op.value))
        case "replace_text":
            return _each(elements, scope, lambda e: _replace_words(e, op.character, op.value))
        case "set_time" | "set_place":
            return _each(elements, scope, lambda e: _heading(e, op.op, op.value))
        case "cut_scene":
            return _cut(elements, scope)
        case "move_scene":
            return _move(elements, scope, op.value)
        case "shorten_speech":
            return _shorten(elements, scope, op.character)
        case "insert_beat":
            return _insert_beat(elements, scope, op.value)
        case "rewrite_dialogue" | "rewrite_lines":
            assert rewrite is not None, "a rewrite needs the model"
            return _rewrite(elements, scope, op, rewrite)
    raise ValueError(f"unknown operation {op.op!r}; expected one of {', '.join(OPS)}")


def _each(
    elements: Sequence[Element], scope: set[int] | None, change: Callable[[Element], Element]
) -> list[Element]:
    return [
        change(e) if inside else e
        for e, inside in zip(elements, in_scope(elements, scope), strict=True)
    ]


def _scenes_only(elements: Sequence[Element], scope: set[int] | None) -> list[bool]:
    """Like in_scope, but a whole-script scope never includes the material before scene 1."""
    flags = in_scope(elements, scope)
    first = next((n for n, e in enumerate(elements) if isinstance(e, SceneHeading)), len(elements))
    return [False] * first + flags[first:]


# --- exact operations ------------------------------------------------------------------------
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w']){re.escape(name)}(?![\w])", re.IGNORECASE)


def _cased(found: str, new: str) -> str:
    """`new` in the case `found` was written in: JOE -> JOANNA, Joe -> Joanna."""
    if found.isupper():
        return new.upper()
    if found[:1].isupper():
        return " ".join(w[:1].upper() + w[1:].lower() for w in new.split(" "))
    return new.lower()


def _sub_name(text: str, old: str, new: str) -> str:
    return _name_pattern(old).sub(lambda m: _cased(m.group(0), new), text)


def _rename(element: Element, old: str, new: str) -> Element:
    if not old or not new:
        return element
    if isinstance(element, Dialogue):
        speaker = _sub_name(element.speaker, old, new)  # YOUNG EDWARD too
        lines = tuple(_map_line(line, lambda t: _sub_name(t, old, new)) for line in element.lines)
        return replace(element, speaker=speaker, lines=lines)
    if isinstance(element, Action | SceneHeading | Section | Synopsis | Note):
        return replace(element, text=_sub_name(element.text, old, new))  # notes too
    return element


def _replace_words(element: Element, old: str, new: str) -> Element:
    """Exactly the spelling `old` (case-sensitive) as `new`, in cues and text."""
    pattern = re.compile(rf"(?<![\w']){re.escape(old)}(?![\w])")
    if isinstance(element, Dialogue):
        speaker = pattern.sub(new, element.speaker)
        lines = tuple(_map_line(line, lambda t: pattern.sub(new, t)) for line in element.lines)
        return replace(element, speaker=speaker, lines=lines)
    if isinstance(element, Action | SceneHeading):
        return replace(element, text=pattern.sub(new, element.text))
    return element


def _map_line(line: Line, change: Callable[[str], str]) -> Line:
    if isinstance(line, Parenthetical):
        return Parenthetical(change(line.text))
    return change(line)


_TIME_WORD = re.compile(
    r"\b(DAY|NIGHT|MORNING|AFTERNOON|EVENING|DAWN|DUSK|SUNSET|SUNRISE|NOON|MIDNIGHT|TWILIGHT|"
    r"DAYTIME|NIGHTTIME|LATER|CONTINUOUS|SAME|MOMENTS LATER)\b",
    re.IGNORECASE,
)


def _heading(element: Element, op: str, value: str) -> Element:
    """The heading with only its time of day (or only its place) replaced, so the rest of
    it ("(1973)", "#12#", the spacing) stays as written."""
    if not isinstance(element, SceneHeading) or not value:
        return element
    text = element.text
    if op == "set_time":
        matches = list(_TIME_WORD.finditer(text))
        if not matches:
            return replace(element, text=f"{text.rstrip()} - {value.upper()}")
        last = matches[-1]
        return replace(element, text=text[: last.start()] + value.upper() + text[last.end() :])
    location = parse_heading(text).location
    at = text.upper().find(location.upper()) if location else -1
    if at < 0:
        head = re.match(r"\s*(?:INT\.?/EXT|EXT\.?/INT|I/E|INT|EXT|EST)\.?\s+", text, re.I)
        start = head.end() if head else 0
        return replace(element, text=f"{text[:start]}{value.upper()}")
    return replace(element, text=text[:at] + value.upper() + text[at + len(location) :])


def _cut(elements: Sequence[Element], scope: set[int] | None) -> list[Element]:
    """The scenes in scope removed; a numbered scene (numbers locked, as in a shooting script)
    leaves its heading as OMITTED with its number, as Final Draft does."""
    out: list[Element] = []
    for e, inside in zip(elements, _scenes_only(elements, scope), strict=True):
        if not inside:
            out.append(e)
        elif isinstance(e, SceneHeading) and e.number:
            out.append(SceneHeading("OMITTED", e.number))
    return out


def _move(elements: Sequence[Element], scope: set[int] | None, after: str) -> list[Element]:
    moving = _scenes_only(elements, scope)
    block = [e for e, inside in zip(elements, moving, strict=True) if inside]
    rest = [e for e, inside in zip(elements, moving, strict=True) if not inside]
    if not block or not after.isdigit():
        return list(elements)
    # `after` numbers scenes as they were; find that scene's end among what stays.
    target = int(after)
    ends = {s.number: s.start + 1 + len(s.elements) for s in _scenes(elements)}
    ends[0] = next(s.start for s in _scenes(elements))  # "to the start": before scene 1
    if target not in ends or (target and moving[ends[target] - 1]):
        return list(elements)
    kept_before = sum(1 for inside in moving[: ends[target]] if not inside)
    return rest[:kept_before] + block + rest[kept_before:]


def _scenes(elements: Sequence[Element]) -> list[Scene]:
    return scenes(Screenplay((), tuple(elements)))


_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"')\]]*|$)\s*")


def sentences(text: str) -> list[str]:
    """The sentences of a speech, each with its trailing space.

    >>> sentences("I know. You told me! Twice")
    ['I know. ', 'You told me! ', 'Twice']
    """
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def _shorten(elements: Sequence[Element], scope: set[int] | None, who: str) -> list[Element]:
    """The longest speech by `who` in scope keeps the first half of its sentences; a speech of
    one long sentence is cut at the clause break nearest its middle. Parentheticals stay."""
    flags = in_scope(elements, scope)
    best, size = -1, (0, 0)
    for n, e in enumerate(elements):
        if flags[n] and isinstance(e, Dialogue) and e.speaker.upper() == who.upper():
            spoken = [x for x in e.lines if isinstance(x, str)]
            length = (sum(len(sentences(x)) for x in spoken), sum(len(x.split()) for x in spoken))
            if length > size:
                best, size = n, length
    if best < 0:
        return list(elements)
    speech = elements[best]
    assert isinstance(speech, Dialogue)
    total = size[0]
    if total == 1:
        return _halve_sentence(elements, best, speech)
    keep = max(1, total // 2) if total > 1 else total
    lines: list[Line] = []
    for line in speech.lines:
        if isinstance(line, Parenthetical):
            lines.append(line)
            continue
        found = sentences(line)
        taken, keep = found[:keep], keep - len(found[:keep])
        if taken:
            lines.append("".join(taken).rstrip())
    while lines and isinstance(lines[-1], Parenthetical):
        lines.pop()
    out = list(elements)
    out[best] = replace(speech, lines=tuple(lines))
    return out


def _halve_sentence(elements: Sequence[Element], n: int, speech: Dialogue) -> list[Element]:
    lines = [x for x in speech.lines if isinstance(x, str) and x.strip()]
    text = lines[0] if len(lines) == 1 else ""
    breaks = [m.start() for m in re.finditer(r"\s*(?:,|;|:| - | -- |\u2014)\s*", text)]
    if len(text.split()) < 8 or not breaks:
        return list(elements)
    cut = min(breaks, key=lambda b: abs(b - len(text) / 2))
    short = text[:cut].rstrip(" ,;:-\u2014") + "."
    out = list(elements)
    out[n] = replace(speech, lines=tuple(short if x == text else x for x in speech.lines))
    return out


def _insert_beat(elements: Sequence[Element], scope: set[int] | None, text: str) -> list[Element]:
    """An action paragraph at the end of the last scene in scope."""
    if not text.strip():
        return list(elements)
    flags = _scenes_only(elements, scope)
    last = max((n for n, inside in enumerate(flags) if inside), default=-1)
    if last < 0:
        return list(elements)
    return [*elements[: last + 1], Action(text.strip()), *elements[last + 1 :]]


def _rewrite(
    elements: Sequence[Element], scope: set[int] | None, op: Operation, rewrite: Rewriter
) -> list[Element]:
    flags = in_scope(elements, scope)
    out = list(elements)
    for scene in _scenes(elements):
        if not flags[scene.start]:
            continue
        context = _scene_text(elements[scene.start : scene.start + 1 + len(scene.elements)])
        for n in range(scene.start + 1, scene.start + 1 + len(scene.elements)):
            e = out[n]
            if not isinstance(e, Dialogue):
                continue
            if op.character and e.speaker.upper() != op.character.upper():
                continue
            lines = tuple(
                line
                if isinstance(line, Parenthetical) or not line.strip()
                else rewrite(context, e.speaker, line, op.value) or line
                for line in e.lines
            )
            out[n] = replace(e, lines=lines)
    return out


def _scene_text(elements: Sequence[Element]) -> str:
    return fountain.render(Screenplay((), tuple(elements))).strip()
