import pytest

from writersroom.story.checks import check_scene, check_story, repair, severity
from writersroom.story.scenetext import parse_scene_text
from writersroom.story.types import SceneDraft, SceneOutline

DAY = SceneOutline(
    number=2,
    location="LIGHTHOUSE",
    time="DAY",
    characters=("MAYA TORRES", "ELIAS CRANE"),
    summary="They argue.",
)
NIGHT = DAY.model_copy(update={"time": "NIGHT"})
CAST = ("MAYA TORRES", "ELIAS CRANE", "JUNE PARK")
GOOD = """Maya hauls a coil of rope up the spiral stairs.

MAYA TORRES
The ship is still out there.

ELIAS CRANE
Then let it find its own way home."""


def draft(text: str, number: int = 2) -> SceneDraft:
    return SceneDraft(number=number, blocks=tuple(parse_scene_text(text)))


def kinds(text: str, outline: SceneOutline = DAY, others=()) -> list[str]:
    return [i.kind for i in check_scene(draft(text), outline, CAST, others)]


def test_a_good_scene_passes():
    assert kinds(GOOD) == []


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        ("STRANGER\nWho are you?", "unknown_speaker"),
        ("JUNE PARK\nI was never invited.", "unknown_speaker"),
        ("INT. HARBOR - NIGHT\nMaya runs.", "heading_in_body"),
        ("Moonlight floods the lamp room.", "time_contradiction"),
        ("Sure, here is the scene you asked for.", "meta_commentary"),
        ("MAYA TORRES\nI hope this helps! Let me know if you want changes.", "meta_commentary"),
        ("In this scene, Maya learns to trust.", "meta_commentary"),
        ("Maya hauls a coil of rope up the spiral stairs.", "repeated_block"),
        ("Maya waits. Maya waits. Maya waits. Maya waits.", "repeated_block"),
    ],
)
def test_each_problem_is_found_and_points_at_its_block(extra, kind):
    issues = check_scene(draft(GOOD + "\n\n" + extra), DAY, CAST)
    assert [i.kind for i in issues] == [kind]
    assert issues[0].block == 3


def test_short_lines_said_three_times_and_near_copies_are_repeats():
    text = GOOD + "\n\nCapture Jameson.\n\nMAYA TORRES\nCapture Jameson.\n\nCapture Jameson."
    issues = check_scene(draft(text), DAY, CAST)
    assert [(i.kind, i.block) for i in issues] == [("repeated_block", 5)]
    near = GOOD + "\n\nMAYA TORRES\nMaya hauls a coil of rope up the spiral stairs again."
    assert kinds(near) == ["self_address", "repeated_block"]  # she also names herself
    assert kinds(GOOD + "\n\nMAYA TORRES\nNo.\n\nELIAS CRANE\nNo.") == []


def test_night_scene_flags_daylight_only():
    assert kinds(GOOD + "\n\nMoonlight floods the room.", NIGHT) == []
    assert kinds(GOOD + "\n\nBroad daylight pours in.", NIGHT) == ["time_contradiction"]


def test_empty_scene_and_copies_of_other_scenes():
    assert kinds("Maya waits.") == ["empty_scene"]
    other = draft("Elias sits alone, staring at the cold lamp for an hour.", number=1)
    text = GOOD + "\n\nElias sits alone, staring at the cold lamp for an hour."
    assert kinds(text, others=[other]) == ["repeated_block"]


def test_repair_drops_blocks_at_fault_and_severity_ranks_empty_first():
    bad = draft(GOOD + "\n\nSure, here is the scene.\n\nSTRANGER\nBoo.")
    issues = check_scene(bad, DAY, CAST)
    fixed = repair(bad, issues)
    assert fixed.blocks == draft(GOOD).blocks
    assert check_scene(fixed, DAY, CAST) == []
    empty = check_scene(draft("Hm."), DAY, CAST)
    assert severity(empty) > severity(issues)


def test_a_speaker_saying_their_own_name_is_self_address():
    text = GOOD + "\n\nELIAS CRANE\nElias Crane, this is a message from the future."
    issues = check_scene(draft(text), DAY, CAST)
    assert [(i.kind, i.block) for i in issues] == [("self_address", 3)]
    assert "ELIAS CRANE says their own name" in issues[0].message
    assert kinds(GOOD + "\n\nELIAS CRANE\nMaya, listen to me.") == []  # naming another: fine


@pytest.mark.parametrize(
    "paragraph",
    [
        'Elias says, "There is something special about this."',
        "ELIAS CRANE\nMaya says: go home.",
        "Maya whispered, 'run'.",
    ],
)
def test_speech_narrated_in_action_or_a_speech_is_flagged(paragraph):
    assert kinds(GOOD + "\n\n" + paragraph) == ["narrated_speech"]


def test_doubled_and_unknown_names():
    allowed = {"Maya", "Elias", "The", "Then", "Torres", "Crane"}
    text = GOOD + "\n\nThe keeper meets Soka Mami and Maya Maya on the stairs."
    found = check_scene(draft(text), DAY, CAST, allowed=allowed)
    assert [i.kind for i in found] == ["doubled_name", "unknown_name"]
    assert found[1].message == "not in the bible: Soka, Mami"
    assert kinds(text) == ["doubled_name"]  # without `allowed`, names are not checked


def test_check_story_finds_unused_places_and_characters_and_shared_names():
    second = DAY.model_copy(update={"number": 3, "location": "BEACH"})
    issues = check_story(
        ["Maya Torres", "Elias Crane", "Javier Ramirez", "Elena Elena", "Ana Ramirez"],
        ["LIGHTHOUSE", "BEACH", "HARBOR"],
        [DAY, second],
        [draft(GOOD)],
    )
    messages = [(i.kind, i.message) for i in issues]
    assert ("unused_location", "HARBOR is never used") in messages
    assert ("unused_character", "JAVIER RAMIREZ never speaks") in messages
    assert ("doubled_name", "ELENA ELENA repeats a word") in messages
    assert ("doubled_name", "ANA RAMIREZ shares RAMIREZ with JAVIER RAMIREZ") in messages
    assert not any("MAYA" in m or "LIGHTHOUSE" in m or "BEACH" in m for _, m in messages)
