"""The story engine: from a logline to a formatted screenplay, every level editable.

    logline -> title -> characters -> beats (a structure) -> locations -> scene list
            -> scene drafts (concurrent, checked, redone when they fail) -> screenplay

The functions here mirror the `writersroom new / show / edit / regenerate / resume / export`
commands; see docs/pipeline.md. The steps themselves (`write_title`, `cast_characters`,
`outline_beats`, `scout_locations`, `plan_scenes`, `draft_scene`) can be used on their own.
"""

from writersroom.story.api import edit, export, new, regenerate, resume, show
from writersroom.story.beats import outline_beats
from writersroom.story.characters import cast_characters
from writersroom.story.checks import check_scene
from writersroom.story.draft import SceneContext, draft_scene
from writersroom.story.levels import Event
from writersroom.story.locations import scout_locations
from writersroom.story.project import Bible, Options, Project
from writersroom.story.scenes import plan_scenes
from writersroom.story.scoring import Scorer, simple_score
from writersroom.story.structures import STRUCTURES, get_structure
from writersroom.story.title import write_title
from writersroom.story.types import (
    ActionBlock,
    Beat,
    Character,
    DialogueBlock,
    Issue,
    Location,
    Logline,
    SceneDraft,
    SceneOutline,
    Structure,
    Title,
)

__all__ = [
    "STRUCTURES",
    "ActionBlock",
    "Beat",
    "Bible",
    "Character",
    "DialogueBlock",
    "Event",
    "Issue",
    "Location",
    "Logline",
    "Options",
    "Project",
    "SceneContext",
    "SceneDraft",
    "SceneOutline",
    "Scorer",
    "Structure",
    "Title",
    "cast_characters",
    "check_scene",
    "draft_scene",
    "edit",
    "export",
    "get_structure",
    "new",
    "outline_beats",
    "plan_scenes",
    "regenerate",
    "resume",
    "scout_locations",
    "show",
    "simple_score",
    "write_title",
]
