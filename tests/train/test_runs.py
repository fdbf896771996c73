"""`--model RUN_DIR`: a training run's folder is a model spec. A tiny run is trained here (one
layer, a few steps); before export it runs through transformers, after `export-model` through
llama.cpp; a run with no model yet says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from writersroom.cli import cli
from writersroom.config import load_settings
from writersroom.errors import ConfigError
from writersroom.llm.registry import resolve
from writersroom.train.config import load_config
from writersroom.train.export import export_model
from writersroom.train.train import train

TINY = {
    "base": "scratch",
    "method": "full",
    "n_layer": 1,
    "n_head": 2,
    "n_kv_head": 2,
    "n_embd": 64,
    "vocab_size": 400,
    "block_size": 128,
    "batch_size": 2,
    "max_steps": 2,
    "warmup_steps": 1,
    "eval_interval": 2,
    "eval_rows": 1,
    "checkpoint_interval": 2,
    "sample_tokens": 0,
    "threads": 1,
    "tasks": "text",
}


@pytest.fixture(scope="module")
def run(tiny_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "run"
    train(load_config(None, {**TINY, "data": str(tiny_corpus), "out": str(out)}))
    assert (out / "run.json").is_file() and (out / "model" / "config.json").is_file()
    return out


def generate(run: Path) -> str:
    args = ["generate", "INT. GARAGE - NIGHT", "--model", str(run), "--raw", "--max-tokens", "4"]
    result = CliRunner().invoke(cli, [*args, "--seed", "1", "--no-cache", "--no-stream"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_run_is_a_model_before_and_after_export(run):
    # before export: the merged transformers folder
    entry = resolve(str(run), load_settings())
    assert (entry.backend, Path(entry.path or "")) == ("hf", run / "model")
    assert entry.options == {"name": "run/model"}
    assert resolve(f"hf:{run}", load_settings()).path == str(run / "model")
    generate(run)
    # after export: the GGUF, through llama.cpp
    export_model(run, types=("q8_0",), verify=False)
    entry = resolve(str(run), load_settings())
    assert (entry.backend, Path(entry.path or "")) == ("llamacpp", run / "model-q8_0.gguf")
    generate(run)


def test_a_run_without_a_model_says_what_to_do(tmp_path):
    unfinished = tmp_path / "unfinished"
    (unfinished / "checkpoints").mkdir(parents=True)
    with pytest.raises(ConfigError, match="training run without a model yet"):
        resolve(str(unfinished), load_settings())
    result = CliRunner().invoke(cli, ["generate", "hi", "--model", str(unfinished)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "resume" in result.output
    assert len(result.output.strip().splitlines()) == 1
