"""Revision on request: an instruction read as a plan of operations, the plan applied as
tracked changes.

    revise(doc, "rename Joe to Joanna and make scene 3 happen at night", backend)

Each clause of the instruction gives a few candidate operations, built by code from the
instruction's own words and the script (its characters, scene numbers, locations, times of
day); the model chooses one under a grammar whose only sentences are those candidates, so even
the bundled 135M model cannot invent an operation, a character or a scene. The exact operations
are then applied by code (`ops.py`); a rewrite sends each line of the scene, with the scene as
context, back to the model. Nothing outside `scope` (a set of scene numbers) changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources

from writersroom.errors import GenerationError
from writersroom.llm.base import Backend, complete
from writersroom.revise import tracking
from writersroom.revise.ops import Operation, apply
from writersroom.screenplay import fountain
from writersroom.screenplay.model import Dialogue, Element, Screenplay
from writersroom.screenplay.views import characters, parse_heading, scenes
from writersroom.story.forms import literal, parse_form
from writersroom.story.prompt import Prompt
from writersroom.voice.conditioning import styled_request
from writersroom.voice.style import Style

__all__ = [
    "candidates",
    "choose",
    "clauses",
    "load_prompt",
    "plan",
    "revise",
    "rewrite_line",
    "run_plan",
    "write_beat",
]


def load_prompt(name: str) -> Prompt:
    """A prompt file from revise/prompts/."""
    text = resources.files("writersroom.revise").joinpath("prompts", f"{name}.md")
    return Prompt.parse(name, text.read_text(encoding="utf-8"))


PLAN, REWRITE, BEAT = load_prompt("plan"), load_prompt("rewrite"), load_prompt("beat")

_CLAUSE = re.compile(
    r";|\.\s+|,?\s+and\s+(?=(?:then\s+)?(?:make|rename|change|cut|move|insert|add|shorten|"
    r"rewrite|call|set|delete|remove|drop|put|have|trim|halve)\b)",
    re.I,
)
_SCENE_REF = re.compile(r"\bscenes?\s+(\d+)(?:\s*(?:-|–|to|through)\s*(\d+))?", re.I)
_TARGET = re.compile(r"\b(after|before)\s+scene\s+(\d+)|\bto the (end|start|beginning)\b", re.I)
_TIME = re.compile(
    r"\b(night|day|daytime|nighttime|morning|dawn|dusk|evening|sunset|sunrise|afternoon|"
    r"midnight|noon|twilight)\b",
    re.I,
)
_GATES = {
    "rename_character": re.compile(r"\b(rename|call|name|renamed|becomes)\b", re.I),
    "cut_scene": re.compile(r"\b(cut|delete|remove|drop|omit|lose)\b", re.I),
    "move_scene": re.compile(
        r"\b(move|put|place|swap)\b.*\b(after|before|end|start|beginning)\b", re.I
    ),
    "shorten_speech": re.compile(
        r"\b(shorten|shorter|trim|tighten|halve|in half|cut down|condense)\b", re.I
    ),
    "insert_beat": re.compile(r"\b(add|insert|include)\b", re.I),
    "set_place": re.compile(
        r"\b(take|takes) place\b|\b(location|set|move|happen|happens)\b.*\b(in|at|on|to)\b", re.I
    ),
}
_PLACE = re.compile(
    r"\b(?:in|at|on|to|inside|outside)\s+(?:the\s+|a\s+|an\s+)?([a-z0-9'][a-z0-9' ]*?)"
    r"(?:\s+(?:instead|at night|during|by day|in the)\b|[,.;!]|$)",
    re.I,
)
_NEW_NAME = re.compile(r"\b(?:to|as|into|call(?:ed)?\s+\w+)\s+([A-Za-z][\w'-]*(?: [A-Z][\w'-]*)?)")
_DIRECTION = re.compile(
    r"\b((?:more|less)\s+\w+|\w+ier|darker|lighter|shorter|longer|tenser|warmer|colder|meaner|"
    r"kinder|softer|harder|louder|quieter|sharper|bolder|calmer|crueler|gentler|tighter|smarter|"
    r"sadder|sweeter|faster|slower|simpler|clearer|stronger|weaker|tougher|cooler|wilder|bigger|"
    r"smaller|ruder|nicer|colder|bitterer|blunter|fiercer|grimmer|madder)\b",
    re.I,
)
_REWORD = re.compile(
    r"\b(rewrite|reword|punch up|dialogue|argument|conversation|exchange|lines|tone|voice)\b", re.I
)
_NOT_DIRECTION = {"earlier", "more scenes", "less time"}


def clauses(instruction: str) -> list[str]:
    """The instruction split into one request per operation.

    >>> clauses("Rename Joe to Joanna and make scene 3 happen at night.")
    ['Rename Joe to Joanna', 'make scene 3 happen at night']
    """
    return [c.strip(" .") for c in _CLAUSE.split(instruction) if c and c.strip(" .")]


def _scene_refs(doc: Screenplay, clause: str) -> list[int]:
    count = len(scenes(doc))
    found: list[int] = []
    for match in _SCENE_REF.finditer(clause):
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        found += range(first, min(last, count) + 1)
    if re.search(r"\b(last|final) scene\b", clause, re.I):
        found.append(count)
    if re.search(r"\b(first|opening) scene\b", clause, re.I):
        found.append(1)
    words = {w.upper() for w in re.findall(r"[A-Za-z']{4,}", clause)}
    if not found and words:
        for scene in scenes(doc):
            place = set(re.findall(r"[A-Z']{4,}", parse_heading(scene.heading.text).location))
            if place & words and re.search(r"\bscene\b", clause, re.I):
                found.append(scene.number)
    return [n for n in dict.fromkeys(found) if 1 <= n <= count]


def _mentioned(doc: Screenplay, clause: str) -> list[str]:
    names = [c.name for c in characters(doc) if c.name]
    return [n for n in names if re.search(rf"(?<![\w]){re.escape(n)}(?![\w])", clause, re.I)]


def _direction(clause: str) -> str:
    found = [m for m in _DIRECTION.findall(clause) if m.lower() not in _NOT_DIRECTION]
    return " and ".join(found) if found else clause


def candidates(
    doc: Screenplay, clause: str, scope: set[int] | None = None, *, narrow: bool = True
) -> list[Operation]:
    """The operations `clause` could mean in `doc`, most likely first (at most 24). With
    `narrow`, the words decide where they can: a named character's lines rather than the whole
    scene's dialogue, shortening by code rather than rewriting (on these the bundled model
    chose the whole scene nearly every time; see benchmarks/results/revise_choice.md)."""
    target = _TARGET.search(clause)
    rest = clause[: target.start()] + clause[target.end() :] if target else clause
    refs = _scene_refs(doc, rest)
    if scope is not None:
        inside = [n for n in refs if n in scope]
        if refs and not inside:
            return []  # the clause is about scenes outside the scope: nothing to do
        refs = inside or sorted(scope)
    one_scene: list[int | None] = list(refs) or [None]
    mentioned = _mentioned(doc, clause)
    gate = {op: bool(rx.search(clause)) for op, rx in _GATES.items()}
    out: list[Operation] = []
    if gate["rename_character"] or re.search(r"\binstead of\b", clause, re.I):
        news = [n for n in _NEW_NAME.findall(clause) if n.upper() not in mentioned]
        for old in mentioned:
            for new in news:
                where = refs[0] if len(refs) == 1 and scope is not None else None
                out.append(Operation("rename_character", where, old, new.upper()))
    times = [t.upper() for t in _TIME.findall(clause)]
    times = ["NIGHT" if t == "NIGHTTIME" else "DAY" if t == "DAYTIME" else t for t in times]
    for n in refs:
        for time in dict.fromkeys(times):
            out.append(Operation("set_time", n, value=time))
    if gate["set_place"] and not target:
        for place in _PLACE.findall(rest):
            place = _TIME.sub("", place).strip()
            if place and not re.fullmatch(r"(scene\s*\d*|night|day)", place, re.I):
                out += [Operation("set_place", n, value=place.upper()) for n in refs]
    if gate["move_scene"] and target and refs:
        last = len(scenes(doc))
        kind, number, end = target.groups()
        after = (
            int(number) - (1 if kind.lower() == "before" else 0)
            if number
            else (last if end.lower() == "end" else 0)
        )
        out.append(Operation("move_scene", refs[0], value=str(after)))
    if gate["shorten_speech"]:
        who = mentioned or _speakers(doc, refs)[:3]
        out += [Operation("shorten_speech", n, c) for c in who for n in one_scene]
    elif gate["cut_scene"] and re.search(r"\bscenes?\b", clause, re.I):
        out += [Operation("cut_scene", n) for n in refs]
    if gate["insert_beat"]:
        quoted = re.findall(r"\"([^\"]+)\"|“([^”]+)”", clause)
        text = next((a or b for a, b in quoted), "")
        out += [Operation("insert_beat", n, value=text) for n in one_scene if n is not None]
    direction = _direction(clause)
    rewording = bool(_REWORD.search(clause)) or direction != clause
    if mentioned and rewording and not gate["rename_character"]:
        out += [Operation("rewrite_lines", n, c, direction) for c in mentioned for n in one_scene]
    if (refs or scope is not None) and (rewording or not out):
        out += [Operation("rewrite_dialogue", n, value=direction) for n in one_scene]
    if narrow:
        kinds = {o.op for o in out}
        if "shorten_speech" in kinds:
            out = [o for o in out if o.op not in ("rewrite_lines", "rewrite_dialogue")]
        elif "rewrite_lines" in kinds:
            out = [o for o in out if o.op != "rewrite_dialogue"]
    return [replace(o, request=clause) for o in dict.fromkeys(out)][:24]


def _speakers(doc: Screenplay, refs: Sequence[int]) -> list[str]:
    counts: dict[str, int] = {}
    for scene in scenes(doc):
        if refs and scene.number not in refs:
            continue
        for e in scene.elements:
            if isinstance(e, Dialogue) and e.speaker:
                counts[e.speaker] = counts.get(e.speaker, 0) + len(str(e.lines).split())
    return sorted(counts, key=lambda s: -counts[s])


def _form(op: Operation) -> str:
    lines = [f"Operation: {op.op}"]
    if op.scene is not None:
        lines.append(f"Scene: {op.scene}")
    if op.character:
        lines.append(f"Character: {op.character}")
    if op.value:
        lines.append(f"Value: {op.value}")
    return "\n".join(lines)


def _outline(doc: Screenplay, options: Sequence[Operation]) -> str:
    wanted = {o.scene for o in options if o.scene is not None}
    rows = []
    for scene in scenes(doc):
        if scene.number in wanted or (not wanted and scene.number <= 12):
            cast = sorted({e.speaker for e in scene.elements if isinstance(e, Dialogue)})
            rows.append(f"{scene.number}. {scene.heading.text} ({', '.join(cast)})")
    return "\n".join(rows[:12])


def choose(
    doc: Screenplay, clause: str, options: Sequence[Operation], backend: Backend, *, seed: int = 0
) -> Operation:
    """The option the model picks for `clause`, decoding under a grammar of the options."""
    if len(options) == 1:
        return options[0]
    texts = [_form(o) for o in options]
    request = PLAN.request(
        script=_outline(doc, options),
        request=clause,
        choices="\n\n".join(texts),
        options={
            "grammar": "root ::= " + " | ".join(literal(t) for t in texts),
            "max_tokens": 64,
            "temperature": 0.0,
            "seed": seed,
        },
    )
    text = complete(backend, request).text.strip()
    if text in texts:
        return options[texts.index(text)]
    for record in parse_form(text, ["Operation", "Scene", "Character", "Value"]):
        for option, option_text in zip(options, texts, strict=True):
            if record.get("Operation") == option.op and _form_matches(record, option_text):
                return option
    raise GenerationError("the answer is none of the offered operations", step="plan", text=text)


def _form_matches(record: dict[str, str], text: str) -> bool:
    wanted = dict(line.split(": ", 1) for line in text.split("\n"))
    return all(record.get(k, "").upper() == v.upper() for k, v in wanted.items())


def plan(
    doc: Screenplay,
    instruction: str,
    backend: Backend,
    *,
    scope: set[int] | None = None,
    seed: int = 0,
) -> list[Operation]:
    """The operations `instruction` asks for, in the order they are applied: content first,
    then moves, then cuts from the last scene back (scene numbers refer to the script as it
    was). Raises GenerationError when no clause names something to change."""
    chosen = []
    for clause in clauses(instruction):
        # Options that differ only in their scene are one choice: "cut scenes 2-3" cuts both.
        groups: dict[tuple[str, str, str], list[Operation]] = {}
        for option in candidates(doc, clause, scope):
            groups.setdefault((option.op, option.character, option.value), []).append(option)
        if groups:
            firsts = [group[0] for group in groups.values()]
            pick = choose(doc, clause, firsts, backend, seed=seed)
            chosen += groups[(pick.op, pick.character, pick.value)]
    if not chosen:
        raise GenerationError(
            "found nothing to change; name the scene (--scene N) or the character and what to "
            "do (rename, cut, move, shorten, rewrite, make it night ...)",
            step="plan",
            text=instruction,
        )
    content = [o for o in chosen if o.op not in ("move_scene", "cut_scene")]
    moves = [o for o in chosen if o.op == "move_scene"]
    cuts = sorted((o for o in chosen if o.op == "cut_scene"), key=lambda o: -(o.scene or 0))
    return content + moves + cuts


def run_plan(
    doc: Screenplay,
    operations: Sequence[Operation],
    backend: Backend | None,
    *,
    scope: set[int] | None = None,
    date: str | None = None,
    label: str = "",
    seed: int = 0,
    style: Style | None = None,
) -> Screenplay:
    """`doc` with `operations` applied as tracked changes of a new revision set; what the
    model writes (rewritten lines, beats) is in `style` when given."""
    elements: list[Element] = list(doc.elements)
    steps: list[tuple[str, list[Element]]] = []

    def rewrite(scene: str, speaker: str, line: str, direction: str) -> str:
        assert backend is not None, "a rewrite needs a model"
        return rewrite_line(backend, scene, speaker, line, direction, seed=seed, style=style)

    for op in operations:
        if op.op == "insert_beat" and not op.value:
            assert backend is not None, "writing a beat needs a model"
            op = replace(op, value=write_beat(backend, doc, op, seed=seed, style=style))
        if op.op == "move_scene":  # as a cut, then an insertion: the moved scene is marked
            steps.append((op.op, apply(elements, replace(op, op="cut_scene"), scope)))
        elements = apply(elements, op, scope, rewrite)
        steps.append((op.op, elements))
    revision = tracking.new_revision_set(doc, date=date, label=label)
    return tracking.track(doc, steps, revision)


def revise(
    doc: Screenplay,
    instruction: str,
    backend: Backend,
    *,
    scope: set[int] | None = None,
    date: str | None = None,
    seed: int = 0,
    style: Style | None = None,
) -> Screenplay:
    """`doc` revised as `instruction` asks, the changes tracked in a new revision set; new
    text (rewritten lines, beats) is written in `style` when given."""
    operations = plan(doc, instruction, backend, scope=scope, seed=seed)
    return run_plan(doc, operations, backend, scope=scope, date=date, seed=seed, style=style)


# --- free text: the model writes, the scene is its context -----------------------------------
_SAID = "said ::= [A-Z\"'] [^\\n.!?:]{1,110} [.!?] [\"']?"


def rewrite_line(
    backend: Backend,
    scene: str,
    speaker: str,
    line: str,
    direction: str,
    *,
    seed: int = 0,
    style: Style | None = None,
) -> str:
    """One line of dialogue rewritten in `direction`; the old line when the answer is empty."""
    request = REWRITE.request(
        scene=scene[-2500:],
        speaker=speaker,
        line=" ".join(line.split())[:400],
        direction=direction,
        options={
            "grammar": f'root ::= said (" " said){{0,2}}\n{_SAID}\n',
            "max_tokens": 80,
            "temperature": 0.7,
            "seed": seed,
        },
    )
    request = styled_request(request, style, query=f"{speaker}: {line}")
    text = " ".join(complete(backend, request).text.split())
    return text or line


def write_beat(
    backend: Backend, doc: Screenplay, op: Operation, *, seed: int = 0, style: Style | None = None
) -> str:
    """One action paragraph for the scene `op` names, as its request asks."""
    scene = next((s for s in scenes(doc) if s.number == op.scene), None)
    context = ""
    if scene is not None:
        body = (scene.heading, *scene.elements)
        context = fountain.render(Screenplay((), body)).strip()[-2500:]
    request = BEAT.request(
        scene=context,
        request=op.request or "a moment that fits the scene",
        options={
            "grammar": f'root ::= said (" " said){{0,2}}\n{_SAID}\n',
            "max_tokens": 80,
            "temperature": 0.7,
            "seed": seed,
        },
    )
    request = styled_request(request, style, query=op.request or context[-300:])
    return " ".join(complete(backend, request).text.split()) or "A moment passes."
