"""A draft with the story engine's own check problems is never recommended; produced scripts
(the fixture, and Big Fish and Brick & Steel from ../shared) are not flagged."""

from pathlib import Path

import pytest

from writersroom.evaluate.coverage import _capped, draft_problems
from writersroom.evaluate.script import scene_texts
from writersroom.screenplay import fountain

REFERENCE = (Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "fountain"
             / "nyousefi-reference")
LOOPING = """INT. ROOM - DAY

Elena sits by the window.

ELENA
Elena is here. Elena is tired.

MARK
I am going now to the store.

ELENA
Elena waits.

MARK
I am going now to the store.

INT. HALL - NIGHT

MARK
I am going now to the store.

EXT. YARD - DAY

"""


def test_a_looping_draft_is_flagged_and_never_recommended():
    problems = draft_problems(scene_texts(fountain.parse(LOOPING)))
    assert problems == [
        "Scene 3 is empty",
        '2 speeches repeat earlier ones verbatim (Scene 1, MARK: "I am going now to the store.")',
        "ELENA opens 2 of 2 lines with their own name",
    ]
    assert _capped(5.0, problems) == "Consider"
    assert _capped(5.0, []) == "Recommend"
    assert _capped(1.0, problems) == "Pass"


def test_the_fixture_is_not_flagged(heist):
    assert draft_problems(scene_texts(heist)) == []


@pytest.mark.skipif(not REFERENCE.exists(), reason="needs ../shared/fixtures (Big Fish)")
@pytest.mark.parametrize("name", ["Big Fish.fountain", "Brick And Steel.fountain"])
def test_produced_scripts_are_not_flagged(name):
    doc = fountain.parse((REFERENCE / name).read_text(encoding="utf-8"))
    assert draft_problems(scene_texts(doc)) == []
