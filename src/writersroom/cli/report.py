"""`writersroom report`: Final-Draft-like reports on a screenplay."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from writersroom.screenplay.io import FORMATS, load
from writersroom.screenplay.reports import Report, to_data
from writersroom.screenplay.reports import report as build_report


@click.command()
@click.argument("path", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@click.option(
    "--from",
    "from_format",
    type=click.Choice(sorted(FORMATS)),
    help="Input format (default: from the extension).",
)
def report(path: str, as_json: bool, from_format: str | None) -> None:
    """Print scene, character and location reports, page count and runtime.

    Pages and scene lengths (in eighths of a page) come from Final Draft's layout.

    Example: writersroom report draft.fountain --json
    """
    result = build_report(load(path, from_format))
    if as_json:
        click.echo(json.dumps(to_data(result), ensure_ascii=False, indent=2))
        return
    _print(result, Console(highlight=False, soft_wrap=False))


def _print(r: Report, console: Console) -> None:
    extra = f" ({r.sheets} with the title page)" if r.sheets != r.pages else ""
    click.echo(
        f"{r.title or 'Untitled'}: {r.pages} pages{extra}, about {r.runtime_minutes} minutes, "
        f"{len(r.scenes)} scenes, {len(r.characters)} speaking characters"
    )
    scenes = Table(title="Scenes")
    for name, justify in (
        ("#", "right"),
        ("Heading", "left"),
        ("Page", "right"),
        ("Length", "right"),
    ):
        scenes.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in r.scenes:
        page = str(row.page) if row.page is not None else "-"
        scenes.add_row(Text(row.number), Text(row.heading), page, row.length)
    console.print(scenes)
    people = Table(title="Characters")
    for name in ("Name", "Speeches", "Words", "Scenes"):
        people.add_column(name, justify="left" if name == "Name" else "right")
    for c in r.characters:
        people.add_row(Text(c.name), str(c.lines), str(c.words), str(c.scenes))
    console.print(people)
    places = Table(title="Locations")
    for name in ("Location", "Scenes", "INT/EXT"):
        places.add_column(name, justify="right" if name == "Scenes" else "left")
    for loc in r.locations:
        places.add_row(Text(loc.name), str(loc.scenes), ", ".join(x or "-" for x in loc.int_ext))
    console.print(places)
    split = Table(title="Breakdown")
    split.add_column("")
    split.add_column("Scenes", justify="right")
    for label, counts in (("INT/EXT", r.breakdown.int_ext), ("DAY/NIGHT", r.breakdown.day_night)):
        for key, count in counts.items():
            split.add_row(Text(f"{label}: {key or '-'}"), str(count))
    console.print(split)
