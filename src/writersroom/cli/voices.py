"""`writersroom voices / dialogue / style`: character voices from a script, dialogue in those
voices, and a writer's style learned from reference pages."""

from __future__ import annotations

import json
from pathlib import Path

import click

from writersroom.cli.story import open_backend
from writersroom.config import Settings
from writersroom.errors import ProjectError
from writersroom.voice import api
from writersroom.voice.cast import Cast
from writersroom.voice.dialogue import STRATEGIES
from writersroom.voice.profile import describe

_existing = click.Path(exists=True, path_type=Path)


@click.command()
@click.argument("source", metavar="SCRIPT", type=_existing)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def voices(source: Path, as_json: bool) -> None:
    """Learn each speaking character's voice from a script (.fountain .fdx .pdf ...) or a story
    project directory.

    Example: writersroom voices draft.fountain --json
    """
    cast = api.voices(source)
    if as_json:
        click.echo(json.dumps(cast.to_json(), indent=1, ensure_ascii=False))
        return
    click.echo(_cast_text(cast))


def _cast_text(cast: Cast) -> str:
    out = []
    for v in cast.voices:
        origin = f"{v.lines} speeches" if v.profile.source == "lines" else "from the bio"
        out.append(f"{v.name} ({origin})\n  {describe(v.profile) or '(no measurable habits)'}")
        out += [f"  > {x}" for x in v.examples[:3]]
    out.append(f"distinctiveness: {cast.distinctiveness:.2f} (0 = interchangeable, 1 = distinct)")
    return "\n".join(out)


@click.command()
@click.option("--script", type=_existing, help="Script to learn the voices from.")
@click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Story project directory to learn the voices from.",
)
@click.option("--characters", required=True, help='Who speaks, in turn: "A,B[,C]".')
@click.option("--situation", required=True, help="What happens in the exchange.")
@click.option("--lines", type=click.IntRange(1, 40), default=6, show_default=True)
@click.option("--style", "style", type=_existing, help="A style file from `style learn`.")
@click.option(
    "--strategy",
    type=click.Choice(STRATEGIES),
    default=api.DEFAULT_STRATEGY,
    show_default=True,
    help="exchange: one call, cues fixed by the grammar; actors: one call per turn.",
)
@click.option("-m", "--model", "spec", help="Model name or spec (default, gguf:PATH, ...).")
@click.option("--base-url", help="Base URL for openai:MODEL specs.")
@click.option("--seed", type=int, default=None)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def dialogue(
    settings: Settings,
    script: Path | None,
    project: Path | None,
    characters: str,
    situation: str,
    lines: int,
    style: Path | None,
    strategy: str,
    spec: str | None,
    base_url: str | None,
    seed: int | None,
    as_json: bool,
) -> None:
    """Write an exchange of dialogue in which each character keeps their voice.

    Example: writersroom dialogue --script draft.fountain --characters "MAYA,ELIAS"
    --situation "Maya finds the lamp broken" --lines 4
    """
    if (script is None) == (project is None):
        raise ProjectError("give the voices' source: either --script SCRIPT or --project DIR")
    source = script or project
    assert source is not None
    cast = api.voices(source)
    backend = open_backend(settings, spec, base_url)
    exchange = api.dialogue(
        cast,
        characters.split(","),
        situation,
        backend=backend,
        lines=lines,
        style=style,
        strategy=strategy,  # type: ignore[arg-type]
        seed=seed,
    )
    if as_json:
        click.echo(json.dumps(exchange.to_json(), indent=1, ensure_ascii=False))
    else:
        click.echo(exchange.fountain(), nl=False)


@click.group()
def style() -> None:
    """Learn a writer's style from reference pages; measure how close a text is to it."""


@style.command("learn")
@click.argument("references", metavar="REF...", nargs=-1, required=True, type=_existing)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Style file to write (a folder with --adapter).",
)
@click.option("--name", default="", help="Name of the style (default: the first reference).")
@click.option(
    "--adapter",
    is_flag=True,
    help="Also fine-tune a LoRA adapter on the references (OUT/model; use with --model).",
)
@click.option(
    "--max-steps",
    type=click.IntRange(1),
    default=None,
    help="Training steps of the adapter (default 60).",
)
@click.option("--base", default=None, help="Base model of the adapter (default: the bundled one).")
def learn(
    references: tuple[Path, ...],
    out: Path,
    name: str,
    adapter: bool,
    max_steps: int | None,
    base: str | None,
) -> None:
    """Build a style profile (stylometry and exemplar passages) from scripts or plays.

    Example: writersroom style learn earnest.txt fan.txt --out wilde.json
    """
    train = {k: v for k, v in {"max_steps": max_steps, "base": base}.items() if v is not None}
    profile = api.learn_style(list(references), out, name=name, adapter=adapter, train=train)
    where = out / "style.json" if adapter else out
    click.echo(
        f"{profile.name}: {profile.words:,} words, {len(profile.exemplars)} exemplar passages "
        f"-> {where}" + (f"; adapter model in {out / 'model'}" if adapter else "")
    )


@style.command("compare")
@click.argument("file", type=_existing)
@click.option("--style", "style_path", required=True, type=_existing, help="A style file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def compare(file: Path, style_path: Path, as_json: bool) -> None:
    """Report how close a script is to a style (Burrows' Delta and the habits side by side).

    Example: writersroom style compare scene.fountain --style wilde.json
    """
    result = api.compare_style(file, style_path)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=1))
        return
    click.echo(
        f"Delta {result.delta:.2f} (about 1 = as close as the references' own pages); "
        f"similarity {result.similarity:.2f}"
    )
    for key, (mine, theirs) in result.features.items():
        click.echo(f"  {key:<16} {mine:>8.2f}  style {theirs:>8.2f}")
