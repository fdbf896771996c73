"""PDF export: read the produced PDFs back with pdfplumber and check what a reader would see."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from writersroom.screenplay import pdf
from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Parenthetical,
    SceneHeading,
    Screenplay,
    TitleField,
    Transition,
)

TITLE = (
    TitleField("Title", "Night Ferry"),
    TitleField("Credit", "written by"),
    TitleField("Author", "Ana Ruiz"),
    TitleField("Draft date", "May 2025"),
)


def render(doc: Screenplay, layout: PageLayout | None = None) -> bytes:
    out = io.BytesIO()
    pdf.render(doc, out, layout)
    return out.getvalue()


def words(page) -> list[dict]:
    return page.extract_words(keep_blank_chars=True, extra_attrs=["fontname", "size"])


def filler(n: int) -> list[Action]:
    return [Action(f"Filler line {i}.") for i in range(n)]


def test_a_pdf_with_courier_prime_at_twelve_points():
    data = render(Screenplay(elements=(SceneHeading("INT. FERRY - NIGHT"), Action("Fog."))))
    assert data.startswith(b"%PDF-")
    with pdfplumber.open(io.BytesIO(data)) as doc:
        assert len(doc.pages) == 1
        page = doc.pages[0]
        assert (page.width, page.height) == (612, 792)
        found = words(page)
        assert [w["text"] for w in found] == ["INT. FERRY - NIGHT", "Fog."]
        assert all("CourierPrime" in w["fontname"] and w["size"] == 12 for w in found)
        heading, action = found
        assert heading["x0"] / 72 == pytest.approx(1.5, abs=0.01)
        assert heading["top"] / 72 == pytest.approx(1.0, abs=0.02)  # first body line
        assert (action["top"] - heading["top"]) / 72 == pytest.approx(2 / 6, abs=0.01)


def test_columns_land_where_final_draft_puts_them():
    doc = Screenplay(
        elements=(Dialogue("MAYA", (Parenthetical("(softly)"), "Go home.")), Transition("CUT TO:"))
    )
    with pdfplumber.open(io.BytesIO(render(doc))) as opened:
        x = {w["text"]: (w["x0"] / 72, w["x1"] / 72) for w in words(opened.pages[0])}
    assert x["MAYA"][0] == pytest.approx(3.5, abs=0.01)
    assert x["(softly)"][0] == pytest.approx(2.9, abs=0.01)
    assert x["Go home."][0] == pytest.approx(2.5, abs=0.01)
    assert x["CUT TO:"][1] == pytest.approx(7.1, abs=0.02)  # right-aligned


def test_page_numbers_top_right_from_page_two_and_a_title_page():
    doc = Screenplay(TITLE, tuple(filler(40)))
    with pdfplumber.open(io.BytesIO(render(doc))) as opened:
        assert len(opened.pages) == 3
        title_text = opened.pages[0].extract_text()
        assert "NIGHT FERRY" in title_text and "Ana Ruiz" in title_text
        assert "Filler" not in title_text
        first = words(opened.pages[1])
        assert not [w for w in first if w["text"].endswith(".") and w["top"] < 60]
        (number,) = [w for w in words(opened.pages[2]) if w["top"] < 60]
        assert number["text"] == "2."
        assert number["x1"] / 72 == pytest.approx(7.25, abs=0.02)
        assert number["top"] / 72 == pytest.approx(0.5, abs=0.02)
        assert opened.metadata["Title"] == "Night Ferry"
        assert opened.metadata["Author"] == "Ana Ruiz"


def test_more_and_contd_are_printed_around_a_split_speech():
    text = " ".join(f"Sentence {i} of a long speech." for i in range(40))
    doc = Screenplay(elements=(*filler(20), Dialogue("MAYA", (text,), extension="V.O.")))
    with pdfplumber.open(io.BytesIO(render(doc))) as opened:
        one, two = (p.extract_text() for p in opened.pages)
    assert one.splitlines()[-1] == "(MORE)"
    assert "MAYA (V.O.) (CONT'D)" in two.splitlines()[:2]


def test_emphasis_uses_the_bold_and_italic_faces_and_draws_underlines():
    doc = Screenplay(elements=(Action("**Bold** *italic* ***both*** _under_"),))
    with pdfplumber.open(io.BytesIO(render(doc))) as opened:
        page = opened.pages[0]
        faces = {
            w["text"]: w["fontname"].split("+")[-1]
            for w in page.extract_words(extra_attrs=["fontname"])
        }
        assert faces == {
            "Bold": "CourierPrime-Bold",
            "italic": "CourierPrime-Italic",
            "both": "CourierPrime-BoldItalic",
            "under": "CourierPrime",
        }
        (rule,) = page.lines
        (under,) = [w for w in page.extract_words() if w["text"] == "under"]
        assert rule["x0"] == pytest.approx(under["x0"], abs=0.5)
        assert rule["x1"] == pytest.approx(under["x1"], abs=1)
        assert under["bottom"] - 4 < rule["top"] < under["bottom"] + 2


def test_a4_paper():
    with pdfplumber.open(
        io.BytesIO(render(Screenplay(elements=(Action("Fog."),)), PageLayout.a4()))
    ) as opened:
        page = opened.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)


def test_scene_numbers_in_both_margins():
    doc = Screenplay(elements=(SceneHeading("INT. FERRY - NIGHT", number="7"),))
    layout = PageLayout(scene_numbers="both")
    with pdfplumber.open(io.BytesIO(render(doc, layout))) as opened:
        found = {(w["text"], round(w["x0"] / 72, 2)) for w in words(opened.pages[0])}
    assert ("7", 0.75) in found and ("7", 7.28) in found


def faces(data: bytes) -> set[str]:
    with pdfplumber.open(io.BytesIO(data)) as opened:
        assert opened.pages[0].extract_text() == "Plain bold"
        return {w["fontname"] for w in opened.pages[0].extract_words(extra_attrs=["fontname"])}


def test_falls_back_to_base14_courier_without_the_bundled_fonts(monkeypatch):
    monkeypatch.setattr(pdf, "_bundled", None)
    monkeypatch.setattr(pdf, "FONT_DIR", "no-such-folder")
    assert faces(render(Screenplay(elements=(Action("Plain **bold**"),)))) == {
        "Courier",
        "Courier-Bold",
    }


def test_base14_courier_on_request():
    data = render(Screenplay(elements=(Action("Plain **bold**"),)), PageLayout(font="Courier"))
    assert faces(data) == {"Courier", "Courier-Bold"}


def test_non_ascii_text_and_an_empty_script():
    doc = Screenplay(elements=(Dialogue("ÉTIENNE", ("Ça va, 黒澤?",)),))
    with pdfplumber.open(io.BytesIO(render(doc))) as opened:
        assert "ÉTIENNE" in opened.pages[0].extract_text()
    with pdfplumber.open(io.BytesIO(render(Screenplay()))) as opened:
        assert len(opened.pages) == 1
        assert opened.pages[0].extract_text() == ""


def test_render_writes_to_a_real_file(tmp_path):
    path = tmp_path / "script.pdf"
    with path.open("wb") as handle:
        pdf.render(Screenplay(elements=(Action("Fog."),)), handle)
    with pdfplumber.open(path) as opened:
        assert opened.pages[0].extract_text() == "Fog."
