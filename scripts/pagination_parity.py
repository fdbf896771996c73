"""Final Draft pagination parity: paginate the reference scripts with writersroom and compare
with Final Draft 11's own page breaks.

Reads the shared fixture folder `fixtures/jumpcut-final-draft` (default: ../shared next to the
repository), which this script needs and the test suite does not:
* corpus/NAME/source/source.fountain    the script (source.fdx too, when the FDX reader exists)
* corpus/NAME/canonical/page-breaks.json Final Draft's pages: the paragraphs on each page, in
  Final Draft paragraph order (el-00001 ...), with split paragraphs marked
  continued-to-next / continued-from-prev
* corpus/NAME/extracted/pdf-pages.json   the text of each page of Final Draft's PDF
* fd-probes/NAME/{source.fountain,expected.json}  dialogue-split probes observed in Final Draft

For every reference it reports the page count, the share of pages that start with the same
paragraph (and the same fragment of it) as Final Draft's, the share whose first printed line
is the same text, and, where Final Draft's PDF is there (corpus/NAME/source/source.pdf), how
many of its printed lines we put on the same page and line with the same text; for every probe
whether the target speech splits (or moves whole) as observed.

    python scripts/pagination_parity.py [SHARED_DIR] [--json]

`run(shared_dir) -> dict` is what scripts/conformance.py calls.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Lyrics,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Transition,
)
from writersroom.screenplay.paginate import Page, paginate
from writersroom.screenplay.typeset import visible

FIXTURES = "fixtures/jumpcut-final-draft"
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
BREAK_TARGET = 0.95

Unit = tuple[int, int]  # (element index, part index or -1): one Final Draft paragraph


def run(shared_dir: str | Path | None = None) -> dict[str, Any]:
    """Paginate every Final Draft reference and probe; return the figures as a dict.
    `available` is False (with a `message`) when the fixtures are not there."""
    root = Path(shared_dir) if shared_dir else DEFAULT_SHARED
    base = root / FIXTURES
    if not (base / "corpus").is_dir():
        message = f"no Final Draft fixtures at {base} (needs ../shared)"
        return {
            "available": False,
            "references": [],
            "probes": [],
            "message": message,
            "skipped": message,
        }
    references = [
        result
        for case in sorted((base / "corpus").iterdir())
        if case.is_dir()
        for result in _reference(case)
    ]
    probes = [_probe(d) for d in sorted((base / "fd-probes").iterdir()) if d.is_dir()]
    active = [p for p in probes if p["status"] == "active"]
    own = [_own_settings(pdf) for pdf in sorted((base / "fdx-import").glob("*-reference.pdf"))]
    return {
        "available": True,
        "references": references,
        "probes": probes,
        "own_settings": own,
        "summary": {
            "references": len(references),
            "page_counts_matched": sum(r["pages"] == r["pages_expected"] for r in references),
            "min_break_parity": min((r["break_parity"] for r in references), default=0.0),
            "references_at_target": sum(r["break_parity"] >= BREAK_TARGET for r in references),
            "active_probes_passed": sum(p["passed"] for p in active),
            "active_probes": len(active),
            "probes_passed": sum(p["passed"] for p in probes),
            "probes": len(probes),
        },
    }


# --- references ------------------------------------------------------------------------------


def _readers() -> dict[str, Callable[[str], Screenplay]]:
    from writersroom.screenplay import fountain

    readers: dict[str, Callable[[str], Screenplay]] = {"fountain": fountain.parse}
    try:
        from writersroom.screenplay import fdx
    except ImportError:
        return readers
    readers["fdx"] = fdx.parse
    return readers


def _reference(case: Path) -> list[dict[str, Any]]:
    canonical = json.loads((case / "canonical" / "page-breaks.json").read_text())
    labels = case / "canonical" / "page-labels.json"
    if labels.exists():  # every printed page, the title page included
        canonical["page_total"] = len(json.loads(labels.read_text()))
    pdf_pages = _pdf_pages(case / "extracted" / "pdf-pages.json")
    final_draft = case / "source" / "source.pdf"
    printed = _printed_lines(final_draft.read_bytes()) if final_draft.exists() else None
    results = []
    for source, read in _readers().items():
        path = case / "source" / f"source.{source}"
        if not path.exists():
            continue
        doc = read(path.read_text(encoding="utf-8"))
        layout = replace(  # an FDX's own layout, when it asks for one
            doc.layout or PageLayout(), scene_numbers="both" if _numbered(doc) else "none"
        )
        pages = paginate(doc, layout)
        result = _compare(case.name, source, doc, pages, canonical, pdf_pages)
        if printed is not None:  # body pages: title pages differ by design
            skip = result["pages_expected"] - result["breaks_total"]
            result.update(_line_parity(pages[skip:], printed[skip:]))
        results.append(result)
    return results


def _own_settings(reference: Path) -> dict[str, Any]:
    """An FDX with its own element settings (fdx-import/NAME.fdx) paginated in the layout it
    asks for, against the page count of Final Draft's PDF of it (NAME-reference.pdf)."""
    from writersroom.screenplay import fdx
    from writersroom.screenplay.pdf_import import _text_layer

    name = reference.name.removesuffix("-reference.pdf")
    doc = fdx.parse((reference.parent / f"{name}.fdx").read_bytes())
    pages = len(paginate(doc))
    expected = len(_text_layer(reference.read_bytes())[0])
    return {
        "name": name,
        "own_layout": doc.layout is not None,
        "pages": pages,
        "pages_expected": expected,
        "within_one": abs(pages - expected) <= 1,
    }


def _printed_lines(data: bytes) -> list[dict[int, str]]:
    """Final Draft's PDF as {body line: text} per page (the page number left out), read with
    the importer's text layer: y = 0 is the first body line, -1 the (CONT'D) line above it."""
    from writersroom.screenplay.pdf_import import _text_layer

    pages, _ = _text_layer(data)
    out = []
    for rows in pages:
        lines = {round((row.y - 1.0) * 6): _normal(visible(row.text)) for row in rows}
        out.append({y: text for y, text in lines.items() if y >= -1})
    return out


def _line_parity(pages: list[Page], printed: list[dict[int, str]]) -> dict[str, Any]:
    """How many of Final Draft's printed lines we put on the same page, on the same line,
    with the same text (emphasis aside); and how many pages are identical line for line."""
    same = total = identical = 0
    for n, theirs in enumerate(printed):
        ours: dict[int, list[tuple[float, str]]] = {}
        if n < len(pages):
            for ln in pages[n].lines:
                if ln.y >= -1 and ln.text.strip():
                    ours.setdefault(ln.y, []).append((ln.x, ln.text))
        mine = {y: _normal(" ".join(t for _, t in sorted(items))) for y, items in ours.items()}
        total += len(theirs)
        matched = sum(mine.get(y) == text for y, text in theirs.items())
        same += matched
        identical += matched == len(theirs) == len(mine)
    return {
        "lines_matched": same,
        "lines_total": total,
        "pages_identical": identical,
        "pages_compared": len(printed),
    }


def _numbered(doc: Screenplay) -> bool:
    return any(isinstance(el, SceneHeading) and el.number for el in doc.elements)


def _units(doc: Screenplay) -> list[tuple[str, Unit]]:
    """Our elements as Final Draft paragraphs: a speech is its cue, then one paragraph per
    parenthetical or dialogue line. Unprinted elements have none."""
    units: list[tuple[str, Unit]] = []
    for i, el in enumerate(doc.elements):
        match el:
            case SceneHeading():
                units.append(("Scene Heading", (i, -1)))
            case Action() | Lyrics():
                units.append(("Action", (i, -1)))
            case Transition():
                units.append(("Transition", (i, -1)))
            case Dialogue(lines=lines):
                units.append(("Character", (i, -1)))
                for n, line in enumerate(lines):
                    kind = "Parenthetical" if isinstance(line, Parenthetical) else "Dialogue"
                    units.append((kind, (i, n)))
    return units


def _compare(
    name: str,
    source: str,
    doc: Screenplay,
    pages: list[Page],
    canonical: dict[str, Any],
    pdf_pages: dict[int, str],
) -> dict[str, Any]:
    ref_pages = canonical["pages"]
    ref_kinds: dict[str, str] = {}
    for page in ref_pages:
        for item in page["items"]:
            ref_kinds.setdefault(item["element_id"], item["kind"])
    ref_ids = list(ref_kinds)
    units = _units(doc)
    # Map Final Draft paragraph ids onto ours by aligning the two kind sequences.
    matcher = difflib.SequenceMatcher(
        None, [ref_kinds[i] for i in ref_ids], [kind for kind, _ in units], autojunk=False
    )
    to_ours: dict[str, Unit] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            to_ours[ref_ids[block.a + k]] = units[block.b + k][1]
    aligned = len(to_ours) / max(len(ref_ids), 1)

    page_total = canonical.get("page_total") or len(ref_pages)
    title_pages = page_total - len(ref_pages)
    ours_by_number = {n + 1: page for n, page in enumerate(pages)}
    matched = 0
    first_text = first_text_total = 0
    mismatches = []
    previous: set[Unit] = set()
    our_first: dict[int, tuple[Unit | None, str]] = {}
    for n, page in enumerate(pages, start=1):
        units_here = [(ln.element, ln.part) for ln in page.body() if ln.y >= 0 and ln.text]
        first = units_here[0] if units_here else None
        fragment = "continued-from-prev" if first in previous else "whole"
        our_first[n] = (first, fragment)
        previous = set(units_here)
    for ref_page in ref_pages:
        number = ref_page["number"]
        items = ref_page["items"]
        if not items:
            continue
        head = items[0]
        want = (to_ours.get(head["element_id"]), head["fragment"] == "continued-from-prev")
        got_unit, got_fragment = our_first.get(number, (None, "whole"))
        if got_unit is not None and want == (got_unit, got_fragment == "continued-from-prev"):
            matched += 1
        else:
            mismatches.append(
                {
                    "page": number,
                    "expected": head["element_id"],
                    "expected_fragment": head["fragment"],
                    "got": _label(got_unit, units, ref_ids, to_ours),
                    "got_fragment": got_fragment,
                }
            )
        text = pdf_pages.get(number)
        ours = ours_by_number.get(number)
        if text is not None and number > title_pages:
            first_text_total += 1
            if ours is not None and _same_line(ours, text, doc):
                first_text += 1
    total = sum(1 for page in ref_pages if page["items"])
    return {
        "name": name,
        "source": source,
        "pages_expected": page_total,
        "pages": len(pages),
        "breaks_matched": matched,
        "breaks_total": total,
        "break_parity": matched / total if total else 0.0,
        "first_lines_matched": first_text,
        "first_lines_total": first_text_total,
        "alignment": aligned,
        "mismatches": mismatches[:10],
    }


def _label(
    unit: Unit | None, units: list[tuple[str, Unit]], ref_ids: list[str], to_ours: dict[str, Unit]
) -> str:
    if unit is None:
        return "-"
    for ref_id, ours in to_ours.items():
        if ours == unit:
            return ref_id
    return f"element {unit[0]} part {unit[1]}"


_PAGE_NUMBER = re.compile(r"\d+[A-Z]?\.")


def _normal(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


def _pdf_pages(path: Path) -> dict[int, str]:
    """The first printed line of each page of Final Draft's PDF (page numbers dropped)."""
    if not path.exists():
        return {}
    first: dict[int, str] = {}
    for page in json.loads(path.read_text())["pages"]:
        lines = [_normal(line) for line in page["text"].split("\n")]
        lines = [
            line for line in lines if line and line != "(MORE)" and not _PAGE_NUMBER.fullmatch(line)
        ]
        if lines:
            first[page["number"]] = lines[0]
    return first


def _same_line(page: Page, text: str, doc: Screenplay) -> bool:
    """Is `text` (Final Draft's first line) our page's first line? A scene number printed
    before or after a heading is not part of it."""
    lines = sorted(
        (ln for ln in page.lines if ln.kind not in ("page_number", "scene_number") and ln.text),
        key=lambda ln: (ln.y, ln.x),
    )
    if not lines:
        return False
    ours = _normal(lines[0].text)
    heading = doc.elements[lines[0].element] if lines[0].element >= 0 else None
    if isinstance(heading, SceneHeading) and heading.number:
        for _ in range(2):  # printed in both margins
            text = text.strip().removeprefix(heading.number).removesuffix(heading.number)
        text = text.strip()
    return ours == text


# --- probes ----------------------------------------------------------------------------------


def _probe(folder: Path) -> dict[str, Any]:
    from writersroom.screenplay import fountain

    expected = json.loads((folder / "expected.json").read_text())
    doc = fountain.parse((folder / "source.fountain").read_text(encoding="utf-8"))
    target = expected["target"]
    want = expected["expected"]
    index = _target(doc, target)
    body = [page for page in paginate(doc) if not page.is_title]
    where = []
    for page in body:
        text = " ".join(
            ln.text
            for ln in page.lines
            if ln.element == index and ln.kind in ("dialogue", "parenthetical", "lyrics", "action")
        )
        if text:
            where.append((page.number, _normal(text)))
    if want["kind"] == "split":
        passed = (
            len(where) == 2
            and where[0][0] == want["top_page"]
            and where[1][0] == want["bottom_page"]
            and where[0][1].endswith(_normal(want["top_fragment_ends_with"]))
            and where[1][1].startswith(_normal(want["bottom_fragment_starts_with"]))
        )
    else:
        passed = (
            len(where) == 1
            and where[0][0] == want["whole_on_page"]
            and _normal(want["starts_with"]) in where[0][1]
        )
    got = " | ".join(f"p{page}: {text[:40]}...{text[-30:]}" for page, text in where)
    return {
        "id": folder.name,
        "status": expected.get("status", "active"),
        "expected": want["kind"],
        "passed": passed,
        "got": got,
    }


def _target(doc: Screenplay, target: dict[str, Any]) -> int:
    found = -1
    for i, el in enumerate(doc.elements):
        if isinstance(el, Dialogue):
            if target.get("speaker") and el.speaker != target["speaker"]:
                continue
            text = " ".join(line if isinstance(line, str) else line.text for line in el.lines)
        elif isinstance(el, Action):
            text = el.text
        else:
            continue
        if target["contains_text"] in text:
            found = i
    return found


# --- report ----------------------------------------------------------------------------------


def report(result: dict[str, Any]) -> str:
    if not result["available"]:
        return result["message"]
    out = ["Final Draft pagination parity", ""]
    out.append(
        f"{'reference':24} {'source':8} {'pages':>9} {'same breaks':>15} "
        f"{'first line':>10} {'identical pages':>15} {'same lines':>17}"
    )
    for r in result["references"]:
        pages = f"{r['pages']}/{r['pages_expected']}"
        breaks = f"{r['breaks_matched']}/{r['breaks_total']} {r['break_parity']:.0%}"
        first = f"{r['first_lines_matched']}/{r['first_lines_total']}"
        same = ident = "-"
        if "lines_total" in r:
            ident = f"{r['pages_identical']}/{r['pages_compared']}"
            same = f"{r['lines_matched']}/{r['lines_total']}"
        out.append(
            f"{r['name']:24} {r['source']:8} {pages:>9} {breaks:>15} {first:>10} "
            f"{ident:>15} {same:>17}"
        )
        for miss in r["mismatches"][:3]:
            out.append(
                f"    page {miss['page']}: Final Draft starts with {miss['expected']} "
                f"({miss['expected_fragment']}), we start with {miss['got']} "
                f"({miss['got_fragment']})"
            )
    out += ["", "FDX files with their own element settings (fdx-import, Final Draft's PDF)"]
    for r in result.get("own_settings", []):
        mark = "ok  " if r["within_one"] else "FAIL"
        out.append(f"  {mark} {r['name']:44} pages {r['pages']}/{r['pages_expected']}")
    out += ["", "Dialogue-split probes (fd-probes)"]
    for p in result["probes"]:
        mark = "ok  " if p["passed"] else "FAIL"
        out.append(f"  {mark} {p['id']:44} {p['status']:7} {p['expected']:10}")
        if not p["passed"]:
            out.append(f"       got {p['got']}")
    s = result["summary"]
    out += [
        "",
        f"page counts matched: {s['page_counts_matched']}/{s['references']}; "
        f"references with >= {BREAK_TARGET:.0%} same breaks: "
        f"{s['references_at_target']}/{s['references']}; "
        f"active probes passed: {s['active_probes_passed']}/{s['active_probes']} "
        f"(all: {s['probes_passed']}/{s['probes']})",
    ]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    result = run(args[0] if args else None)
    print(json.dumps(result, indent=2) if "--json" in argv else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
