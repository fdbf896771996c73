"""`writersroom convert` end to end through the real CLI group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from writersroom.cli import cli
from writersroom.screenplay import fdx, fountain

SCRIPT = "Title: Rain\n\nEXT. PIER - NIGHT\n\nMARA\n(quietly)\nIt's *late*.\n\nCUT TO:\n"


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def test_fountain_to_fdx_file_and_back(tmp_path: Path) -> None:
    source = tmp_path / "rain.fountain"
    source.write_text(SCRIPT, encoding="utf-8")
    result = run("convert", str(source), str(tmp_path / "rain.fdx"))
    assert result.exit_code == 0
    assert "wrote" in result.stderr
    assert fdx.parse((tmp_path / "rain.fdx").read_bytes()) == fountain.parse(SCRIPT)
    back = run("convert", str(tmp_path / "rain.fdx"), "-")
    assert back.exit_code == 0
    assert fountain.parse(back.stdout) == fountain.parse(SCRIPT)
    assert source.read_text(encoding="utf-8") == SCRIPT  # input untouched


def test_stdin_to_stdout_with_to(tmp_path: Path) -> None:
    result = run("convert", "-", "--to", "json", stdin=SCRIPT.encode("utf-8"))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["elements"][0] == {"type": "scene_heading", "text": "EXT. PIER - NIGHT"}


def test_pdf_to_stdout_is_binary() -> None:
    result = run("convert", "-", "-", "--to", "pdf", stdin=SCRIPT.encode("utf-8"))
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"%PDF")


def test_overwrite_keeps_backup(tmp_path: Path) -> None:
    source = tmp_path / "rain.fountain"
    source.write_text(SCRIPT, encoding="utf-8")
    target = tmp_path / "rain.html"
    target.write_text("my old export", encoding="utf-8")
    result = run("convert", str(source), str(target))
    assert result.exit_code == 0
    assert "previous version kept as" in result.stderr
    assert (tmp_path / "rain.html.~1~").read_text(encoding="utf-8") == "my old export"


def test_errors_are_one_line_with_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.fdx"
    bad.write_text("<FinalDraft><Content>", encoding="utf-8")
    result = run("convert", str(bad), str(tmp_path / "out.fountain"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {bad}:1: broken XML at column 21: no element found"
    ]
    assert not (tmp_path / "out.fountain").exists()
    result = run("convert", str(tmp_path / "a.fountain"), str(tmp_path / "a.docx"))
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_refuses_to_overwrite_the_input(tmp_path: Path) -> None:
    source = tmp_path / "rain.fountain"
    source.write_text(SCRIPT, encoding="utf-8")
    result = run("convert", str(source), str(source))
    assert result.exit_code == 1
    assert "input is never overwritten" in result.stderr
    assert source.read_text(encoding="utf-8") == SCRIPT


def test_a_revised_fountain_file_keeps_its_marks_in_every_format(tmp_path: Path) -> None:
    from writersroom.revise import store
    from writersroom.revise.ops import Operation, apply
    from writersroom.revise.tracking import new_revision_set, track

    doc = fountain.parse(SCRIPT)
    after = apply(list(doc.elements), Operation("set_time", scene=1, value="DAY"))
    revised = track(doc, [("set_time", after)], new_revision_set(doc, date="2026-12-04"))
    source = store.save(revised, tmp_path / "rain2.fountain")
    assert "writersroom-revisions" in source.read_text(encoding="utf-8")
    for suffix in (".fdx", ".json", ".fountain"):
        target = tmp_path / f"out{suffix}"
        assert run("convert", str(source), str(target)).exit_code == 0
        back = store.load(target)
        assert back.changes == revised.changes and back.revisions == revised.revisions
        assert back.elements == revised.elements  # the marks too
    assert run("convert", str(source), str(tmp_path / "out.pdf")).exit_code == 0
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(tmp_path / "out.pdf") as pdf:
        text = pdf.pages[-1].extract_text()
    assert "*" in text and "Blue Revision (2026-12-04)" in text


def test_lock_scenes_keeps_numbers_and_letters_new_scenes(tmp_path: Path) -> None:
    source = tmp_path / "locked.fountain"
    source.write_text(
        "INT. A - DAY #1#\n\nA.\n\nINT. NEW - DAY\n\nB.\n\nINT. C - DAY #2#\n\nC.\n",
        encoding="utf-8",
    )
    result = run("convert", str(source), str(tmp_path / "out.fdx"), "--lock-scenes")
    assert result.exit_code == 0
    doc = fdx.parse((tmp_path / "out.fdx").read_bytes())
    assert [getattr(e, "number", None) for e in doc.elements[::2]] == ["1", "1A", "2"]
    renumbered = run("convert", str(source), "-", "--number-scenes")
    assert "INT. NEW - DAY #2#" in renumbered.stdout
    assert run("convert", str(source), str(tmp_path / "out.pdf"), "--lock-scenes").exit_code == 0
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(tmp_path / "out.pdf") as pdf:
        words = [w["text"] for w in pdf.pages[0].extract_words()]
    assert words.count("1A") == 2  # in both margins
