"""TrainConfig: every knob of a training run in one dataclass, with presets in configs/*.toml.

    config = load_config("configs/lora-default.toml", overrides={"max_steps": "50"})

Sources, later ones winning: the field defaults, a TOML preset (flat `key = value` pairs), then
overrides from the command line. Override strings are parsed with the field's type (`"3e-4"` for a
float, `"true"` for a bool, `"q_proj,v_proj"` for a tuple); unknown keys are an error that lists
the known ones. The resolved config is saved next to every checkpoint (`meta_*.json`).
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from writersroom.config import parse_bool
from writersroom.errors import ConfigError

LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def _f(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class TrainConfig:
    # -- data and output
    data: str = _f(
        "", "corpus dir (manifest.json), prepared data dir (meta.json) or a folder of scripts"
    )
    out: str = _f("runs/model", "run dir: data/, checkpoints/, model/ (the result), run.json")
    # -- the model
    base: str = _f(
        "default",
        "'default' (bundled SmolLM2-135M-Instruct), a local HF dir or .gguf, or 'scratch'",
    )
    method: str = _f(
        "lora", "'lora' (PEFT adapters, merged at the end) or 'full'; scratch is always full"
    )
    # -- scratch model shape (base = 'scratch' only): a small LlamaConfig with its own BPE tokenizer
    vocab_size: int = _f(4096, "BPE vocabulary size of the scratch tokenizer")
    n_layer: int = _f(4, "transformer blocks")
    n_head: int = _f(4, "attention heads")
    n_kv_head: int = _f(4, "key/value heads (grouped-query attention when < n_head)")
    n_embd: int = _f(256, "hidden size (a multiple of 32 keeps every tensor q8_0-exportable)")
    intermediate_size: int = _f(0, "MLP size; 0 = 8/3 * n_embd rounded up to a multiple of 32")
    # -- LoRA (method = 'lora')
    lora_r: int = _f(16, "adapter rank")
    lora_alpha: int = _f(32, "adapter scale numerator (scale = alpha / r)")
    lora_dropout: float = _f(0.0, "dropout on the adapter input")
    lora_targets: tuple[str, ...] = _f(LORA_TARGETS, "linear layers that get adapters")
    lora_layers: int = _f(0, "adapt only the last N blocks (backward stops there: faster); 0 = all")
    # -- dataset
    block_size: int = _f(512, "tokens per packed training row (the context length trained)")
    val_fraction: float = _f(0.1, "share of scripts held out for validation (split by script)")
    tasks: tuple[str, ...] = _f(("scene", "continue"), "example kinds: scene, continue, text")
    # -- optimisation
    batch_size: int = _f(8, "rows per micro-batch (per process)")
    grad_accum: int = _f(1, "micro-batches per optimizer step")
    max_steps: int = _f(200, "optimizer steps")
    learning_rate: float = _f(2e-4, "peak learning rate")
    min_lr_ratio: float = _f(0.1, "final learning rate as a share of the peak (cosine decay)")
    warmup_steps: int = _f(10, "linear warm-up steps")
    weight_decay: float = _f(0.0, "AdamW weight decay")
    grad_clip: float = _f(1.0, "max gradient norm; 0 = off")
    recompute: bool = _f(
        True,
        "recompute each block's activations in the backward pass instead of keeping them all "
        "(gradient checkpointing: a fraction of the memory for about a third more compute)",
    )
    # -- evaluation, checkpoints, samples
    eval_interval: int = _f(50, "steps between validation runs (and at the first and last step)")
    eval_rows: int = _f(64, "validation rows per evaluation; 0 = all")
    checkpoint_interval: int = _f(50, "steps between checkpoints (and at the last step)")
    keep_checkpoints: int = _f(2, "newest checkpoints kept on disk")
    sample_tokens: int = _f(96, "tokens generated as a sample at each checkpoint; 0 = off")
    resume: bool = _f(True, "continue from the newest checkpoint in out/ if there is one")
    # -- runtime
    seed: int = _f(1337, "seed for the split, the batches and the initialisation")
    device: str = _f("auto", "'auto' (cuda when available), 'cpu' or 'cuda'")
    dtype: str = _f("auto", "'auto' (fp32 on CPU, bf16 on GPU), 'float32' or 'bfloat16'")
    threads: int = _f(0, "torch CPU threads; 0 = torch's default")
    log_interval: int = _f(10, "steps between progress lines")


FIELDS: dict[str, dataclasses.Field[Any]] = {f.name: f for f in dataclasses.fields(TrainConfig)}
_HINTS = typing.get_type_hints(TrainConfig)


def field_help(name: str) -> str:
    return str(FIELDS[name].metadata.get("help", ""))


def parse_value(name: str, value: Any) -> Any:
    """Turn `value` (a string from the command line, or a TOML value) into the type of field `name`.

    >>> parse_value("max_steps", "20"), parse_value("resume", "no")
    (20, False)
    >>> parse_value("tasks", "scene,text")
    ('scene', 'text')
    """
    if name not in FIELDS:
        raise ConfigError(f"unknown training setting {name!r}; known: {', '.join(FIELDS)}")
    kind = _HINTS[name]
    try:
        if kind is bool:
            return parse_bool(value)
        if kind is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            return int(value)
        if kind is float:
            if isinstance(value, bool):
                raise ValueError(value)
            return float(value)
        if kind is str:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise ValueError(value)
            return str(value)
        if typing.get_origin(kind) is tuple:
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
                raise ValueError(value)
            return tuple(i.strip() for i in items if i.strip())
    except ValueError:
        pass
    raise ConfigError(f"{name} must be {_type_name(kind)}, not {value!r}")


def _type_name(kind: Any) -> str:
    if typing.get_origin(kind) is tuple:
        return "a comma-separated list"
    if isinstance(kind, types.UnionType):
        return str(kind)
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(
        kind, str(kind)
    )


def apply_overrides(config: TrainConfig, overrides: Mapping[str, Any]) -> TrainConfig:
    """A copy of `config` with `overrides` (field name -> value or string) applied and validated."""
    changes = {name.replace("-", "_"): value for name, value in overrides.items()}
    parsed = {name: parse_value(name, value) for name, value in changes.items()}
    return validate(dataclasses.replace(config, **parsed))


def load_config(
    path: str | Path | None = None, overrides: Mapping[str, Any] | None = None
) -> TrainConfig:
    """The defaults, then the preset at `path` (TOML), then `overrides`."""
    config = TrainConfig()
    if path is not None:
        preset = Path(path)
        try:
            data = tomllib.loads(preset.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"training config not found: {preset}") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{preset}: not valid TOML ({exc})") from exc
        nested = [key for key, value in data.items() if isinstance(value, dict)]
        if nested:
            raise ConfigError(f"{preset}: tables are not used here ({nested}); write flat keys")
        try:
            config = apply_overrides(config, data)
        except ConfigError as exc:
            raise ConfigError(f"{preset}: {exc}") from exc
    return apply_overrides(config, overrides or {})


def validate(config: TrainConfig) -> TrainConfig:
    """Check the values that types alone do not catch; returns the config unchanged."""
    problems: list[str] = []
    if config.method not in {"lora", "full"}:
        problems.append(f"method must be 'lora' or 'full', not {config.method!r}")
    if config.device not in {"auto", "cpu", "cuda"}:
        problems.append(f"device must be auto, cpu or cuda, not {config.device!r}")
    if config.dtype not in {"auto", "float32", "bfloat16"}:
        problems.append(f"dtype must be auto, float32 or bfloat16, not {config.dtype!r}")
    unknown_tasks = set(config.tasks) - {"scene", "continue", "text"}
    if unknown_tasks or not config.tasks:
        problems.append(f"tasks must be some of scene, continue, text; got {list(config.tasks)}")
    positive = (
        "block_size",
        "batch_size",
        "grad_accum",
        "max_steps",
        "eval_interval",
        "checkpoint_interval",
        "keep_checkpoints",
        "log_interval",
        "vocab_size",
        "n_layer",
        "n_head",
        "n_kv_head",
        "n_embd",
        "lora_r",
    )
    if config.lora_layers < 0:
        problems.append("lora_layers must be 0 (all) or a positive number of blocks")
    problems += [f"{name} must be at least 1" for name in positive if getattr(config, name) < 1]
    if config.block_size < 16:
        problems.append("block_size must be at least 16")
    if not 0.0 < config.val_fraction < 1.0:
        problems.append("val_fraction must be between 0 and 1")
    if config.learning_rate <= 0:
        problems.append("learning_rate must be positive")
    if config.n_embd % config.n_head or config.n_head % config.n_kv_head:
        problems.append("n_embd must be a multiple of n_head, and n_head of n_kv_head")
    if config.vocab_size < 300:
        problems.append("vocab_size must be at least 300 (256 bytes + special tokens)")
    if problems:
        raise ConfigError("; ".join(problems))
    return config


def to_dict(config: TrainConfig) -> dict[str, Any]:
    """JSON-ready fields (tuples become lists)."""
    return {
        k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(config).items()
    }


def to_toml(config: TrainConfig) -> str:
    """The config as a flat TOML preset that `load_config` reads back."""
    lines = []
    for name, value in to_dict(config).items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, list):
            text = "[" + ", ".join(_toml_str(v) for v in value) + "]"
        elif isinstance(value, str):
            text = _toml_str(value)
        else:
            text = repr(value)
        lines.append(f"{name} = {text}")
    return "\n".join(lines) + "\n"


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
