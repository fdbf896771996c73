"""Making each level of the bible with the model, and the pieces `pipeline` needs around it.

`make_level(run, key, round_, bible)` returns the new value for a level and its origin (model,
seeds, prompts, raw outputs). Each step module owns its making (`title.make_title`,
`characters.make_cast`, `beats.make_beats`, `locations.make_locations`, `scenes.make_scenes`),
built on the public step function users call and `run.ask` (retries with the next seed,
streaming, provenance). Items locked inside a list level (one character, beat, location or
scene) are kept as they are; the model fills in the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from writersroom.errors import GenerationError
from writersroom.story import beats, characters, locations, scenes, title
from writersroom.story.draft import SceneContext
from writersroom.story.grammar import SceneShape
from writersroom.story.project import Bible
from writersroom.story.run import Event, Listener, Made, Run, Tap, ask, origin
from writersroom.story.scenes import plan
from writersroom.story.scenetext import tail_lines
from writersroom.story.table import LEVELS
from writersroom.voice.cast import voice_notes
from writersroom.voice.style import Style

__all__ = [  # what pipeline, the CLI and the benchmarks use from here
    "Event",
    "Listener",
    "Made",
    "Run",
    "Tap",
    "add_item",
    "ask",
    "make_level",
    "origin",
    "plan",
    "replace_item",
    "scene_context",
]
T = TypeVar("T")


def make_level(run: Run, key: str, round_: int, bible: Bible) -> Made:
    """A fresh value for a whole level (locked items inside it are kept)."""
    return _MAKERS[key](run, round_, bible)


def scene_context(
    bible: Bible, number: int, *, blocks: int = 10, style: Style | None = None
) -> SceneContext:
    """What the writer of scene `number` sees, from the bible as it is now."""
    assert bible.scenes and bible.characters is not None, "draft after planning"
    by_number = {s.number: s for s in bible.scenes}
    outline = by_number[number]
    present = tuple(c for c in bible.characters if c.cue in outline.characters)
    location = next((loc for loc in bible.locations or () if loc.name == outline.location), None)
    beat = " ".join(b.summary for b in bible.beats or () if b.number in outline.beats)
    previous = bible.drafts.get(number - 1)
    return SceneContext(
        outline=outline,
        logline=bible.logline,
        title=bible.title,
        characters=present,
        cast=bible.cues,
        location=location,
        earlier=tuple(s for s in bible.scenes if s.number < number),
        beat=beat,
        previous=tuple(tail_lines(previous.blocks)) if previous else (),
        shape=SceneShape(min_blocks=min(7, blocks), max_blocks=max(2, blocks)),
        voices=voice_notes(present, bible.drafts, scene=number),
        style=style,
    )


def one_more(
    items: Sequence[T], new: Sequence[T], ident: Callable[[T], str], prefer: int | None = None
) -> T | None:
    """The first new item whose id is not taken (the one at `prefer` if possible)."""
    taken = {ident(item) for item in items}
    order = list(new)
    if prefer is not None and 0 <= prefer < len(order):
        order.insert(0, order[prefer])
    return next((item for item in order if ident(item) not in taken), None)


def replace_item(
    level: str,
    bible: Bible,
    run: Run,
    round_: int,
    index: int,
) -> tuple[Any, dict[str, Any]]:
    """A whole level with only item `index` (0-based) made anew."""
    fresh, how = make_level(run, level, round_, _unlocked_copy(bible, level))
    items: list[Any] = list(bible.get(level))
    ident = LEVELS[level].ident
    assert ident is not None, f"{level} has no items"
    others = items[:index] + items[index + 1 :]
    pick = fresh[index] if level == "beats" else one_more(others, fresh, ident, prefer=index)
    if pick is None:
        raise GenerationError(
            f"the model gave no new {level[:-1]} that differs from the others", step=level
        )
    items[index] = pick
    return tuple(items), how


def _unlocked_copy(bible: Bible, level: str) -> Bible:
    # Regenerating one item asks for a whole fresh level, so ignore the existing one.
    changes: dict[str, Any] = {level: None}
    return replace(bible, **changes)


# how each level the model makes is made (the levels are declared in table.py)
_MAKERS: dict[str, Callable[[Run, int, Bible], Made]] = {
    "title": title.make_title,
    "characters": characters.make_cast,
    "beats": beats.make_beats,
    "locations": locations.make_locations,
    "scenes": scenes.make_scenes,
}


def add_item(level: str, bible: Bible, run: Run, round_: int) -> tuple[Any, dict[str, Any]]:
    """The level with one more character or location."""
    items: list[Any] = list(bible.get(level) or ())
    opts = run.opts  # asked for one more than there are; the stored options stay as they are
    if level == "characters":
        run = replace(run, options=replace(opts, characters=len(items) + 1))
        fresh, how = make_level(run, level, round_, _unlocked_copy(bible, level))
        new = one_more(items, fresh, lambda c: c.cue, prefer=len(items))
    else:
        run = replace(
            run, options=replace(opts, locations=max(opts.location_count, len(items)) + 1)
        )
        fresh, how = make_level(run, level, round_, _unlocked_copy(bible, level))
        new = one_more(items, fresh, lambda x: x.name)
    if new is None:
        raise GenerationError(f"the model gave no new {level[:-1]}", step=level)
    return (*items, new), how
