"""Printable text for pagination: Fountain emphasis to runs, Final Draft's line wrapping and
the sentence ends where a paragraph may break across pages."""

from __future__ import annotations

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
