"""The dependency graph: what each item is made from, and which items are stale.

    title        <- logline
    characters   <- logline, title
    beats        <- logline, title, characters, structure
    locations    <- logline, title, beats
    scenes       <- logline, title, characters, beats, locations
    drafts/N     <- logline, title, scene N's outline, the previous scene's summary,
                    the characters present in scene N, scene N's location

An item records the hashes of its inputs when it is made. It is *stale* when an input's current
hash differs (an upstream edit or regeneration). Only direct inputs count, so editing one
character makes stale only the scenes that character is in. Background context (summaries of
earlier scenes, the last lines of the previous draft) informs a draft but does not make it stale;
otherwise one edit would cascade through every later scene.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from writersroom.story.project import Bible, Project, digest, draft_key
from writersroom.story.table import LEVELS, MADE, Key

PLAN = MADE  # title, characters, beats, locations, scenes; then drafts/1..N


def inputs_of(key: str, bible: Bible) -> dict[str, str] | None:
    """Input name -> hash for the item `key`, or None when an input does not exist yet."""

    def h(name: str) -> str | None:
        value = bible.get(name)
        return None if value is None else digest(value)

    number = Key.parse(key).number
    if number is None:
        found = {name: h(name) for name in LEVELS[key].inputs}
        return None if None in found.values() else {k: v for k, v in found.items() if v}
    scenes = {s.number: s for s in bible.scenes or ()}
    outline = scenes.get(number)
    if outline is None or bible.characters is None or bible.locations is None:
        return None
    logline, title = h("logline"), h("title")
    if logline is None or title is None:
        return None
    present = [c for c in bible.characters if c.cue in outline.characters]
    location = [loc for loc in bible.locations if loc.name == outline.location]
    previous = scenes.get(number - 1)
    return {
        "logline": logline,
        "title": title,
        "scene": digest(outline),
        "previous": digest(previous.summary if previous else ""),
        "characters": digest(present),
        "location": digest(location),
    }


@dataclass(frozen=True)
class Status:
    key: str
    exists: bool
    stale: bool  # an input changed since the item was made
    changed: tuple[str, ...]  # which inputs changed
    locked: bool
    human: bool  # last change was a human edit (not the writer's input to `new`)
    orphan: bool = False  # its inputs are gone (e.g. the draft of a scene no longer listed)


def wanted_keys(bible: Bible) -> list[str]:
    """Every item a complete project has, in pipeline order."""
    return ["logline", "structure", *PLAN] + [draft_key(s.number) for s in bible.scenes or ()]


def status_of(project: Project, key: str, bible: Bible) -> Status:
    info = project.info(key)
    exists = bible.get(key) is not None
    current = inputs_of(key, bible)
    recorded: Mapping[str, str] = info.get("inputs", {})
    changed = tuple(k for k, v in (current or {}).items() if recorded.get(k, v) != v)
    return Status(
        key=key,
        exists=exists,
        stale=exists and bool(changed),
        changed=changed,
        locked=project.is_locked(key),
        human=info.get("origin", {}).get("kind") == "human"
        and info.get("origin", {}).get("via") != "new",
        orphan=exists and current is None and Key.parse(key).number is not None,
    )


def statuses(project: Project, bible: Bible | None = None) -> list[Status]:
    """The status of every wanted or existing item, in pipeline order."""
    bible = bible or project.bible()
    keys = wanted_keys(bible)
    keys += [k for k in project.keys() if k not in keys]  # noqa: SIM118 (not a dict)
    return [status_of(project, key, bible) for key in keys]
