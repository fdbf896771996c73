import pytest
from pydantic import ValidationError

from writersroom.story.types import (
    DialogueBlock,
    Location,
    SceneDraft,
    SceneOutline,
    cue_of,
    location_name,
)


def test_cue_is_upper_case_without_stray_punctuation():
    assert cue_of("  Maya  Torres ") == "MAYA TORRES"
    assert cue_of("Dr. O'Neil!") == "DR. O'NEIL"


def test_location_name_is_heading_form():
    assert location_name("the old Harbor - Diner.") == "THE OLD HARBOR DINER"
    assert Location(name="lamp room").name == "LAMP ROOM"
    with pytest.raises(ValidationError):
        Location(name="...")


@pytest.mark.parametrize(
    ("setting", "heading"),
    [
        ("INT", "INT. LIGHTHOUSE - NIGHT"),
        ("EXT", "EXT. LIGHTHOUSE - NIGHT"),
        ("INT/EXT", "INT./EXT. LIGHTHOUSE - NIGHT"),
    ],
)
def test_heading_is_well_formed_never_literal_int_ext(setting, heading):
    outline = SceneOutline(
        number=1,
        setting=setting,
        location="lighthouse",
        time="night",
        characters=["maya torres", "MAYA TORRES"],
        summary="Storm.",
    )
    assert outline.heading == heading
    assert outline.characters == ("MAYA TORRES",)


def test_records_are_frozen_and_strict():
    draft = SceneDraft(number=1, blocks=[DialogueBlock(speaker="MAYA", lines=["Hi."])])
    assert draft.speakers == ["MAYA"]
    with pytest.raises(ValidationError):
        SceneDraft(number=1, blocks=[{"type": "song", "text": "la"}])
    with pytest.raises(ValidationError):
        DialogueBlock(speaker="MAYA", lines=[])
