import json
from pathlib import Path

import pytest

from writersroom.errors import FormatError, WritersroomError
from writersroom.screenplay import fdx, fountain
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
)
from writersroom.train import plays, tei
from writersroom.train.corpus import (
    build_corpus,
    clean,
    load_manifest,
    normalize_text,
    read_corpus,
    strip_gutenberg,
)

SCRIPTS = Path(__file__).parent / "scripts"


def test_gutenberg_boilerplate_and_preface_are_removed():
    raw = (SCRIPTS / "pg99999.txt").read_text()
    body, facts = strip_gutenberg(raw)
    assert "Project Gutenberg" not in body and "Produced by" not in body
    assert facts["title"] == "The Orchard Gate" and facts["author"] == "A. Fixture"
    assert "eBook #99999" in facts["licence"]
    doc = plays.parse_play_text(body, title=facts["title"])
    text = fountain.render(doc)
    assert "preface" not in text.lower() and "CHARACTERS" not in text
    assert "Full Project Gutenberg License" not in text and "THE END" not in text
    assert doc.elements[:2] == (
        Section("ACT I"),
        SceneHeading("EXT. GARDEN BEFORE A FARMHOUSE - MORNING"),
    )


def test_play_cues_in_several_house_styles():
    text = "\n\n".join(
        [
            "MARTHA. [Calling off] John!",
            "JOHN [entering] Here.",
            "MARTHA (drily). Good.",
            "Peter Stockmann. Title case names.",
            "Peter Stockmann. Again.",
            "Peter Stockmann. And again.",
            "THE DOG\nA cue alone on its line.",
            "THE DOG\nTwice.",
            "THE DOG\nThrice.",
            "MARTHA.",
            "A speech after a cue on its own.",
            "JOHN. Fine.",
            "JOHN. Fine again.",
            "SORIN laughs.",
            "MARTHA. [She goes to the window, opens it wide, and looks out over the "
            "orchard for a long while without a word to anyone] Gone.",
        ]
    )
    doc = plays.parse_play_text(text)
    speeches = [e for e in doc.elements if isinstance(e, Dialogue)]
    assert [s.speaker for s in speeches][:7] == [
        "MARTHA",
        "JOHN",
        "MARTHA",
        "PETER STOCKMANN",
        "PETER STOCKMANN",
        "PETER STOCKMANN",
        "THE DOG",
    ]
    assert speeches[0].lines == (Parenthetical("(calling off)"), "John!")
    assert speeches[2].lines == (Parenthetical("(drily)"), "Good.")
    assert Dialogue("MARTHA", ("A speech after a cue on its own.",)) in speeches
    assert Action("SORIN laughs.") in doc.elements  # not a cue: "SORIN" + verb
    long_direction = next(e for e in doc.elements if isinstance(e, Action) and "window" in e.text)
    assert long_direction.text.startswith("She goes to the window")  # too long for a parenthetical
    assert speeches[-1] == Dialogue("MARTHA", ("Gone.",))


def test_scene_headings_name_the_place_a_setting_gives_and_keep_it_otherwise():
    speech = "\n\n".join(["LADY B. Yes.", "CUSINS. No.", "LADY B. Well.", "CUSINS. Quite."])
    acts = [
        (
            "ACT I",
            "It is after dinner on a January night, in the library in Lady Britomart "
            "Undershaft's house in Wilton Crescent. A large settee is in the middle of the room.",
        ),
        ("ACT II", "Lady Britomart, Cusins disguised as a waiter, and a Policeman."),
        ("ACT III", "The same. Next morning."),
        ("ACT IV", "A fine October morning in the north east suburbs of London."),
        ("ACT V", "Anton Antonovich, the Governor, Luka Lukich, the Inspector of Schools."),
    ]
    text = "\n\n".join(f"{marker}\n\n{setting}\n\n{speech}" for marker, setting in acts)
    headings = [e.text for e in plays.parse_play_text(text).elements if isinstance(e, SceneHeading)]
    assert headings == [
        "INT. LIBRARY IN LADY BRITOMART UNDERSHAFT'S HOUSE - NIGHT",
        "INT. LIBRARY IN LADY BRITOMART UNDERSHAFT'S HOUSE - NIGHT",  # people, not a place
        "INT. LIBRARY IN LADY BRITOMART UNDERSHAFT'S HOUSE - MORNING",  # same place, new time
        "EXT. NORTH EAST SUBURBS OF LONDON - MORNING",
        "EXT. NORTH EAST SUBURBS OF LONDON - MORNING",  # an office, not a place
    ]


def test_colon_cues_and_unicode_are_normalized():
    text = "First Citizen:\n“Hear me—speak.”\n\nAll:\nSpeak, speak…\n\n" * 3
    doc = plays.parse_play_text(normalize_text(text))
    assert Dialogue("FIRST CITIZEN", ('"Hear me--speak."',)) in doc.elements
    assert Dialogue("ALL", ("Speak, speak...",)) in doc.elements


def test_normalize_text_removes_invisible_characters():
    assert normalize_text("a\u200bb\u00a0c\r\nd\x07e\ufeff") == "ab c\nde"


def test_tei_play_keeps_licence_and_structure():
    doc, facts = tei.parse_tei((SCRIPTS / "ferry.xml").read_bytes())
    assert facts["title"] == "The Last Ferry" and facts["licence"].startswith("CC0 1.0")
    assert (
        Dialogue(
            "FERRYMAN",
            (
                "The last one for a week.",
                Parenthetical("(he coils a rope)"),
                "The river is closing.",
            ),
        )
        in doc.elements
    )
    assert Action("A bell rings across the water.") in doc.elements


def test_broken_tei_is_a_format_error():
    with pytest.raises(FormatError, match="not well-formed XML"):
        tei.parse_tei(b"<TEI><text>")
    with pytest.raises(FormatError, match="not a TEI document"):
        tei.parse_tei(b"<html/>")


def test_pdf_page_furniture_is_dropped():
    header = Action("THE LIGHTHOUSE - Blue Draft")
    elements = [SceneHeading("INT. LIGHTHOUSE - NIGHT"), Action("Rain.\n12.")]
    for n in range(6):
        elements += [
            header,
            Action(f"{n + 2}."),
            Action("(CONTINUED)"),
            Dialogue("ELSA", ("Line.",)),
            Action("CONTINUED:"),
        ]
    cleaned = clean(Screenplay(elements=tuple(elements)))
    assert Action("Rain.") in cleaned.elements
    assert header not in cleaned.elements
    assert not any(
        isinstance(e, Action) and (e.text[:1].isdigit() or "CONTINUED" in e.text)
        for e in cleaned.elements
    )
    assert sum(isinstance(e, Dialogue) for e in cleaned.elements) == 6


def test_build_writes_normalized_fountain_and_a_manifest(tmp_path):
    out = tmp_path / "corpus"
    before = {p: p.read_bytes() for p in SCRIPTS.iterdir()}
    manifest = build_corpus([SCRIPTS], out, licence="CC-BY 4.0")
    assert {p: p.read_bytes() for p in SCRIPTS.iterdir()} == before  # sources untouched
    by_id = {e.id: e for e in manifest.scripts}
    assert set(by_id) == {"ferry", "garage", "lighthouse", "pg99999"}
    assert by_id["pg99999"].format == "gutenberg" and by_id["ferry"].format == "tei"
    assert by_id["garage"].licence == "CC-BY 4.0"  # the --licence default
    assert by_id["lighthouse"].licence == "License: CC0 1.0"
    assert all(e.bytes_in > 0 and e.bytes_out > 0 and e.words > 50 for e in manifest.scripts)
    stored = json.loads((out / "manifest.json").read_text())
    assert [s["id"] for s in stored["scripts"]] == [e.id for e in manifest.scripts]
    assert load_manifest(out) == manifest
    docs = {e.id: doc for e, doc in read_corpus(out)}
    assert SceneHeading("INT. KITCHEN - DAWN") in docs["lighthouse"].elements


def test_duplicates_in_other_formats_are_dropped(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    text = (SCRIPTS / "lighthouse.fountain").read_text()
    (source / "a.fountain").write_text(text)
    (source / "b.fdx").write_text(fdx.render(fountain.parse(text)))  # same script
    (source / "c.fountain").write_text(text.replace("'", "’").replace("    ", "\t") + "\n\n")
    (source / "d.fountain").write_text(
        text.replace("Ships always come", "Boats always come")
    )  # near
    (source / "e.fountain").write_text((SCRIPTS / "garage.fountain").read_text())
    manifest = build_corpus([source], tmp_path / "out")
    assert [e.id for e in manifest.scripts] == ["a", "e"]
    assert {Path(d["source"]).name for d in manifest.duplicates} == {
        "b.fdx",
        "c.fountain",
        "d.fountain",
    }


def test_unreadable_files_are_skipped_with_a_reason(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "notes.txt").write_text("Just some prose about a film I might write one day.\n" * 5)
    (source / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (source / "ok.fountain").write_text((SCRIPTS / "garage.fountain").read_text())
    manifest = build_corpus([source], tmp_path / "out")
    reasons = {Path(s["source"]).name: s["reason"] for s in manifest.skipped}
    assert "neither a screenplay" in reasons["notes.txt"]
    assert "binary" in reasons["blob.txt"]
    assert [e.id for e in manifest.scripts] == ["ok"]


def test_output_folder_rules(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "mine.txt").write_text("keep me")
    with pytest.raises(WritersroomError, match="not empty and holds no corpus manifest"):
        build_corpus([SCRIPTS], tmp_path / "busy")
    assert (tmp_path / "busy" / "mine.txt").read_text() == "keep me"
    with pytest.raises(WritersroomError, match="must not overlap"):
        build_corpus([tmp_path], tmp_path / "inside")
    with pytest.raises(
        WritersroomError, match=r"no usable scripts.*mine\.txt: neither a screenplay"
    ):
        build_corpus([tmp_path / "busy"], tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(WritersroomError, match="no scripts found"):
        build_corpus([tmp_path / "empty"], tmp_path / "out")


def test_rebuilding_a_corpus_removes_scripts_that_are_gone(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("garage.fountain", "lighthouse.fountain"):
        (source / name).write_text((SCRIPTS / name).read_text())
    build_corpus([source], tmp_path / "out")
    (source / "garage.fountain").unlink()
    manifest = build_corpus([source], tmp_path / "out")
    assert [e.id for e in manifest.scripts] == ["lighthouse"]
    assert sorted(p.name for p in (tmp_path / "out" / "scripts").iterdir()) == [
        "lighthouse.fountain"
    ]


def test_cli_corpus_build(tmp_path):
    from click.testing import CliRunner

    from writersroom.cli import cli

    result = CliRunner().invoke(
        cli, ["corpus", "build", str(SCRIPTS), "--out", str(tmp_path / "c")]
    )
    assert result.exit_code == 0, result.output
    assert "4 scripts" in result.stderr
    assert result.stdout.split()[0] == "ferry"
    missing = CliRunner().invoke(
        cli, ["corpus", "build", str(tmp_path / "nope"), "--out", str(tmp_path / "d")]
    )
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_pdf_scripts_are_read_from_their_text_layer_and_deduplicated(tmp_path):
    import io

    from writersroom.screenplay import pdf

    source = tmp_path / "src"
    source.mkdir()
    text = (SCRIPTS / "lighthouse.fountain").read_text()
    buffer = io.BytesIO()
    pdf.render(fountain.parse(text), buffer)
    (source / "lighthouse.pdf").write_bytes(buffer.getvalue())
    manifest = build_corpus([source], tmp_path / "only-pdf")
    (entry,) = manifest.scripts
    assert entry.format == "pdf" and entry.scenes == 3
    doc = read_corpus(tmp_path / "only-pdf")[0][1]
    assert SceneHeading("INT. KITCHEN - DAWN") in doc.elements
    assert Dialogue(
        "ELSA", (Parenthetical("(without turning)"), "It has been lit since noon.")
    ) in (doc.elements)
    (source / "lighthouse.fountain").write_text(text)
    both = build_corpus([source], tmp_path / "both")
    assert len(both.scripts) == 1 and len(both.duplicates) == 1
