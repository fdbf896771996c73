"""Printable text for pagination: Fountain emphasis to runs, Final Draft's line wrapping and
the sentence ends where a paragraph may break across pages."""

from __future__ import annotations

import io
import re

import pdfplumber
from hypothesis import given, settings
from hypothesis import strategies as st

from writersroom.screenplay import pdf
from writersroom.screenplay.model import Action, Screenplay
from writersroom.screenplay.paginate import paginate
from writersroom.screenplay.typeset import parse_emphasis, sentence_ends, visible, wrap


def styled(text: str) -> list[tuple[str, str]]:
    return [
        (r.text, "b" * r.bold + "i" * r.italic + "u" * r.underline) for r in parse_emphasis(text)
    ]


def rows(text: str, cells: int, first: int | None = None) -> list[str]:
    return [text[a:b] for a, b in wrap(text, cells, first)]


def test_emphasis_markers():
    assert styled("plain") == [("plain", "")]
    assert styled("*it* **bold** ***both*** _under_") == [
        ("it", "i"),
        (" ", ""),
        ("bold", "b"),
        (" ", ""),
        ("both", "bi"),
        (" ", ""),
        ("under", "u"),
    ]
    assert styled("_Steel's face FILLS the *Leupold Mark 4* scope_") == [
        ("Steel's face FILLS the ", "u"),
        ("Leupold Mark 4", "iu"),
        (" scope", "u"),
    ]


def test_emphasis_needs_text_against_the_markers_and_stops_at_line_ends():
    assert styled("*69 and then *23") == [("*69 and then *23", "")]
    assert styled("*one\ntwo*") == [("*one\ntwo*", "")]


def test_escapes_notes_and_boneyard_are_not_printed():
    assert styled("**\\*9765\\***") == [("*9765*", "b")]
    assert visible("Go [[check this]]now/* cut */.") == "Go now."
    assert visible("\\_not underlined\\_") == "_not underlined_"


def test_action_wraps_at_61_characters():
    text = "Edward points to his wedding band, glinting in the firelight. Will looks away."
    assert rows(text, 61) == [
        "Edward points to his wedding band, glinting in the firelight. ",
        "Will looks away.",
    ]
    assert len("Edward points to his wedding band, glinting in the firelight.") == 61


def test_trailing_spaces_overhang_the_column():
    assert rows("Four have flashlights on.  The fifth trips.", 25) == [
        "Four have flashlights on.  ",
        "The fifth trips.",
    ]


def test_breaks_after_hyphens_and_one_hyphen_may_overhang():
    assert rows("Sandra pushes past her son to her daughter-in-law.", 43) == [
        "Sandra pushes past her son to her daughter-",
        "in-law.",
    ]
    assert rows("he said impossible -- everything!", 19) == [
        "he said impossible -",
        "- everything!",
    ]
    assert rows("with his father--", 16) == ["with his father--"]  # no word after it


def test_words_longer_than_the_column_are_cut_and_blank_lines_kept():
    assert rows("abcdefghijkl mn", 5) == ["abcde", "fghij", "kl mn"]
    assert rows("one\n\ntwo", 10) == ["one", "", "two"]
    assert rows("(closer; he holds up his ring)", 25, 26) == ["(closer; he holds up his ", "ring)"]


def test_sentence_ends():
    text = 'Go.  "Now!" she said. Mr. Lee?\nYes, the end'
    ends = sentence_ends(text)
    assert [text[:e].rsplit(" ", 1)[-1] for e in ends] == ["Go.", '"Now!"', "said.", "Mr.", "Lee?"]
    assert sentence_ends("no end here") == []
    assert sentence_ends("Ends at the very end.") == []  # nothing follows it


# The emphasis rules written as regular expressions, the way the reading is specified (they
# rescan the rest of the line for every unmatched marker, so only short strings here).
_SPEC = tuple(
    (re.compile(rf"{marker}(?=\S)(.+?)(?<=\S){marker}"), flag)
    for marker, flag in ((r"\*\*\*", 3), (r"\*\*", 1), (r"\*", 2), ("_", 4))
)


def spec_runs(text: str) -> list[tuple[str, int]]:
    text = re.sub(r"\[\[.*?\]\]|/\*.*?\*/", "", text, flags=re.DOTALL)
    text = text.replace("\\*", "\x01").replace("\\_", "\x02")  # not in the generated text
    out: list[tuple[str, int]] = []

    def read(line: str, flags: int) -> None:
        while line:
            found = [(m.start(), n, m) for n, (p, _) in enumerate(_SPEC) if (m := p.search(line))]
            if not found:
                out.append((line, flags))
                return
            start, n, m = min(found, key=lambda f: f[:2])
            out.append((line[:start], flags))
            read(m.group(1), flags | _SPEC[n][1])
            line = line[m.end() :]

    for n, line in enumerate(text.split("\n")):
        if n:
            out.append(("\n", 0))
        read(line, 0)
    merged: list[tuple[str, int]] = []
    for piece, flags in out:
        if merged and merged[-1][1] == flags:
            merged[-1] = (merged[-1][0] + piece, flags)
        elif piece:
            merged.append((piece, flags))
    return [(piece.translate({1: "*", 2: "_"}), flags) for piece, flags in merged]


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from([*"***__  ab\\[]/\n\t", "\u00a0"]), max_size=30))
def test_emphasis_reads_as_specified(text):
    assert [(r.text, r.flags) for r in parse_emphasis(text)] == spec_runs(text)


def test_nested_and_adjacent_emphasis():
    assert styled("_a **b *c* d** e_ ***f*** *g**") == [
        ("a ", "u"),
        ("b ", "bu"),
        ("c", "biu"),
        (" d", "bu"),
        (" e", "u"),
        (" ", ""),
        ("f", "bi"),
        (" ", ""),
        ("g", "i"),
        ("*", ""),
    ]
    assert styled("\\**x*") == [("*", ""), ("x", "i")]  # an escaped marker never opens


def test_many_unmatched_markers_on_one_line():
    # Each of these made the regular-expression reading rescan the line for every marker
    # (seconds for a few thousand characters); the reading is now linear in the length.
    line = "**a " * 4000
    runs = parse_emphasis(line)
    assert "".join(r.text for r in runs) == line.replace("**a **", "*a *")
    assert {r.flags for r in runs} == {0, 2}  # "**a **" is italic "*a *": no `**` closes
    assert styled("_a " * 4000) == [("_a " * 4000, "")]  # closers all follow a space
    assert styled("a*" * 4000)[:3] == [("a", ""), ("a", "i"), ("a", "")]
    assert visible("[[" * 8000 + "x") == "[[" * 8000 + "x"
    assert visible("[[ /* " * 4000) == "[[ /* " * 4000
    assert visible("[[ /* ]] " * 4000 + "*/") == " " * 4000 + "*/"
    assert visible("/* [[ */ " * 4000 + "]]") == " " * 4000 + "]]"


def test_private_use_characters_are_text():
    assert styled("a\ue000 *b* \ue001 \\* \\_") == [
        ("a\ue000 ", ""),
        ("b", "i"),
        (" \ue001 * _", ""),
    ]
    doc = Screenplay(elements=(Action("Keys \ue000 and \ue001 *here* \\* \\_."),))
    [page] = paginate(doc)
    assert page.lines[0].text == "Keys \ue000 and \ue001 here * _."
    out = io.BytesIO()
    pdf.render(doc, out)
    with pdfplumber.open(io.BytesIO(out.getvalue())) as printed:
        text = printed.pages[0].extract_text()
    # The font has no glyph for them, but they are never printed as emphasis markers.
    assert text.startswith("Keys ") and text.endswith(" here * _.")
    assert text.count("*") == text.count("_") == 1
