"""train(config): fine-tune a base model (LoRA or full) or train a small Llama from scratch.

    python -m writersroom.train.train configs/train-tiny-cpu.toml data=corpus/ out=runs/tiny
    writersroom train corpus/ --base default --method lora --max-steps 200 --out runs/lora

One function, top to bottom: setup, data, model, optimizer, `get_lr`, `evaluate`, the loop, the
result. Runs on one CPU process as it is and on many GPUs or nodes under `accelerate launch` (see
configs/accelerate-*.yaml and docs/training.md). Checkpoints are `checkpoints/model_{step:06d}.pt`
(the trained weights: adapters only for LoRA), `optim_{step:06d}.pt` and `meta_{step:06d}.json`
(resolved config, losses, a sample); the meta file is written last, so a checkpoint without one is
incomplete and ignored. With `resume` (the default) a run continues from its newest checkpoint and
ends exactly where an uninterrupted run would: batches are drawn from a generator seeded by step.
The result is `out/model/` (a plain HF model directory; LoRA merged in) and `out/run.json`.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from writersroom.errors import ConfigError
from writersroom.files import write_atomic
from writersroom.train import corpus as corpus_mod
from writersroom.train import data as data_mod
from writersroom.train.config import TrainConfig, load_config, to_dict
from writersroom.train.model import (
    add_lora,
    load_base,
    merge_lora,
    require_train_extra,
    scratch_model,
)

# Fields that shape the model or the data: a checkpoint made with other values cannot be resumed.
RESUME_KEYS = (
    "base",
    "method",
    "block_size",
    "tasks",
    "val_fraction",
    "seed",
    "vocab_size",
    "n_layer",
    "n_head",
    "n_kv_head",
    "n_embd",
    "intermediate_size",
    "lora_r",
    "lora_alpha",
    "lora_targets",
    "lora_layers",
)


@dataclass
class TrainResult:
    out: Path
    model_dir: Path
    steps: int
    val_loss_before: float
    val_loss_after: float
    tokens_per_second: float  # training steps only (no evaluation or checkpoints)
    seconds: float  # the whole call
    cpu_seconds: float = 0.0  # process CPU time of the whole call (all threads)
    step_cpu_seconds: float = 0.0  # process CPU time in the training steps only
    history: list[dict[str, Any]] = field(default_factory=list)
    peak_rss_mb: float = 0.0  # the process's peak resident memory (whole call, model loading too)

    @property
    def ppl_before(self) -> float:
        return math.exp(self.val_loss_before)

    @property
    def ppl_after(self) -> float:
        return math.exp(self.val_loss_after)


def train(config: TrainConfig, *, cache_dir: Path | None = None) -> TrainResult:
    """Run (or resume) the training described by `config`. `cache_dir` keeps converted bases."""
    require_train_extra()
    import torch
    from accelerate import Accelerator
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    _return_freed_memory()

    started, cpu_started = time.perf_counter(), time.process_time()
    out = Path(config.out)
    ckpt_dir = out / "checkpoints"

    # -- setup: device, precision, seeds
    cuda = torch.cuda.is_available() and config.device != "cpu"
    if config.device == "cuda" and not cuda:
        raise ConfigError("device = cuda, but torch sees no CUDA device; use device = auto or cpu")
    bf16 = config.dtype == "bfloat16" or (config.dtype == "auto" and cuda)
    accelerator = Accelerator(cpu=not cuda, mixed_precision="bf16" if bf16 else "no")
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    main = accelerator.is_main_process
    log = _Log(main)

    # -- data: a prepared dir, a corpus (prepared here) or a folder of scripts (ingested first)
    scratch = config.base == "scratch"
    model, tokenizer, base = (
        (None, None, None) if scratch else load_base(config.base, cache_dir=cache_dir)
    )
    data_dir = _data_dir(config, tokenizer, log)
    meta = data_mod.load_meta(data_dir)
    if scratch:
        from transformers import AutoTokenizer

        if not (data_dir / "tokenizer").is_dir():
            raise ConfigError(
                f"{data_dir} was tokenized for a base model; --base scratch needs data prepared "
                "with its own tokenizer (give the corpus folder)"
            )
        tokenizer = AutoTokenizer.from_pretrained(str(data_dir / "tokenizer"))
    train_rows, val_rows = (
        data_mod.load_rows(data_dir, "train"),
        data_mod.load_rows(data_dir, "val"),
    )
    if val_rows.tokens.shape[1] != config.block_size:
        raise ConfigError(
            f"{data_dir} was packed with block_size {val_rows.tokens.shape[1]}, "
            f"not {config.block_size}"
        )
    assert tokenizer is not None

    # -- model: scratch Llama, or the base with LoRA adapters, or the whole base
    if scratch:
        model = scratch_model(config, tokenizer)
    assert model is not None
    lora = config.method == "lora" and not scratch
    if config.recompute:
        # Activations are most of the memory: batch x block x (hidden, MLP, attention) for each
        # of 30 blocks is ~10 GB at batch 8 for the default model; keep only block inputs.
        model.activation_checkpointing_enable(
            activation_checkpointing_kwargs={"use_reentrant": False}
        )
    if lora:
        model = add_lora(model, config)
    params = [p for p in model.parameters() if p.requires_grad]
    n_params = sum(p.numel() for p in model.parameters())
    n_train = sum(p.numel() for p in params)

    # -- optimizer and schedule
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": config.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=config.learning_rate,
        betas=(0.9, 0.95),
        eps=1e-8,
    )

    def get_lr(step: int) -> float:
        """Linear warm-up, then cosine decay to min_lr_ratio of the peak at max_steps."""
        peak, floor = config.learning_rate, config.learning_rate * config.min_lr_ratio
        if step < config.warmup_steps:
            return peak * (step + 1) / config.warmup_steps
        progress = min(
            1.0, (step - config.warmup_steps) / max(1, config.max_steps - config.warmup_steps)
        )
        return floor + 0.5 * (peak - floor) * (1.0 + math.cos(math.pi * progress))

    # -- resume from the newest complete checkpoint
    step, history = 0, []
    latest = _latest_checkpoint(ckpt_dir) if config.resume else None
    if latest is not None:
        saved = json.loads((ckpt_dir / f"meta_{latest:06d}.json").read_text(encoding="utf-8"))
        _check_resumable(saved["config"], config)
        weights = torch.load(
            ckpt_dir / f"model_{latest:06d}.pt", map_location="cpu", weights_only=True
        )
        _load_trainable(model, weights)
        state = torch.load(
            ckpt_dir / f"optim_{latest:06d}.pt", map_location="cpu", weights_only=True
        )
        optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["torch_rng"])
        step, history = latest, saved["history"]
        log(f"resuming from step {step} ({ckpt_dir / f'model_{latest:06d}.pt'})")
    model, optimizer = accelerator.prepare(model, optimizer)
    device = accelerator.device

    # Validation rows are in script order: eval_rows of them are taken evenly spread over the
    # whole split (the same rows at every evaluation), not the opening of the first script.
    eval_index = data_mod.spread(len(val_rows), config.eval_rows)

    def evaluate() -> float:
        """Mean loss per target token over the eval_rows validation rows."""
        model.eval()
        total, count = 0.0, 0
        with torch.no_grad():
            for first in range(0, len(eval_index), config.batch_size):
                x, y = data_mod.get_batch(val_rows, eval_index[first : first + config.batch_size])
                x, y = x.to(device), y.to(device)
                n = int((y[:, 1:] != -100).sum())
                if n:
                    with accelerator.autocast():
                        total += lm_loss(model, x, y).item() * n
                    count += n
        model.train()
        return total / max(1, count)

    def sample() -> str:
        if not config.sample_tokens or not main:
            return ""
        prompts = data_mod.read_val_prompts(data_dir)
        messages = (
            prompts[0]["messages"]
            if prompts
            else [
                {"role": "system", "content": data_mod.SYSTEM_SCENE},
                {
                    "role": "user",
                    "content": data_mod.scene_prompt(
                        "Untitled", ["ANNA", "TOM"], "INT. KITCHEN - NIGHT", "Anna waits for Tom."
                    ),
                },
            ]
        )
        text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        ids = tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"].to(device)
        unwrapped = accelerator.unwrap_model(model)
        unwrapped.eval()
        with torch.no_grad(), accelerator.autocast():
            generated = unwrapped.generate(
                input_ids=ids,
                max_new_tokens=config.sample_tokens,
                do_sample=False,
                pad_token_id=tokenizer.pad_token_id,
            )
        unwrapped.train()
        return str(tokenizer.decode(generated[0, ids.shape[1] :], skip_special_tokens=True))

    def save_checkpoint(at: int, val_loss: float | None) -> None:
        state = accelerator.get_state_dict(model)
        if not main:
            return
        trainable = {
            k for k, p in accelerator.unwrap_model(model).named_parameters() if p.requires_grad
        }
        weights = {k: v.detach().cpu() for k, v in state.items() if not lora or k in trainable}
        ckpt_dir.mkdir(parents=True, exist_ok=True)
        _save_torch(torch, weights, ckpt_dir / f"model_{at:06d}.pt")
        _save_torch(
            torch,
            {"optimizer": optimizer.state_dict(), "torch_rng": torch.get_rng_state()},
            ckpt_dir / f"optim_{at:06d}.pt",
        )
        text = sample()
        if text:
            log(f"sample at step {at}:\n{text}\n")
        meta_out = {
            "step": at,
            "val_loss": val_loss,
            "config": to_dict(config),
            "history": history,
            "sample": text,
        }
        write_atomic(ckpt_dir / f"meta_{at:06d}.json", json.dumps(meta_out, indent=1) + "\n")
        for old in _checkpoints(ckpt_dir)[: -config.keep_checkpoints]:
            for name in (f"model_{old:06d}.pt", f"optim_{old:06d}.pt", f"meta_{old:06d}.json"):
                (ckpt_dir / name).unlink(missing_ok=True)

    # -- the loop
    log(
        f"{'LoRA on ' if lora else ''}{config.base}: {n_params / 1e6:.1f}M parameters, "
        f"{n_train / 1e6:.2f}M trained; {len(train_rows)} train rows, {len(val_rows)} val rows of "
        f"{config.block_size} tokens; {device}{', bf16' if bf16 else ', fp32'}"
    )
    rows_per_step = config.batch_size * config.grad_accum
    rank, world = accelerator.process_index, accelerator.num_processes
    # CPU seconds in the history count from the start of the run, across resumes.
    cpu_offset = history[-1].get("cpu_seconds", 0.0) if history else 0.0
    val_before = history[0]["val_loss"] if history else evaluate()
    if not history:
        history.append(
            {"step": 0, "val_loss": val_before, "cpu_seconds": time.process_time() - cpu_started}
        )
        log(f"step 0: val loss {val_before:.4f}, perplexity {math.exp(val_before):.2f}")
    model.train()
    train_time, train_cpu, train_tokens, loss_avg = 0.0, 0.0, 0, float("nan")
    last_val = history[-1]["val_loss"]
    try:
        while step < config.max_steps:
            tick, cpu_tick = time.perf_counter(), time.process_time()
            for group in optimizer.param_groups:
                group["lr"] = get_lr(step)
            rng = np.random.default_rng([config.seed, step, rank])
            indices = rng.integers(0, len(train_rows), size=rows_per_step)
            step_loss = 0.0
            for micro in range(config.grad_accum):
                x, y = data_mod.get_batch(
                    train_rows, indices[micro * config.batch_size : (micro + 1) * config.batch_size]
                )
                x, y = x.to(device), y.to(device)
                sync = micro == config.grad_accum - 1
                with nullcontext() if sync else accelerator.no_sync(model), accelerator.autocast():
                    loss = lm_loss(model, x, y) / config.grad_accum
                accelerator.backward(loss)
                step_loss += loss.detach().item()
            if config.grad_clip:
                accelerator.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            train_time += time.perf_counter() - tick
            train_cpu += time.process_time() - cpu_tick
            train_tokens += rows_per_step * config.block_size * world
            loss_avg = step_loss if math.isnan(loss_avg) else 0.9 * loss_avg + 0.1 * step_loss
            if step % config.log_interval == 0 or step == config.max_steps:
                log(
                    _progress(
                        step,
                        config.max_steps,
                        loss_avg,
                        get_lr(step - 1),
                        train_tokens / train_time,
                        train_time / max(1, step - (latest or 0)),
                    )
                )
            if step % config.eval_interval == 0 or step == config.max_steps:
                last_val = evaluate()
                history.append(
                    {
                        "step": step,
                        "val_loss": last_val,
                        "train_loss": loss_avg,
                        "cpu_seconds": cpu_offset + time.process_time() - cpu_started,
                    }
                )
                log(f"step {step}: val loss {last_val:.4f}, perplexity {math.exp(last_val):.2f}")
            if step % config.checkpoint_interval == 0 or step == config.max_steps:
                save_checkpoint(step, last_val)
    except KeyboardInterrupt:
        if main and step not in _checkpoints(ckpt_dir) and step > 0:
            save_checkpoint(step, None)
        log(f"interrupted at step {step}; run the same command again to resume")
        raise

    # -- the result: a plain HF model directory (LoRA merged) and run.json
    model_dir = out / "model"
    accelerator.wait_for_everyone()
    if main:
        final = accelerator.unwrap_model(model)
        final = merge_lora(final) if lora else final
        _save_model_dir(final, tokenizer, model_dir)
        val_after = history[-1]["val_loss"]
        run = {
            "config": to_dict(config),
            "base": {
                "spec": config.base,
                "kind": base.kind if base else "scratch",
                "path": base.path if base else "",
                "gguf": base.gguf if base else "",
            },
            "data": {
                "dir": str(data_dir),
                "counts": meta["counts"],
                "split": meta["split"],
                "corpus": meta["corpus"],
            },
            "parameters": n_params,
            "trained_parameters": n_train,
            "steps": step,
            "val_loss_before": val_before,
            "val_loss_after": val_after,
            "ppl_before": math.exp(val_before),
            "ppl_after": math.exp(val_after),
            "tokens_per_second": train_tokens / train_time if train_time else 0.0,
            "cpu_seconds": time.process_time() - cpu_started,
            "step_cpu_seconds": train_cpu,
            "history": history,
            "device": str(device),
            "precision": "bf16" if bf16 else "fp32",
            "peak_rss_mb": peak_rss_mb(),
        }
        write_atomic(out / "run.json", json.dumps(run, indent=1) + "\n")
        log(
            f"done: val perplexity {math.exp(val_before):.2f} -> {math.exp(val_after):.2f}; "
            f"peak memory {peak_rss_mb():,.0f} MB; model in {model_dir}"
        )
    return TrainResult(
        out=out,
        model_dir=model_dir,
        steps=step,
        val_loss_before=val_before,
        val_loss_after=history[-1]["val_loss"],
        tokens_per_second=train_tokens / train_time if train_time else 0.0,
        seconds=time.perf_counter() - started,
        cpu_seconds=time.process_time() - cpu_started,
        step_cpu_seconds=train_cpu,
        history=history,
        peak_rss_mb=peak_rss_mb(),
    )


# -- helpers --------------------------------------------------------------------------------------


def _return_freed_memory() -> None:
    """Make glibc give large freed blocks back to the OS at once.

    glibc raises its mmap threshold each time a large block is freed, so after the first step
    the activations of every later forward pass come from the heap, where freed tensors leave
    holes that are never returned: the LoRA preset's peak was 2.2 GB with it, 1.5 GB with a fixed
    128 KiB threshold (benchmarks/results/train_memory.md). A no-op where libc is not glibc
    and when WRITERSROOM_KEEP_MALLOC=1 (to measure or rule out the difference).
    """
    if not sys.platform.startswith("linux") or os.environ.get("WRITERSROOM_KEEP_MALLOC") == "1":
        return
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: nothing to tune
        return
    m_mmap_threshold = -3
    mallopt(m_mmap_threshold, 128 * 1024)  # fixed: no more dynamic raising


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MiB (0 where the OS does not say)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def lm_loss(model: Any, input_ids: Any, labels: Any) -> Any:
    """Mean cross-entropy over the target tokens (labels != -100), the same value as
    `model(input_ids=..., labels=...).loss`, with logits computed only where the next token is a
    target: the vocabulary projection is a large share of a small model's compute (a fifth of
    SmolLM2-135M's), and half of a row is prompt or padding."""
    import torch.nn.functional as F

    targets = labels[:, 1:]
    keep = targets != -100
    logits = model(input_ids=input_ids, logits_to_keep=F.pad(keep, (0, 1))).logits
    return F.cross_entropy(logits.float(), targets[keep])


class _Log:
    """Progress to stderr, from the main process only (nanoGPT-style prints)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str) -> None:
        if self.enabled:
            print(text, file=sys.stderr, flush=True)


def _progress(
    step: int, total: int, loss: float, lr: float, tps: float, step_seconds: float
) -> str:
    width = 20
    done = int(width * step / total)
    eta = int(step_seconds * (total - step))
    return (
        f"step {step}/{total} [{'#' * done}{'.' * (width - done)}] loss {loss:.4f} | lr {lr:.2e} | "
        f"{tps:,.0f} tok/s | ETA {eta // 60}m{eta % 60:02d}s"
    )


def _data_dir(config: TrainConfig, tokenizer: Any, log: _Log) -> Path:
    """The prepared data for this run, preparing (and ingesting) what is missing."""
    source = Path(config.data).expanduser()
    if not config.data or not source.exists():
        raise ConfigError(f"training data not found: {config.data or '(none given)'}")
    if (source / data_mod.META).exists():
        meta = data_mod.load_meta(source)
        if tokenizer is not None and meta["tokenizer"]["vocab_size"] != len(tokenizer):
            raise ConfigError(
                f"{source} was tokenized for another model (vocabulary "
                f"{meta['tokenizer']['vocab_size']}, the base has {len(tokenizer)})"
            )
        return source
    out = Path(config.out)
    corpus_dir = source
    if not (source / corpus_mod.MANIFEST).exists():
        corpus_dir = out / "corpus"
        log(f"ingesting the scripts in {source} into {corpus_dir}")
        corpus_mod.build_corpus([source], corpus_dir)
    data_dir = out / "data"
    wanted = {
        "version": data_mod.DATA_VERSION,
        "corpus": str(corpus_dir.resolve()),
        "block_size": config.block_size,
        "tasks": list(config.tasks),
        "seed": config.seed,
        "val_fraction": config.val_fraction,
        "source": "scratch" if tokenizer is None else _tokenizer_name(tokenizer),
        "vocab": config.vocab_size if tokenizer is None else len(tokenizer),
    }
    if (data_dir / data_mod.META).exists():
        meta = data_mod.load_meta(data_dir)
        have = {
            "version": meta.get("version"),
            "corpus": meta["corpus"],
            "block_size": meta["block_size"],
            "tasks": meta["tasks"],
            "seed": meta["seed"],
            "val_fraction": meta["val_fraction"],
            "source": meta["tokenizer"]["source"],
            "vocab": meta["tokenizer"]["vocab_size"],
        }
        if have == wanted:
            return data_dir
    log(f"tokenizing {corpus_dir} into {data_dir}")
    data_mod.prepare(
        corpus_dir,
        data_dir,
        tokenizer,
        block_size=config.block_size,
        val_fraction=config.val_fraction,
        tasks=config.tasks,
        seed=config.seed,
        vocab_size=config.vocab_size,
    )
    return data_dir


def _tokenizer_name(tokenizer: Any) -> str:
    return str(getattr(tokenizer, "name_or_path", "") or type(tokenizer).__name__)


def _checkpoints(ckpt_dir: Path) -> list[int]:
    """Steps with a complete checkpoint (the meta file is written last), oldest first."""
    if not ckpt_dir.is_dir():
        return []
    steps = []
    for meta in ckpt_dir.glob("meta_*.json"):
        step = int(meta.stem.split("_")[1])
        if (ckpt_dir / f"model_{step:06d}.pt").exists() and (
            ckpt_dir / f"optim_{step:06d}.pt"
        ).exists():
            steps.append(step)
    return sorted(steps)


def _latest_checkpoint(ckpt_dir: Path) -> int | None:
    steps = _checkpoints(ckpt_dir)
    return steps[-1] if steps else None


def _check_resumable(saved: dict[str, Any], config: TrainConfig) -> None:
    now = to_dict(config)
    changed = [k for k in RESUME_KEYS if saved.get(k) != now.get(k)]
    if changed:
        raise ConfigError(
            f"{config.out} holds a run with other settings ({', '.join(changed)}); use another "
            "--out, or --no-resume to start over there"
        )


def _load_trainable(model: Any, weights: dict[str, Any]) -> None:
    missing, unexpected = model.load_state_dict(weights, strict=False)
    trainable = {k for k, p in model.named_parameters() if p.requires_grad}
    assert not unexpected, f"checkpoint has unknown weights: {unexpected[:5]}"
    assert not (trainable & set(missing)), "checkpoint lacks trained weights"


def _save_torch(torch: Any, obj: Any, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    torch.save(obj, tmp)
    tmp.replace(path)


def _save_model_dir(model: Any, tokenizer: Any, model_dir: Path) -> None:
    tmp = model_dir.with_name(model_dir.name + ".tmp")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    if model_dir.exists():
        shutil.rmtree(model_dir)
    tmp.rename(model_dir)


def main(argv: list[str] | None = None) -> None:
    """`python -m writersroom.train.train [PRESET.toml] [key=value ...]` (accelerate launch)."""
    args = sys.argv[1:] if argv is None else argv
    preset = args[0] if args and "=" not in args[0] else None
    pairs = dict(a.split("=", 1) for a in args[1 if preset else 0 :])
    train(load_config(preset, pairs))


if __name__ == "__main__":
    main()
