"""Memory: a run records its peak resident memory, and gradient checkpointing (on by default,
it bounds the activations kept for the backward pass) trains the same model as keeping them.
No thresholds here: what a process holds depends on the machine; benchmarks/train.py reports
the figure for the default model's LoRA preset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from writersroom.train.config import TrainConfig, load_config
from writersroom.train.train import peak_rss_mb, train

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def tiny(corpus: Path, out: Path, **changes: object) -> TrainConfig:
    pairs = {
        "data": str(corpus),
        "out": str(out),
        "max_steps": "4",
        "n_layer": "2",
        "n_embd": "64",
        "vocab_size": "400",
        "tasks": "text",
        "batch_size": "2",
        "eval_interval": "4",
        "checkpoint_interval": "4",
        "warmup_steps": "1",
        "sample_tokens": "0",
        "threads": "1",
        **{k: str(v) for k, v in changes.items()},
    }
    return load_config(CONFIGS / "train-tiny-cpu.toml", pairs)


def test_peak_memory_is_measured():
    assert peak_rss_mb() > 10  # a Python process with torch loaded holds far more than 10 MB


def test_a_run_records_its_peak_memory_and_checkpointing_changes_no_result(tiny_corpus, tmp_path):
    kept = train(tiny(tiny_corpus, tmp_path / "kept", recompute="false"))
    recomputed = train(tiny(tiny_corpus, tmp_path / "recomputed"))
    assert tiny(tiny_corpus, tmp_path / "x").recompute  # on unless switched off
    report = json.loads((tmp_path / "recomputed" / "run.json").read_text())
    assert report["peak_rss_mb"] == pytest.approx(recomputed.peak_rss_mb, rel=0.5)
    assert report["peak_rss_mb"] > 10
    assert report["config"]["recompute"] is True
    # Recomputing activations gives the same gradients, so the same losses.
    assert [h["val_loss"] for h in recomputed.history] == pytest.approx(
        [h["val_loss"] for h in kept.history], rel=1e-4
    )
