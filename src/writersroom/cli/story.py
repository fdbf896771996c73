"""`writersroom new / show / edit / regenerate / resume / export`: a screenplay from a logline,
worked on level by level. Progress goes to stderr, results to stdout."""

from __future__ import annotations

import time
from pathlib import Path

import click

from writersroom import story
from writersroom.config import Settings
from writersroom.errors import ProjectError
from writersroom.files import write_atomic
from writersroom.llm.base import Backend
from writersroom.story.editing import edit_text
from writersroom.story.levels import Event
from writersroom.story.project import LEVELS, Project
from writersroom.story.scoring import Scorer, simple_score
from writersroom.story.structures import DEFAULT_STRUCTURE, STRUCTURES
from writersroom.story.table import level_of_key


def open_backend(settings: Settings, spec: str | None, base_url: str | None) -> Backend:
    """The model backend for a command (the one seam tests replace)."""
    from writersroom.llm.registry import get_backend  # imported late: it loads llama.cpp

    return get_backend(spec, settings, base_url=base_url)


def pick_scorer(name: str) -> Scorer:
    """`simple`: the built-in scorer; `evaluate`: the evaluation module's (slower, better)."""
    if name == "evaluate":
        from writersroom.evaluate import score_texts  # imported late: it loads its models

        return score_texts
    return simple_score


class Progress:
    """Prints each step to stderr; with `stream`, model text as it arrives and each scene."""

    def __init__(self, stream: bool) -> None:
        self.stream = stream
        self.started = time.perf_counter()
        self.step_started: dict[str, float] = {}
        self.midline = False

    def __call__(self, event: Event) -> None:
        if event.kind == "delta":
            if self.stream:
                click.secho(event.text, err=True, nl=False, dim=True)
                self.midline = True
            return
        if self.midline:
            click.echo("", err=True)
            self.midline = False
        clock = f"[{time.perf_counter() - self.started:6.1f}s]"
        if event.kind == "start":
            self.step_started[event.key] = time.perf_counter()
            click.echo(f"{clock} {event.key} ... {event.text}".rstrip(), err=True)
        elif event.kind == "done":
            took = time.perf_counter() - self.step_started.get(level_of_key(event.key), 0.0)
            head, _, body = event.text.partition("\n")
            click.secho(f"{clock} {event.key} done ({took:.1f}s) {head}", err=True, fg="green")
            if self.stream and body.strip():
                click.secho(body.strip() + "\n", err=True, dim=True)
        elif event.kind in ("retry", "issue"):
            click.secho(f"{clock} {event.key}: {event.text}", err=True, fg="yellow")
        elif event.kind == "export":
            click.echo(f"{clock} wrote {event.text}", err=True)
        elif event.kind == "skip":
            click.echo(f"{clock} {event.key}: {event.text}", err=True)


_model = click.option(
    "-m",
    "--model",
    "spec",
    help="Model name or spec (default, gguf:PATH, hf:PATH, openai:MODEL, "
    "a models.toml name). Default: the project's, else the configured one.",
)
_base_url = click.option("--base-url", help="Base URL for openai:MODEL specs.")
_scorer = click.option(
    "--scorer",
    type=click.Choice(["simple", "evaluate"]),
    default="simple",
    show_default=True,
    help="How the best of several takes is chosen (--takes, and redrafts).",
)
_no_stream = click.option("--no-stream", is_flag=True, help="Show progress lines only.")
_style = click.option(
    "--style",
    "style",
    type=click.Path(exists=True, path_type=Path),
    help="Draft the scenes in this style (a file or folder from `writersroom style learn`).",
)
_project_dir = click.argument(
    "project_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path)
)


@click.command()
@click.argument("logline")
@click.option(
    "-o",
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Project directory to create (must be new or empty).",
)
@_model
@_base_url
@click.option(
    "--structure",
    default=DEFAULT_STRUCTURE,
    show_default=True,
    help=f"One of {', '.join(sorted(STRUCTURES))}, custom:A,B,C, or a file of 'Name: guide' lines.",
)
@click.option("--scenes", type=click.IntRange(1, 200), default=8, show_default=True)
@click.option("--characters", type=click.IntRange(1, 12), default=4, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--takes",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Drafts per scene; the best is kept.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Scenes drafted together (1: one after another, each seeing the last).",
)
@click.option(
    "--scene-blocks",
    type=click.IntRange(2, 60),
    default=10,
    show_default=True,
    help="Most paragraphs (action or dialogue) per scene.",
)
@click.option("--genre", default="", help="Genre, e.g. thriller.")
@click.option("--tone", default="", help="Tone, e.g. bleak, playful.")
@click.option("--author", default="", help="Author on the title page.")
@_style
@_scorer
@_no_stream
@click.pass_obj
def new(
    settings: Settings,
    logline: str,
    out: Path,
    spec: str | None,
    base_url: str | None,
    structure: str,
    scenes: int,
    characters: int,
    seed: int,
    takes: int,
    concurrency: int,
    scene_blocks: int,
    genre: str,
    tone: str,
    author: str,
    style: Path | None,
    scorer: str,
    no_stream: bool,
) -> None:
    """Draft a complete screenplay from a logline into DIR (screenplay.fountain, .pdf, .fdx).

    Example: writersroom new "A lighthouse keeper guides a lost ship home" --out lighthouse
    """
    backend = open_backend(settings, spec, base_url)
    story.new(
        logline,
        out,
        backend=backend,
        structure=structure,
        scenes=scenes,
        seed=seed,
        characters=characters,
        takes=takes,
        concurrency=concurrency,
        scene_blocks=scene_blocks,
        genre=genre,
        tone=tone,
        author=author,
        model=spec or settings.default_model,
        listener=Progress(stream=not no_stream),
        scorer=pick_scorer(scorer),
        style=style,
    )
    click.echo(str(out / "screenplay.fountain"))


@click.command()
@_project_dir
@click.argument("level", required=False, metavar="[LEVEL|history]")
@click.argument("item", required=False, metavar="[ID]")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show(project_dir: Path, level: str | None, item: str | None, as_json: bool) -> None:
    """Show a project's state, one level (LEVEL: logline, structure, title, characters, beats,
    locations, scenes, drafts), one item of it, or the history of changes.

    Example: writersroom show lighthouse characters
    """
    click.echo(story.show(project_dir, level, item, as_json=as_json), nl=False)


@click.command()
@_project_dir
@click.argument("level", metavar="LEVEL")
@click.argument("item", required=False, metavar="[ID]")
@click.option("--lock", "lock", flag_value=True, default=None, help="Lock it against regeneration.")
@click.option("--unlock", "lock", flag_value=False, help="Allow regeneration again.")
@click.option(
    "--from-file",
    "source",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Take the new text from this file instead of opening $EDITOR.",
)
def edit(
    project_dir: Path, level: str, item: str | None, lock: bool | None, source: Path | None
) -> None:
    """Edit a level or one item in $EDITOR (a scene as screenplay text, the rest as JSON or
    text); the change is recorded and what depends on it becomes stale. --lock/--unlock only
    (un)lock it.

    Example: writersroom edit lighthouse drafts 3
    """
    if lock is not None and source is None:
        story.edit(project_dir, level, item, lock=lock)
        click.echo(f"{level} {item or ''} {'locked' if lock else 'unlocked'}".replace("  ", " "))
        return
    text, suffix = edit_text(Project.open(project_dir), level, item)
    new_text: str | None
    if source is not None:
        new_text = source.read_text(encoding="utf-8")
    else:
        new_text = click.edit(text, extension=suffix)
    if new_text is None or new_text == text:
        click.echo("no change")
        return
    try:
        stale = story.edit(project_dir, level, item, text=new_text, lock=lock)
    except ProjectError as exc:
        kept = project_dir / "edits" / f"{level}-{item or 'all'}-{int(time.time())}{suffix}"
        write_atomic(kept, new_text)
        raise ProjectError(f"{exc} (your text is kept in {kept})") from exc
    click.echo(f"saved {level} {item or ''}".rstrip())
    if stale:
        click.echo("stale now: " + ", ".join(stale) + "  (writersroom regenerate DIR --stale)")


@click.command()
@_project_dir
@click.argument("level", required=False, metavar="[LEVEL]")
@click.argument("item", required=False, metavar="[ID]")
@click.option("--stale", is_flag=True, help="Redo only what upstream edits made stale.")
@click.option(
    "--continue",
    "more",
    is_flag=True,
    help="Add one more character or location, or more of a drafted scene.",
)
@_model
@_base_url
@_style
@_scorer
@_no_stream
@click.pass_obj
def regenerate(
    settings: Settings,
    project_dir: Path,
    level: str | None,
    item: str | None,
    stale: bool,
    more: bool,
    spec: str | None,
    base_url: str | None,
    style: Path | None,
    scorer: str,
    no_stream: bool,
) -> None:
    """Make a level or one item anew with a new seed, or only what is stale (--stale). Locked
    items are never touched.

    Example: writersroom regenerate lighthouse drafts 3
    """
    if level is None and not stale:
        raise click.UsageError(f"give a LEVEL ({', '.join(LEVELS)}) or --stale")
    backend = _project_backend(settings, project_dir, spec, base_url)
    changed = story.regenerate(
        project_dir,
        level,
        item,
        backend=backend,
        stale=stale,
        more=more,
        listener=Progress(stream=not no_stream),
        scorer=pick_scorer(scorer),
        style=style,
    )
    click.echo("regenerated: " + (", ".join(changed) or "nothing"))


@click.command()
@_project_dir
@_model
@_base_url
@_style
@_scorer
@_no_stream
@click.pass_obj
def resume(
    settings: Settings,
    project_dir: Path,
    spec: str | None,
    base_url: str | None,
    style: Path | None,
    scorer: str,
    no_stream: bool,
) -> None:
    """Continue an interrupted or partial project: make only what is missing.

    Example: writersroom resume lighthouse
    """
    backend = _project_backend(settings, project_dir, spec, base_url)
    story.resume(
        project_dir,
        backend=backend,
        listener=Progress(stream=not no_stream),
        scorer=pick_scorer(scorer),
        style=style,
    )
    click.echo(str(project_dir / "screenplay.fountain"))


@click.command()
@_project_dir
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--partial", is_flag=True, help="Export even if scenes are not drafted yet.")
def export(project_dir: Path, out: Path, partial: bool) -> None:
    """Write the screenplay to OUT; the format follows the extension (.fountain, .pdf, .fdx, ...).

    Example: writersroom export lighthouse lighthouse.fdx
    """
    click.echo(str(story.export(project_dir, out, partial=partial)))


def _project_backend(
    settings: Settings, project_dir: Path, spec: str | None, base_url: str | None
) -> Backend:
    project = Project.open(project_dir)  # fail on a bad directory before loading a model
    return open_backend(settings, spec or project.options.model or None, base_url)
