"""The story engine's scene drafting carries the measured voices of the characters present."""

from writersroom.story.draft import SceneContext, scene_request
from writersroom.story.types import (
    Character,
    DialogueBlock,
    Logline,
    SceneDraft,
    SceneOutline,
)
from writersroom.voice.cast import voice_notes

MAYA = Character(name="Maya Torres", voice="softly")
ELIAS = Character(name="Elias Crane", voice="loud")


def drafts():
    lines = ["Arr, the sea is cruel, matey!", "Where's the rum, matey?", "Arr! Batten down, matey!"]
    blocks = [DialogueBlock(speaker="ELIAS CRANE", lines=(x,)) for x in lines]
    blocks.append(DialogueBlock(speaker="MAYA TORRES", lines=("(quietly)", "Sorry.")))
    return {1: SceneDraft(number=1, blocks=tuple(blocks))}


def test_notes_for_characters_with_lines_in_other_scenes():
    notes = voice_notes([MAYA, ELIAS], drafts(), scene=2)
    assert len(notes) == 1 and notes[0].startswith("- ELIAS CRANE short sentences")
    assert "once said: " in notes[0]
    assert voice_notes([MAYA, ELIAS], drafts(), scene=1) == ()  # its own lines do not count


def test_the_scene_prompt_carries_the_notes():
    outline = SceneOutline(
        number=2, location="DOCK", summary="They argue.", characters=("MAYA TORRES", "ELIAS CRANE")
    )
    ctx = SceneContext(
        outline=outline,
        logline=Logline(text="A storm."),
        title=None,
        characters=(MAYA, ELIAS),
        cast=("MAYA TORRES", "ELIAS CRANE"),
        location=None,
        voices=voice_notes([MAYA, ELIAS], drafts(), scene=2),
    )
    prompt = scene_request(ctx, seed=1).messages[-1].content
    assert "How they have talked so far:\n- ELIAS CRANE" in prompt
    plain = SceneContext(
        outline=outline,
        logline=Logline(text="A storm."),
        title=None,
        characters=(MAYA, ELIAS),
        cast=(),
        location=None,
    )
    assert "How they have talked" not in scene_request(plain).messages[-1].content
