"""The JSON interchange format: shape, round trip, and clear errors on bad input."""

from __future__ import annotations

import json

import pytest

from writersroom.errors import FormatError
from writersroom.screenplay import fountain, jsonformat
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    TitleField,
)

DOC = Screenplay(
    (TitleField("Title", "Brick & Steel"),),
    (
        SceneHeading("EXT. PATIO - DAY", "1"),
        Action("A gorgeous day."),
        Dialogue("STEEL", (Parenthetical("(raising a beer)"), "To retirement."), "V.O."),
        Dialogue("BRICK", ("To retirement.",), dual=True),
        Section("ACT II", 2),
        PageBreak(),
        Action("THE END", centered=True),
    ),
)


def test_documented_shape() -> None:
    data = json.loads(jsonformat.render(DOC))
    assert data["title_page"] == [{"key": "Title", "value": "Brick & Steel"}]
    assert data["elements"] == [
        {"type": "scene_heading", "text": "EXT. PATIO - DAY", "scene_number": "1"},
        {"type": "action", "text": "A gorgeous day."},
        {"type": "character", "text": "STEEL", "extension": "V.O."},
        {"type": "parenthetical", "text": "(raising a beer)"},
        {"type": "dialogue", "text": "To retirement."},
        {"type": "character", "text": "BRICK", "dual": True},
        {"type": "dialogue", "text": "To retirement."},
        {"type": "section", "text": "ACT II", "depth": 2},
        {"type": "page_break"},
        {"type": "centered", "text": "THE END"},
    ]


def test_round_trip_and_non_ascii_kept() -> None:
    doc = fountain.parse("ÉTIENNE\nBonjour, *mon ami*.")
    text = jsonformat.render(doc)
    assert "ÉTIENNE" in text
    assert jsonformat.parse(text) == doc
    assert jsonformat.parse(jsonformat.render(DOC)) == DOC


def test_minimal_input_and_speech_without_cue() -> None:
    assert jsonformat.parse('{"elements": []}') == Screenplay()
    data = (
        '{"elements": [{"type": "dialogue", "text": "Hm."}, '
        '{"type": "scene_heading", "text": "X", "scene_number": 4}]}'
    )
    assert jsonformat.parse(data).elements == (Dialogue("", ("Hm.",)), SceneHeading("X", "4"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not valid JSON"),
        ('{\n  "elements": [,]}', "line 2: not valid JSON"),
        ("[]", "an object with 'elements'"),
        ("{}", "no 'elements' list"),
        ('{"elements": {}}', "elements: expected a list"),
        ('{"elements": [3]}', r"elements\[0\]: expected an object"),
        ('{"elements": [{"type": "shot", "text": "x"}]}', r"elements\[0\]: unknown type 'shot'"),
        ('{"elements": [{"type": "action", "text": 5}]}', r"'text' must be a string"),
        ('{"elements": [{"type": "section", "text": "x", "depth": 0}]}', "'depth' must be"),
        ('{"elements": [{"type": "character", "text": "A", "dual": "yes"}]}', "'dual' must be"),
        ('{"title_page": [{"key": "Title"}], "elements": []}', r"title_page\[0\]: 'value'"),
        ("[" * 100000 + "]" * 100000, "nested too deeply|not valid JSON|elements"),
    ],
)
def test_bad_input_gives_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        jsonformat.parse(text)
