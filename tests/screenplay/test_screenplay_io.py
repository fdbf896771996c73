"""Loading and saving files: formats by extension, atomic writes, backups, bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from writersroom.errors import FormatError
from writersroom.screenplay import Action, Dialogue, Screenplay, dumps, fountain, io, load, save

TEXT = "Title: Test\n\nINT. ROOM - DAY\n\nBOB\nHello.\n"


@pytest.mark.parametrize("ext", [".fountain", ".spmd", ".txt", ".fdx", ".json"])
def test_save_then_load_every_readable_format(tmp_path: Path, ext: str) -> None:
    doc = fountain.parse(TEXT)
    path = tmp_path / f"script{ext}"
    assert save(doc, path) is None
    assert load(path) == doc


def test_html_and_pdf_are_written(tmp_path: Path) -> None:
    doc = fountain.parse(TEXT)
    save(doc, tmp_path / "s.html")
    assert "Hello." in (tmp_path / "s.html").read_text(encoding="utf-8")
    pdf = dumps(doc, "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    with pytest.raises(FormatError, match="export format"):
        load(tmp_path / "s.html")


def test_overwriting_keeps_a_backup_only_when_contents_change(tmp_path: Path) -> None:
    path = tmp_path / "draft.fountain"
    path.write_text("Old draft.\n", encoding="utf-8")
    kept = save(Screenplay((), (Action("New draft."),)), path)
    assert kept is not None and kept.read_text(encoding="utf-8") == "Old draft.\n"
    assert path.read_text(encoding="utf-8") == "New draft.\n"
    assert save(Screenplay((), (Action("New draft."),)), path) is None  # same contents
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.fountain", "draft.fountain.~1~"]


def test_save_leaves_no_temporary_files(tmp_path: Path) -> None:
    save(fountain.parse(TEXT), tmp_path / "a.fdx")
    assert os.listdir(tmp_path) == ["a.fdx"]


def test_encodings(tmp_path: Path) -> None:
    path = tmp_path / "a.fountain"
    path.write_bytes("\ufeffBOB\r\nHi.".encode("utf-16"))
    assert load(path).elements == (Dialogue("BOB", ("Hi.",)),)
    path.write_bytes("CAF\xc9 OWNER\nBonjour.".encode("cp1252"))
    assert load(path).elements == (Dialogue("CAFÉ OWNER", ("Bonjour.",)),)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("junk.fountain", bytes(range(256)) * 4, "looks like a binary file"),
        ("junk.fdx", b"\x00\x01\x02garbage", "broken XML"),
        ("empty.fdx", b"", "the file is empty"),
        ("empty.json", b"", "not valid JSON"),
        ("notes.docx", b"PK", "unknown file type '.docx'"),
    ],
)
def test_bad_files_give_one_clear_error(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FormatError, match=message) as info:
        load(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == data  # input untouched


def test_empty_fountain_is_an_empty_script(tmp_path: Path) -> None:
    path = tmp_path / "empty.fountain"
    path.write_bytes(b"")
    assert load(path) == Screenplay()


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such file"):
        load(tmp_path / "nope.fountain")
    (tmp_path / "dir.fountain").mkdir()
    with pytest.raises(FormatError, match="directory"):
        load(tmp_path / "dir.fountain")


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(io, "MAX_BYTES", 10)
    path = tmp_path / "big.fountain"
    path.write_text("x" * 11, encoding="utf-8")
    with pytest.raises(FormatError, match="too large"):
        load(path)


def test_large_fountain_file_parses(tmp_path: Path) -> None:
    scene = "INT. ROOM - DAY\n\nBOB\nHello there.\n\nShe leaves.\n\n"
    path = tmp_path / "big.fountain"
    path.write_text(scene * 50_000, encoding="utf-8")  # about 2.4 MB
    assert len(load(path).elements) == 150_000


def test_pdf_save_then_load(tmp_path: Path) -> None:
    doc = fountain.parse(TEXT)
    path = tmp_path / "script.pdf"
    save(doc, path)
    back = load(path)
    assert back.title is not None and "TEST" in back.title.upper()
    assert back.elements[0] == doc.elements[0]
    assert back.elements[1] == Dialogue("BOB", ("Hello.",))


def test_junk_pdf_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(FormatError) as info:
        load(path)
    assert str(path) in str(info.value)
