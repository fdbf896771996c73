"""What the paginator moves around: paragraphs wrapped into their columns, grouped into blocks
(a scene heading, an action paragraph, a speech, a dual-dialogue pair, a page break), and the
places where each block may be split across pages, as Final Draft splits them.

    >>> from writersroom.screenplay.model import Action, Screenplay
    >>> [type(b).__name__ for b in build_blocks(Screenplay(elements=(Action("Rain."),)),
    ...                                         PageLayout())]
    ['Flow']
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from writersroom.screenplay.layout import ElementStyle, PageLayout
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Lyrics,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Transition,
)
from writersroom.screenplay.typeset import (
    BOLD,
    ITALIC,
    UNDERLINE,
    Run,
    parse_emphasis,
    sentence_ends,
    slice_runs,
    upper_runs,
    wrap,
)

CONTENT_KINDS = frozenset({"dialogue", "parenthetical", "lyrics"})  # count toward split minima


# --- paragraphs -------------------------------------------------------------------------------


@dataclass
class Para:
    """A paragraph of visible text wrapped into a column."""

    kind: str
    style: ElementStyle
    runs: tuple[Run, ...]
    text: str
    spans: list[tuple[int, int]]
    element: int
    hang: float = 0.0  # the first line starts this far left (parenthetical "(")
    suffix: int = 0  # trailing characters left out when centring: " (CONT'D)"
    part: int = -1  # index into Dialogue.lines

    @property
    def height(self) -> int:
        return len(self.spans)

    def cut(self, start: int, end: int) -> Para:
        """The paragraph made of characters start..end, wrapped again."""
        runs = slice_runs(self.runs, start, end)
        return replace(_para(self.kind, self.style, runs, self.element, self.hang), part=self.part)


def _para(
    kind: str, style: ElementStyle, runs: tuple[Run, ...], element: int, hang: float = 0.0
) -> Para:
    if style.caps:
        runs = upper_runs(runs)
    text = "".join(r.text for r in runs)
    first = style.cells + round(hang * 10) if hang else None
    return Para(kind, style, runs, text, wrap(text, style.cells, first), element, hang)


def _text_para(
    kind: str, style: ElementStyle, markup: str, element: int, hang: float = 0.0
) -> Para:
    flags = style.bold * BOLD | style.italic * ITALIC | style.underline * UNDERLINE
    return _para(kind, style, parse_emphasis(markup, flags), element, hang)


def _split_points(para: Para) -> Iterator[tuple[int, int]]:
    """(end of top, start of bottom) offsets where a paragraph may break across pages."""
    text = para.text
    for end in sentence_ends(text):
        start = end
        while start < len(text) and text[start] in " \n":
            start += 1
        top_end = len(text[:end].rstrip(" \n"))
        if top_end > 0 and start < len(text):
            yield top_end, start


# --- blocks: what the paginator moves around --------------------------------------------------


@dataclass
class Flow:
    """Scene heading, action, centered text, lyrics or transition."""

    para: Para
    space: int
    scene: int
    splittable: bool = False

    @property
    def height(self) -> int:
        return self.para.height


@dataclass
class Speech:
    """A character cue with its parentheticals and dialogue."""

    cue: Para
    parts: list[Para]
    space: int
    scene: int
    element: int

    @property
    def height(self) -> int:
        return self.cue.height + sum(p.height for p in self.parts)


@dataclass
class Dual:
    """Two speeches printed side by side; never split."""

    left: Speech
    right: Speech
    space: int
    scene: int

    @property
    def height(self) -> int:
        return max(self.left.height, self.right.height)


@dataclass
class Break:
    """A forced page break (`===`)."""


Block = Flow | Speech | Dual | Break


def build_blocks(doc: Screenplay, layout: PageLayout) -> list[Block]:
    blocks: list[Block] = []
    scene = -1
    previous: dict[str, bool] = {}  # last speech's speakers in this scene -> voice-over?
    elements = doc.elements
    i = 0
    while i < len(elements):
        el = elements[i]
        match el:
            case SceneHeading(text=text):
                scene += 1
                previous = {}
                st = layout.scene_heading
                blocks.append(
                    Flow(_text_para("scene_heading", st, text, i), st.space_before, scene)
                )
            case Action(text=text, centered=True):
                st = layout.centered
                lines = "\n".join(line.strip() for line in text.split("\n"))
                blocks.append(
                    Flow(
                        _text_para("centered", st, lines, i),
                        st.space_before,
                        scene,
                        splittable=True,
                    )
                )
            case Action(text=text):
                st = layout.action
                blocks.append(
                    Flow(_text_para("action", st, text, i), st.space_before, scene, splittable=True)
                )
            case Lyrics(text=text):
                st = layout.lyrics
                blocks.append(
                    Flow(_text_para("lyrics", st, text, i), st.space_before, scene, splittable=True)
                )
            case Transition(text=text):
                st = layout.transition
                blocks.append(Flow(_text_para("transition", st, text, i), st.space_before, scene))
            case Dialogue():
                nxt = elements[i + 1] if i + 1 < len(elements) else None
                pair = [el, nxt] if isinstance(nxt, Dialogue) and nxt.dual and not el.dual else [el]
                speeches = []
                for n, speech in enumerate(pair):
                    assert isinstance(speech, Dialogue)
                    contd = layout.automatic_contd and _continues(speech, previous, layout)
                    speeches.append(
                        _speech(speech, i + n, scene, layout, n if len(pair) == 2 else None, contd)
                    )
                previous = {
                    _name(d): _voice_over(d, layout) for d in pair if isinstance(d, Dialogue)
                }
                if len(speeches) == 2:
                    blocks.append(
                        Dual(speeches[0], speeches[1], layout.character.space_before, scene)
                    )
                else:
                    blocks.append(speeches[0])
                i += len(pair)
                continue
            case PageBreak():
                blocks.append(Break())
            case _:
                pass  # sections, synopses, notes, boneyard: not printed
        i += 1
    return blocks


def _name(el: Dialogue) -> str:
    return el.speaker.strip().upper()


def _voice_over(el: Dialogue, layout: PageLayout) -> bool:
    ext = (el.extension or "").replace(" ", "").upper()
    return any(skip.replace(" ", "").upper() in ext for skip in layout.contd_skip)


def _continues(el: Dialogue, previous: dict[str, bool], layout: PageLayout) -> bool:
    """Final Draft's automatic (CONT'D): the speaker also spoke in the previous speech (or
    dual pair) of the scene, and neither cue is a voice-over."""
    if "CONT" in (el.extension or "").upper():
        return False
    name = _name(el)
    return name in previous and not previous[name] and not _voice_over(el, layout)


def _speech(
    el: Dialogue, element: int, scene: int, layout: PageLayout, column: int | None, contd: bool
) -> Speech:
    if column is None:
        cue_st, paren_st, dia_st = layout.character, layout.parenthetical, layout.dialogue
    else:
        cue_st = layout.dual_character[column]
        paren_st = layout.dual_parenthetical[column]
        dia_st = layout.dual_dialogue[column]
    cue = _text_para("character", cue_st, el.cue, element)
    if contd:
        cue = _with_suffix(cue, layout.contd)
    parts: list[Para] = []
    for n, line in enumerate(el.lines):
        if isinstance(line, Parenthetical):
            part = _text_para(
                "parenthetical", paren_st, line.text.strip(), element, hang=layout.paren_hang
            )
        else:
            lyric = all(row.lstrip().startswith("~") for row in line.split("\n"))
            part = _para("lyrics" if lyric else "dialogue", dia_st, _sung(line, dia_st), element)
        part.part = n
        parts.append(part)
    return Speech(cue, parts, cue_st.space_before, scene, element)


def _with_suffix(cue: Para, suffix: str) -> Para:
    """The cue with " (CONT'D)" after it; a centred cue stays centred on the name alone."""
    para = _para(cue.kind, cue.style, (*cue.runs, Run(" " + suffix)), cue.element)
    para.suffix = len(suffix) + 1
    return para


def _sung(text: str, style: ElementStyle) -> tuple[Run, ...]:
    """Dialogue runs; lines starting with "~" are sung: italic, without the tilde."""
    base = style.bold * BOLD | style.italic * ITALIC | style.underline * UNDERLINE
    if "~" not in text:
        return parse_emphasis(text, base)
    runs: list[Run] = []
    for n, row in enumerate(text.split("\n")):
        if n:
            runs.append(Run("\n"))
        sung = row.lstrip().startswith("~")
        runs.extend(
            parse_emphasis(
                row.lstrip()[1:].lstrip() if sung else row, base | ITALIC if sung else base
            )
        )
    return tuple(runs)


# --- splitting --------------------------------------------------------------------------------


def split_flow(block: Flow, room: int) -> tuple[Flow, Flow] | None:
    """The fullest legal split of an action paragraph whose top fits in `room` lines."""
    if not block.splittable or block.height < 4:
        return None
    best: tuple[Para, Para] | None = None
    for top_end, start in _split_points(block.para):
        top = block.para.cut(0, top_end)
        if top.height > room:
            break
        bottom = block.para.cut(start, len(block.para.text))
        if top.height >= 2 and bottom.height >= 2:
            best = (top, bottom)
    if best is None:
        return None
    return replace(block, para=best[0]), replace(block, para=best[1], space=0)


@dataclass(frozen=True)
class _SpeechSplit:
    top: list[Para]
    bottom: list[Para]
    sentence: bool  # the break falls inside a part, after a sentence
    rest: int  # content lines left for the next page, counted on the
    # unsplit wrapping (the line holding the break stays on top)


def _content(parts: Sequence[Para]) -> int:
    return sum(p.height for p in parts if p.kind in CONTENT_KINDS)


def _speech_splits(block: Speech) -> Iterator[_SpeechSplit]:
    parts = block.parts
    for i, part in enumerate(parts):
        after = _content(parts[i + 1 :])
        if part.kind != "parenthetical" and part.height >= 3:
            for top_end, start in _split_points(part):
                line = next(n for n, (_, b) in enumerate(part.spans) if b >= top_end)
                yield _SpeechSplit(
                    [*parts[:i], part.cut(0, top_end)],
                    [part.cut(start, len(part.text)), *parts[i + 1 :]],
                    True,
                    part.height - line - 1 + after,
                )
        if i + 1 < len(parts):
            yield _SpeechSplit(parts[: i + 1], parts[i + 1 :], False, after)


def _continued(cue: Para, layout: PageLayout) -> Para:
    """The cue repeated above the rest of a split speech: NAME (V.O.) (CONT'D)."""
    return replace(cue if cue.suffix else _with_suffix(cue, layout.contd), kind="contd")


def split_speech(block: Speech, room: int, layout: PageLayout) -> tuple[Speech, Speech] | None:
    """The best legal split of a dialogue block whose top half fits in `room` lines.

    Final Draft (fitted on its output and the fd-probes): at least 2 lines of dialogue or
    parenthetical stay on each page, the lines left for the next page counted on the unsplit
    wrapping; a break after a sentence inside a part beats a break between parts; then the
    fuller top half wins, then the one with more text on top."""
    best: tuple[tuple[bool, int, int], _SpeechSplit] | None = None
    for split in _speech_splits(block):
        top_height = block.cue.height + sum(p.height for p in split.top)
        if top_height > room or _content(split.top) < 2 or split.rest < 2:
            continue
        score = (split.sentence, top_height, sum(len(p.text) for p in split.top))
        if best is None or score > best[0]:
            best = (score, split)
    if best is None:
        return None
    split = best[1]
    cont = _continued(block.cue, layout)
    top = replace(block, parts=split.top)
    bottom = Speech(cont, split.bottom, 0, block.scene, block.element)
    return top, bottom


def force_split_flow(block: Flow, lines: int) -> tuple[Flow, Flow] | None:
    """A paragraph taller than a page with no sentence to break at: break it after `lines`."""
    spans = block.para.spans
    if len(spans) <= lines:
        return None
    cut = spans[lines - 1][1]
    text = block.para.text
    start = spans[lines][0]
    return (
        replace(block, para=block.para.cut(0, cut)),
        replace(block, para=block.para.cut(start, len(text)), space=0),
    )


def force_split_speech(
    block: Speech, room: int, layout: PageLayout
) -> tuple[Speech, Speech] | None:
    """A dialogue block taller than a page with no legal split: break it at a line."""
    budget = room - block.cue.height
    top: list[Para] = []
    rest = list(block.parts)
    while rest and rest[0].height <= budget:
        budget -= rest[0].height
        top.append(rest.pop(0))
    if rest and budget > 0:
        part = rest.pop(0)
        cut, start = part.spans[budget - 1][1], part.spans[budget][0]
        top.append(part.cut(0, cut))
        rest.insert(0, part.cut(start, len(part.text)))
    if not top or not rest:
        return None
    cont = _continued(block.cue, layout)
    return replace(block, parts=top), Speech(cont, rest, 0, block.scene, block.element)
