"""`writersroom generate`: one model call from the command line, streamed to stdout."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from writersroom.config import Settings
from writersroom.errors import FormatError, GenerationError
from writersroom.llm.base import Backend, Message, Request, complete
from writersroom.llm.registry import get_backend


def _schema(path: Path) -> dict[str, Any]:
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"not a JSON Schema file ({exc})", path=str(path)) from exc
    if not isinstance(schema, dict):
        raise FormatError("a JSON Schema must be a JSON object", path=str(path))
    return schema


def _json_answer(backend: Backend, request: Request, retries: int = 2) -> str:
    """Complete a JSON-schema request; retry with the next seed if the text is not JSON."""
    text = ""
    for attempt in range(retries + 1):
        seed = None if request.seed is None else request.seed + attempt
        text = complete(backend, request.with_seed(seed)).text.strip()
        try:
            json.loads(text)
            return text
        except json.JSONDecodeError:
            continue
    raise GenerationError("the model did not answer with valid JSON", step="generate", text=text)


@click.command()
@click.argument("prompt")
@click.option(
    "-m",
    "--model",
    "spec",
    help="Model name or spec (default, gguf:PATH, hf:PATH, "
    "openai:MODEL, a models.toml name). Default: the configured default model.",
)
@click.option("--base-url", help="Base URL for openai:MODEL specs (else OPENAI_BASE_URL).")
@click.option("-s", "--system", help="System message.")
@click.option(
    "--json-schema",
    "schema_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Answer with JSON matching this JSON Schema file; stdout is exactly the JSON.",
)
@click.option("--max-tokens", type=click.IntRange(min=1), default=512, show_default=True)
@click.option("--temperature", type=click.FloatRange(min=0), default=0.8, show_default=True)
@click.option("--top-p", type=click.FloatRange(0, 1), default=0.95, show_default=True)
@click.option("--top-k", type=click.IntRange(min=0), default=40, show_default=True)
@click.option("--min-p", type=click.FloatRange(0, 1), default=0.05, show_default=True)
@click.option("--repeat-penalty", type=float, default=1.0, show_default=True)
@click.option("--seed", type=int, help="Sampling seed; seeded calls are cached.")
@click.option("--stop", multiple=True, help="Stop sequence (repeatable).")
@click.option("--raw", is_flag=True, help="Send PROMPT as is, without the chat template.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the response cache.")
@click.option("--no-stream", is_flag=True, help="Print the answer only when it is complete.")
@click.pass_obj
def generate(
    settings: Settings,
    prompt: str,
    spec: str | None,
    base_url: str | None,
    system: str | None,
    schema_file: Path | None,
    max_tokens: int,
    temperature: float,
    top_p: float,
    top_k: int,
    min_p: float,
    repeat_penalty: float,
    seed: int | None,
    stop: tuple[str, ...],
    raw: bool,
    no_cache: bool,
    no_stream: bool,
) -> None:
    """Generate text for PROMPT ("-" reads stdin) and stream it to stdout.

    Example: writersroom generate "A logline for a heist at a retirement home" --seed 1
    """
    if prompt == "-":
        prompt = sys.stdin.read()
    if raw and system:
        raise click.UsageError("--system cannot be used with --raw")
    schema = _schema(schema_file) if schema_file is not None else None
    messages = ((Message("system", system),) if system else ()) + (Message("user", prompt),)
    request = Request(
        messages=() if raw else messages,
        prompt=prompt if raw else None,
        max_tokens=max_tokens,
        temperature=temperature,
        top_p=top_p,
        top_k=top_k,
        min_p=min_p,
        repeat_penalty=repeat_penalty,
        stop=stop,
        seed=seed,
        json_schema=schema,
    )
    if no_cache:
        settings = replace(settings, cache=False)
    backend = get_backend(spec, settings, base_url=base_url)
    if schema is not None:
        click.echo(_json_answer(backend, request))
        return
    if no_stream:
        click.echo(complete(backend, request).text)
        return
    for delta in backend.stream(request):
        click.echo(delta.text, nl=False)  # echo flushes, so text appears as it is sampled
    click.echo()
