"""FDX reading and writing: styled runs, dual dialogue, scene numbers, page breaks, title page,
notes, unknown types and broken files."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET

import pytest
from fountain_strategies import fountain_text
from hypothesis import assume, given, settings

from writersroom.errors import FormatError
from writersroom.screenplay import fdx, fountain
from writersroom.screenplay.markup import visible
from writersroom.screenplay.model import (
    Action,
    Boneyard,
    Dialogue,
    Lyrics,
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

MINIMAL = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="5">
  <Content>
    <Paragraph Type="Scene Heading" Number="1">
      <SceneProperties Length="1/8" Page="1" Title=""><SceneArcBeats><CharacterArcBeat Name="X">
        <Paragraph Type="Action"><Text>not part of the script</Text></Paragraph>
      </CharacterArcBeat></SceneArcBeats></SceneProperties>
      <Text>INT. HOUSE - DAY</Text>
    </Paragraph>
    <Paragraph Type="Action"><Text>Bob enters. He is </Text><Text Style="Italic">very</Text>
      <Text> tired.</Text></Paragraph>
    <Paragraph Type="Character"><Text>BOB (V.O.)</Text></Paragraph>
    <Paragraph Type="Parenthetical"><Text>(quietly)</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Hello.</Text></Paragraph>
    <Paragraph><DualDialogue>
      <Paragraph Type="Character"><Text>ALICE</Text></Paragraph>
      <Paragraph Type="Dialogue"><Text>Hi!</Text></Paragraph>
      <Paragraph Type="Character"><Text>CAROL</Text></Paragraph>
      <Paragraph Type="Dialogue"><Text>Hey!</Text></Paragraph>
    </DualDialogue></Paragraph>
    <Paragraph Type="Transition"><Text>CUT TO:</Text></Paragraph>
    <Paragraph Type="Action" Alignment="Center" StartsNewPage="Yes"><Text>THE END</Text></Paragraph>
  </Content>
  <TitlePage><Content>
    <Paragraph Alignment="Center"><Text Style="AllCaps+Underline">My Title</Text></Paragraph>
    <Paragraph Alignment="Center"><Text>Written by</Text></Paragraph>
    <Paragraph Alignment="Center"><Text>Jane Writer</Text></Paragraph>
    <Paragraph Alignment="Left"><Text>jane@example.com</Text></Paragraph>
  </Content></TitlePage>
</FinalDraft>
"""


def test_minimal_document_reads_completely() -> None:
    doc, warnings = fdx.parse_with_warnings(MINIMAL)
    assert warnings == []
    assert doc.elements == (
        SceneHeading("INT. HOUSE - DAY", "1"),
        Action("Bob enters. He is *very* tired."),
        Dialogue("BOB", (Parenthetical("(quietly)"), "Hello."), "V.O."),
        Dialogue("ALICE", ("Hi!",)),
        Dialogue("CAROL", ("Hey!",), dual=True),
        Transition("CUT TO:"),
        PageBreak(),
        Action("THE END", centered=True),
    )
    assert doc.title_page == (
        TitleField("Title", "_My Title_"),
        TitleField("Credit", "Written by"),
        TitleField("Author", "Jane Writer"),
        TitleField("Contact", "jane@example.com"),
    )


def test_styles_become_fountain_emphasis_and_literal_markers_are_escaped() -> None:
    runs = [("a ", 0), ("b", 1), (" ", 0), ("c", 3), (" ", 0), ("d", 4), (" 2*3*4 x_y_z", 0)]
    assert fdx.runs_to_markup(runs) == "a **b** ***c*** _d_ 2\\*3\\*4 x\\_y\\_z"
    assert fdx.runs_to_markup([("jane_doe@example.com", 0)]) == "jane_doe@example.com"


def test_styled_runs_survive_a_round_trip() -> None:
    doc = Screenplay((), (Action("He is **very** _tired_, *truly*."),))
    xml = fdx.render(doc)
    assert '<Text Style="Bold">very</Text>' in xml
    assert '<Text Style="Underline">tired</Text>' in xml
    assert fdx.parse(xml) == doc


def test_every_element_type_round_trips() -> None:
    doc = Screenplay(
        (
            TitleField("Title", "X"),
            TitleField("Author", "Y"),
            TitleField("Draft date", "Z"),
            TitleField("Contact", "C\nD"),
            TitleField("Copyright", "(c) 2026"),
        ),
        (
            Section("ACT I", 1),
            Section("Seq", 2),
            Synopsis("Setup."),
            SceneHeading("INT. A - DAY", "3A"),
            Action(""),
            Action("Two\n\nlines"),
            Dialogue("A", ("Hi",)),
            Dialogue("B", ("Yo", Parenthetical("(beat)"), "~la la"), "O.S.", dual=True),
            Lyrics("Sing\nout"),
            Note("Fix this."),
            Boneyard(" cut "),
            PageBreak(),
            Transition("CUT TO:"),
            Action("END", centered=True),
            PageBreak(),
        ),
    )
    assert fdx.parse(fdx.render(doc)) == doc


def test_rendered_file_carries_final_draft_settings() -> None:
    root = ET.fromstring(fdx.render(Screenplay((), (Action("x"),))))
    kinds = {e.get("Type") for e in root.findall("ElementSettings")}
    assert {
        "Scene Heading",
        "Action",
        "Character",
        "Parenthetical",
        "Dialogue",
        "Transition",
        "General",
    } <= kinds
    dialogue = root.find("ElementSettings[@Type='Dialogue']/ParagraphSpec")
    assert dialogue is not None
    assert (dialogue.get("LeftIndent"), dialogue.get("RightIndent")) == ("2.50", "6.00")
    assert root.find("PageLayout").get("TopMargin") == "72"  # type: ignore[union-attr]
    assert root.find("SceneNumberOptions").get("LeftLocation") == "0.75"  # type: ignore[union-attr]
    breaks = root.find("MoresAndContinueds/DialogueBreaks")
    assert breaks is not None and breaks.get("DialogueBottom") == "(MORE)"


def test_unknown_paragraph_type_is_action_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    xml = (
        '<FinalDraft><Content><Paragraph Type="Hologram"><Text>Glows.</Text></Paragraph>'
        '<Paragraph Type="Shot"><Text>ANGLE ON BOB</Text></Paragraph></Content></FinalDraft>'
    )
    doc, warnings = fdx.parse_with_warnings(xml)
    assert doc.elements == (Action("Glows."), Action("ANGLE ON BOB"))
    assert warnings == ["paragraph 1: unknown type 'Hologram' read as Action"]
    with caplog.at_level(logging.WARNING, logger="writersroom.screenplay.fdx"):
        fdx.parse(xml)
    assert "Hologram" in caplog.text


def test_paragraph_without_text_and_speech_without_cue_keep_their_words() -> None:
    xml = (
        '<FinalDraft><Content><Paragraph Type="Action"/>'
        '<Paragraph Type="Dialogue"><Text>Orphan line.</Text></Paragraph></Content></FinalDraft>'
    )
    assert fdx.parse(xml).elements == (Dialogue("", ("Orphan line.",)),)


def test_script_notes_are_read() -> None:
    xml = (
        '<FinalDraft><Content><Paragraph Type="Action"><Text>Rain.</Text>'
        "<ScriptNote><Paragraph><Text>Too wet?</Text></Paragraph></ScriptNote></Paragraph>"
        "</Content><ScriptNotes><ScriptNote><Paragraph><Text>General note</Text></Paragraph>"
        "</ScriptNote></ScriptNotes></FinalDraft>"
    )
    assert fdx.parse(xml).elements == (Action("Rain.[[Too wet?]]"), Note("General note"))


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<FinalDraft><Content><Paragraph>", "line 1: broken XML"),
        ("<FinalDraft>\n<Content>\n<Paragraph></Content>", "line 3: broken XML"),
        ("", "broken XML"),
        ("<html><body/></html>", "not a Final Draft document: the root element is <html>"),
        ("<FinalDraft/>", "has no <Content>"),
        ('<!DOCTYPE x [<!ENTITY a "aaaa">]><FinalDraft/>', "entity declarations"),
    ],
)
def test_broken_files_give_a_clear_error(xml: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        fdx.parse(xml)


def test_bytes_with_bom_and_declaration() -> None:
    data = ("\ufeff" + MINIMAL).encode("utf-8")
    assert fdx.parse(data) == fdx.parse(MINIMAL)


def test_invalid_xml_characters_are_replaced_not_written() -> None:
    xml = fdx.render(Screenplay((), (Action("bell\x07"),)))
    assert fdx.parse(xml).elements == (Action("bell\ufffd"),)


@settings(max_examples=150, deadline=None)
@given(fountain_text)
def test_fountain_documents_survive_fdx(text: str) -> None:
    assume(not _XML_INVALID.search(text))  # such characters are replaced (tested above)
    doc = fountain.parse(text)
    once = fdx.parse(fdx.render(doc))
    assert fdx.parse(fdx.render(once)) == once  # stable after one trip
    assert _words(once) == _words(doc)  # and no word lost on the way


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ufffd]")


def _words(doc: Screenplay) -> list[str]:
    out: list[str] = []
    for element in doc.elements:
        if isinstance(element, Dialogue):
            parts = [element.speaker, element.extension or ""]
            parts += [x.text if isinstance(x, Parenthetical) else x for x in element.lines]
        elif isinstance(element, SceneHeading | Action | Lyrics | Transition | Section | Synopsis):
            parts = [element.text]
        else:
            continue
        out += [w for p in parts for w in visible(_XML_INVALID.sub("", p)).split()]
    return out


def test_fdx_to_fountain_to_fdx_keeps_every_word() -> None:
    def words(xml: str) -> list[str]:
        root = ET.fromstring(xml)
        out: list[str] = []
        for p in root.iter("Paragraph"):
            if p.find("DualDialogue") is None and p.get("Type"):
                out += "".join(t.text or "" for t in p.findall("Text")).split()
        return out

    doc = fountain.parse(fountain.render(fdx.parse(MINIMAL)))
    again = fdx.render(doc)
    assert words(again) == [
        w for w in words(MINIMAL) if w not in ("not", "part", "of", "the", "script")
    ]
    title = " ".join(f.value for f in fdx.parse(again).title_page)
    assert all(
        w in title for w in ("My", "Title", "Written", "by", "Jane", "Writer", "jane@example.com")
    )


def test_deeply_nested_paragraphs_are_an_error_not_a_crash() -> None:
    inner = "<Paragraph><DualDialogue>" * 5000 + "</DualDialogue></Paragraph>" * 5000
    with pytest.raises(FormatError, match="nested too deeply"):
        fdx.parse(f"<FinalDraft><Content>{inner}</Content></FinalDraft>")


def test_lyrics_after_a_speech_stay_apart_from_it() -> None:
    doc = Screenplay((), (Dialogue("BOB", ("Hi.",)), Lyrics("la la"), Dialogue("", ("Huh?",))))
    assert fdx.parse(fdx.render(doc)) == doc
