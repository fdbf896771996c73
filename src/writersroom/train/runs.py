"""A training run's folder as a model: what `--model RUN_DIR` loads.

    runs/lora/                written by `writersroom train ... --out runs/lora`
      checkpoints/            model_{step}.pt ... while it trains
      model/                  the merged HF model (config.json, safetensors, tokenizer), at the end
      run.json                the run's report, at the end
      model-q8_0.gguf         written by `writersroom export-model runs/lora` (or model-f16.gguf)

`run_model(path)` picks an exported GGUF when there is one (llama.cpp: no torch needed, the fastest
on a CPU), else the merged HF folder when transformers is installed. A run without either says
what to do. Only paths are looked at here: nothing heavy is imported.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from writersroom.errors import ConfigError

GGUF_NAMES = ("model-q8_0.gguf", "model-f16.gguf")  # export-model's files, preferred first


def is_run(path: Path) -> bool:
    """Whether `path` is a training run's folder (finished or not)."""
    return path.is_dir() and ((path / "run.json").is_file() or (path / "checkpoints").is_dir())


def run_model(path: Path) -> tuple[str, Path]:
    """("llamacpp", the GGUF) or ("hf", the model folder) of a training run; ConfigError when the
    run has no usable model yet."""
    for name in GGUF_NAMES:
        if (path / name).is_file():
            return "llamacpp", path / name
    merged = path / "model"
    if (merged / "config.json").is_file():
        if all(importlib.util.find_spec(m) for m in ("torch", "transformers")):
            return "hf", merged
        raise ConfigError(
            f"{path}: the trained model is a transformers folder and torch is not installed; "
            f"pip install 'writersroom[hf]', or write a GGUF with `writersroom export-model "
            f"{path}` where the train extra is installed"
        )
    raise ConfigError(
        f"{path} is a training run without a model yet; let training finish (run the same "
        f"`writersroom train ... --out {path}` again to resume it), then use --model {path}"
    )
