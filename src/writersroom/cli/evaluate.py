"""`writersroom evaluate`: a coverage report (scores, verdict, located notes) for a screenplay or a
prose story, or scores for a batch of texts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from writersroom import files
from writersroom.config import Settings
from writersroom.errors import FormatError
from writersroom.evaluate import Coverage, Tools, default_tools, evaluate_screenplay, evaluate_text
from writersroom.evaluate.report import batch_line, criteria, to_json, to_markdown
from writersroom.screenplay.model import SceneHeading, Screenplay

PROSE_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}
REPORT_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}


@click.command()
@click.argument("path", metavar="FILE", required=False)
@click.option("--premise", default="", help="The logline or prompt the text should fulfil.")
@click.option("--model", "spec", default=None,
              help="Model that answers the judgment questions (default: the configured one).")
@click.option("--no-model", is_flag=True,
              help="Code and embedding signals only: no judgments, no perplexity.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write the report here: .html (with charts), .md or .json.")
@click.option("--json", "as_json", is_flag=True, help="Print the coverage as JSON.")
@click.option("--batch", "batch_path", type=click.Path(dir_okay=False, allow_dash=True),
              help='Score a JSONL file of {"id", "premise", "text"} lines; prints JSON lines.')
@click.pass_obj
def evaluate(settings: Settings, path: str | None, premise: str, spec: str | None,
             no_model: bool, report_path: str | None, as_json: bool,
             batch_path: str | None) -> None:
    """Evaluate a screenplay (.fountain, .fdx, .pdf) or a prose story (.txt, .md).

    Example: writersroom evaluate draft.fountain --premise "A retired thief plans one last heist"
    --report coverage.html
    """
    if (path is None) == (batch_path is None):
        raise click.UsageError("give either FILE or --batch IN.jsonl")
    if report_path and Path(report_path).suffix.lower() not in REPORT_FORMATS:
        raise click.UsageError("--report must end in .html, .md or .json")
    # the input is read (and refused) before any model loads
    if batch_path is not None:
        items = _batch_items(batch_path)
        _batch(items, _tools(settings, spec, no_model))
        return
    assert path is not None
    title, document = _read_document(path)
    cov = _evaluate_document(title, document, premise, _tools(settings, spec, no_model))
    if report_path:
        _write_report(cov, Path(report_path))
        click.echo(f"wrote {report_path}", err=True)
    if as_json:
        click.echo(to_json(cov), nl=False)
    else:
        click.echo(_summary(cov))


def _tools(settings: Settings, spec: str | None, no_model: bool) -> Tools:
    if no_model:
        return default_tools(perplexity=False)
    from writersroom.llm.registry import get_backend

    return default_tools(backend=get_backend(spec, settings))


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read the file ({exc.strerror})", path=path) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError("not UTF-8 text", path=path) from exc


def _as_screenplay(text: str) -> Screenplay | None:
    """The text as a screenplay when it has at least one scene heading, else None (prose)."""
    from writersroom.screenplay import fountain

    doc = fountain.parse(text)
    return doc if any(isinstance(e, SceneHeading) for e in doc.elements) else None


def _read_document(path: str) -> tuple[str, str | Screenplay]:
    """(title, prose text or screenplay) of the file."""
    suffix = Path(path).suffix.lower()
    title = Path(path).stem if path != "-" else "stdin"
    if path == "-" or suffix in PROSE_SUFFIXES:
        text = _read_text(path)
        if not text.strip():
            raise FormatError("the file is empty", path=path)
        doc = _as_screenplay(text)
        return (title, text) if doc is None else (doc.title or title, doc)
    from writersroom.screenplay.io import load

    doc = load(path)
    if not doc.elements:
        raise FormatError("the screenplay has no content", path=path)
    return doc.title or title, doc


def _evaluate_document(
    title: str, document: str | Screenplay, premise: str, tools: Tools
) -> Coverage:
    if isinstance(document, str):
        return evaluate_text(document, premise, tools=tools, title=title)
    return evaluate_screenplay(document, premise, tools=tools, title=title)


def _write_report(cov: Coverage, out: Path) -> None:
    kind = REPORT_FORMATS[out.suffix.lower()]
    if kind == "html":
        from writersroom.evaluate.html import to_html

        text = to_html(cov)
    else:
        text = to_markdown(cov) if kind == "md" else to_json(cov)
    if out.exists() and out.read_text(encoding="utf-8", errors="replace") != text:
        files.backup(out)
    files.write_atomic(out, text)


def _summary(cov: Coverage) -> str:
    lines = [f"{cov.title}: {cov.verdict} (overall {cov.scores['overall']:.1f} / 5)"]
    lines += [f"  {c:<17} {cov.scores[c]:.1f}" for c in criteria(cov) if c != "overall"]
    if cov.suggestions:
        lines.append("Notes:")
        lines += [f"  - {n.where}: {n.text}" for n in cov.suggestions[:8]]
    return "\n".join(lines)


def _batch_items(batch_path: str) -> list[dict[str, Any]]:
    raw = sys.stdin.read() if batch_path == "-" else _read_text(batch_path)
    items = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(f"not JSON ({exc.msg})", path=batch_path, line=n) from exc
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise FormatError('each line needs {"id", "premise", "text"} with a text string',
                              path=batch_path, line=n)
        items.append(item)
    return items


def _batch(items: list[dict[str, Any]], tools: Tools) -> None:
    for n, item in enumerate(items, 1):
        premise = str(item.get("premise") or "")
        doc = _as_screenplay(item["text"])
        if doc is None:
            cov = evaluate_text(item["text"], premise, tools=tools)
        else:
            cov = evaluate_screenplay(doc, premise, tools=tools)
        click.echo(batch_line(item.get("id"), cov))
        click.echo(f"evaluated {n}/{len(items)}", err=True)
