"""Screenplay files: `load(path)`, `save(doc, path)` and `dumps(doc, fmt)`, format by extension.

    >>> sorted(FORMATS)
    ['fdx', 'fountain', 'html', 'json', 'pdf']
    >>> format_for("draft.SPMD")
    'fountain'

Reading never modifies the input. Text formats are decoded as UTF-8 (a BOM is fine, UTF-16 with
a BOM too; other 8-bit text falls back to Windows-1252); a file that looks binary, is empty where
the format needs content, or is larger than `MAX_BYTES` gives a FormatError naming the file.
A Fountain file keeps revision marks and tracked changes in a block at its end
(`revision_block`): reading applies it, writing adds it, so every format carries them. Saving
writes through a temporary file and a rename (`files.write_atomic`); when the target
already exists with different contents, the old version is kept first (`files.backup`).
"""

from __future__ import annotations

import importlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from writersroom import files
from writersroom.errors import FormatError, one_line
from writersroom.screenplay import fdx, fountain, html, jsonformat
from writersroom.screenplay.model import Screenplay
from writersroom.screenplay.revision_block import embed, extract

__all__ = ["FORMATS", "MAX_BYTES", "Format", "dumps", "format_for", "load", "loads", "save"]

MAX_BYTES = 256 * 1024 * 1024  # no screenplay is this big; anything larger is a mistake


@dataclass(frozen=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    read: Callable[[bytes], Screenplay] | None  # None: write only
    write: Callable[[Screenplay], str | bytes]


def _text(data: bytes, what: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FormatError(f"broken UTF-16 {what} text") from exc
    if b"\x00" in data[:65536]:
        raise FormatError(f"this looks like a binary file, not {what} text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        controls = sum(1 for b in data[:65536] if b < 9 or 13 < b < 32)
        if controls > len(data[:65536]) // 100:
            raise FormatError(f"this looks like a binary file, not {what} text") from None
        return data.decode("cp1252", errors="replace")


def _read_fountain(data: bytes) -> Screenplay:
    return extract(fountain.parse(_text(data, "Fountain")))


def _write_fountain(doc: Screenplay) -> str:
    return fountain.render(embed(doc))


def _read_json(data: bytes) -> Screenplay:
    return jsonformat.parse(_text(data, "JSON"))


def _read_fdx(data: bytes) -> Screenplay:
    if not data.strip():
        raise FormatError("the file is empty; an FDX file starts with <FinalDraft>")
    return fdx.parse(data)


def _read_pdf(data: bytes) -> Screenplay:
    pdf_import = importlib.import_module("writersroom.screenplay.pdf_import")
    doc: Screenplay = pdf_import.parse(data)
    return doc


def _write_pdf(doc: Screenplay) -> bytes:
    pdf = importlib.import_module("writersroom.screenplay.pdf")
    out = io.BytesIO()
    pdf.render(doc, out)
    return out.getvalue()


FORMATS: dict[str, Format] = {
    "fountain": Format("fountain", (".fountain", ".spmd", ".txt"), _read_fountain, _write_fountain),
    "fdx": Format("fdx", (".fdx",), _read_fdx, fdx.render),
    "json": Format("json", (".json",), _read_json, jsonformat.render),
    "html": Format("html", (".html", ".htm"), None, html.render),
    "pdf": Format("pdf", (".pdf",), _read_pdf, _write_pdf),
}


def format_for(path: str | os.PathLike[str]) -> str:
    """The format name for a path's extension; FormatError for an unknown one."""
    suffix = Path(path).suffix.lower()
    for name, fmt in FORMATS.items():
        if suffix in fmt.extensions:
            return name
    known = ", ".join(ext for fmt in FORMATS.values() for ext in fmt.extensions)
    raise FormatError(
        f"unknown file type {suffix or '(none)'!r}; use one of {known} or name the format",
        path=str(path),
    )


def _format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return FORMATS[fmt]


def loads(data: bytes | str, fmt: str) -> Screenplay:
    """Read a screenplay from bytes (or text) in the named format."""
    reader = _format(fmt).read
    if reader is None:
        raise FormatError(f"{fmt} is an export format; it cannot be read back")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise FormatError(
            f"{len(raw) // 2**20} MB is too large for a screenplay (limit {MAX_BYTES // 2**20} MB)"
        )
    return reader(raw)


def load(path: str | os.PathLike[str], fmt: str | None = None) -> Screenplay:
    """Read a screenplay file; the format comes from the extension unless `fmt` names it."""
    target = Path(path)
    name = fmt or format_for(target)
    try:
        size = target.stat().st_size
        if size > MAX_BYTES:
            raise FormatError(f"{size // 2**20} MB is too large for a screenplay", path=str(path))
        data = target.read_bytes()
    except FileNotFoundError:
        raise FormatError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise FormatError("is a directory, not a screenplay file", path=str(path)) from None
    except PermissionError:
        raise FormatError("permission denied", path=str(path)) from None
    except OSError as exc:  # a file in place of a folder, an I/O error, ...
        raise FormatError(
            f"cannot read it ({exc.strerror or one_line(exc)})", path=str(path)
        ) from exc
    try:
        return loads(data, name)
    except FormatError as exc:
        if exc.path:
            raise
        raise FormatError(_message(exc), path=str(path), line=exc.line) from exc


def _message(exc: FormatError) -> str:
    text = str(exc)
    prefix = f"line {exc.line}: " if exc.line else ""
    return text[len(prefix) :] if prefix and text.startswith(prefix) else text


def dumps(doc: Screenplay, fmt: str) -> str | bytes:
    """The document rendered in the named format: text, or bytes for PDF."""
    return _format(fmt).write(doc)


def save(doc: Screenplay, path: str | os.PathLike[str], fmt: str | None = None) -> Path | None:
    """Write `doc` atomically in the format of `path` (or `fmt`). When the file exists and its
    contents differ, the previous version is kept as `path.~N~` first; returns that backup."""
    target = Path(path)
    data = dumps(doc, fmt or format_for(target))
    raw = data.encode("utf-8") if isinstance(data, str) else data
    kept = None
    try:
        if target.exists():
            if target.is_dir():
                raise FormatError("is a directory", path=str(path))
            if target.read_bytes() == raw:
                return None
            kept = files.backup(target)
        files.write_atomic(target, raw)
    except OSError as exc:  # no such folder, a file in its place, read-only, disk full
        raise FormatError(
            f"cannot write it ({exc.strerror or one_line(exc)}); check the folder", path=str(path)
        ) from exc
    return kept
