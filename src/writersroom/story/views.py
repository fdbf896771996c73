"""Readable views of a project for `writersroom show`: an overview, one level, the history."""

from __future__ import annotations

import json
from typing import Any

from writersroom.story.deps import Status, statuses
from writersroom.story.pipeline import find_item
from writersroom.story.project import Bible, Project, jsonable, level_of
from writersroom.story.scenetext import format_scene_text


def _flags(status: Status, project: Project) -> str:
    if not status.exists:
        return "missing"
    flags = []
    if status.stale:
        flags.append("stale (" + ", ".join(status.changed) + " changed)")
    if status.orphan:
        flags.append("orphan (no such scene)")
    if status.locked:
        flags.append("locked")
    if status.human:
        flags.append("edited")
    issues = project.info(status.key).get("issues") or []
    if issues:
        flags.append(f"{len(issues)} issue" + ("s" if len(issues) > 1 else ""))
    return ", ".join(flags) or "ok"


def overview(project: Project) -> str:
    """One line per item with its state, then the files written."""
    bible = project.bible()
    title = bible.title.text if bible.title else "(untitled)"
    lines = [f"{title}  —  {bible.logline.text}", f"structure: {bible.structure.name}", ""]
    for status in statuses(project, bible):
        lines.append(f"  {status.key:<14} {_flags(status, project)}")
    outputs = [p.name for p in sorted(project.root.glob("screenplay.*")) if "~" not in p.name]
    if outputs:
        lines += ["", "files: " + ", ".join(outputs)]
    return "\n".join(lines) + "\n"


def level_view(project: Project, level: str, item: str | None = None) -> str:
    """The content of a level (or one item of it) as readable text."""
    level = level_of(level)
    bible = project.bible()
    if level == "drafts":
        return _drafts(bible, item)
    value = bible.get(level)
    if value is None:
        return f"no {level} yet\n"
    if item is not None:
        value = (value[find_item(bible, level, item)[0]],)
    if level == "logline":
        extra = "".join(
            f"\n{k}: {v}" for k, v in (("genre", value.genre), ("tone", value.tone)) if v
        )
        return f"{value.text}{extra}\n"
    if level == "title":
        return f"{value.text}\n"
    if level == "structure":
        return "\n".join(f"{i}. {s.name}: {s.guide}" for i, s in enumerate(value.slots, 1)) + "\n"
    return "\n\n".join(_item(level, x) for x in value) + "\n"


def _item(level: str, x: Any) -> str:
    if level == "characters":
        fields = [
            ("role", x.role),
            ("wants", x.want),
            ("needs", x.need),
            ("flaw", x.flaw),
            ("backstory", x.backstory),
            ("talks", x.voice),
            ("arc", x.arc),
        ]
        return "\n".join([x.cue, *(f"  {k}: {v}" for k, v in fields if v)])
    if level == "beats":
        return f"{x.number}. {x.name}: {x.summary}"
    if level == "locations":
        return f"{x.name} ({x.setting}): {x.description}"
    who = ", ".join(x.characters)
    beats = ", ".join(map(str, x.beats))
    return f"{x.number}. {x.heading}\n  with {who}; beats {beats}\n  {x.summary}\n  ({x.purpose})"


def _drafts(bible: Bible, item: str | None) -> str:
    outlines = list(bible.scenes or ())
    if item is not None:
        outlines = [outlines[find_item(bible, "drafts", item)[0]]]
    parts = []
    for outline in outlines:
        draft = bible.drafts.get(outline.number)
        body = format_scene_text(draft.blocks) if draft else "(not drafted yet)\n"
        parts.append(f"{outline.heading}\n\n{body}")
    return "\n".join(parts) or "no scenes yet\n"


def history_view(project: Project, key: str | None = None) -> str:
    """Every recorded change: number, time, item, and where it came from."""
    lines = []
    for entry in project.history(key):
        origin = entry.get("origin", {})
        if origin.get("kind") == "model":
            seeds = sorted(
                {c.get("seed") for c in origin.get("calls", []) if c.get("seed") is not None}
            )
            how = f"model {origin.get('model')} seed {', '.join(map(str, seeds)) or '-'}"
        else:
            how = f"human ({origin.get('via', 'edit')})"
        lines.append(f"{entry['n']:>5}  {entry.get('time', '')}  {entry['key']:<14} {how}")
    return "\n".join(lines) + "\n" if lines else "no history yet\n"


def as_json(project: Project, level: str | None = None) -> str:
    """Machine-readable: the status of every item, or the value of one level."""
    if level is None:
        data: Any = [
            {
                "key": s.key,
                "exists": s.exists,
                "stale": s.stale,
                "changed": list(s.changed),
                "locked": s.locked,
                "human": s.human,
                "issues": project.info(s.key).get("issues") or [],
            }
            for s in statuses(project)
        ]
    elif level == "history":
        data = project.history()
    else:
        level = level_of(level)
        bible = project.bible()
        if level == "drafts":
            data = {str(n): jsonable(d) for n, d in sorted(bible.drafts.items())}
        else:
            data = jsonable(bible.get(level))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
