"""Fountain markup to styled runs, for FDX and HTML."""

from __future__ import annotations

from writersroom.screenplay import markup


def test_runs_keep_or_drop_notes_and_boneyard() -> None:
    text = "He **runs** [[why?]] /* cut */ _now_."
    assert markup.runs(text) == [
        ("He ", 0),
        ("runs", 1),
        (" [[why?]] /* cut */ ", 0),
        ("now", 4),
        (".", 0),
    ]
    assert markup.visible(text) == "He runs   now."


def test_unclosed_openers_are_text() -> None:
    assert markup.runs("a [[ b /* c *d*") == [("a [[ b /* c ", 0), ("d", 2)]
    assert markup.hidden_spans("x [[n]] y /* z") == [
        ("x ", False),
        ("[[n]]", True),
        (" y /* z", False),
    ]


def test_emphasis_does_not_cross_lines() -> None:
    assert markup.runs("*a\nb*") == [("*a\nb*", 0)]


def test_marker_dense_lines_are_read_in_pieces() -> None:
    line = "**a " * 2000  # thousands of markers on one line: read in pieces, in well under 1 s
    assert markup.visible(line).count("a") == 2000
    assert markup.runs("x " * 10 + "**bold** " + "*y " * 100)[1] == ("bold", 1)


def test_private_use_characters_survive() -> None:
    assert markup.runs("*/\ue000") == [("*/\ue000", 0)]
    assert markup.runs("a\ue000 \ue001 *x*") == [("a\ue000 \ue001 ", 0), ("x", 2)]
