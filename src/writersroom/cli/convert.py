"""`writersroom convert`: turn a screenplay from one format into another."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from writersroom.errors import FormatError
from writersroom.screenplay.io import FORMATS, dumps, load, loads, save
from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.numbering import number_scenes

_FORMATS = click.Choice(sorted(FORMATS))


@click.command()
@click.argument("source", metavar="IN")
@click.argument("target", metavar="OUT", required=False)
@click.option(
    "--to",
    "to_format",
    type=_FORMATS,
    help="Output format (default: from OUT's extension; fountain when writing to stdout).",
)
@click.option(
    "--from",
    "from_format",
    type=_FORMATS,
    help="Input format (default: from IN's extension; fountain for stdin).",
)
@click.option(
    "--number-scenes",
    "numbering",
    flag_value="number",
    help="Number every scene 1, 2, 3 ... and print the numbers.",
)
@click.option(
    "--lock-scenes",
    "numbering",
    flag_value="lock",
    help="Keep the scene numbers the script has; new scenes get 12A, A1 (docs/formats.md).",
)
def convert(
    source: str,
    target: str | None,
    to_format: str | None,
    from_format: str | None,
    numbering: str | None,
) -> None:
    """Convert a screenplay between Fountain, FDX, JSON, HTML and PDF.

    IN and OUT formats come from their extensions; `-` is stdin or stdout. The input is never
    changed; OUT is written atomically and an existing, different OUT is kept as OUT.~N~.

    Example: writersroom convert draft.fountain draft.pdf
    """
    if source == "-":
        doc = loads(sys.stdin.buffer.read(), from_format or "fountain")
    else:
        doc = load(source, from_format)
    if numbering:
        doc = number_scenes(doc, locked=numbering == "lock")
        doc = replace(doc, layout=replace(doc.layout or PageLayout(), scene_numbers="both"))
    if target is None or target == "-":
        data = dumps(doc, to_format or "fountain")
        sys.stdout.buffer.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        sys.stdout.flush()
        return
    if source != "-" and Path(source).resolve() == Path(target).resolve():
        raise FormatError("OUT is the input file; the input is never overwritten", path=target)
    kept = save(doc, target, to_format)
    note = f" (previous version kept as {kept})" if kept else ""
    click.echo(f"wrote {target}{note}", file=sys.stderr)
