"""Screenplay documents and their formats (Fountain, FDX, PDF, HTML, JSON)."""

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

__all__ = [
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
]
