"""Short text renderings of bible parts for prompts. Small models need short, focused prompts, so
each brief keeps one line per item and caps long fields."""

from __future__ import annotations

from collections.abc import Sequence

from writersroom.story.types import Beat, Character, Location, SceneOutline


def clip(text: str, limit: int) -> str:
    """Shorten `text` to at most `limit` characters at a word boundary.

    >>> clip("one two three", 8)
    'one two…'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:  # do not end inside a word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;: ") + "…"


def cast_brief(characters: Sequence[Character], *, detail: bool = False) -> str:
    """One line per character: "- MAYA TORRES, protagonist: wants ...; talks ..."."""
    lines = []
    for c in characters:
        parts = [f"wants {clip(c.want, 70)}" if c.want else ""]
        if detail and c.voice:
            parts.append(f"talks {clip(c.voice, 60)}")
        role = f", {c.role}" if c.role else ""
        body = "; ".join(p for p in parts if p)
        lines.append(f"- {c.cue}{role}" + (f": {body}" if body else ""))
    return "\n".join(lines) or "- (none yet)"


def beats_brief(beats: Sequence[Beat], *, limit: int = 110) -> str:
    return "\n".join(f"{b.number}. {b.name}: {clip(b.summary, limit)}" for b in beats)


def locations_brief(locations: Sequence[Location]) -> str:
    return "\n".join(
        f"- {loc.name} ({loc.setting})"
        + (f": {clip(loc.description, 70)}" if loc.description else "")
        for loc in locations
    )


def scenes_brief(scenes: Sequence[SceneOutline], *, limit: int = 90) -> str:
    """The story so far as one short sentence per earlier scene."""
    return (
        " ".join(f"({s.number}) {clip(s.summary, limit)}" for s in scenes) or "This is the start."
    )
