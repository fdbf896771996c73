"""The Python API: one function per `writersroom` story command, taking a project directory.

from writersroom.llm.registry import get_backend
from writersroom.config import load_settings
from writersroom import story

backend = get_backend("default", load_settings())
story.new("A lighthouse keeper ...", "out/lighthouse", backend=backend, scenes=4)
print(story.show("out/lighthouse", "characters"))
story.edit("out/lighthouse", "characters", "1", text=new_json)   # a human edit
story.regenerate("out/lighthouse", backend=backend, stale=True)
story.export("out/lighthouse", "out/lighthouse.fdx")
"""

from __future__ import annotations

from pathlib import Path

from writersroom.errors import ProjectError
from writersroom.llm.base import Backend
from writersroom.story import editing, pipeline, views
from writersroom.story.assemble import assemble, write_output
from writersroom.story.deps import statuses
from writersroom.story.levels import Listener
from writersroom.story.project import Options, Project
from writersroom.story.scoring import Scorer, simple_score
from writersroom.story.structures import DEFAULT_STRUCTURE, get_structure
from writersroom.story.types import Logline
from writersroom.voice.style import Style

Path_ = str | Path


def _style(style: Style | Path_ | None) -> Style | None:
    """A style, or the style file (or `style learn --adapter` folder) at a path."""
    return Style.load(style) if isinstance(style, str | Path) else style


def new(
    logline: str,
    out: Path_,
    *,
    backend: Backend,
    structure: str = DEFAULT_STRUCTURE,
    scenes: int = 8,
    seed: int = 0,
    characters: int = 4,
    takes: int = 1,
    concurrency: int = 8,
    scene_blocks: int = 10,
    locations: int = 0,
    genre: str = "",
    tone: str = "",
    author: str = "",
    model: str = "default",
    listener: Listener | None = None,
    scorer: Scorer = simple_score,
    style: Style | Path_ | None = None,
) -> Project:
    """Start a project in `out` and develop it into a screenplay (out/screenplay.fountain,
    .pdf, .fdx), the scenes in `style` when given (a Style or a `style learn` file). An
    interrupted run is continued with `resume(out)` (give the style again)."""
    style = _style(style)  # a bad style file fails before the project is made
    if not logline.strip():
        raise ProjectError("the logline is empty: say what the story is about")
    if min(scenes, characters, takes, concurrency, scene_blocks) < 1 or locations < 0:
        raise ProjectError(
            "scenes, characters, takes, concurrency and scene blocks must be at least 1"
        )
    options = Options(
        scene_blocks=scene_blocks,
        locations=locations,
        scenes=scenes,
        characters=characters,
        seed=seed,
        takes=takes,
        concurrency=concurrency,
        author=author,
        model=model,
    )
    project = Project.create(
        out,
        Logline(text=" ".join(logline.split()), genre=genre, tone=tone),
        get_structure(structure),
        options,
    )
    pipeline.develop(project, backend, listener=listener, scorer=scorer, style=style)
    return project


def resume(
    project_dir: Path_,
    *,
    backend: Backend,
    listener: Listener | None = None,
    scorer: Scorer = simple_score,
    style: Style | Path_ | None = None,
) -> Project:
    """Make whatever is missing (after an interruption), leaving finished and edited work."""
    project = Project.open(project_dir)
    pipeline.develop(project, backend, listener=listener, scorer=scorer, style=_style(style))
    return project


def show(
    project_dir: Path_, level: str | None = None, item: str | None = None, *, as_json: bool = False
) -> str:
    """The project's state (no level), a level's content, or the history (level "history")."""
    project = Project.open(project_dir)
    if as_json:
        return views.as_json(project, level)
    if level is None:
        return views.overview(project)
    if level == "history":
        return views.history_view(project, item)
    return views.level_view(project, level, item)


def edit(
    project_dir: Path_,
    level: str,
    item: str | None = None,
    *,
    text: str | None = None,
    lock: bool | None = None,
) -> list[str]:
    """Record a human edit (`text`, in the form `edit_text` gives) and/or lock or unlock.
    Returns the keys that are stale afterwards."""
    project = Project.open(project_dir)
    project.sync()
    if text is not None:
        editing.apply_edit(project, level, item, text)
    if lock is not None:
        editing.set_lock(project, level, item, lock)
    return [s.key for s in statuses(project) if s.stale]


def regenerate(
    project_dir: Path_,
    level: str | None = None,
    item: str | None = None,
    *,
    backend: Backend,
    stale: bool = False,
    more: bool = False,
    listener: Listener | None = None,
    scorer: Scorer = simple_score,
    style: Style | Path_ | None = None,
) -> list[str]:
    """New takes with new seeds (see pipeline.regenerate); scenes in `style` when given.
    Returns the keys that changed."""
    project = Project.open(project_dir)
    return pipeline.regenerate(
        project,
        backend,
        level,
        item,
        stale=stale,
        more=more,
        listener=listener,
        scorer=scorer,
        style=_style(style),
    )


def export(project_dir: Path_, out: Path_, *, partial: bool = False) -> Path:
    """Write the screenplay to `out` (format from its extension: .fountain, .pdf, .fdx, ...).
    An existing file is kept as a numbered backup."""
    project = Project.open(project_dir)
    doc = assemble(project.bible(), author=project.options.author, partial=partial)
    return write_output(doc, Path(out)).path
