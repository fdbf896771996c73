"""The story bible's records: what each level of a story project holds.

Shapes (as stored in a project directory, one JSON file per level):
    logline.json    Logline(text="A lighthouse keeper ...", genre="drama", tone="quiet")
    title.json      Title(text="The Last Light")
    characters.json [Character(name="Maya Torres", role="protagonist", want=..., voice=...), ...]
    structure.json  Structure(name="three-act", slots=[BeatSlot(name="Setup", guide=...), ...])
    beats.json      [Beat(number=1, name="Setup", summary="Maya ..."), ...]
    locations.json  [Location(name="LIGHTHOUSE", setting="INT", description=...), ...]
    scenes.json     [SceneOutline(number=1, setting="INT", location="LIGHTHOUSE", time="NIGHT",
                                  characters=["MAYA TORRES"], beats=[1], purpose=..., summary=...)]
    drafts/001.json SceneDraft(number=1, blocks=[ActionBlock(text=...),
                                                 DialogueBlock(speaker="MAYA TORRES", lines=[...])])
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Setting = Literal["INT", "EXT", "INT/EXT"]
TIMES = ("DAY", "NIGHT", "MORNING", "EVENING", "DAWN", "DUSK", "CONTINUOUS", "LATER")

_CUE_JUNK = re.compile(r"[^A-Z0-9 .'&-]")
_LOCATION_JUNK = re.compile(r"[^A-Z0-9 '&/-]")
_SPACES = re.compile(r"\s+")


def cue_of(name: str) -> str:
    """The dialogue cue for a character name: upper case, no stray punctuation.

    >>> cue_of("  Maya  Torres ")
    'MAYA TORRES'
    """
    return _SPACES.sub(" ", _CUE_JUNK.sub("", name.upper())).strip(" .-'")


def location_name(name: str) -> str:
    """A location as it appears in a scene heading: upper case, no dots or " - ".

    >>> location_name("the old Harbor-Diner.")
    'THE OLD HARBOR-DINER'
    """
    text = _LOCATION_JUNK.sub(" ", name.upper().replace(" - ", " "))
    return _SPACES.sub(" ", text).strip(" -/'")


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Logline(_Record):
    text: str = Field(min_length=1)
    genre: str = ""
    tone: str = ""


class Title(_Record):
    text: str = Field(min_length=1)


class Character(_Record):
    name: str = Field(min_length=1)  # as the story names them: "Maya Torres"
    role: str = ""  # protagonist, antagonist, mentor, ally, ...
    want: str = ""  # the outer goal
    need: str = ""  # the inner lack the story resolves
    flaw: str = ""
    backstory: str = ""
    voice: str = ""  # voice and speech traits
    arc: str = ""

    @property
    def cue(self) -> str:
        return cue_of(self.name)


class BeatSlot(_Record):
    name: str = Field(min_length=1)  # "Catalyst"
    guide: str = ""  # what happens in this part of a story


class Structure(_Record):
    name: str = Field(min_length=1)  # "three-act", "save-the-cat", ..., "custom"
    slots: tuple[BeatSlot, ...] = Field(min_length=1)


class Beat(_Record):
    number: int = Field(ge=1)
    name: str  # the structure slot it fills
    summary: str = Field(min_length=1)


class Location(_Record):
    name: str = Field(min_length=1)  # heading form: "HARBOR DINER"
    setting: Setting = "INT"
    description: str = ""

    @field_validator("name")
    @classmethod
    def _heading_form(cls, value: str) -> str:
        name = location_name(value)
        if not name:
            raise ValueError("a location needs a name with letters or digits")
        return name


class SceneOutline(_Record):
    number: int = Field(ge=1)
    setting: Setting = "INT"
    location: str = Field(min_length=1)
    time: str = "DAY"
    characters: tuple[str, ...] = ()  # cues of the characters present
    beats: tuple[int, ...] = ()  # numbers of the beats this scene dramatizes
    purpose: str = ""
    summary: str = Field(min_length=1)

    @field_validator("location")
    @classmethod
    def _location_form(cls, value: str) -> str:
        return location_name(value) or value

    @field_validator("time")
    @classmethod
    def _time_form(cls, value: str) -> str:
        return _SPACES.sub(" ", value.upper()).strip(" .-") or "DAY"

    @field_validator("characters")
    @classmethod
    def _cues(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for c in (cue_of(v) for v in value) if c))

    @property
    def heading(self) -> str:
        """ "INT. HARBOR DINER - NIGHT" (never a literal "INT/EXT.")."""
        prefix = {"INT": "INT.", "EXT": "EXT.", "INT/EXT": "INT./EXT."}[self.setting]
        return f"{prefix} {self.location} - {self.time}"


class ActionBlock(_Record):
    type: Literal["action"] = "action"
    text: str = Field(min_length=1)


class DialogueBlock(_Record):
    type: Literal["dialogue"] = "dialogue"
    speaker: str = Field(min_length=1)  # the cue without extension
    lines: tuple[str, ...] = Field(min_length=1)  # speech; "(quietly)" lines are parentheticals
    extension: str | None = None  # "V.O.", "O.S."


Block = Annotated[ActionBlock | DialogueBlock, Field(discriminator="type")]


class SceneDraft(_Record):
    number: int = Field(ge=1)
    blocks: tuple[Block, ...] = ()

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(b.speaker for b in self.blocks if isinstance(b, DialogueBlock)))


class Issue(_Record):
    """A coherence problem found in a drafted scene (see checks.py)."""

    kind: Literal[
        "unknown_speaker",
        "heading_in_body",
        "time_contradiction",
        "repeated_block",
        "meta_commentary",
        "empty_scene",
        "self_address",
        "narrated_speech",
        "doubled_name",
        "unknown_name",
        "unused_location",
        "unused_character",
    ]
    message: str
    block: int | None = None  # index into SceneDraft.blocks, when one block is at fault
