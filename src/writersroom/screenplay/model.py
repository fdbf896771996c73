"""The screenplay document model: a title page plus a flat sequence of elements.

Scenes, characters and locations are derived views (see `views.py`), never stored, so there is
no second structure to keep in sync. Emphasis (`*italic*`, `**bold**`, `_underline_`) and inline
notes (`[[...]]`) stay as Fountain markup inside the strings; exporters that need them expand them.

Shapes:
    Screenplay(title_page=(TitleField("Title", "BRICK & STEEL"), ...),
               elements=(SceneHeading("EXT. BRICK'S PATIO - DAY", number="1"),
                         Action("A gorgeous day."),
                         Dialogue("STEEL", ("Beer's ready!",), extension="V.O."), ...))
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TitleField:
    key: str            # "Title", "Credit", "Author", "Draft date", ... as written
    value: str          # several values (indented lines) are joined with "\n"


@dataclass(frozen=True)
class SceneHeading:
    text: str                    # "INT. DINER - NIGHT" (without the forcing dot or the #number#)
    number: str | None = None    # "12A" from "#12A#"


@dataclass(frozen=True)
class Action:
    text: str                    # may hold newlines; leading spaces are kept
    centered: bool = False       # ">THE END<"


@dataclass(frozen=True)
class Parenthetical:
    text: str                    # with its parentheses: "(beat)"


Line = str | Parenthetical       # a dialogue paragraph (may hold newlines) or a parenthetical


@dataclass(frozen=True)
class Dialogue:
    speaker: str                          # the cue without extension: "STEEL"
    lines: tuple[Line, ...] = ()
    # cue == f"{speaker} ({extension})": "V.O.", or "V.O.) (CONT'D" for stacked extensions
    extension: str | None = None
    dual: bool = False                    # the second speaker of a dual-dialogue pair

    @property
    def cue(self) -> str:
        return f"{self.speaker} ({self.extension})" if self.extension else self.speaker


@dataclass(frozen=True)
class Lyrics:
    text: str                    # without the leading "~"; may hold newlines


@dataclass(frozen=True)
class Transition:
    text: str                    # "CUT TO:" (without a forcing ">")


@dataclass(frozen=True)
class Section:
    text: str
    depth: int = 1               # number of "#"


@dataclass(frozen=True)
class Synopsis:
    text: str


@dataclass(frozen=True)
class Note:
    text: str                    # a note paragraph on its own ("[[...]]" stripped)


@dataclass(frozen=True)
class Boneyard:
    text: str                    # a "/* ... */" block on its own; never printed


@dataclass(frozen=True)
class PageBreak:
    pass


Element = (
    SceneHeading | Action | Dialogue | Lyrics | Transition | Section | Synopsis | Note | Boneyard
    | PageBreak
)


@dataclass(frozen=True)
class Screenplay:
    title_page: tuple[TitleField, ...] = ()
    elements: tuple[Element, ...] = field(default_factory=tuple)

    def title_value(self, key: str) -> str | None:
        """The value of a title-page key, compared case-insensitively."""
        for item in self.title_page:
            if item.key.lower() == key.lower():
                return item.value
        return None

    @property
    def title(self) -> str | None:
        return self.title_value("Title")
