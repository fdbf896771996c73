"""`writersroom corpus build`, `writersroom train`, `writersroom export-model`: from a folder of
scripts to a model that writes in that voice, usable by every command as `--model PATH`."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import click

from writersroom.config import Settings
from writersroom.train.config import FIELDS, TrainConfig, field_help, load_config, to_toml


@click.group()
def corpus() -> None:
    """Build training corpora (normalized Fountain + manifest) from folders of scripts."""


@corpus.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for scripts/*.fountain and manifest.json (new, empty, or an earlier corpus).",
)
@click.option("--licence", default="", help="Licence recorded for scripts whose source names none.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def build(sources: tuple[Path, ...], out: Path, licence: str, as_json: bool) -> None:
    """Ingest Fountain, FDX, PDF, plain-text screenplays, Gutenberg plays and TEI XML into a corpus.

    Example: writersroom corpus build ~/scripts plays/ --out corpus
    """
    from writersroom.train.corpus import build_corpus, summary

    manifest = build_corpus(list(sources), out, licence=licence)
    if as_json:
        click.echo(manifest.to_json(), nl=False)
        return
    for entry in manifest.scripts:
        click.echo(
            f"{entry.id:32} {entry.format:16} {entry.words:>8,} words  {entry.scenes:>4} scenes"
        )
    for item in manifest.skipped:
        click.echo(f"skipped {item['source']}: {item['reason']}", err=True)
    for item in manifest.duplicates:
        click.echo(f"duplicate {item['source']} (same as {item['duplicate_of']})", err=True)
    totals = summary(manifest)
    click.echo(f"{totals['scripts']} scripts, {totals['words']:,} words -> {out}", err=True)


def _config_options(command: Any) -> Any:
    """One --flag per TrainConfig field (help from the field), applied as overrides."""
    hints = typing.get_type_hints(TrainConfig)
    for name in reversed(list(FIELDS)):
        if name in {"data", "out", "base", "method", "max_steps"}:
            continue
        flag = name.replace("_", "-")
        if hints[name] is bool:
            option = click.option(
                f"--{flag}/--no-{flag}", name, default=None, help=field_help(name)
            )
        else:
            option = click.option(
                f"--{flag}", name, default=None, metavar="VALUE", help=field_help(name)
            )
        command = option(command)
    return command


@click.command(context_settings={"show_default": False})
@click.argument("data", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--base",
    default=None,
    help="default (bundled SmolLM2-135M-Instruct), a local HF dir or .gguf, or scratch.",
)
@click.option(
    "--method",
    type=click.Choice(["lora", "full"]),
    default=None,
    help="LoRA adapters or full fine-tuning.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A TOML preset (configs/*.toml); flags override it.",
)
@click.option("--max-steps", type=int, default=None, help="Optimizer steps.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Run folder: checkpoints/, model/ (the result), run.json.",
)
@_config_options
@click.pass_obj
def train(
    settings: Settings,
    /,
    data: Path,
    base: str | None,
    method: str | None,
    config_file: Path | None,
    max_steps: int | None,
    out: Path,
    **fields: Any,
) -> None:
    """Train a model on a corpus, a prepared dataset or a folder of scripts; resumes if interrupted.

    Example: writersroom train corpus/ --base default --method lora --max-steps 200 --out runs/lora
    """
    from writersroom.train.train import train as run_training

    overrides = {k: v for k, v in fields.items() if v is not None}
    overrides.update({"data": str(data), "out": str(out)})
    if base is not None:
        overrides["base"] = base
    if method is not None:
        overrides["method"] = method
    if max_steps is not None:
        overrides["max_steps"] = max_steps
    config = load_config(config_file, overrides)
    click.echo(f"training with:\n{to_toml(config)}", err=True)
    try:
        result = run_training(config, cache_dir=settings.home / "cache")
    except KeyboardInterrupt:
        raise click.exceptions.Exit(130) from None
    click.echo(f"model: {result.model_dir}")
    click.echo(
        f"held-out perplexity {result.ppl_before:.2f} -> {result.ppl_after:.2f}; "
        f"{result.tokens_per_second:,.0f} tokens/s; {result.cpu_seconds / 60:.1f} CPU-minutes",
        err=True,
    )
    click.echo(f"next: writersroom export-model {out} --gguf q8_0", err=True)


@click.command("export-model")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--gguf",
    "types",
    multiple=True,
    type=click.Choice(["f16", "q8_0"]),
    default=("q8_0",),
    show_default=True,
    help="GGUF type(s) to write.",
)
@click.option(
    "--verify/--no-verify",
    default=True,
    show_default=True,
    help="Load each GGUF in llama.cpp and compare it with the HF model.",
)
@click.option(
    "--evaluate",
    "n_eval",
    type=int,
    default=0,
    metavar="N",
    help="Also generate N held-out scenes with the base and the result and compare them.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def export_model(
    path: Path, types: tuple[str, ...], verify: bool, n_eval: int, as_json: bool
) -> None:
    """Write GGUF files (for the llama.cpp backend) and a model card for a trained model.

    PATH is a training run (from `writersroom train`) or an HF model directory.

    Example: writersroom export-model runs/lora --gguf q8_0
    """
    from writersroom.train.export import as_dict
    from writersroom.train.export import export_model as run_export

    evaluation = None
    results = run_export(path, types=types, verify=verify)
    if n_eval:
        evaluation = _evaluate(path, results[0].path, n_eval)
        results = run_export(path, types=types, verify=verify, evaluation=evaluation)
    if as_json:
        click.echo(
            json.dumps({"files": [as_dict(r) for r in results], "evaluation": evaluation}, indent=1)
        )
        return
    for r in results:
        check = ""
        if r.verification:
            v = r.verification
            check = (
                f"  tokens {'match' if v.tokens_match else 'DIFFER'}, top-1 agreement "
                f"{v.top1_agreement:.0%}"
            )
        click.echo(f"{r.path}  {r.bytes / 1e6:.1f} MB{check}")
    if evaluation:
        b, a = evaluation["before"], evaluation["after"]
        click.echo(
            f"well-formed scenes {b['well_formed']:.0%} -> {a['well_formed']:.0%}; "
            f"style similarity {b['style_similarity']:.2f} -> {a['style_similarity']:.2f}"
        )
    click.echo(f'use it: writersroom generate "..." --model {results[0].path}', err=True)


def _evaluate(path: Path, gguf: Path, n: int) -> dict[str, Any]:
    from writersroom.errors import ConfigError
    from writersroom.files import write_atomic
    from writersroom.llm.llamacpp import LlamaCppBackend
    from writersroom.train import evaluate

    run_file = path / "run.json"
    if not run_file.exists():
        raise ConfigError("--evaluate needs a training run folder (with run.json)")
    run = json.loads(run_file.read_text(encoding="utf-8"))
    if not run["base"]["gguf"]:
        raise ConfigError("--evaluate compares with the base model's GGUF; this run has none")
    data_dir = Path(run["data"]["dir"])
    prompts = evaluate.held_out_prompts(data_dir, n)
    report = evaluate.compare_backends(
        LlamaCppBackend(run["base"]["gguf"]),
        LlamaCppBackend(gguf),
        prompts,
        evaluate.training_references(data_dir),
    )
    write_atomic(path / "eval.json", json.dumps(report, indent=1) + "\n")
    click.echo(f"evaluated {len(prompts)} held-out scenes -> {path / 'eval.json'}", err=True)
    return report
