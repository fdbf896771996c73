"""`writersroom models` (configured models, checked) and `writersroom log` (recent model calls)."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import asdict, replace
from typing import Any

import click

from writersroom.config import Settings
from writersroom.errors import WritersroomError
from writersroom.llm.base import chat, complete
from writersroom.llm.log import CallLog
from writersroom.llm.registry import configured_names, get_backend, resolve


def _where(name: str, settings: Settings) -> tuple[str, str]:
    entry = resolve(name, settings)
    location = entry.path if entry.backend != "openai" else f"{entry.base_url} {entry.model}"
    return entry.backend, location or ""


def _check(name: str, settings: Settings) -> dict[str, Any]:
    """Load the model and ask for a few tokens; report how it went."""
    report: dict[str, Any] = {"name": name, "backend": None, "location": None}
    started = time.perf_counter()
    try:
        report["backend"], report["location"] = _where(name, settings)
        backend = get_backend(name, replace(settings, cache=False))
        answer = complete(backend, chat("Say OK.", max_tokens=4, temperature=0)).text
        report.update(ok=True, answer=answer, error=None)
    except WritersroomError as exc:
        report.update(ok=False, answer=None, error=str(exc))
    report["seconds"] = round(time.perf_counter() - started, 3)
    return report


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@click.option("--no-check", is_flag=True, help="List only; do not call the models.")
@click.pass_context
def models(ctx: click.Context, as_json: bool, no_check: bool) -> None:
    """List the configured models and check that each one answers.

    Example: writersroom models --json
    """
    if ctx.invoked_subcommand is None:
        _list(ctx.obj, configured_names(ctx.obj), as_json, check=not no_check)


@models.command("test")
@click.argument("names", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@click.pass_obj
def test_models(settings: Settings, names: tuple[str, ...], as_json: bool) -> None:
    """Check that the named models (or specs) answer.

    Example: writersroom models test default openai:llama3
    """
    _list(settings, list(names), as_json, check=True)


@models.command("path")
@click.pass_obj
def models_path(settings: Settings) -> None:
    """Print where the models config file lives.

    Example: writersroom models path
    """
    click.echo(str(settings.models_file))


def _list(settings: Settings, names: list[str], as_json: bool, *, check: bool) -> None:
    reports = []
    for name in names:
        if check:
            reports.append(_check(name, settings))
            continue
        try:
            backend, location = _where(name, settings)
            reports.append({"name": name, "backend": backend, "location": location})
        except WritersroomError as exc:
            reports.append({"name": name, "backend": None, "location": None, "error": str(exc)})
    if as_json:
        click.echo(json.dumps(reports, indent=2, ensure_ascii=False))
    else:
        for r in reports:
            status = ""
            if "ok" in r:
                status = f"ok ({r['seconds']:.1f}s)" if r["ok"] else f"FAILED: {r['error']}"
            elif r.get("error"):
                status = f"FAILED: {r['error']}"
            click.echo(f"{r['name']:<16} {r['backend'] or '-':<9} {r['location'] or '-'}  {status}")
    failed = [r["name"] for r in reports if r.get("error")]
    if failed:
        raise click.ClickException(f"not answering: {', '.join(failed)}")


@click.command()
@click.option(
    "-n",
    "count",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many calls to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the calls as JSON.")
@click.option("--path", "show_path", is_flag=True, help="Print where the log database lives.")
@click.pass_obj
def log(settings: Settings, count: int, as_json: bool, show_path: bool) -> None:
    """Show the most recent model calls, newest first.

    Example: writersroom log -n 5
    """
    if show_path:
        click.echo(str(settings.log_db))
        return
    calls = CallLog(settings.log_db).recent(count) if settings.log_db.exists() else []
    if as_json:
        click.echo(json.dumps([asdict(c) for c in calls], indent=2, ensure_ascii=False))
        return
    for c in calls:
        when = dt.datetime.fromtimestamp(c.started).strftime("%Y-%m-%d %H:%M:%S")
        tokens = f"{c.input_tokens or 0}->{c.output_tokens or 0} tokens"
        state = c.error or c.finish_reason or ""
        cached = " cached" if c.cached else ""
        click.echo(f"#{c.id} {when} {c.model} {tokens} {c.seconds or 0:.2f}s {state}{cached}")
        prompt = c.messages[-1]["content"] if c.messages else ""
        click.echo(f"  > {_preview(prompt)}")
        click.echo(f"  < {_preview(c.response)}")


def _preview(text: str, width: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
