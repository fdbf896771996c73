"""Screenplay documents and their formats (Fountain, FDX, PDF, HTML, JSON).

    >>> from writersroom.screenplay import fountain, load, save
    >>> doc = fountain.parse("INT. DINER - NIGHT\\n\\nBOB\\nTwo coffees.")
    >>> [c.name for c in characters(doc)]
    ['BOB']

Format modules share one pair of functions, `parse` and `render`: `fountain`, `fdx`,
`jsonformat`, `html` (render only), `pdf` (render to a binary file) and `pdf_import` (parse).
`load`/`save`/`dumps` pick the format from a file's extension.
"""

from writersroom.screenplay.io import FORMATS, dumps, format_for, load, loads, save
from writersroom.screenplay.model import (
    Action,
    Boneyard,
    Dialogue,
    Element,
    Line,
    Lyrics,
    Note,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    Transition,
)
from writersroom.screenplay.views import breakdown, characters, locations, scenes

__all__ = [
    "FORMATS",
    "Action",
    "Boneyard",
    "Dialogue",
    "Element",
    "Line",
    "Lyrics",
    "Note",
    "PageBreak",
    "Parenthetical",
    "SceneHeading",
    "Screenplay",
    "Section",
    "Synopsis",
    "TitleField",
    "Transition",
    "breakdown",
    "characters",
    "dumps",
    "format_for",
    "load",
    "loads",
    "locations",
    "save",
    "scenes",
]
