"""What the paginator moves around: paragraphs wrapped into their columns, grouped into blocks
(a scene heading, an action paragraph, a speech, a dual-dialogue pair, a page break), and the
places where each block may be split across pages, as Final Draft splits them.

    >>> from writersroom.screenplay.model import Action, Screenplay
    >>> [type(b).__name__ for b in build_blocks(Screenplay(elements=(Action("Rain."),)),
    ...                                         PageLayout())]
    ['Flow']
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, islice
from typing import overload

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
    Token,
    iter_wrap,
    parse_emphasis,
    run,
    sentence_breaks,
    tokens,
    upper_runs,
)

CONTENT_KINDS = frozenset({"dialogue", "parenthetical", "lyrics"})  # count toward split minima


# --- paragraphs -------------------------------------------------------------------------------


class _Source:
    """A paragraph's visible text and styled runs, shared by every piece cut from it. What is
    derived from the whole text (run offsets, sentence ends) is computed once, so cutting a
    page's worth off a long paragraph costs about a page's worth of work."""

    def __init__(self, runs: tuple[Run, ...]) -> None:
        self.runs = runs
        self.text = "".join(r.text for r in runs)
        self.ends = list(accumulate(len(r.text) for r in runs))  # where each run ends
        self._breaks: tuple[list[int], list[int], list[int]] | None = None
        self.long_word: Token | None = None  # the last token seen that is longer than a line

    def slice(self, start: int, end: int, low: int, high: int) -> tuple[Run, ...]:
        """The runs covering characters start..end, found by binary search, of the piece
        low..high (start >= low): what `slice_runs` gives on that piece's own runs."""
        runs, ends = self.runs, self.ends
        out: list[Run] = []
        if start >= high:
            return ()
        i = bisect_right(ends, start)
        while i < len(runs) and (pos := ends[i] - len(runs[i].text)) < high:
            if max(pos, low) >= end:
                break
            out.append(run(runs[i].text[start - pos : min(end, high) - pos], runs[i].flags))
            start = ends[i]
            i += 1
        return tuple(out)

    @property
    def breaks(self) -> tuple[list[int], list[int], list[int]]:
        """Sentence ends: where each one's punctuation starts, where it ends, where the next
        sentence starts (typeset.sentence_breaks, as three sorted lists)."""
        if self._breaks is None:
            found = list(sentence_breaks(self.text))
            self._breaks = ([b[0] for b in found], [b[1] for b in found], [b[2] for b in found])
        return self._breaks

    def words(self, start: int, end: int) -> Iterator[Token]:
        """typeset.tokens(text, start, end), except that a start inside a very long word seen
        before is not read again to the word's end (a page cut off a word of a million
        letters would otherwise read the rest of it for every page)."""
        known = self.long_word
        if known is not None and known[0] < start < known[2] <= end:
            yield start, max(known[1], start), known[2]
            start = known[2]
        for token in tokens(self.text, start, end):
            if token[2] - token[0] > _LONG and (token[2] < end or end == len(self.text)):
                self.long_word = token
            yield token


_LONG = 200  # characters: longer tokens are remembered by _Source.words


@dataclass
class Para:
    """A paragraph of visible text, or a piece of one (source.text[start:end]), wrapped into a
    column. Lines are wrapped when first asked for: the paginator asks for about a page's worth
    of a long paragraph at a time (`height_upto`), and offsets are into `source.text`."""

    kind: str
    style: ElementStyle
    source: _Source
    start: int
    end: int
    element: int
    hang: float = 0.0  # the first line starts this far left (parenthetical "(")
    suffix: int = 0  # trailing characters left out when centring: " (CONT'D)"
    part: int = -1  # index into Dialogue.lines

    def __post_init__(self) -> None:
        self._spans: list[tuple[int, int]] = []  # the lines wrapped so far
        self._wrapping: Iterator[tuple[int, int]] | None = None  # started when first needed
        self._wrapped = False  # all lines are in _spans

    def _wrap_line(self) -> bool:
        """Wrap one more line; False when there is none."""
        if self._wrapped:
            return False
        if self._wrapping is None:
            src, cells = self.source, self.style.cells
            first = cells + round(self.hang * 10) if self.hang else None
            words = src.words(self.start, self.end)
            self._wrapping = iter_wrap(src.text, cells, first, self.start, self.end, words)
        span = next(self._wrapping, None)
        if span is None:
            self._wrapped, self._wrapping = True, None  # let the generators go
            return False
        if self.style.spacing > 1 and self._spans:  # double spacing: empty lines between
            end = self._spans[-1][1]
            self._spans.extend([(end, end)] * (self.style.spacing - 1))
        self._spans.append(span)
        return True

    @property
    def runs(self) -> tuple[Run, ...]:
        return self.slice(self.start, self.end)

    def slice(self, start: int, end: int) -> tuple[Run, ...]:
        """The runs covering characters start..end."""
        return self.source.slice(start, end, self.start, self.end)

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Every line's (start, end) offsets, trailing spaces included."""
        while self._wrap_line():
            pass
        return self._spans

    @property
    def height(self) -> int:
        return len(self.spans)

    def height_upto(self, limit: int) -> int:
        """The height when it is at most `limit`, else some number above `limit` (only
        `limit + 1` lines are wrapped)."""
        while len(self._spans) <= limit and self._wrap_line():
            pass
        return len(self._spans)

    def span(self, n: int) -> tuple[int, int]:
        """Line n's (start, end); the paragraph has more than n lines."""
        self.height_upto(n)
        return self._spans[n]

    def line_of(self, offset: int) -> int:
        """The line that holds the character before `offset` (the first line ending at or
        after it)."""
        spans = self._spans
        while (not spans or spans[-1][1] < offset) and self._wrap_line():
            pass
        return bisect_left(spans, offset, key=lambda span: span[1])

    def cut(self, start: int, end: int) -> Para:
        """The paragraph made of characters start..end (offsets into source.text)."""
        return Para(
            self.kind, self.style, self.source, start, end, self.element, self.hang, part=self.part
        )

    def split_points(self) -> Iterator[tuple[int, int]]:
        """(end of top, start of bottom) offsets where the paragraph may break across pages:
        after a sentence, with text on both sides."""
        starts, ends, nexts = self.source.breaks
        i = bisect_left(starts, self.start)
        while i < len(starts) and nexts[i] < self.end:
            yield ends[i], nexts[i]
            i += 1


def _para(
    kind: str, style: ElementStyle, runs: tuple[Run, ...], element: int, hang: float = 0.0
) -> Para:
    if style.caps:
        runs = upper_runs(runs)
    source = _Source(runs)
    return Para(kind, style, source, 0, len(source.text), element, hang)


def _text_para(
    kind: str, style: ElementStyle, markup: str, element: int, hang: float = 0.0
) -> Para:
    flags = style.bold * BOLD | style.italic * ITALIC | style.underline * UNDERLINE
    return _para(kind, style, parse_emphasis(markup, flags), element, hang)


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

    def height_upto(self, limit: int) -> int:
        return self.para.height_upto(limit)


@dataclass
class Speech:
    """A character cue with its parentheticals and dialogue."""

    cue: Para
    parts: Sequence[Para]  # a list, or the _Parts left after a split
    space: int
    scene: int
    element: int

    @property
    def height(self) -> int:
        return self.cue.height + sum(p.height for p in self.parts)

    def height_upto(self, limit: int) -> int:
        """The height when it is at most `limit`, else some number above `limit`."""
        total = self.cue.height_upto(limit)
        for part in self.parts:
            if total > limit:
                break
            total += part.height_upto(limit - total)
        return total


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

    def height_upto(self, limit: int) -> int:
        return max(self.left.height_upto(limit), self.right.height_upto(limit))


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
# Only about a page's worth of a block is looked at: the candidate splits are tried in order
# and the top half only grows, so the search stops at the first one taller than the room.


def split_flow(block: Flow, room: int) -> tuple[Flow, Flow] | None:
    """The fullest legal split of an action paragraph whose top fits in `room` lines: after a
    sentence, with at least 2 lines on each page."""
    para = block.para
    if not block.splittable or para.height_upto(3) < 4:
        return None
    fits: list[tuple[int, int]] = []
    for top_end, start in para.split_points():
        lines = para.line_of(top_end) + 1  # the top alone wraps as it does in the paragraph
        if lines > room:
            break
        if lines >= 2:
            fits.append((top_end, start))
    for top_end, start in reversed(fits):
        bottom = para.cut(start, para.end)
        if bottom.height_upto(1) >= 2:
            top = para.cut(para.start, top_end)
            return replace(block, para=top), replace(block, para=bottom, space=0)
    return None


def _content_upto(parts: Sequence[Para], first: int, limit: int) -> int:
    """Content lines in parts[first:] when at most `limit`, else some number above it."""
    total = 0
    for n in range(first, len(parts)):
        if total > limit:
            break
        if parts[n].kind in CONTENT_KINDS:
            total += parts[n].height_upto(limit - total)
    return total


def split_speech(block: Speech, room: int, layout: PageLayout) -> tuple[Speech, Speech] | None:
    """The best legal split of a dialogue block whose top half fits in `room` lines.

    Final Draft (fitted on its output and the fd-probes): at least 2 lines of dialogue or
    parenthetical stay on each page, the lines left for the next page counted on the unsplit
    wrapping; a break after a sentence inside a part (of 3+ lines) beats a break between
    parts; then the fuller top half wins, then the one with more text on top."""
    parts = block.parts
    # (sentence, top height, top characters) -> (part, end of its top, start of its bottom)
    best: tuple[tuple[bool, int, int], tuple[int, int, int]] | None = None
    above = block.cue.height  # lines of the cue and parts[:i]
    content = chars = 0  # content lines and characters in parts[:i]
    for i, part in enumerate(parts):
        counts = part.kind in CONTENT_KINDS
        after = _content_upto(parts, i + 1, 2)
        if part.kind != "parenthetical" and part.height_upto(2) >= 3:
            for top_end, start in part.split_points():
                line = part.line_of(top_end)
                if above + line + 1 > room:
                    return _speech_split(block, best, layout)
                rest = part.height_upto(line + 2) - line - 1 + after
                if content + counts * (line + 1) < 2 or rest < 2:
                    continue
                score = (True, above + line + 1, chars + top_end - part.start)
                if best is None or score > best[0]:
                    best = (score, (i, top_end, start))
        height = part.height_upto(room - above)
        if above + height > room:
            break
        above += height
        content += counts * height
        chars += part.end - part.start
        if i + 1 < len(parts) and content >= 2 and after >= 2:
            score = (False, above, chars)
            if best is None or score > best[0]:
                best = (score, (i, -1, -1))
    return _speech_split(block, best, layout)


def _speech_split(
    block: Speech,
    best: tuple[tuple[bool, int, int], tuple[int, int, int]] | None,
    layout: PageLayout,
) -> tuple[Speech, Speech] | None:
    if best is None:
        return None
    i, top_end, start = best[1]
    parts = block.parts
    if top_end < 0:  # between parts
        top, bottom = list(islice(parts, i + 1)), _Parts((), parts, i + 1)
    else:
        part = parts[i]
        top = [*islice(parts, i), part.cut(part.start, top_end)]
        bottom = _Parts((part.cut(start, part.end),), parts, i + 1)
    cont = _continued(block.cue, layout)
    return replace(block, parts=top), Speech(cont, bottom, 0, block.scene, block.element)


class _Parts(Sequence[Para]):
    """The parts of a speech from `first` on, after `head` (the rest of a part split across
    pages), without copying them: a speech of thousands of parts is split page after page."""

    def __init__(self, head: tuple[Para, ...], parts: Sequence[Para], first: int) -> None:
        self.head: tuple[Para, ...] = head
        self.parts: Sequence[Para] = parts
        self.first = first
        if isinstance(parts, _Parts) and first >= len(parts.head):  # no views of views
            self.parts, self.first = parts.parts, parts.first + first - len(parts.head)

    def __len__(self) -> int:
        return len(self.head) + len(self.parts) - self.first

    @overload
    def __getitem__(self, index: int) -> Para: ...

    @overload
    def __getitem__(self, index: slice) -> list[Para]: ...

    def __getitem__(self, index: int | slice) -> Para | list[Para]:
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        if index < len(self.head):
            return self.head[index]
        return self.parts[self.first + index - len(self.head)]

    def __iter__(self) -> Iterator[Para]:
        yield from self.head
        for n in range(self.first, len(self.parts)):
            yield self.parts[n]


def _continued(cue: Para, layout: PageLayout) -> Para:
    """The cue repeated above the rest of a split speech: NAME (V.O.) (CONT'D)."""
    return replace(cue if cue.suffix else _with_suffix(cue, layout.contd), kind="contd")


def force_split_flow(block: Flow, lines: int) -> tuple[Flow, Flow] | None:
    """A paragraph taller than a page with no sentence to break at: break it after `lines`."""
    para = block.para
    if para.height_upto(lines) <= lines:
        return None
    cut, start = para.span(lines - 1)[1], para.span(lines)[0]
    return (
        replace(block, para=para.cut(para.start, cut)),
        replace(block, para=para.cut(start, para.end), space=0),
    )


def force_split_speech(
    block: Speech, room: int, layout: PageLayout
) -> tuple[Speech, Speech] | None:
    """A dialogue block taller than a page with no legal split: break it at a line."""
    budget = room - block.cue.height
    parts = block.parts
    n = 0
    while n < len(parts) and (height := parts[n].height_upto(budget)) <= budget:
        budget -= height
        n += 1
    top, rest = list(islice(parts, n)), _Parts((), parts, n)
    if rest and budget > 0:
        part = parts[n]
        cut, start = part.span(budget - 1)[1], part.span(budget)[0]
        top.append(part.cut(part.start, cut))
        rest = _Parts((part.cut(start, part.end),), parts, n + 1)
    if not top or not rest:
        return None
    cont = _continued(block.cue, layout)
    return replace(block, parts=top), Speech(cont, rest, 0, block.scene, block.element)
