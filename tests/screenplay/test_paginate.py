"""Pagination on hand-built documents: spacing, page breaks, headings, action and page furniture.

Line arithmetic used throughout: a page has 54 body lines (y = 0..53); a one-line action after
another one costs 2 lines (1 blank + 1 text), so `n` filler actions end on y = 2n - 2.
"""

from __future__ import annotations

from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.model import (
    Action,
    Boneyard,
    Dialogue,
    Note,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    Transition,
)
from writersroom.screenplay.paginate import Page, page_count, paginate, scene_spans
from writersroom.screenplay.typeset import wrap


def doc(*elements, title=()) -> Screenplay:
    return Screenplay(tuple(title), tuple(elements))


def filler(n: int, start: int = 0) -> list[Action]:
    return [Action(f"Filler line {start + i}.") for i in range(n)]


def lines(page: Page, *kinds: str) -> list[tuple[int, str, str]]:
    wanted = kinds or (
        "scene_heading",
        "action",
        "centered",
        "character",
        "parenthetical",
        "dialogue",
        "lyrics",
        "transition",
    )
    return [
        (ln.y, ln.kind, ln.text)
        for ln in sorted(page.lines, key=lambda ln: (ln.y, ln.x))
        if ln.kind in wanted
    ]


def test_spacing_before_each_kind_of_paragraph():
    pages = paginate(
        doc(
            SceneHeading("INT. KITCHEN - NIGHT"),
            Action("Rain on the window."),
            Dialogue("MAYA", ("Is it late?",)),
            Action("No answer."),
            SceneHeading("EXT. PORCH - NIGHT"),
            Transition("CUT TO:"),
        )
    )
    assert lines(pages[0]) == [
        (0, "scene_heading", "INT. KITCHEN - NIGHT"),  # the 2 blank lines before it drop at top
        (2, "action", "Rain on the window."),
        (4, "character", "MAYA"),
        (5, "dialogue", "Is it late?"),
        (7, "action", "No answer."),
        (10, "scene_heading", "EXT. PORCH - NIGHT"),  # 2 blank lines before a heading
        (12, "transition", "CUT TO:"),
    ]


def test_columns_and_alignment():
    page = paginate(
        doc(
            Action("Rain."),
            Dialogue("MAYA", (Parenthetical("(quietly)"), "Go.")),
            Transition("cut to:"),
            Action("THE END", centered=True),
        )
    )[0]
    x = {ln.text: ln.x for ln in page.lines}
    assert x["Rain."] == 1.5
    assert x["MAYA"] == 3.5
    assert x["(quietly)"] == 2.9  # "(" hangs one cell left of 3.0
    assert x["Go."] == 2.5
    assert x["CUT TO:"] == 6.4  # upper-cased, right-aligned at 7.1
    assert x["THE END"] == 4.15  # centred on the 1.5 - 7.5 column


def test_page_count_and_page_numbers():
    assert page_count(doc(*filler(27))) == 1  # y = 0..52
    pages = paginate(doc(*filler(28)))
    assert len(pages) == 2
    assert [p.number for p in pages] == [1, 2]
    assert lines(pages[1]) == [(0, "action", "Filler line 27.")]  # blank line dropped at top
    assert not lines(pages[0], "page_number")  # none on page 1
    (number,) = [ln for ln in pages[1].lines if ln.kind == "page_number"]
    assert (number.y, number.text) == (-3, "2.")
    assert abs(number.x + 2 * 0.1 - 7.25) < 1e-9  # "2." ends at 7.25 in
    assert page_count(doc(*filler(54))) == 2


def test_unprinted_elements_take_no_room():
    pages = paginate(
        doc(
            Section("Act one"),
            Synopsis("She waits."),
            Note("fix"),
            Boneyard("cut"),
            Action("Rain."),
        )
    )
    assert [(ln.y, ln.text) for ln in pages[0].lines] == [(0, "Rain.")]
    assert paginate(doc()) == []


def test_scene_heading_is_never_last_on_a_page():
    # 26 fillers end on y = 50; the heading would land on 53 with no room for what follows.
    pages = paginate(doc(*filler(26), SceneHeading("INT. ATTIC - DAY"), Action("Dust.")))
    assert lines(pages[0])[-1] == (50, "action", "Filler line 25.")
    assert lines(pages[1]) == [(0, "scene_heading", "INT. ATTIC - DAY"), (2, "action", "Dust.")]


def test_scene_heading_stays_when_part_of_the_next_block_fits():
    long_action = Action(" ".join(f"Sentence number {i} is here." for i in range(20)))
    assert len(wrap(long_action.text, 61)) == 10
    # 22 fillers end on y = 42; heading at 45, action from 47: 7 lines of room.
    pages = paginate(doc(*filler(22), SceneHeading("INT. ATTIC - DAY"), long_action))
    assert (45, "scene_heading", "INT. ATTIC - DAY") in lines(pages[0])
    assert lines(pages[0])[-1][0] == 53


def test_action_splits_after_a_sentence_with_two_lines_each_side():
    text = (
        "Maya climbs the stairs two at a time and stops at the landing. "
        "The door at the end of the hall is open a crack. "
        "Light spills across the floorboards like water. "
        "She listens. "
        "Somewhere below, a kettle starts to whistle and then stops, as if someone "
        "lifted it off the stove in a hurry."
    )
    assert len(wrap(text, 61)) == 5
    # 25 fillers end on y = 48: the action starts at 50, four lines of room (50..53).
    pages = paginate(doc(*filler(25), Action(text)))
    top = [t for y, kind, t in lines(pages[0]) if y >= 50]
    bottom = [t for _, _, t in lines(pages[1])]
    assert 2 <= len(top) <= 4 and len(bottom) >= 2
    assert top[-1].endswith(".")  # ends on a sentence
    assert " ".join(top + bottom).split() == text.split()  # nothing lost or repeated
    assert lines(pages[1])[0][0] == 0


def test_action_moves_whole_when_a_split_would_leave_one_line():
    text = (
        "One long sentence that keeps going without any full stop in it at all, "
        "rolling over the edge of the line and on to the next one and the next. Then more."
    )
    assert len(wrap(text, 61)) == 3
    pages = paginate(doc(*filler(26), Action(text)))  # room for 2 lines only (52, 53)
    assert all(y <= 50 for y, _, _ in lines(pages[0]))
    assert [t for _, _, t in lines(pages[1])] == [text[a:b].rstrip() for a, b in wrap(text, 61)]


def test_transition_never_starts_a_page():
    # The speech ends on 53 exactly; CUT TO: cannot follow on this page, so the speech moves
    # to the next page with it.
    pages = paginate(doc(*filler(26), Dialogue("MAYA", ("Go.",)), Transition("CUT TO:")))
    assert lines(pages[1]) == [
        (0, "character", "MAYA"),
        (1, "dialogue", "Go."),
        (3, "transition", "CUT TO:"),
    ]
    assert lines(pages[0])[-1][1] == "action"


def test_forced_page_break_and_no_empty_pages():
    pages = paginate(doc(PageBreak(), Action("One."), PageBreak(), PageBreak(), Action("Two.")))
    assert [lines(p) for p in pages] == [[(0, "action", "One.")], [(0, "action", "Two.")]]


def test_title_page_is_its_own_unnumbered_page():
    title = (
        TitleField("Title", "The Long Night"),
        TitleField("Credit", "written by"),
        TitleField("Author", "Ana Ruiz"),
        TitleField("Source", "from a story by Lee"),
        TitleField("Contact", "ana@example.com\n555 0100"),
        TitleField("Draft date", "May 2025"),
        TitleField("Tags", "noir"),
    )
    pages = paginate(doc(Action("Rain."), title=title))
    assert [p.number for p in pages] == [None, 1]
    assert pages[0].is_title
    placed = {ln.text: ln for ln in pages[0].lines}
    assert [
        placed[t].y for t in ("THE LONG NIGHT", "written by", "Ana Ruiz", "from a story by Lee")
    ] == [18, 22, 24, 29]
    assert placed["THE LONG NIGHT"].runs[0].bold and placed["THE LONG NIGHT"].runs[0].underline
    assert abs(placed["written by"].x + 0.5 - 4.25) < 1e-9  # centred
    assert (placed["ana@example.com"].y, placed["555 0100"].y) == (52, 53)
    assert placed["ana@example.com"].x == 1.5
    assert placed["May 2025"].y == 53 and abs(placed["May 2025"].x + 0.8 - 7.5) < 1e-9
    assert "noir" not in placed  # metadata, not printed
    assert not [ln for ln in pages[1].lines if ln.kind == "page_number"]


def test_scene_numbers_in_both_margins():
    layout = PageLayout(scene_numbers="both")
    page = paginate(
        doc(SceneHeading("INT. A - DAY", number="12A"), Action("x."), SceneHeading("INT. B - DAY")),
        layout,
    )[0]
    numbers = [(ln.y, round(ln.x, 2), ln.text) for ln in page.lines if ln.kind == "scene_number"]
    assert numbers == [(0, 0.75, "12A"), (0, 7.08, "12A"), (5, 0.75, "2"), (5, 7.28, "2")]
    left_only = paginate(doc(SceneHeading("INT. A - DAY")), PageLayout(scene_numbers="left"))
    assert [ln.x for ln in left_only[0].lines if ln.kind == "scene_number"] == [0.75]
    assert not [
        ln
        for ln in paginate(doc(SceneHeading("INT. A - DAY")))[0].lines
        if ln.kind == "scene_number"
    ]


def test_a4_fits_more_lines_than_letter():
    script = doc(*filler(56))
    assert page_count(script) == 3  # 27 + 27 + 2
    a4 = paginate(script, PageLayout.a4())
    assert len(a4) == 2  # 29 + 27
    assert lines(a4[0])[-1] == (56, "action", "Filler line 28.")


def test_emphasis_and_notes_in_placed_lines():
    page = paginate(doc(Action("She **runs**. [[fix this]] _Fast_.")))[0]
    (line,) = page.lines
    assert line.text == "She runs.  Fast."
    assert [(r.text, r.bold, r.underline) for r in line.runs] == [
        ("She ", False, False),
        ("runs", True, False),
        (".  ", False, False),
        ("Fast", False, True),
        (".", False, False),
    ]


def test_each_line_names_its_element_and_scene():
    script = doc(
        Action("Before."),
        SceneHeading("INT. A - DAY"),
        Dialogue("MAYA", ("Hi.", "Bye.")),
        SceneHeading("INT. B - DAY"),
    )
    page = paginate(script)[0]
    got = [(ln.text, ln.element, ln.scene, ln.part) for ln in page.lines]
    assert got == [
        ("Before.", 0, -1, -1),
        ("INT. A - DAY", 1, 0, -1),
        ("MAYA", 2, 0, -1),
        ("Hi.", 2, 0, 0),
        ("Bye.", 2, 0, 1),
        ("INT. B - DAY", 3, 1, -1),
    ]


def test_scene_spans_give_page_and_eighths():
    script = doc(
        SceneHeading("INT. A - DAY"), *filler(5), SceneHeading("INT. B - DAY"), *filler(40, 5)
    )
    pages = paginate(script)
    spans = scene_spans(pages)
    assert [(s.scene, s.element, s.page) for s in spans] == [(0, 0, 1), (1, 6, 1)]
    assert spans[0].lines == 13  # heading at 0, next heading at 13
    assert spans[0].eighths == 2  # 13 / 54 of a page
    assert spans[1].page == 1 and spans[1].eighths >= 8
    assert sum(s.lines for s in spans) == 54 + lines(pages[-1])[-1][0] + 1


def test_a_block_taller_than_a_page_still_breaks():
    words = " ".join(["word"] * 900)  # no sentence end anywhere
    pages = paginate(doc(Action(words)))
    assert len(pages) >= 2
    assert sum(len(lines(p)) for p in pages) == len(wrap(words, 61))
