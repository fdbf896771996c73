"""The screenplay document model: a title page plus a flat sequence of elements.

Scenes, characters and locations are derived views (see `views.py`), never stored, so there is
no second structure to keep in sync. Emphasis (`*italic*`, `**bold**`, `_underline_`) and inline
notes (`[[...]]`) stay as Fountain markup inside the strings; exporters that need them expand them.

Revision marks (Final Draft's revision mode): a printable element may carry `revision`, the id of
the RevisionSet whose round changed it (an asterisk in the margin, a colour); the document lists
its `revisions` and the `changes` not yet accepted or rejected, each with the elements it
replaced, so rejecting every change gives back the original (see writersroom.revise).

Shapes:
    Screenplay(title_page=(TitleField("Title", "BRICK & STEEL"), ...),
               elements=(SceneHeading("EXT. BRICK'S PATIO - DAY", number="1"),
                         Action("A gorgeous day."),
                         Dialogue("STEEL", ("Beer's ready!",), extension="V.O."), ...))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from writersroom.screenplay.layout import PageLayout


@dataclass(frozen=True)
class TitleField:
    key: str  # "Title", "Credit", "Author", "Draft date", ... as written
    value: str  # several values (indented lines) are joined with "\n"


@dataclass(frozen=True)
class SceneHeading:
    text: str  # "INT. DINER - NIGHT" (without the forcing dot or the #number#)
    number: str | None = None  # "12A" from "#12A#"
    revision: str | None = field(default=None, kw_only=True, repr=False)  # RevisionSet.id


@dataclass(frozen=True)
class Action:
    text: str  # may hold newlines; leading spaces are kept
    centered: bool = False  # ">THE END<"
    revision: str | None = field(default=None, kw_only=True, repr=False)  # RevisionSet.id


@dataclass(frozen=True)
class Parenthetical:
    text: str  # with its parentheses: "(beat)"


Line = str | Parenthetical  # a dialogue paragraph (may hold newlines) or a parenthetical


@dataclass(frozen=True)
class Dialogue:
    speaker: str  # the cue without extension: "STEEL"
    lines: tuple[Line, ...] = ()
    # cue == f"{speaker} ({extension})": "V.O.", or "V.O.) (CONT'D" for stacked extensions
    extension: str | None = None
    dual: bool = False  # the second speaker of a dual-dialogue pair
    revision: str | None = field(default=None, kw_only=True, repr=False)  # RevisionSet.id

    @property
    def cue(self) -> str:
        return f"{self.speaker} ({self.extension})" if self.extension else self.speaker


@dataclass(frozen=True)
class Lyrics:
    text: str  # without the leading "~"; may hold newlines
    revision: str | None = field(default=None, kw_only=True, repr=False)  # RevisionSet.id


@dataclass(frozen=True)
class Transition:
    text: str  # "CUT TO:" (without a forcing ">")
    revision: str | None = field(default=None, kw_only=True, repr=False)  # RevisionSet.id


@dataclass(frozen=True)
class Section:
    text: str
    depth: int = 1  # number of "#"


@dataclass(frozen=True)
class Synopsis:
    text: str


@dataclass(frozen=True)
class Note:
    text: str  # a note paragraph on its own ("[[...]]" stripped)


@dataclass(frozen=True)
class Boneyard:
    text: str  # a "/* ... */" block on its own; never printed


@dataclass(frozen=True)
class PageBreak:
    pass


Element = (
    SceneHeading
    | Action
    | Dialogue
    | Lyrics
    | Transition
    | Section
    | Synopsis
    | Note
    | Boneyard
    | PageBreak
)


Marked = SceneHeading | Action | Dialogue | Lyrics | Transition  # elements that carry a revision


def marked(element: Element, revision: str | None) -> Element:
    """`element` with its revision mark set to `revision` (elements that are never printed
    carry no mark and come back as they are).

    >>> marked(Action("He runs."), "2").revision
    '2'
    """
    if isinstance(element, Marked) and element.revision != revision:
        return replace(element, revision=revision)
    return element


@dataclass(frozen=True)
class Screenplay:
    title_page: tuple[TitleField, ...] = ()
    elements: tuple[Element, ...] = field(default_factory=tuple)
    revisions: tuple[RevisionSet, ...] = field(default=(), kw_only=True)
    changes: tuple[Change, ...] = field(default=(), kw_only=True)
    # The page layout the file asks for (an FDX's own ElementSettings and PageLayout, when
    # they differ from Final Draft 11's defaults); None: PageLayout(). Pagination and PDF use
    # it unless a layout is given.
    layout: PageLayout | None = field(default=None, kw_only=True, repr=False)

    def title_value(self, key: str) -> str | None:
        """The value of a title-page key, compared case-insensitively."""
        for item in self.title_page:
            if item.key.lower() == key.lower():
                return item.value
        return None

    @property
    def title(self) -> str | None:
        return self.title_value("Title")


@dataclass(frozen=True)
class RevisionSet:
    """One round of revisions, as Final Draft keeps them: "Blue Revision", blue, 2026-12-04."""

    id: str  # Final Draft's Revision ID: "1", "2", ...
    name: str  # "Blue Revision"
    color: str = "Blue"  # a colour name (White, Blue, Pink, ...) or "#RRGGBB"
    date: str = ""  # ISO date of the round, "" when unknown
    mark: str = "*"  # the margin mark


@dataclass(frozen=True)
class Change:
    """A tracked change not yet accepted or rejected: elements[at:at + size] replaced `before`."""

    id: str  # "2.5": the revision set's id, then a number
    revision: str  # the RevisionSet.id it belongs to
    op: str  # "rename_character", "cut_scene", "rewrite_dialogue", ...
    at: int  # index in Screenplay.elements of the first new element
    size: int  # how many elements from `at` the change put there (0: a cut)
    before: tuple[Element, ...] = ()  # the elements it replaced, as they were
