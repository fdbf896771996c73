"""An FDX file's own element settings: read into a PageLayout, honoured by pagination and PDF,
written back."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from writersroom.screenplay import fdx, fountain
from writersroom.screenplay.fdx_settings import settings_xml
from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.model import Action, PageBreak
from writersroom.screenplay.paginate import paginate
from writersroom.screenplay.typeset import BOLD, UNDERLINE

SHARED = Path(__file__).resolve().parents[3] / "shared" / "fixtures"

# A multicam sitcom's template: double-spaced dialogue, underlined bold headings, acts that start
# a new page, centred and underlined.
MULTICAM = """<?xml version="1.0" encoding="UTF-8"?>
<FinalDraft DocumentType="Script" Template="No" Version="4">
  <Content>
    <Paragraph Type="Scene Heading"><Text>INT. BAR - NIGHT</Text></Paragraph>
    <Paragraph Type="Character"><Text>SAM</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Everybody knows your name here, and that is the
 whole point of the place, Norm.</Text></Paragraph>
    <Paragraph Type="New Act"><Text>ACT TWO</Text></Paragraph>
    <Paragraph Type="Action"><Text>Later.</Text></Paragraph>
  </Content>
  <ElementSettings Type="Scene Heading">
    <FontSpec Font="Courier Final Draft" Size="12" Style="Bold+Underline+AllCaps"/>
    <ParagraphSpec Alignment="Left" LeftIndent="1.50" RightIndent="7.50" SpaceBefore="12"
      Spacing="1" StartsNewPage="No"/>
  </ElementSettings>
  <ElementSettings Type="Dialogue">
    <FontSpec Font="Courier Final Draft" Size="12" Style=""/>
    <ParagraphSpec Alignment="Left" LeftIndent="2.25" RightIndent="5.75" SpaceBefore="0"
      Spacing="2" StartsNewPage="No"/>
  </ElementSettings>
  <ElementSettings Type="New Act">
    <FontSpec Font="Courier Final Draft" Size="12" Style="Bold+Underline+AllCaps"/>
    <ParagraphSpec Alignment="Center" LeftIndent="1.50" RightIndent="7.50" SpaceBefore="0"
      Spacing="1" StartsNewPage="Yes"/>
  </ElementSettings>
  <PageLayout BottomMargin="72" TopMargin="72"><PageSize Height="11.69" Width="8.26"/></PageLayout>
</FinalDraft>
"""


def test_the_settings_become_the_documents_layout() -> None:
    doc = fdx.parse(MULTICAM)
    layout = doc.layout
    assert layout is not None
    assert layout.paper == "a4" and layout.body_lines == 58
    heading = layout.scene_heading
    assert (heading.bold, heading.underline, heading.caps, heading.space_before) == (
        True,
        True,
        True,
        1,
    )
    dialogue = layout.dialogue
    assert (dialogue.left, dialogue.right, dialogue.spacing) == (2.25, 5.75, 2)
    assert dialogue.cells == PageLayout().dialogue.cells  # the same width, moved left
    assert layout.character == PageLayout().character  # not in the file: Final Draft's


def test_pagination_and_pdf_honour_them() -> None:
    doc = fdx.parse(MULTICAM)
    page = paginate(doc)[0]
    heading = next(ln for ln in page.lines if ln.kind == "scene_heading")
    assert all(r.flags & BOLD and r.flags & UNDERLINE for r in heading.runs if r.text.strip())
    said = [ln for ln in page.lines if ln.kind == "dialogue" and ln.text.strip()]
    assert len(said) >= 2
    assert [ln.y - said[0].y for ln in said] == [2 * n for n in range(len(said))]
    assert {ln.x for ln in said} == {2.25}
    # The default layout, asked for, still wins.
    plain = paginate(doc, PageLayout())[0]
    said = [ln for ln in plain.lines if ln.kind == "dialogue" and ln.text.strip()]
    assert [ln.y - said[0].y for ln in said] == list(range(len(said)))
    pytest.importorskip("reportlab")
    from writersroom.screenplay import pdf

    out = io.BytesIO()
    pdf.render(doc, out)
    assert out.getvalue().startswith(b"%PDF-")


def test_acts_start_a_page_centred_and_underlined() -> None:
    doc = fdx.parse(MULTICAM)
    act = doc.elements.index(next(e for e in doc.elements if "ACT TWO" in getattr(e, "text", "")))
    assert isinstance(doc.elements[act - 1], PageBreak)
    assert doc.elements[act] == Action("_**ACT TWO**_", centered=True)
    pages = paginate(doc)
    assert len(pages) == 2 and pages[1].lines[0].text == "ACT TWO"


def test_settings_are_written_back_and_read_again() -> None:
    doc = fdx.parse(MULTICAM)
    again = fdx.parse(fdx.render(doc))
    assert again.layout == doc.layout and again.elements == doc.elements
    plain = fountain.parse("INT. BAR - NIGHT\n\nSAM\nHi.\n")
    assert fdx.parse(fdx.render(plain)).layout is None  # Final Draft 11's own: no layout
    a4 = replace(PageLayout.a4(), dialogue=replace(PageLayout().dialogue, spacing=2))
    assert fdx.parse(fdx.render(replace(plain, layout=a4))).layout == a4
    assert 'Type="Dialogue"' in settings_xml(a4) and 'Spacing="2"' in settings_xml(a4)


def test_a_double_spaced_speech_is_longer_and_still_splits() -> None:
    speech = " ".join(f"Line {n} of a long speech goes on." for n in range(60))
    doc = fountain.parse(f"INT. BAR - NIGHT\n\nSAM\n{speech}\n")
    double = replace(PageLayout(), dialogue=replace(PageLayout().dialogue, spacing=2))
    single, twice = paginate(doc), paginate(doc, double)
    assert len(twice) > len(single)
    for page in twice:
        assert max(ln.y for ln in page.lines) < double.body_lines + 1  # (MORE) may sit below
        assert any(ln.kind == "dialogue" and ln.text.strip() for ln in page.lines)


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/fixtures")
def test_the_shared_settings_fixture() -> None:
    doc = fdx.parse(
        (SHARED / "jumpcut-final-draft/fdx-import/settings-normalized.fdx").read_bytes()
    )
    assert doc.layout is not None
    assert doc.layout.dialogue.spacing == 2 and doc.layout.paper == "a4"
    assert doc.layout.bottom_margin == pytest.approx(1.2)
    assert doc.layout.character.right == 6.25
