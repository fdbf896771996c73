"""Pathological inputs parse and print correctly (benchmarks/scaling.py shows that their time
grows linearly; these tests check behaviour only, never time)."""

from __future__ import annotations

import io
import random

from writersroom.screenplay import fountain, html, pdf
from writersroom.screenplay.model import Action, Dialogue, SceneHeading
from writersroom.screenplay.paginate import paginate
from writersroom.screenplay.typeset import visible

WORDS = ["the", "rain", "hammers", "on", "old", "roof", "while", "maya", "counts", "seconds"]


def words(n: int, every: int = 0, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = [rng.choice(WORDS) for _ in range(n)]
    for i in range(every, n, every or n):
        out[i] += "."
    return " ".join(out)


def printed(pages, kinds=("action", "dialogue", "parenthetical")) -> str:
    return " ".join(line.text for page in pages for line in page.lines if line.kind in kinds)


def test_a_paragraph_of_many_pages_breaks_after_sentences_and_loses_no_word():
    text = words(20_000, every=12) + "."
    pages = paginate(fountain.parse(text))
    assert len(pages) > 30
    assert printed(pages).split() == text.split()
    for page in pages[:-1]:
        body = [line for line in page.lines if line.kind == "action"]
        assert 2 <= len(body) <= 54
        assert body[-1].text.endswith(".")  # broken after a sentence


def test_a_paragraph_with_no_sentence_end_breaks_at_the_foot_of_each_page():
    text = words(20_000)
    pages = paginate(fountain.parse(text))
    assert [len(page.body()) for page in pages[:-1]] == [54] * (len(pages) - 1)
    assert printed(pages).split() == text.split()


def test_a_word_with_no_space_is_cut_at_the_column():
    text = "x" * 100_000
    pages = paginate(fountain.parse(text))
    rows = [line.text for page in pages for line in page.body()]
    assert {len(row) for row in rows[:-1]} == {61}
    assert "".join(rows) == text


def test_a_very_long_speech_continues_across_pages_with_more_and_contd():
    doc = fountain.parse("MAYA\n" + words(20_000, every=10) + ".")
    pages = paginate(doc)
    assert len(pages) > 60
    for page in pages[:-1]:
        assert any(line.kind == "more" for line in page.lines)
    for page in pages[1:]:
        assert any(line.kind == "contd" and "(CONT'D)" in line.text for line in page.lines)
    assert printed(pages).split() == " ".join(doc.elements[0].lines).split()


def test_a_speech_of_thousands_of_parentheticals_keeps_every_part_in_order():
    lines = [f"Line {n}." for n in range(3000)]
    doc = fountain.parse("MAYA\n" + "\n(beat)\n".join(lines))
    assert isinstance(doc.elements[0], Dialogue)
    assert len(doc.elements[0].lines) == 5999
    pages = paginate(doc)
    spoken = [line.text for page in pages for line in page.lines if line.kind == "dialogue"]
    assert spoken == lines


def test_thousands_of_emphasis_markers_keep_the_visible_text():
    rng = random.Random(3)
    marks = ("*{}", "{}*", "**{}", "{}**", "_{}", "{}_", "*{}*", "_{}_", "\\*{}", "{}")
    text = " ".join(rng.choice(marks).format(w) for w in words(20_000).split())
    pages = paginate(fountain.parse(text))
    runs = [run for page in pages for line in page.body() for run in line.runs]
    assert (
        " ".join(
            "".join(r.text for r in line.runs) for page in pages for line in page.body()
        ).split()
        == visible(text).split()
    )
    assert any(run.bold for run in runs) and any(run.italic for run in runs)
    assert any(run.underline for run in runs)


def test_unclosed_notes_and_boneyards_stay_printed_text():
    text = " ".join(f"[[{w} /* {w}" for w in words(5_000).split())  # no "*" opens emphasis
    doc = fountain.parse(text)
    assert doc.elements == (Action(text),)
    assert visible(text) == text
    assert printed(paginate(doc)).split() == text.split()
    assert "[[the" in html.render(doc) or "[[rain" in html.render(doc)


def test_runs_of_whitespace_only_lines_join_or_separate_paragraphs_as_before():
    joined = fountain.parse("One.\n" + "  \n" * 10_000 + "Two.")
    assert joined.elements == (Action("One." + "\n" * 10_001 + "Two."),)
    parted = fountain.parse("One.\n" + "  \n" * 5_000 + " \n" + "  \n" * 5_000 + "Two.")
    # 10,001 blank lines: extra blank lines before action are kept as empty Action elements
    assert parted.elements == (Action("One."), *[Action("")] * 5000, Action("Two."))


def test_long_lines_of_spaces_are_not_title_keys_or_scene_numbers():
    doc = fountain.parse("a" + " " * 50_000 + "b\n\nINT. HOUSE" + " " * 50_000 + "#1# x#")
    assert not doc.title_page
    assert doc.elements[1] == SceneHeading("INT. HOUSE" + " " * 50_000 + "#1# x#")
    assert fountain.parse("INT. HOUSE" + " " * 50_000 + "#12A#").elements == (
        SceneHeading("INT. HOUSE", "12A"),
    )
    assert fountain.parse("Title" + " " * 50_000 + ": Rain").title_page[0].key == "Title"


def test_many_empty_actions_round_trip():
    doc = fountain.parse("Rain.\n" + "\n" * 20_000 + "Sun.")
    assert len(doc.elements) > 5000
    assert fountain.parse(fountain.render(doc)) == doc


def test_a_hostile_script_still_makes_a_pdf():
    text = (
        "INT. HOUSE - DAY\n\n"
        + words(3000, every=9)
        + "\n\nMAYA\n"
        + "x" * 5000
        + "\n\n"
        + "*_" * 2000
    )
    out = io.BytesIO()
    pdf.render(fountain.parse(text), out)
    assert out.getvalue().startswith(b"%PDF-")
