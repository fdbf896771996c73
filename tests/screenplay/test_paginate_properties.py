"""Pagination invariants on random documents: it always ends, nothing is lost or printed twice,
every line sits inside the page, and headings and transitions are never stranded."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Transition,
)
from writersroom.screenplay.paginate import paginate
from writersroom.screenplay.typeset import visible

WORDS = st.sampled_from(
    [
        "rain",
        "door",
        "Maya",
        "quickly",
        "the",
        "a",
        "light-house",
        "extraordinarily",
        "no",
        "yes",
        "window",
        "Ben",
        "ok",
        "--",
    ]
)
SENTENCE = st.builds(
    lambda w, end: " ".join(w).capitalize() + end,
    st.lists(WORDS, min_size=1, max_size=14),
    st.sampled_from([".", "!", "?"]),
)
TEXT = st.builds(" ".join, st.lists(SENTENCE, min_size=1, max_size=10))
NAME = st.sampled_from(["MAYA", "BEN", "OLD MAN"])
PART = st.one_of(TEXT, st.builds(lambda t: Parenthetical(f"({t[:40]})"), SENTENCE))
SPEECH = st.builds(
    lambda name, parts, ext: Dialogue(name, tuple(parts), ext),
    NAME,
    st.lists(PART, min_size=1, max_size=4),
    st.sampled_from([None, "V.O.", "O.S."]),
)
ELEMENT = st.one_of(
    st.builds(lambda n: SceneHeading(f"INT. ROOM {n} - DAY"), st.integers(1, 99)),
    st.builds(Action, TEXT),
    SPEECH,
    st.builds(
        lambda a, b: [a, Dialogue(b.speaker, b.lines, b.extension, dual=True)], SPEECH, SPEECH
    ),
    st.just(Transition("CUT TO:")),
    st.just(PageBreak()),
)


def flatten(items: list) -> tuple:
    out: list = []
    for item in items:
        out.extend(item if isinstance(item, list) else [item])
    return tuple(out)


def element_words(el) -> list[str]:
    match el:
        case Dialogue():
            words = el.cue.split()
            for line in el.lines:
                words += visible(line.text if isinstance(line, Parenthetical) else line).split()
            return words
        case PageBreak():
            return []
        case Transition() | SceneHeading():
            return el.text.upper().split()
    return visible(el.text).split()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ELEMENT, max_size=18), st.sampled_from([PageLayout(), PageLayout.a4()]))
def test_pagination_invariants(items, layout):
    doc = Screenplay(elements=flatten(items))
    pages = paginate(doc, layout)
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    printed: dict[int, list[str]] = {}
    for page in pages:
        for ln in page.lines:
            if ln.kind == "page_number":
                assert ln.y == -3
            elif ln.kind == "contd":
                assert ln.y == -1
            elif ln.kind == "more":
                assert 0 < ln.y <= layout.body_lines
            else:
                assert 0 <= ln.y < layout.body_lines, ln
                words = ln.text.split()
                if ln.kind == "character":
                    words = [w for w in words if w != "(CONT'D)"]
                printed.setdefault(ln.element, []).extend(words)
    for i, el in enumerate(doc.elements):  # lines may break inside "light-house"
        assert "".join(printed.get(i, [])) == "".join(element_words(el)), (i, el)

    for n, page in enumerate(pages):
        body = sorted((ln for ln in page.body() if ln.y >= 0), key=lambda ln: ln.y)
        if body and n > 0 and body[0].kind == "transition":
            # Only after a forced break, or after something that could not move: it began
            # at the top of the page before, or ran over from it.
            before = doc.elements[body[0].element - 1]
            mine = [ln.y for ln in pages[n - 1].lines if ln.element == body[0].element - 1]
            assert (
                isinstance(before, PageBreak)
                or not mine
                or min(mine) <= 0
                or "more" in {ln.kind for ln in pages[n - 1].lines}
            )
        if body and body[-1].kind == "scene_heading" and n + 1 < len(pages):
            following = doc.elements[body[-1].element + 1 :]  # (a run of headings can)
            assert not following or isinstance(following[0], PageBreak | SceneHeading)
