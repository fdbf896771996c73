"""The level table and item keys."""

from pathlib import Path

import pytest

from writersroom.errors import ProjectError
from writersroom.story import levels
from writersroom.story.deps import PLAN
from writersroom.story.project import LEVELS as PROJECT_LEVELS
from writersroom.story.table import LEVELS, MADE, NAMES, Key, level_of


def test_every_level_the_model_makes_has_a_maker_and_a_prompt_file():
    assert tuple(levels._MAKERS) == MADE == PLAN
    for name, level in LEVELS.items():
        assert level.writers == (name in ("logline", "structure"))
        if level.prompt:
            assert (Path(levels.__file__).parent / "prompts" / f"{level.prompt}.md").is_file()
    assert PROJECT_LEVELS == NAMES


def test_keys_name_levels_and_scene_drafts():
    assert Key.parse("drafts/3") == Key.draft(3) == Key("drafts", 3)
    assert str(Key.draft(12)) == "drafts/12" and Key.draft(12).file == "drafts/012.json"
    assert Key.parse("characters").file == "characters.json"
    for bad in ("drafts", "characters/2", "music", "drafts/x"):
        with pytest.raises(ProjectError):
            Key.parse(bad)
    assert level_of("Cast") == "characters" and level_of("scene-text") == "drafts"
