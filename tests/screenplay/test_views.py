"""Derived views: scenes, characters, locations, INT/EXT and DAY/NIGHT."""

from __future__ import annotations

import pytest

from writersroom.screenplay import fountain, views

SCRIPT = """INT. DINER - NIGHT #7#

MARA wipes the counter.

MARA
(to herself)
One more hour.

STRANGER (V.O.)
Coffee, *black*.

EXT. DINER - DAY

Mara (CONT'D)
Wait!

INT./EXT. CAR - MOVING - NIGHT [FLASHBACK]

mara (o.s.)
Drive.
"""


def test_scenes_hold_their_elements() -> None:
    doc = fountain.parse(SCRIPT)
    scenes = views.scenes(doc)
    assert [(s.number, s.label, s.heading.text) for s in scenes] == [
        (1, "7", "INT. DINER - NIGHT"),
        (2, "2", "EXT. DINER - DAY"),
        (3, "3", "INT./EXT. CAR - MOVING - NIGHT [FLASHBACK]"),
    ]
    assert len(scenes[0].elements) == 3
    assert doc.elements[scenes[1].start] == scenes[1].heading


def test_characters_count_speeches_words_and_scenes() -> None:
    doc = fountain.parse(
        SCRIPT.replace("Mara (CONT'D)", "MARA (CONT'D)").replace("mara (o.s.)", "@mara (o.s.)")
    )
    stats = {c.name: c for c in views.characters(doc)}
    assert stats["MARA"].lines == 3
    assert stats["MARA"].words == 3 + 1 + 1  # parenthetical not counted
    assert stats["MARA"].scenes == 3
    assert stats["STRANGER"].words == 2  # emphasis markup is not a word


@pytest.mark.parametrize(
    ("heading", "int_ext", "location", "time"),
    [
        ("INT. DINER - NIGHT", "INT", "DINER", "NIGHT"),
        ("ext. road -- dawn", "EXT", "road", "DAWN"),
        ("I/E CAR - MOVING - DAY", "INT/EXT", "CAR - MOVING", "DAY"),
        ("EST. CITY", "EXT", "CITY", ""),
        ("SNIPER SCOPE POV", "", "SNIPER SCOPE POV", ""),
        ("EXT. NEW YORK CITY. DAY. CONTINUOUS. 1868.", "EXT", "NEW YORK CITY", "DAY"),
    ],
)
def test_parse_heading(heading: str, int_ext: str, location: str, time: str) -> None:
    assert views.parse_heading(heading) == views.SceneSlug(int_ext, location, time)


def test_locations_and_breakdown() -> None:
    doc = fountain.parse(SCRIPT)
    assert [(loc.name, loc.scenes, loc.int_ext) for loc in views.locations(doc)] == [
        ("DINER", 2, ("INT", "EXT")),
        ("CAR - MOVING", 1, ("INT/EXT",)),
    ]
    split = views.breakdown(doc)
    assert split.int_ext == {"INT": 1, "EXT": 1, "INT/EXT": 1}
    assert split.day_night == {"NIGHT": 2, "DAY": 1}
