"""Revision marks in the PDF: an asterisk in the right margin of changed lines, the revision set
and its date in the header of a page that has them."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber

from writersroom.llm.fake import FakeBackend
from writersroom.revise import revise
from writersroom.screenplay import fountain, pdf

SCRIPT = (Path(__file__).parent / "rain.fountain").read_text(encoding="utf-8")


def words(doc) -> list[list[dict]]:
    buffer = io.BytesIO()
    pdf.render(doc, buffer)
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as document:
        return [page.extract_words() for page in document.pages]


def test_changed_lines_carry_an_asterisk_and_the_page_names_the_revision() -> None:
    doc = fountain.parse(SCRIPT)
    out = revise(doc, "make scene 2 happen at night", FakeBackend(), date="2026-12-04")
    page = words(out)[-1]
    stars = [w for w in page if w["text"] == "*"]
    assert len(stars) == 1 and abs(stars[0]["x0"] - 7.75 * 72) < 2
    heading = next(w for w in page if w["text"] == "DINER")
    assert abs(stars[0]["top"] - heading["top"]) < 2  # on the changed line
    text = " ".join(w["text"] for w in page)
    assert "Blue Revision (2026-12-04)" in text


def test_unrevised_scripts_have_no_marks() -> None:
    page = words(fountain.parse(SCRIPT))[-1]
    assert not [w for w in page if w["text"] in ("*", "Revision")]
