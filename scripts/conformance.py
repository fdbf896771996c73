"""Conformance of writersroom's screenplay formats against the shared fixture sets.

Run:  python scripts/conformance.py [SHARED_DIR] [-v] [--thresholds FILE]
      (SHARED_DIR default: ../shared next to the repository; FILE default:
      scripts/conformance-thresholds.toml)

Suites (each prints passed/total):
* reference   the reference parser's element-index assertions (nyousefi/Fountain expectations.json)
* screenplain each tests/*.fountain against screenplain's expected HTML (printed elements)
* screenplay-tools  each *.fountain against its element dump (*.txt / *-Merged.txt)
* jouvence    each YAML case (in -> out, title)
* fdx         every .fdx goes FDX -> Fountain -> FDX without losing a word (body and title page)
* pagination  Final Draft page parity, from scripts/pagination_parity.py `run()`

Other parsers disagree with the spec and with each other in places (docs/formats.md gives our
reading where the spec is silent); the comparisons normalise what is only a difference of
representation (whitespace, emphasis markup, parentheses on parentheticals, (CONT'D), merged
action paragraphs) and count everything else as a failure.

The run is a gate: every figure named in the thresholds file (a suite's pass rate, the pagination
parity figures) must reach its floor, else it prints what fell short and exits 1. The floors only
go up (tests/test_conformance.py checks the file's git history): raise one when the code gets
better. Without SHARED_DIR there is nothing to measure; it says so and exits 0.
"""

from __future__ import annotations

import argparse
import collections
import html
import importlib.util
import json
import math
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

from writersroom.screenplay import fdx, fountain
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
    Transition,
)
from writersroom.screenplay.typeset import visible

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = ROOT / "scripts" / "conformance-thresholds.toml"
Token = tuple[str, str]
Result = dict[str, Any]


# --- normalised element streams ------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(text.split())


def _cue(text: str) -> str:
    text = re.sub(r"\s*\((?:CONT'D|CONT’D|CONT\.|CONTD)\)", "", text, flags=re.IGNORECASE)
    return _norm(text).upper()


def _paren(text: str) -> str:
    text = _norm(text)
    return text[1:-1].strip() if text.startswith("(") and text.endswith(")") else text


def stream(doc: Screenplay) -> list[Token]:
    """Our document as a stream of printed (kind, text) tokens."""
    out: list[Token] = []
    for e in doc.elements:
        match e:
            case SceneHeading():
                out.append(("heading", _norm(visible(e.text))))
            case Action(centered=True):
                out.append(("centered", _norm(visible(e.text))))
            case Action():
                out.append(("action", _norm(visible(e.text))))
            case Dialogue():
                out.append(("character", _cue(visible(e.cue if e.extension != "" else e.speaker))))
                for line in e.lines:
                    if isinstance(line, Parenthetical):
                        out.append(("parenthetical", _paren(visible(line.text))))
                    else:  # "~" lines inside a speech are sung
                        for x in line.split("\n"):
                            sung = x.lstrip().startswith("~")
                            text = _norm(visible(x.lstrip()[1:] if sung else x))
                            out.append(("lyrics" if sung else "dialogue", text))
            case Transition():  # printed in capitals (Final Draft's Transition style)
                out.append(("transition", _norm(visible(e.text)).upper()))
            case Lyrics():
                out.append(("lyrics", _norm(visible(e.text))))
            case Section():
                out.append(("section", _norm(e.text)))
            case Synopsis():
                out.append(("synopsis", _norm(e.text)))
            case PageBreak():
                out.append(("page_break", ""))
            case Note() | Boneyard():
                pass
    return _merge(out)


def _merge(tokens: list[Token]) -> list[Token]:
    """Join neighbouring action (and dialogue) tokens; drop empty action."""
    out: list[Token] = []
    for kind, text in tokens:
        if kind == "action" and not text:
            continue
        if out and kind in ("action", "dialogue") and out[-1][0] == kind:
            out[-1] = (kind, f"{out[-1][1]} {text}".strip())
        else:
            out.append((kind, text))
    return out


def _compare(name: str, ours: list[Token], theirs: list[Token], failures: list[str]) -> bool:
    if ours == theirs:
        return True
    for n, (a, b) in enumerate(zip(ours + [("", "")] * 99, theirs + [("", "")] * 99, strict=False)):
        if a != b:
            failures.append(f"{name}: element {n}: ours {a!r} vs expected {b!r}")
            break
    return False


# --- suites --------------------------------------------------------------------------------------
def _missing(path: Path) -> Result:
    return {"skipped": f"no fixtures at {path}"}


_REFERENCE_TYPES = {
    SceneHeading: "Scene Heading",
    Transition: "Transition",
    PageBreak: "Page Break",
    Boneyard: "Boneyard",
    Note: "Comment",
    Section: "Section Heading",
    Synopsis: "Synopsis",
    Lyrics: "Lyrics",
}


def _reference_elements(doc: Screenplay) -> list[tuple[str, str]]:
    """One (type, text) per paragraph as the reference parser counts them: a dialogue block is
    Character + one element per dialogue paragraph or parenthetical; centred lines are one
    Action each."""
    out: list[tuple[str, str]] = []
    for e in doc.elements:
        if isinstance(e, Dialogue):
            out.append(("Character", e.cue))
            for line in e.lines:
                if isinstance(line, Parenthetical):
                    out.append(("Parenthetical", line.text))
                elif line and all(x.startswith("~") for x in line.split("\n")):
                    out.append(("Lyrics", line))
                else:
                    out += [("Dialogue", part) for part in line.split("\n\n")]
        elif isinstance(e, Action):
            out += (
                [("Action", x) for x in e.text.split("\n")] if e.centered else [("Action", e.text)]
            )
        else:
            out.append((_REFERENCE_TYPES[type(e)], getattr(e, "text", "")))
    return out


def reference(shared: Path) -> Result:
    base = shared / "fixtures/fountain/nyousefi-reference"
    if not (base / "expectations.json").is_file():
        return _missing(base / "expectations.json")
    data = json.loads((base / "expectations.json").read_text(encoding="utf-8"))
    cache: dict[str, list[tuple[str, str]]] = {}
    passed, failures = 0, []
    for a in data["assertions"]:
        if a["fixture"] not in cache:
            text = (base / a["fixture"]).read_text(encoding="utf-8")
            cache[a["fixture"]] = _reference_elements(fountain.parse(text))
        elements = cache[a["fixture"]]
        got = elements[a["index"]] if a["index"] < len(elements) else ("(none)", "")
        if a["assert_"] == "type_equals":
            ok = got[0] == a["value"]
        elif a["assert_"] == "type_not_equals":
            ok = got[0] != a["value"]
        else:
            ok = got[1].strip() == a["value"].strip()
        passed += ok
        if not ok:
            failures.append(
                f"{a['test']}: element {a['index']} is {got[0]} {got[1][:40]!r}, "
                f"expected {a['assert_']} {a['value']!r}"
            )
    return {"passed": passed, "total": len(data["assertions"]), "failures": failures}


_SP_BLOCK = re.compile(
    r"<(h[1-6])([^>]*)>(.*?)</\1>|<span class=\"h\d-synopsis\">(.*?)</span>|"
    r"<div class=\"(dialog|dual|action[^\"]*|transition|centered)\">(.*?)"
    r"</div>(?=\s*<(?:h\d|div|span)|\s*$)",
    re.DOTALL,
)


def _sp_text(fragment: str) -> str:
    fragment = re.sub(r"<span class=\"scnum[lr]\">.*?</span>", "", fragment)
    fragment = re.sub(r"<br ?/?>", "\n", fragment)
    return _norm(html.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("\xa0", " "))


def _screenplain_tokens(page: str) -> list[Token]:
    out: list[Token] = []
    page = re.sub(
        r"<div class=\"dual\"><div class=\"left\">(.*?)</div>"
        r"<div class=\"right\">(.*?)</div><br />\s*</div>",
        r'<div class="dialog">\1</div>\n<div class="dialog">\2</div>',
        page,
        flags=re.DOTALL,
    )
    for m in _SP_BLOCK.finditer(page):
        tag, attrs, inner, synopsis, div, body = m.groups()
        if synopsis is not None:
            out.append(("synopsis", _sp_text(synopsis)))
        elif tag:
            if "page-break" in attrs:
                out.append(("page_break", ""))
            out.append(("heading" if tag == "h6" else "section", _sp_text(inner)))
        elif div in ("dialog", "dual"):
            for p_class, p_text in re.findall(r"<p(?: class=\"(\w+)\")?>(.*?)</p>", body):
                kind = {"character": "character", "parenthetical": "parenthetical"}.get(
                    p_class, "dialogue"
                )
                text = _sp_text(p_text)
                out.append(
                    (
                        kind,
                        _cue(text)
                        if kind == "character"
                        else _paren(text)
                        if kind == "parenthetical"
                        else text,
                    )
                )
        else:
            if "page-break" in div:
                out.append(("page_break", ""))
            kind = "centered" if "centered" in div else div.split()[0]
            text = _sp_text(body)
            out.append((kind, text.upper() if kind == "transition" else text))
    return _merge(out)


def screenplain(shared: Path) -> Result:
    base = shared / "fixtures/fountain/screenplain/tests"
    if not base.is_dir():
        return _missing(base)
    passed, total, failures = 0, 0, []
    for source in sorted(base.glob("*.fountain")):
        expected = source.with_suffix(".html")
        if not expected.exists() or source.stem == "title-page":
            continue
        total += 1
        doc = fountain.parse(source.read_bytes().decode("utf-8"))
        theirs = _screenplain_tokens(expected.read_text(encoding="utf-8"))
        passed += _compare(source.name, stream(doc), theirs, failures)
    return {"passed": passed, "total": total, "failures": failures}


_ST_ENTRY = re.compile(
    r"^(?P<ref>\[\[\d+\]\]|/\*\d+\*/)?(?P<kind>[A-Z]+):\"(?P<text>.*?)\""
    r"(?P<extra>(?: (?:\"[^\"\n]*\"|\([^)\n]*\)))*)(?: tags:\S*)?[ ]*$",
    re.MULTILINE | re.DOTALL,
)
_ST_KINDS = {
    "ACTION": "action",
    "CHARACTER": "character",
    "DIALOGUE": "dialogue",
    "PARENTHETICAL": "parenthetical",
    "HEADING": "heading",
    "TRANSITION": "transition",
    "SECTION": "section",
    "SYNOPSIS": "synopsis",
    "PAGEBREAK": "page_break",
    "LYRIC": "lyrics",
}


def _screenplay_tools_tokens(dump: str) -> list[Token]:
    out: list[Token] = []
    for m in _ST_ENTRY.finditer(dump):
        if m.group("ref") or m.group("kind") not in _ST_KINDS:
            continue
        kind = _ST_KINDS[m.group("kind")]
        text = re.sub(r"\[\[\d+\]\]|/\*\d+\*/", "", m.group("text"))
        extra = m.group("extra")
        if kind == "character":
            ext = re.findall(r"\"(\([^\"]*\))\"", extra)
            text = _cue(" ".join([text, *ext]))
        elif kind == "parenthetical":
            text = _paren(text)
        elif kind == "action" and "(centered)" in extra:
            kind = "centered"
        elif kind == "transition":
            text = text.upper()
        out.append((kind, "" if kind == "page_break" else _norm(visible(text))))
    return _merge(out)


def screenplay_tools(shared: Path) -> Result:
    base = shared / "fixtures/fountain/screenplay-tools"
    if not base.is_dir():
        return _missing(base)
    passed, total, failures = 0, 0, []
    skip = {"Formatted", "Tags", "Scratch"}  # emphasis-to-HTML dump, #tags, scratch pad
    for source in sorted(base.glob("*.fountain")):
        dump = base / f"{source.stem}-Merged.txt"
        if not dump.exists():
            dump = source.with_suffix(".txt")
        if not dump.exists() or source.stem in skip:
            continue
        total += 1
        doc = fountain.parse(source.read_bytes().decode("utf-8"))
        theirs = _screenplay_tools_tokens(dump.read_text(encoding="utf-8"))
        passed += _compare(source.name, stream(doc), theirs, failures)
    return {"passed": passed, "total": total, "failures": failures}


_JV_KINDS = {
    "!": "action",
    "@": "character",
    "=": "dialogue",
    "_": "parenthetical",
    ".": "heading",
    ">": "transition",
    "#": "section",
    "+": "synopsis",
    "~": "lyrics",
}


def _jouvence_tokens(out: list[str]) -> list[Token]:
    tokens: list[Token] = []
    for item in out:
        if item == "<pagebreak>":
            tokens.append(("page_break", ""))
            continue
        kind, text = _JV_KINDS[item[0]], item[1:]
        if kind == "action" and text.startswith("><"):
            kind, text = "centered", text[2:]
        text = _norm(visible(text))
        text = text.upper() if kind == "transition" else text
        tokens.append(
            (
                kind,
                _cue(text)
                if kind == "character"
                else _paren(text)
                if kind == "parenthetical"
                else text,
            )
        )
    return _merge(tokens)


def jouvence(shared: Path) -> Result:
    try:
        import yaml
    except ImportError:
        return {"skipped": "PyYAML is not installed (pip install pyyaml)"}
    base = shared / "fixtures/fountain/jouvence"
    if not base.is_dir():
        return _missing(base)
    passed, total, failures = 0, 0, []
    for source in sorted(base.glob("test_*.yaml")):
        for n, case in enumerate(yaml.safe_load_all(source.read_text(encoding="utf-8"))):
            if not case or "in" not in case:
                continue
            total += 1
            doc = fountain.parse(case["in"])
            name = f"{source.name}#{n}"
            ok = _compare(name, stream(doc), _jouvence_tokens(case.get("out") or []), failures)
            if ok and "title" in case:
                ours = {f.key.lower(): _norm(f.value) for f in doc.title_page}
                theirs = {str(k).lower(): _norm(str(v)) for k, v in (case["title"] or {}).items()}
                ok = ours == theirs
                if not ok:
                    failures.append(f"{name}: title page {ours} vs expected {theirs}")
            passed += ok
    return {"passed": passed, "total": total, "failures": failures}


def _fdx_words(xml: bytes | str) -> tuple[list[str], collections.Counter[str]]:
    root = ET.fromstring(xml)
    body: list[str] = []

    def visit(p: ET.Element) -> None:
        body.extend("".join(t.text or "" for t in p.findall("Text")).split())
        for child in p:
            if child.tag in ("Paragraph", "DualDialogue"):
                visit(child)

    for p in root.findall("Content/Paragraph"):
        visit(p)
    title = collections.Counter(
        w for t in root.iterfind("TitlePage/Content/Paragraph/Text") for w in (t.text or "").split()
    )
    return body, title


def fdx_round_trip(shared: Path) -> Result:
    passed, total, failures = 0, 0, []
    for source in sorted((shared / "fixtures").rglob("*.fdx")):
        total += 1
        raw = source.read_bytes()
        doc = fountain.parse(fountain.render(fdx.parse(raw)))
        body, title = _fdx_words(raw)
        body2, title2 = _fdx_words(fdx.render(doc))
        lost = title - title2
        ok = body == body2 and not lost
        passed += ok
        if not ok:
            failures.append(
                f"{source.relative_to(shared)}: body words {len(body)} -> "
                f"{len(body2)}, title words lost {sorted(lost)}"
            )
    return {"passed": passed, "total": total, "failures": failures}


def pagination(shared: Path) -> Result:
    path = ROOT / "scripts" / "pagination_parity.py"
    if not path.exists():
        return {"skipped": "scripts/pagination_parity.py is not there yet"}
    spec = importlib.util.spec_from_file_location("pagination_parity", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: Result = module.run(shared)
    return result


SUITES: dict[str, Callable[[Path], Result]] = {
    "reference": reference,
    "screenplain": screenplain,
    "screenplay-tools": screenplay_tools,
    "jouvence": jouvence,
    "fdx": fdx_round_trip,
    "pagination": pagination,
}


def run(shared: Path) -> dict[str, Result]:
    return {name: suite(shared) for name, suite in SUITES.items()}


# --- the gate ------------------------------------------------------------------------------------
def figures(results: dict[str, Result]) -> dict[str, float]:
    """The gated figures, each a share in [0, 1]: `pass_rate.SUITE` for every suite that ran
    cases, and `pagination.*` when Final Draft's references were paginated."""
    out: dict[str, float] = {}
    for name, result in results.items():
        if result.get("total"):
            out[f"pass_rate.{name}"] = result["passed"] / result["total"]
    refs = results.get("pagination", {}).get("references") or []
    if refs:
        lines = sum(r.get("lines_total", 0) for r in refs)
        out["pagination.page_counts"] = sum(r["pages"] == r["pages_expected"] for r in refs) / len(
            refs
        )
        out["pagination.min_break_parity"] = min(r["break_parity"] or 0.0 for r in refs)
        out["pagination.min_first_lines"] = min(
            r["first_lines_matched"] / r["first_lines_total"] if r["first_lines_total"] else 1.0
            for r in refs
        )
        if lines:
            out["pagination.lines"] = sum(r.get("lines_matched", 0) for r in refs) / lines
    own = results.get("pagination", {}).get("own_settings") or []
    if refs or own:  # every script with Final Draft's page count, within one page of it
        near = [abs(r["pages"] - r["pages_expected"]) <= 1 for r in [*refs, *own]]
        out["pagination.within_one_page"] = sum(near) / len(near)
    probes = results.get("pagination", {}).get("probes") or []
    if probes:
        out["pagination.probes"] = sum(bool(p.get("passed")) for p in probes) / len(probes)
    return out


def load_thresholds(path: Path) -> dict[str, float]:
    """The floors in `path`, flattened to `table.key` names (e.g. `pass_rate.fdx`)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SystemExit(f"conformance: cannot read thresholds {path}: {exc}") from exc
    floors: dict[str, float] = {}
    for table, values in data.items():
        if not isinstance(values, dict):
            raise SystemExit(f"conformance: {path}: {table} must be a table of figures")
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SystemExit(f"conformance: {path}: {table}.{key} must be a number")
            floors[f"{table}.{key}"] = float(value)
    return floors


def check(measured: dict[str, float], floors: dict[str, float]) -> list[str]:
    """One line per floor not reached (a figure that could not be measured fails too)."""
    failures = []
    for name, floor in sorted(floors.items()):
        if name not in measured:
            failures.append(f"{name}: not measured (its fixtures are missing), floor {floor:.3f}")
        elif measured[name] + 1e-9 < floor:
            failures.append(f"{name}: {measured[name]:.3f} is below the floor {floor:.3f}")
    return failures


def _print_pagination(result: Result) -> None:
    print("pagination         Final Draft page parity (scripts/pagination_parity.py)")
    for ref in result["references"]:
        print(
            f"    {ref['name']:24} {ref.get('source', ''):8} pages {ref.get('pages')}/"
            f"{ref.get('pages_expected')}  page breaks {ref.get('breaks_matched')}/"
            f"{ref.get('breaks_total')} ({100 * (ref.get('break_parity') or 0):.1f}%)"
        )
    for ref in result.get("own_settings", []):
        print(
            f"    {ref['name']:24} fdx      pages {ref['pages']}/{ref['pages_expected']}  "
            f"(the FDX's own element settings{'' if ref['own_layout'] else ': the defaults'})"
        )
    probes = result.get("probes", [])
    if probes:
        passed = sum(1 for p in probes if p.get("passed"))
        print(f"    dialogue-split probes {passed}/{len(probes)} behave as Final Draft does")


def _report(results: dict[str, Result], verbose: bool) -> None:
    for name, result in results.items():
        if "skipped" in result:
            print(f"{name:18} skipped: {result['skipped']}")
        elif "total" in result:
            rate = 100 * result["passed"] / result["total"] if result["total"] else 0.0
            print(f"{name:18} {result['passed']:4}/{result['total']:<4} {rate:5.1f}%")
            for failure in result["failures"][: None if verbose else 5]:
                print(f"    {failure}")
        elif "references" in result:
            _print_pagination(result)
        else:
            print(f"{name:18} {json.dumps(result, default=str)[:2000]}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="conformance.py", description=__doc__.split("\n")[0])
    parser.add_argument("shared", nargs="?", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    parser.add_argument("--thresholds", type=Path, default=THRESHOLDS, help="the floors (TOML)")
    args = parser.parse_args(argv[1:])
    floors = load_thresholds(args.thresholds)
    if not (args.shared / "fixtures").is_dir():
        print(
            f"conformance: no fixtures at {args.shared}/fixtures; nothing measured, so the "
            f"{len(floors)} floors in {args.thresholds.name} were not checked "
            "(pass the shared folder as the first argument)"
        )
        return 0
    results = run(args.shared)
    _report(results, args.verbose)
    measured = figures(results)
    failures = check(measured, floors)
    if failures:
        print(f"conformance: {len(failures)} of {len(floors)} floors not reached:")
        for failure in failures:
            print(f"    {failure}")
        return 1
    raisable = [n for n, f in sorted(floors.items()) if math.floor(measured[n] * 1000) / 1000 > f]
    print(f"conformance: all {len(floors)} floors reached ({args.thresholds.name})")
    if raisable:
        print("    these can be raised: " + ", ".join(f"{n} {measured[n]:.3f}" for n in raisable))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
