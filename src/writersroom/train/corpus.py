"""Folders of scripts and plays → a normalized Fountain corpus with a manifest.

    manifest = build_corpus([Path("~/scripts"), Path("plays/")], Path("corpus"))

Reads Fountain (.fountain, .spmd), Final Draft (.fdx), PDF (.pdf, text layer), plain-text
screenplays and stage plays (.txt, Project Gutenberg editions included) and DraCor TEI XML (.xml).
Every script is cleaned the same way: Project Gutenberg header, footer and licence removed, prefaces
and notes around a play dropped, unicode normalized (NFKC, straight quotes, `--` dashes, no
zero-width or control characters), page numbers, running headers and (CONTINUED) lines removed,
and exact or near duplicates (same 8-word shingles) dropped. The output folder holds
`scripts/<id>.fountain` and `manifest.json`:

    {"version": 1, "scripts": [{"id", "file", "source", "format", "title", "author", "licence",
      "bytes_in", "bytes_out", "words", "scenes", "speeches", "sha256"}],
     "skipped": [{"source", "reason"}], "duplicates": [{"source", "duplicate_of"}]}

Sources are only read; the output folder is written atomically, file by file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from writersroom.errors import FormatError, WritersroomError
from writersroom.files import write_atomic
from writersroom.screenplay import fountain
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Element,
    Lyrics,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    Transition,
)
from writersroom.train import plays, tei

SUFFIXES = {".fountain", ".spmd", ".fdx", ".pdf", ".txt", ".text", ".xml"}
MANIFEST = "manifest.json"
SCRIPTS_DIR = "scripts"
NEAR_DUPLICATE = 0.8  # Jaccard similarity of sampled 8-word shingles

_PG_START = re.compile(r"^\s*\*\*\*\s*START OF (?:THE|THIS) PROJECT GUTENBERG[^\n]*$", re.M | re.I)
_PG_END = re.compile(
    r"^\s*(?:\*\*\*\s*END OF (?:THE|THIS) PROJECT GUTENBERG|End of (?:the )?Project Gutenberg)"
    r"[^\n]*$",
    re.M | re.I,
)
_PG_ID = re.compile(r"\[E(?:Book|text) #(\d+)\]", re.I)
_PG_FIELD = re.compile(r"^(Title|Author|Translator):\s*(.+)$", re.M)
_PRODUCED_BY = re.compile(
    r"^(?:Produced by|E-text prepared by|Transcribed by)[^\n]*(?:\n[^\n]+)*", re.M | re.I
)
_TRANSCRIBER = re.compile(r"^TRANSCRIBER'?S NOTE[^\n]*(?:\n[^\n]+)*", re.M | re.I)
_SCREEN_HEADING = re.compile(r"^\s*(?:INT|EXT|EST|INT\.?/EXT|I/E)[.\s]", re.M)
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}\s*\.?\s*$|^\s*-\s*\d{1,4}\s*-\s*$", re.I)
_CONTINUED = re.compile(
    r"^\s*\(?\s*(?:CONTINUED|CONT'D|MORE)\s*[):]*\s*(?:\(\s*\d+\s*\))?\s*$", re.I
)
_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "–": "-",
        "‒": "-",
        "−": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\t": "    ",
    }
)
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028\u2029\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ScriptEntry:
    id: str  # file stem in scripts/, unique in the corpus
    file: str  # "scripts/<id>.fountain"
    source: str  # the path it was read from
    format: str  # fountain, fdx, pdf, screenplay-text, play-text, gutenberg, tei
    title: str
    author: str
    licence: str  # from the source (Gutenberg, TEI <licence>, title page) or --licence
    bytes_in: int
    bytes_out: int
    words: int
    scenes: int
    speeches: int
    sha256: str  # of the normalized Fountain


@dataclass(frozen=True)
class Manifest:
    scripts: tuple[ScriptEntry, ...] = ()
    skipped: tuple[dict[str, str], ...] = ()
    duplicates: tuple[dict[str, str], ...] = ()
    version: int = 1

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=1, ensure_ascii=False) + "\n"


def load_manifest(corpus_dir: Path) -> Manifest:
    """Read `corpus_dir/manifest.json` (written by build_corpus)."""
    path = Path(corpus_dir) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(
            scripts=tuple(ScriptEntry(**entry) for entry in data["scripts"]),
            skipped=tuple(data.get("skipped", ())),
            duplicates=tuple(data.get("duplicates", ())),
            version=int(data.get("version", 1)),
        )
    except FileNotFoundError as exc:
        raise FormatError(
            "no manifest.json: build one with `writersroom corpus build`", path=str(path)
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"not a corpus manifest ({exc})", path=str(path)) from exc


def build_corpus(sources: Sequence[Path], out: Path, *, licence: str = "") -> Manifest:
    """Ingest every script under `sources` (files or folders, searched recursively) into `out`.
    `licence` is recorded for scripts whose source names none."""
    out = Path(out)
    _check_out_dir(out, sources)
    files = list(_discover(sources))
    if not files:
        raise WritersroomError(
            f"no scripts found in {', '.join(map(str, sources))} (looked for {sorted(SUFFIXES)})"
        )
    kept: list[tuple[ScriptEntry, str, frozenset[int]]] = []
    skipped: list[dict[str, str]] = []
    duplicates: list[dict[str, str]] = []
    used_ids: set[str] = set()
    for path in files:
        try:
            raw = path.read_bytes()
            doc, facts = read_script(path, raw)
        except WritersroomError as exc:
            skipped.append({"source": str(path), "reason": str(exc)})
            continue
        doc = clean(doc)
        words = _word_count(doc)
        if words < 20:
            skipped.append({"source": str(path), "reason": f"only {words} words after cleaning"})
            continue
        text = fountain.render(doc)
        sha = hashlib.sha256(_body_words(doc).encode()).hexdigest()
        shingles = _shingles(doc)
        twin = next(
            (e for e, _, s in kept if e.sha256 == sha or _jaccard(s, shingles) >= NEAR_DUPLICATE),
            None,
        )
        if twin is not None:
            duplicates.append({"source": str(path), "duplicate_of": twin.source})
            continue
        script_id = _unique_id(path.stem, used_ids)
        entry = ScriptEntry(
            id=script_id,
            file=f"{SCRIPTS_DIR}/{script_id}.fountain",
            source=str(path),
            format=facts["format"],
            title=facts.get("title") or doc.title or path.stem,
            author=facts.get("author") or doc.title_value("Author") or "",
            licence=facts.get("licence") or _title_page_licence(doc) or licence or "unknown",
            bytes_in=len(raw),
            bytes_out=len(text.encode()),
            words=words,
            scenes=sum(isinstance(e, SceneHeading) for e in doc.elements),
            speeches=sum(isinstance(e, Dialogue) for e in doc.elements),
            sha256=sha,
        )
        kept.append((entry, text, shingles))
    if not kept:
        reasons = "; ".join(f"{Path(s['source']).name}: {s['reason']}" for s in skipped[:3])
        raise WritersroomError(f"no usable scripts in {', '.join(map(str, sources))} ({reasons})")
    manifest = Manifest(
        scripts=tuple(e for e, _, _ in kept), skipped=tuple(skipped), duplicates=tuple(duplicates)
    )
    _write(out, manifest, [(e, t) for e, t, _ in kept])
    return manifest


def _check_out_dir(out: Path, sources: Sequence[Path]) -> None:
    resolved = out.resolve()
    for source in sources:
        src = Path(source).resolve()
        if resolved == src or src in resolved.parents or resolved in src.parents:
            raise WritersroomError(f"the output folder {out} must not overlap the source {source}")
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise WritersroomError(
            f"{out} is not empty and holds no corpus manifest; choose a new or empty folder"
        )


def _write(out: Path, manifest: Manifest, scripts: list[tuple[ScriptEntry, str]]) -> None:
    previous = load_manifest(out).scripts if (out / MANIFEST).exists() else ()
    for entry, text in scripts:
        write_atomic(out / entry.file, text)
    current = {entry.file for entry, _ in scripts}
    for old in previous:  # files of an earlier build that are gone now
        if old.file not in current and (out / old.file).is_file():
            (out / old.file).unlink()
    write_atomic(out / MANIFEST, manifest.to_json())


def _discover(sources: Sequence[Path]) -> Iterable[Path]:
    seen: set[Path] = set()
    for source in sources:
        source = Path(source).expanduser()
        if not source.exists():
            raise WritersroomError(f"no such file or folder: {source}")
        found = (
            [source]
            if source.is_file()
            else sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
        )
        for path in found:
            if path.suffix.lower() in SUFFIXES and path.resolve() not in seen:
                seen.add(path.resolve())
                yield path


def _unique_id(stem: str, used: set[str]) -> str:
    base = (
        re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", stem).lower()).strip("-")
        or "script"
    )
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


# -- reading one script ---------------------------------------------------------------------------


def read_script(path: Path, raw: bytes) -> tuple[Screenplay, dict[str, str]]:
    """Parse one file by its extension (and, for text, by its content). Raises FormatError."""
    suffix = path.suffix.lower()
    if suffix == ".fdx":
        from writersroom.screenplay import fdx

        return fdx.parse(raw), {"format": "fdx"}
    if suffix == ".pdf":
        from writersroom.screenplay import pdf_import

        return pdf_import.parse(raw), {"format": "pdf"}
    if suffix == ".xml":
        doc, facts = tei.parse_tei(raw)
        return doc, {**facts, "format": "tei"}
    text = normalize_text(decode(raw, path))
    if suffix in {".fountain", ".spmd"}:
        return fountain.parse(text), {"format": "fountain"}
    return read_text(text)


def read_text(text: str) -> tuple[Screenplay, dict[str, str]]:
    """A plain-text file: a Project Gutenberg play, a screenplay, or a stage play."""
    gutenberg = _PG_START.search(text)
    if gutenberg:
        body, facts = strip_gutenberg(text)
        doc = plays.parse_play_text(body, title=facts.get("title"), author=facts.get("author"))
        if not any(isinstance(e, Dialogue) for e in doc.elements):
            raise FormatError("a Project Gutenberg text without speeches (not a play?)")
        return doc, {**facts, "format": "gutenberg"}
    if len(_SCREEN_HEADING.findall(text)) >= 2:
        dedented = "\n".join(line.strip() for line in text.split("\n"))
        return fountain.parse(dedented), {"format": "screenplay-text"}
    if plays.count_cues(text) >= 10:
        return plays.parse_play_text(text), {"format": "play-text"}
    raise FormatError("neither a screenplay (no INT./EXT. headings) nor a play (no speaker cues)")


def decode(raw: bytes, path: Path | None = None) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; binary files are refused."""
    if b"\x00" in raw[:4096]:
        raise FormatError("a binary file, not text", path=str(path) if path else None)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def normalize_text(text: str) -> str:
    """NFKC, straight quotes, '--' for dashes, LF newlines, no invisible characters.

    >>> normalize_text("“Wait—what?”\\r\\nﬁne…")
    '"Wait--what?"\\nfine...'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("—", "--").replace("―", "--")
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _INVISIBLE.sub("", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def strip_gutenberg(text: str) -> tuple[str, dict[str, str]]:
    """The text between the Project Gutenberg START and END markers, without producer credits
    or transcriber's notes, plus title/author/licence from the header."""
    start = _PG_START.search(text)
    header = text[: start.start()] if start else ""
    body = text[start.end() :] if start else text
    end = _PG_END.search(body)
    body = body[: end.start()] if end else body
    body = _TRANSCRIBER.sub("", _PRODUCED_BY.sub("", body))
    fields = {key.lower(): value.strip() for key, value in _PG_FIELD.findall(header)}
    number = _PG_ID.search(header)
    ebook = f"Project Gutenberg eBook #{number.group(1)}" if number else "Project Gutenberg"
    facts = {
        "title": fields.get("title", ""),
        "author": fields.get("author", ""),
        "licence": f"public domain in the USA ({ebook}; Project Gutenberg licence text removed)",
    }
    return body, facts


def _title_page_licence(doc: Screenplay) -> str:
    for key in ("License", "Licence", "Copyright"):
        value = doc.title_value(key)
        if value:
            return f"{key}: {value}"
    return ""


# -- cleaning a parsed document -------------------------------------------------------------------


def clean(doc: Screenplay) -> Screenplay:
    """Normalized text everywhere; page numbers, running headers, (CONTINUED)/(MORE) lines and empty
    elements dropped."""
    elements = [_normalize_element(e) for e in doc.elements]
    repeated = _running_headers(elements)
    kept: list[Element] = []
    for element in elements:
        if isinstance(element, Action):
            text = "\n".join(
                line
                for line in element.text.split("\n")
                if not (_PAGE_NUMBER.match(line) or _CONTINUED.match(line))
            )
            if not text.strip() or text.strip() in repeated:
                continue
            element = dataclasses.replace(element, text=text.strip("\n"))
        elif isinstance(element, Dialogue):
            lines = tuple(
                line for line in element.lines if isinstance(line, Parenthetical) or line.strip()
            )
            if not any(isinstance(line, str) for line in lines):
                continue
            element = dataclasses.replace(element, lines=lines)
        elif (
            isinstance(element, SceneHeading | Transition | Section | Synopsis | Lyrics)
            and not element.text.strip()
        ):
            continue
        kept.append(element)
    title_page = tuple(
        TitleField(normalize_text(f.key), normalize_text(f.value)) for f in doc.title_page
    )
    return Screenplay(title_page=title_page, elements=tuple(kept))


def _normalize_element(element: Element) -> Element:
    if isinstance(element, Dialogue):
        lines = tuple(
            Parenthetical(normalize_text(line.text))
            if isinstance(line, Parenthetical)
            else normalize_text(line)
            for line in element.lines
        )
        return dataclasses.replace(element, speaker=normalize_text(element.speaker), lines=lines)
    text = getattr(element, "text", None)
    if isinstance(text, str):
        return dataclasses.replace(cast(Any, element), text=normalize_text(text))  # type: ignore[no-any-return]
    return element


def _running_headers(elements: list[Element]) -> set[str]:
    """Short Action lines repeated on many pages (a PDF's running header or footer)."""
    counts = Counter(
        e.text.strip()
        for e in elements
        if isinstance(e, Action)
        and e.text.strip()
        and len(e.text.split()) <= 8
        and "\n" not in e.text.strip()
    )
    threshold = max(4, len(elements) // 200)
    return {text for text, n in counts.items() if n >= threshold and not text.endswith(("!", "?"))}


# -- sizes and duplicates -------------------------------------------------------------------------


def _words_of(doc: Screenplay) -> list[str]:
    words: list[str] = []
    for element in doc.elements:
        if isinstance(element, Dialogue):
            for line in element.lines:
                words += (line.text if isinstance(line, Parenthetical) else line).split()
        elif isinstance(text := getattr(element, "text", None), str):
            words += text.split()
    return words


def _word_count(doc: Screenplay) -> int:
    return len(_words_of(doc))


def _body_words(doc: Screenplay) -> str:
    return " ".join(w.lower().strip(".,;:!?\"'()") for w in _words_of(doc))


def _shingles(doc: Screenplay, size: int = 8, keep_one_in: int = 8) -> frozenset[int]:
    """A sample of the hashed 8-word shingles (one in eight, chosen by hash so that two copies of a
    text keep the same ones)."""
    words = _body_words(doc).split()
    out = set()
    for i in range(max(0, len(words) - size + 1)):
        h = int.from_bytes(
            hashlib.blake2b(" ".join(words[i : i + size]).encode(), digest_size=8).digest(),
            "little",
        )
        if h % keep_one_in == 0:
            out.add(h)
    return frozenset(out)


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def summary(manifest: Manifest) -> dict[str, Any]:
    """Totals for a model card or a CLI report."""
    return {
        "scripts": len(manifest.scripts),
        "words": sum(e.words for e in manifest.scripts),
        "bytes_in": sum(e.bytes_in for e in manifest.scripts),
        "bytes_out": sum(e.bytes_out for e in manifest.scripts),
        "skipped": len(manifest.skipped),
        "duplicates": len(manifest.duplicates),
        "licences": dict(Counter(e.licence for e in manifest.scripts)),
    }


def read_corpus(corpus_dir: Path) -> list[tuple[ScriptEntry, Screenplay]]:
    """Every script of a built corpus, parsed."""
    corpus_dir = Path(corpus_dir)
    manifest = load_manifest(corpus_dir)
    out = []
    for entry in manifest.scripts:
        path = corpus_dir / entry.file
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise FormatError(
                "listed in manifest.json but missing; rebuild the corpus", path=str(path)
            ) from exc
        out.append((entry, fountain.parse(text)))
    return out
