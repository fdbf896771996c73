"""Human edits: any level or item as editable text, read back, validated and recorded.

    text, suffix = edit_text(project, "characters", "MAYA TORRES")   # JSON of one character
    apply_edit(project, "characters", "MAYA TORRES", new_text)        # a human edit in history

The logline and title are edited as plain text, a drafted scene as its screenplay text (action
paragraphs, cues in capitals), everything else as JSON. An edit keeps the item's recorded inputs,
so it neither creates nor clears staleness of the item itself; what depends on it becomes stale.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

from writersroom.errors import ProjectError
from writersroom.story.deps import inputs_of
from writersroom.story.pipeline import find_item, item_index
from writersroom.story.project import Project, digest, draft_key, jsonable, level_of
from writersroom.story.scenetext import format_scene_text, parse_scene_text
from writersroom.story.table import LEVELS
from writersroom.story.types import (
    SceneDraft,
    Title,
)


def edit_text(project: Project, level: str, item: str | None = None) -> tuple[str, str]:
    """(text to edit, file suffix for the editor)."""
    level = level_of(level)
    bible = project.bible()
    if level == "logline":
        return bible.logline.text + "\n", ".txt"
    if level == "title":
        return (bible.title.text if bible.title else "") + "\n", ".txt"
    if level == "drafts":
        if item is None:
            raise ProjectError("say which scene to edit: 'writersroom edit DIR drafts 3'")
        _, ident = find_item(bible, "drafts", item)
        draft = bible.drafts.get(int(ident))
        return (format_scene_text(draft.blocks) if draft else ""), ".fountain"
    value = bible.get(level)
    if value is None:
        raise ProjectError(f"no {level} yet: run 'writersroom resume DIR' first")
    if item is not None:
        index, _ = find_item(bible, level, item)
        value = value[index]
    return json.dumps(jsonable(value), indent=2, ensure_ascii=False) + "\n", ".json"


def apply_edit(project: Project, level: str, item: str | None, text: str) -> str:
    """Validate the edited text and record it as a human edit. Returns the key changed.
    Raises ProjectError (nothing is written) when the text is not valid for the level."""
    with project.transaction():  # read, change and write the level as one step
        return _apply_edit(project, level_of(level), item, text)


def _apply_edit(project: Project, level: str, item: str | None, text: str) -> str:
    bible = project.bible()
    value: Any
    if level == "drafts":
        if item is None:
            raise ProjectError("say which scene to edit: 'writersroom edit DIR drafts 3'")
        _, ident = find_item(bible, "drafts", item)
        key, value = (
            draft_key(int(ident)),
            SceneDraft(number=int(ident), blocks=tuple(parse_scene_text(text))),
        )
    elif level == "logline":
        if not text.strip():
            raise ProjectError("the logline cannot be empty")
        key, value = level, bible.logline.model_copy(update={"text": " ".join(text.split())})
    elif level == "title":
        if not text.strip():
            raise ProjectError("the title cannot be empty")
        key, value = level, Title(text=" ".join(text.split()))
    else:
        key, value = level, _edited_level(bible.get(level), level, item, text)
    if project.is_locked(key, None if level == "drafts" else item):
        raise ProjectError(f"{key} is locked: unlock it first with --unlock")
    if bible.get(key) is not None and digest(bible.get(key)) == digest(value):
        return key
    recorded = project.info(key).get("inputs")
    inputs = recorded if recorded is not None else inputs_of(key, bible) or {}
    project.commit(key, value, {"kind": "human", "via": "edit"}, inputs=inputs)
    return key


def _edited_level(current: Any, level: str, item: str | None, text: str) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProjectError(f"{level}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    kind = LEVELS[level].item if item is not None else LEVELS[level].stored
    try:
        value = TypeAdapter(kind).validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "(top)"
        raise ProjectError(f"{level}: {where}: {first['msg']}") from exc
    if item is None:
        return value
    items = list(current)
    index, _ = item_index(items, level, item)
    items[index] = value
    return tuple(items)


def set_lock(project: Project, level: str, item: str | None, locked: bool) -> str:
    """Lock (or unlock) a level or one item; returns the lock's id."""
    level = level_of(level)
    if item is None:
        target = level
    else:
        _, ident = find_item(project.bible(), level, item)
        target = f"{level}/{ident}"
    project.set_lock(target, locked)
    return target
