"""PDF import: our own PDFs read back into the same elements; furniture dropped; clear errors."""

from __future__ import annotations

import io
import re

import pytest
from reportlab.pdfgen.canvas import Canvas

from writersroom.errors import FormatError
from writersroom.screenplay import pdf, pdf_import
from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Element,
    Parenthetical,
    SceneHeading,
    Screenplay,
    TitleField,
    Transition,
)

LONG_SPEECH = " ".join(
    f"Sentence {word} of the captain's long speech about the crossing."
    for word in (
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    )
)

SCRIPT = Screenplay(
    title_page=(
        TitleField("Title", "Night Ferry"),
        TitleField("Credit", "written by"),
        TitleField("Author", "Ana Ruiz"),
        TitleField("Contact", "ana@example.com"),
        TitleField("Draft date", "May 2025"),
    ),
    elements=(
        SceneHeading("EXT. HARBOUR - NIGHT", number="1"),
        Action("Fog rolls over the water. A ferry horn sounds, long and low."),
        Action("One line.\nAnother line, on purpose."),
        Dialogue("MAYA", ("Is that the last boat?",)),
        Dialogue(
            "CAPTAIN",
            (Parenthetical("(not looking up)"), "It's the only boat.\nTickets are **cash** only."),
        ),
        Action("Maya counts her coins. _Not enough._"),
        Dialogue("MAYA", ("Then I'll swim.",), extension="O.S."),
        Transition("CUT TO:"),
        SceneHeading("INT. FERRY - CABIN - NIGHT", number="2A"),
        Action(
            "A lamp swings. Maya sits by the window, wet to the knees, and the CAPTAIN "
            "stands over her with a blanket."
        ),
        Dialogue("CAPTAIN", (LONG_SPEECH,)),
        Dialogue("MAYA", ("Thank you.",)),
        Dialogue("CAPTAIN", ("Don't.",), dual=True),
        Action("THE END", centered=True),
    ),
)


def exported(doc: Screenplay, layout: PageLayout | None = None) -> bytes:
    out = io.BytesIO()
    pdf.render(doc, out, layout or PageLayout(scene_numbers="both"))
    return out.getvalue()


def squash(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def normal(el: Element) -> Element:
    """The element with runs of spaces made single (a PDF only keeps them inside a line)."""
    match el:
        case Dialogue():
            lines = tuple(
                Parenthetical(squash(line.text))
                if isinstance(line, Parenthetical)
                else squash(line)
                for line in el.lines
            )
            return Dialogue(el.speaker, lines, el.extension, el.dual)
        case Action():
            return Action(squash(el.text), el.centered)
        case SceneHeading():
            return SceneHeading(squash(el.text), el.number)
    return el


def test_round_trip_of_our_own_pdf_gives_the_same_elements():
    data = exported(SCRIPT)
    back = pdf_import.parse(data)
    assert [normal(e) for e in back.elements] == [normal(e) for e in SCRIPT.elements]


def test_the_test_script_really_crosses_pages_and_carries_furniture():
    text = "\n".join(
        p.extract_text() for p in __import__("pdfplumber").open(io.BytesIO(exported(SCRIPT))).pages
    )
    assert "(MORE)" in text and "CAPTAIN (CONT'D)" in text  # the long speech splits
    assert re.search(r"^2\.$", text, re.MULTILINE)  # a page number
    assert "MAYA CAPTAIN (CONT'D)" in text  # an automatic continued


def test_title_page_comes_back_as_keys():
    back = pdf_import.parse(exported(SCRIPT))
    fields = {f.key: f.value.replace("*", "").replace("_", "") for f in back.title_page}
    assert fields == {
        "Title": "NIGHT FERRY",
        "Credit": "written by",
        "Author": "Ana Ruiz",
        "Contact": "ana@example.com",
        "Draft date": "May 2025",
    }


def test_a4_and_plain_layouts_read_back_too():
    plain = Screenplay(elements=SCRIPT.elements[:8])
    for layout in (PageLayout.a4(), PageLayout()):
        back = pdf_import.parse(exported(plain, layout))
        expected = [
            normal(SceneHeading(e.text)) if isinstance(e, SceneHeading) else normal(e)
            for e in plain.elements
        ]
        assert [normal(e) for e in back.elements] == expected


def test_a_scanned_pdf_without_text_is_a_clear_error():
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.rect(100, 100, 300, 400, fill=1)  # a "scan": marks on the page, no text
    canvas.showPage()
    canvas.save()
    with pytest.raises(FormatError, match="no text layer"):
        pdf_import.parse(out.getvalue())


def test_bytes_that_are_not_a_pdf():
    with pytest.raises(FormatError, match="not a PDF"):
        pdf_import.parse(b"INT. HOUSE - DAY\n\nNot a PDF at all.")
    with pytest.raises(FormatError, match="not a PDF"):
        pdf_import.parse(b"")
    with pytest.raises(FormatError, match="cannot read the PDF"):
        pdf_import.parse(exported(SCRIPT)[:400])  # truncated


def test_the_input_bytes_are_not_changed():
    data = exported(SCRIPT)
    copy = bytes(data)
    pdf_import.parse(data)
    assert data == copy
