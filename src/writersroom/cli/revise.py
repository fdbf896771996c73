"""`writersroom revise`, `changes` and `check`: revision on request as tracked changes, and the
continuity checker."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from writersroom.config import Settings
from writersroom.errors import FormatError
from writersroom.llm.base import Backend, Delta, Request
from writersroom.llm.registry import get_backend
from writersroom.revise import api
from writersroom.revise.continuity import to_data
from writersroom.revise.store import load, save
from writersroom.revise.tracking import describe
from writersroom.voice.style import Style


class _OnFirstUse:
    """Opens the model only when a step needs it (exact operations need none)."""

    def __init__(self, spec: str | None, settings: Settings) -> None:
        self.spec, self.settings = spec, settings
        self.backend: Backend | None = None
        self.name = spec or "default"

    def stream(self, request: Request) -> Iterator[Delta]:
        if self.backend is None:
            self.backend = get_backend(self.spec, self.settings)
        return self.backend.stream(request)


def _scope(scene: int | None, span: str | None) -> set[int] | None:
    if scene is not None and span is not None:
        raise click.UsageError("give --scene or --scenes, not both")
    if scene is not None:
        return {scene}
    if span is None:
        return None
    first, _, last = span.partition("-")
    if not first.isdigit() or not (last or first).isdigit() or int(last or first) < int(first):
        raise click.BadParameter("expected A-B with A <= B, e.g. 3-5", param_hint="--scenes")
    return set(range(int(first), int(last or first) + 1))


def _changes_json(doc_changes: list[dict[str, object]]) -> str:
    return json.dumps({"changes": doc_changes}, ensure_ascii=False, indent=2)


@click.command()
@click.argument("source", metavar="IN")
@click.argument("words", nargs=-1, required=True, metavar="INSTRUCTION|FINDING_ID...")
@click.option("-o", "--out", "target", required=True, help="Where to write the revised script.")
@click.option("--scene", type=click.IntRange(min=1), help="Change only this scene.")
@click.option("--scenes", "span", metavar="A-B", help="Change only scenes A to B.")
@click.option("--fix", is_flag=True, help="The words are finding ids from `check`: fix them.")
@click.option("-m", "--model", "spec", help="Model name or spec (default: the default model).")
@click.option("--date", help="Date of the revision set (default: today).")
@click.option("--seed", type=int, default=0, show_default=True, help="Sampling seed.")
@click.option(
    "--style",
    "style_path",
    type=click.Path(exists=True),
    help="Write new lines and beats in this style (from `writersroom style learn`).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.pass_obj
def revise(
    settings: Settings,
    source: str,
    words: tuple[str, ...],
    target: str,
    scene: int | None,
    span: str | None,
    fix: bool,
    spec: str | None,
    date: str | None,
    seed: int,
    style_path: str | None,
    as_json: bool,
) -> None:
    """Revise IN as INSTRUCTION asks and write OUT with the changes tracked.

    The changes form a new revision set (Final Draft's colours: Blue, Pink, Yellow, ...);
    review them with `writersroom changes OUT`. IN is never changed. With --fix, the words
    are finding ids from `writersroom check IN` and their fixes are proposed instead.

    Example: writersroom revise draft.fountain "rename Joe to Joanna" --out draft2.fountain
    """
    if Path(source).resolve() == Path(target).resolve():
        raise FormatError("OUT is the input file; the input is never overwritten", path=target)
    doc = load(source)
    backend = _OnFirstUse(spec, settings)
    scope = _scope(scene, span)
    if fix:
        out = api.fix(doc, list(words), date=date)
    else:
        style = Style.load(style_path) if style_path else None
        out = api.revise(
            doc, " ".join(words), backend, scope=scope, date=date, seed=seed, style=style
        )
    save(out, target)
    views = describe(out)
    if as_json:
        click.echo(_changes_json([_view(v) for v in views]))
    revision = out.revisions[-1].name if out.changes else "no revision set"
    click.echo(f"wrote {target}: {len(views)} changes ({revision})", file=sys.stderr)


def _view(v: object) -> dict[str, object]:
    keys = ("id", "scene", "op", "before", "after")
    return {k: getattr(v, k) for k in keys}


@click.command()
@click.argument("path", metavar="FILE")
@click.argument("ids", nargs=-1, metavar="[ID...]")
@click.option("--accept", "accept_ids", is_flag=True, help="Accept the changes ID...")
@click.option("--reject", "reject_ids", is_flag=True, help="Reject the changes ID...")
@click.option("--accept-all", is_flag=True, help="Accept every change.")
@click.option("--reject-all", is_flag=True, help="Reject every change (gives back the original).")
@click.option(
    "-o", "--out", "target", help="Write the result here (default: FILE, kept as FILE.~N~)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def changes(
    path: str,
    ids: tuple[str, ...],
    accept_ids: bool,
    reject_ids: bool,
    accept_all: bool,
    reject_all: bool,
    target: str | None,
    as_json: bool,
) -> None:
    """List the tracked changes in FILE, or accept or reject them.

    Accepting keeps a change (its revision marks stay, as in Final Draft); rejecting puts back
    what it replaced.

    Example: writersroom changes draft2.fountain --reject 1.3 1.4 --out draft3.fountain
    """
    actions = [accept_ids, reject_ids, accept_all, reject_all]
    if sum(actions) > 1:
        raise click.UsageError("give one of --accept, --reject, --accept-all, --reject-all")
    if ids and not (accept_ids or reject_ids):
        raise click.UsageError("change ids go with --accept or --reject")
    if (accept_ids or reject_ids) and not ids:
        raise click.UsageError(
            "name the changes to accept or reject (see `writersroom changes FILE`)"
        )
    doc = load(path)
    if not any(actions):
        views = describe(doc)
        if as_json:
            click.echo(_changes_json([_view(v) for v in views]))
            return
        for v in views:
            click.echo(f"{v.id}  scene {v.scene}  {v.op}")
            for label, text in (("-", v.before), ("+", v.after)):
                for line in text.split("\n") if text else []:
                    click.echo(f"    {label} {line}")
        click.echo(f"{len(views)} changes", file=sys.stderr)
        return
    if accept_ids or accept_all:
        out = api.accept(doc, list(ids) if accept_ids else None)
    else:
        out = api.reject(doc, list(ids) if reject_ids else None)
    written = save(out, target or path)
    if as_json:
        click.echo(_changes_json([_view(v) for v in describe(out)]))
    click.echo(f"wrote {written}: {len(out.changes)} changes still pending", file=sys.stderr)


@click.command()
@click.argument("path", metavar="FILE")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "-m", "--model", "spec", help="Also ask this model to confirm each finding (optional)."
)
@click.pass_obj
def check(settings: Settings, path: str, as_json: bool, spec: str | None) -> None:
    """Check FILE's continuity: names and places spelt two ways, action against the time of
    day, the dead who speak again, contradicting facts. Exits 1 when there are findings.

    Example: writersroom check draft.fountain --json
    """
    doc = load(path)
    backend = get_backend(spec, settings) if spec else None
    findings = api.check(doc, backend)
    if as_json:
        click.echo(json.dumps(to_data(findings), ensure_ascii=False, indent=2))
    else:
        for f in findings:
            click.echo(
                f"{f.id}  scene {f.scene}, line {f.line}  {f.severity}  {f.kind}: {f.message}"
            )
        click.echo(f"{len(findings)} findings", file=sys.stderr)
    if findings:
        sys.exit(1)
