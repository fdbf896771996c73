"""A LoRA adapter trained on a writer's reference pages, with the training pipeline.

    train_adapter([Path("wilde/")], Path("runs/wilde"), overrides={"max_steps": 100})
    # -> runs/wilde/model (LoRA merged in): use it with --model runs/wilde/model

The references are ingested as a corpus (`train.corpus.build_corpus`: any script or play format)
and trained on with the shape of `configs/lora-default.toml` and fewer steps, unless overridden.
The training pipeline holds whole scripts out for validation, so at least two references are
needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from writersroom.train.config import TrainConfig, apply_overrides

# The LoRA preset's shape (configs/lora-default.toml), with fewer steps: a style adapter.
DEFAULTS: Mapping[str, Any] = {
    "base": "default",
    "method": "lora",
    "lora_r": 16,
    "lora_alpha": 32,
    "learning_rate": 1e-3,
    "block_size": 512,
    "batch_size": 2,
    "max_steps": 60,
    "eval_interval": 20,
    "checkpoint_interval": 20,
    "eval_rows": 8,
    "warmup_steps": 5,
}


def adapter_config(corpus: Path, out: Path, overrides: Mapping[str, Any]) -> TrainConfig:
    values = {**DEFAULTS, **overrides, "data": str(corpus), "out": str(out)}
    return apply_overrides(TrainConfig(), values)


def train_adapter(
    references: Sequence[Path], out: Path, *, overrides: Mapping[str, Any] | None = None
) -> Path:
    """Train the adapter into `out` and return the merged model folder (`out/model`)."""
    from writersroom.train.corpus import build_corpus
    from writersroom.train.train import train

    corpus = out / "corpus"
    build_corpus(list(references), corpus)
    result = train(adapter_config(corpus, out, overrides or {}))
    return result.model_dir
