"""The level table: every level of a story project declared once, and `Key`, the name of one
stored item.

    level       stored as (file)                          an item's id   made from
    logline     Logline (logline.json)                    -              the writer
    structure   Structure (structure.json)                -              the writer
    title       Title (title.json)                        -              logline
    characters  tuple[Character, ...] (characters.json)   its cue        logline, title
    beats       tuple[Beat, ...] (beats.json)             number         ... + characters, structure
    locations   tuple[Location, ...] (locations.json)     name           logline, title, beats
    scenes      tuple[SceneOutline, ...] (scenes.json)    number         ... + beats, locations
    drafts      SceneDraft per scene (drafts/001.json)    scene number   see deps.inputs_of

Everything that needs to know about levels (the store, editing, the dependency graph, the views,
the CLI) reads this table; how each level is made lives in `levels.make_level`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from writersroom.errors import ProjectError
from writersroom.story.types import (
    Beat,
    Character,
    Location,
    Logline,
    SceneDraft,
    SceneOutline,
    Structure,
    Title,
)


@dataclass(frozen=True)
class Level:
    """One level of the story bible."""

    name: str
    stored: Any  # the type of the stored value (validated on every read)
    inputs: tuple[str, ...] = ()  # the levels it is made from (drafts: see deps.inputs_of)
    item: Any = None  # the type of one item, for levels that are lists
    ident: Callable[[Any], str] | None = None  # an item's id
    prompt: str | None = None  # story/prompts/NAME.md, for levels the model makes
    aliases: tuple[str, ...] = ()
    per_scene: bool = False  # one file per scene: keys "drafts/N"

    @property
    def writers(self) -> bool:
        """Given by the writer (`new`, `edit`), never made by the model."""
        return self.prompt is None


def _number(x: Any) -> str:
    return str(x.number)


LEVELS: dict[str, Level] = {
    level.name: level
    for level in (
        Level("logline", Logline),
        Level("structure", Structure),
        Level("title", Title, inputs=("logline",), prompt="title"),
        Level(
            "characters",
            tuple[Character, ...],
            inputs=("logline", "title"),
            item=Character,
            ident=lambda c: str(c.cue),
            prompt="characters",
            aliases=("character", "cast"),
        ),
        Level(
            "beats",
            tuple[Beat, ...],
            inputs=("logline", "title", "characters", "structure"),
            item=Beat,
            ident=_number,
            prompt="beats",
            aliases=("beat", "outline"),
        ),
        Level(
            "locations",
            tuple[Location, ...],
            inputs=("logline", "title", "beats"),
            item=Location,
            ident=lambda x: str(x.name),
            prompt="locations",
            aliases=("location", "places"),
        ),
        Level(
            "scenes",
            tuple[SceneOutline, ...],
            inputs=("logline", "title", "characters", "beats", "locations"),
            item=SceneOutline,
            ident=_number,
            prompt="scene_outline",
            aliases=("scene", "scene-list"),
        ),
        Level(
            "drafts",
            SceneDraft,
            inputs=("logline", "title", "scenes", "characters", "locations"),
            ident=_number,
            prompt="draft",
            aliases=("draft", "scene-text", "text"),
            per_scene=True,
        ),
    )
}
NAMES = tuple(LEVELS)  # in pipeline order
MADE = tuple(name for name, level in LEVELS.items() if not level.writers and not level.per_scene)
_ALIASES = {alias: level.name for level in LEVELS.values() for alias in level.aliases}


def level_of(name: str) -> str:
    """The canonical level for a name or alias; ProjectError lists the levels otherwise."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in LEVELS:
        raise ProjectError(f"unknown level {name!r}: use one of {', '.join(NAMES)}")
    return key


@dataclass(frozen=True)
class Key:
    """One stored item: a whole level ("characters"), or one scene's draft ("drafts/3").
    `str(key)` is the form used in state.json, history and events."""

    level: str
    number: int | None = None  # the scene, for per-scene levels

    @classmethod
    def parse(cls, text: str) -> Key:
        level, _, number = text.partition("/")
        if level not in LEVELS or bool(number) != LEVELS[level].per_scene:
            raise ProjectError(f"not an item of a story project: {text!r}")
        if number and not number.isdigit():
            raise ProjectError(f"not a scene number: {text!r}")
        return cls(level, int(number) if number else None)

    @classmethod
    def draft(cls, number: int) -> Key:
        return cls("drafts", number)

    @property
    def spec(self) -> Level:
        return LEVELS[self.level]

    @property
    def file(self) -> str:
        """Its file, relative to the project directory."""
        if self.number is None:
            return f"{self.level}.json"
        return f"{self.level}/{self.number:03d}.json"

    def __str__(self) -> str:
        return self.level if self.number is None else f"{self.level}/{self.number}"


def scene_of(key: str) -> int | None:
    """The scene number of a per-scene key ("drafts/3" -> 3); None for a whole level."""
    return Key.parse(key).number


def level_of_key(key: str) -> str:
    """The level of a key ("drafts/3" -> "drafts")."""
    return key.partition("/")[0]
