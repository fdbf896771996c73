"""Training benchmarks → benchmarks/results/train.md.

    .venv/bin/python benchmarks/train.py throughput           # pipeline vs plain PyTorch loop
    .venv/bin/python benchmarks/train.py lora                 # LoRA on ../shared/corpora

throughput: a small from-scratch Llama trained by `writersroom.train.train` and by a minimal plain
PyTorch loop (same LlamaConfig, batch, context, optimizer, data), side by side, alternating runs so
both see the same machine load; the figure is the ratio of steady-state tokens per second.

lora: ../shared/corpora (Gutenberg plays, TEI plays, a Fountain screenplay, tinyshakespeare) →
`corpus build` → LoRA fine-tune of the bundled SmolLM2-135M-Instruct → GGUF q8_0 → held-out
perplexity before/after, and the share of well-formed scenes (and style similarity) generated
without grammar constraints from held-out scene prompts by the base GGUF and by the result.
Needs ../shared; says so and exits when it is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "results"
WORK = Path(os.environ.get("WRITERSROOM_BENCH_DIR", "/tmp/writersroom-bench-train"))


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- throughput -----------------------------------------------------------------------------------


def throughput(steps: int, rounds: int) -> dict[str, object]:
    import numpy as np
    import torch
    from transformers import AutoTokenizer

    from writersroom.train import data as data_mod
    from writersroom.train.config import load_config
    from writersroom.train.model import scratch_model
    from writersroom.train.train import train

    corpus = WORK / "tiny-corpus"
    if not (corpus / "manifest.json").exists():
        from writersroom.train.corpus import build_corpus

        build_corpus([ROOT / "tests" / "train" / "scripts"], corpus)
    base = {
        "base": "scratch",
        "method": "full",
        "vocab_size": 512,
        "n_layer": 4,
        "n_head": 4,
        "n_kv_head": 4,
        "n_embd": 256,
        "block_size": 256,
        "batch_size": 8,
        "max_steps": steps,
        "warmup_steps": 2,
        "eval_interval": steps,
        "eval_rows": 1,
        "checkpoint_interval": steps,
        "sample_tokens": 0,
        "log_interval": steps,
        "tasks": "scene,continue,text",
        "val_fraction": 0.25,
        "resume": False,
        "data": str(corpus),
    }
    pipeline, plain = [], []
    config = None
    for r in range(rounds):
        config = load_config(None, {**base, "out": str(WORK / f"tp-{r}")})
        result = train(config)
        pipeline.append(result.tokens_per_second)
        data_dir = WORK / f"tp-{r}" / "data"
        tokenizer = AutoTokenizer.from_pretrained(str(data_dir / "tokenizer"))
        rows = data_mod.load_rows(data_dir, "train")
        plain.append(_plain_loop(config, scratch_model(config, tokenizer), rows, np, torch))
        print(
            f"round {r}: pipeline {pipeline[-1]:,.0f} tok/s, plain {plain[-1]:,.0f} tok/s",
            file=sys.stderr,
        )
    assert config is not None
    best_pipeline, best_plain = max(pipeline), max(plain)
    return {
        "steps": steps,
        "rounds": rounds,
        "pipeline": pipeline,
        "plain": plain,
        "ratio_best": best_pipeline / best_plain,
        "ratio_median": sorted(pipeline)[rounds // 2] / sorted(plain)[rounds // 2],
        "model": f"{config.n_layer} layers x {config.n_embd}, vocab 512, batch "
        f"{config.batch_size} x {config.block_size} tokens, AdamW, fp32, "
        f"{torch.get_num_threads()} threads",
    }


def _plain_loop(config, model, rows, np, torch) -> float:
    """The reference: nothing but batches, forward, backward, clip, AdamW step."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, betas=(0.9, 0.95))
    model.train()
    elapsed, tokens = 0.0, 0
    for step in range(config.max_steps):
        tick = time.perf_counter()
        index = np.random.default_rng([config.seed, step]).integers(
            0, len(rows), size=config.batch_size
        )
        x = torch.from_numpy(rows.tokens[index].astype(np.int64))
        y = x.masked_fill(~torch.from_numpy(rows.mask[index].astype(np.bool_)), -100)
        # The same loss as train(): logits only where the next token is trained on.
        keep = y[:, 1:] != -100
        logits = model(input_ids=x, logits_to_keep=torch.nn.functional.pad(keep, (0, 1))).logits
        loss = torch.nn.functional.cross_entropy(logits.float(), y[:, 1:][keep])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        loss.item()
        elapsed += time.perf_counter() - tick
        tokens += config.batch_size * config.block_size
    return tokens / elapsed


# -- LoRA on the shared corpora -------------------------------------------------------------------


def lora(max_steps: int | None, n_eval: int, overrides: dict[str, str]) -> dict[str, object]:
    import torch

    from writersroom.config import load_settings
    from writersroom.llm.llamacpp import LlamaCppBackend
    from writersroom.train import evaluate
    from writersroom.train.config import load_config
    from writersroom.train.corpus import build_corpus, summary
    from writersroom.train.export import export_model
    from writersroom.train.train import train

    corpus = WORK / "shared-corpus"
    started, cpu0, load0 = time.perf_counter(), cpu_seconds(), os.getloadavg()[0]
    manifest = build_corpus(
        [
            SHARED / "corpora" / name
            for name in (
                "gutenberg-plays",
                "indiedracor-cc0",
                "ebscreenplays-pd",
                "tinyshakespeare",
            )
        ],
        corpus,
    )
    corpus_seconds = time.perf_counter() - started
    run = WORK / "lora"
    config = load_config(
        ROOT / "configs" / "lora-default.toml",
        {
            "data": str(corpus),
            "out": str(run),
            **({"max_steps": max_steps} if max_steps else {}),
            **overrides,
        },
    )
    result = train(config, cache_dir=load_settings().home / "cache")
    load_trained = os.getloadavg()[0]
    files = export_model(run, types=("q8_0",))
    prompts = evaluate.held_out_prompts(run / "data", n_eval)
    info = json.loads((run / "run.json").read_text())
    report = evaluate.compare_backends(
        LlamaCppBackend(info["base"]["gguf"]),
        LlamaCppBackend(files[0].path),
        prompts,
        evaluate.training_references(run / "data"),
    )
    # The check itself, on the real held-out scenes these prompts were made from.
    report["references_well_formed"] = sum(
        evaluate.check_scene(p["reference"]).well_formed for p in prompts
    ) / max(1, len(prompts))
    (run / "eval.json").write_text(json.dumps(report, indent=1))
    export_model(run, types=("q8_0",), evaluation=report)
    return {
        "corpus": summary(manifest),
        "corpus_seconds": corpus_seconds,
        "config": info["config"],
        "steps": result.steps,
        "ppl_before": result.ppl_before,
        "ppl_after": result.ppl_after,
        "tokens_per_second": result.tokens_per_second,
        "wall_seconds": time.perf_counter() - started,
        "train_wall_seconds": result.seconds,
        "train_cpu_seconds": result.cpu_seconds,
        "step_cpu_seconds": result.step_cpu_seconds,
        "peak_rss_mb": result.peak_rss_mb,
        "cpu_seconds_total": cpu_seconds() - cpu0,
        "torch_threads": torch.get_num_threads(),
        "load": {"start": load0, "trained": load_trained, "end": os.getloadavg()[0]},
        "gguf": {
            "path": str(files[0].path),
            "bytes": files[0].bytes,
            "top1_agreement": files[0].verification.top1_agreement
            if files[0].verification
            else None,
        },
        "evaluation": report,
        "history": result.history,
        "counts": info["data"]["counts"],
    }


# -- report ---------------------------------------------------------------------------------------


def write_report(results: dict[str, dict[str, object]]) -> Path:
    out = RESULTS / "train.md"
    previous = (
        json.loads((RESULTS / "train.json").read_text())
        if (RESULTS / "train.json").exists()
        else {}
    )
    merged = {**previous, **results}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "train.json").write_text(json.dumps(merged, indent=1, default=str) + "\n")
    lines = [
        "# Training benchmarks",
        "",
        f"Machine: {os.cpu_count()} CPU cores shared with other jobs (load average at the end: "
        f"{os.getloadavg()[0]:.1f}); torch CPU build, fp32. `benchmarks/train.py`.",
        "",
    ]
    tp = merged.get("throughput")
    if tp:
        lines += [
            "## Pipeline overhead: `train()` vs a plain PyTorch loop",
            "",
            f"Model: {tp['model']}; {tp['steps']} steps per run, {tp['rounds']} alternating "
            "rounds.",
            "",
            "| round | writersroom train() tok/s | plain loop tok/s | ratio |",
            "|---|---|---|---|",
        ]
        for i, (a, b) in enumerate(zip(tp["pipeline"], tp["plain"], strict=True)):
            lines.append(f"| {i} | {a:,.0f} | {b:,.0f} | {a / b:.2f} |")
        lines += [
            "",
            f"Best run vs best run: **{tp['ratio_best']:.2f}**; median vs median: "
            f"**{tp['ratio_median']:.2f}** (goal: ≥ 0.90).",
            "",
        ]
    lr = merged.get("lora")
    if lr:
        lines += _lora_section(lr)
    # Hand-written notes at the end of the file (from a "## Notes" heading on) are kept.
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    notes = old[old.index("\n## Notes") + 1 :] if "\n## Notes" in old else ""
    out.write_text("\n".join(lines) + "\n" + notes)
    return out


def _lora_section(lr: dict) -> list[str]:
    ev = lr["evaluation"]
    b, a = ev["before"], ev["after"]
    drop = 1 - lr["ppl_after"] / lr["ppl_before"]
    c = lr["config"]
    tokens = lr["steps"] * c["batch_size"] * c["grad_accum"] * c["block_size"]
    counts = lr["counts"]
    rows = [
        (
            f"held-out perplexity ({c['eval_rows'] or 'all'} val rows spread over the held-out "
            "scripts, HF fp32)",
            f"{lr['ppl_before']:.2f}",
            f"{lr['ppl_after']:.2f} ({-drop:.1%})",
        ),
        (
            f"well-formed scenes, no grammar ({ev['prompts']} held-out prompts)",
            f"{b['well_formed']:.0%}",
            f"{a['well_formed']:.0%}",
        ),
        (
            "style similarity to the training scripts",
            f"{b['style_similarity']:.3f}",
            f"{a['style_similarity']:.3f}",
        ),
        (
            "dialogue share of generated scenes",
            f"{b['dialogue_share']:.2f}",
            f"{a['dialogue_share']:.2f}",
        ),
        ("problems found", str(b["problems"]), str(a["problems"])),
    ]
    curve = [
        f"| {h['step']} | {h.get('cpu_seconds', 0) / 60:.1f} | "
        + (f"{h['train_loss']:.3f}" if "train_loss" in h else "-")
        + f" | {h['val_loss']:.3f} | {math.exp(h['val_loss']):.2f} | "
        f"{math.exp(h['val_loss']) / lr['ppl_before'] - 1:+.1%} |"
        for h in lr["history"]
    ]
    load = lr.get("load", {})
    return [
        "## LoRA fine-tune of the default model on ../shared/corpora",
        "",
        f"Corpus: {lr['corpus']['scripts']} scripts, {lr['corpus']['words']:,} words after "
        f"cleaning (built in {lr['corpus_seconds']:.0f} s); split by script: "
        f"{counts['train']['scripts']} train / {counts['val']['scripts']} held out "
        f"({counts['train']['examples']:,} / {counts['val']['examples']:,} examples, "
        f"{counts['train']['rows']:,} / {counts['val']['rows']:,} rows of {c['block_size']} "
        "tokens).",
        f"Run: LoRA r={c['lora_r']} (alpha {c['lora_alpha']}) on {c['lora_layers'] or 'all'} "
        f"blocks ({', '.join(c['lora_targets'])}), block {c['block_size']}, batch "
        f"{c['batch_size']}x{c['grad_accum']}, lr {c['learning_rate']} (warm-up "
        f"{c['warmup_steps']}, cosine to {c['min_lr_ratio']:.0%}), {lr['steps']} steps "
        f"({tokens:,} tokens), {lr['tokens_per_second']:.0f} tok/s, "
        f"{lr.get('torch_threads', '?')} torch threads.",
        f"CPU time (process time, all threads) of `train()`: "
        f"**{lr['train_cpu_seconds'] / 60:.1f} min** (optimizer steps "
        f"{lr['step_cpu_seconds'] / 60:.1f} min; the rest is loading, tokenizing, "
        f"{len(lr['history'])} evaluations and checkpoints), {lr['train_wall_seconds'] / 60:.1f} "
        f"min wall. Whole benchmark incl. corpus build, export and generation: "
        f"{lr['cpu_seconds_total'] / 60:.1f} min CPU, {lr['wall_seconds'] / 60:.1f} min wall. "
        f"Load average: {load.get('start', 0):.1f} at the start, {load.get('trained', 0):.1f} "
        f"after training, {load.get('end', 0):.1f} at the end. Peak resident memory of the "
        f"process after training (model loading included): "
        + (f"{lr['peak_rss_mb']:,.0f} MB." if "peak_rss_mb" in lr else "not recorded."),
        "",
        "| measure | base (bundled Q4_1) | fine-tuned (q8_0) |",
        "|---|---|---|",
        *(f"| {m} | {x} | {y} |" for m, x, y in rows),
        "",
        f"Perplexity drop: **{drop:.1%}** (goal ≥ 20% within 60 CPU-minutes). Scenes are "
        "sampled with the same settings for both models (temperature 0.7, repeat penalty 1.1, "
        "320 tokens, one seed per prompt). Well-formed = an `INT./EXT. PLACE - TIME` heading "
        "first, action, at least one cue with dialogue, no format problems, no chat talk; the "
        "held-out scenes these prompts were made from pass it "
        f"{ev.get('references_well_formed', float('nan')):.0%}.",
        "",
        "Loss curve (CPU minutes of `train()` so far; perplexity change vs step 0):",
        "",
        "| step | CPU min | train loss | val loss | val perplexity | change |",
        "|---|---|---|---|---|---|",
        *curve,
        "",
        "A generated scene (fine-tuned, first held-out prompt):",
        "",
        "```",
        str(a["samples"][0] if a["samples"] else "")[:1200],
        "```",
        "",
        "The same prompt, base model:",
        "",
        "```",
        str(b["samples"][0] if b["samples"] else "")[:800],
        "```",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("part", choices=["throughput", "lora", "all"])
    parser.add_argument("--steps", type=int, default=30, help="throughput: steps per run")
    parser.add_argument("--rounds", type=int, default=3, help="throughput: alternating rounds")
    parser.add_argument(
        "--max-steps", type=int, default=None, help="lora: optimizer steps (default: the config's)"
    )
    parser.add_argument(
        "--eval", type=int, default=12, help="lora: held-out scenes generated per model"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="lora: any other TrainConfig field",
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, object]] = {}
    if args.part in {"throughput", "all"}:
        results["throughput"] = throughput(args.steps, args.rounds)
    if args.part in {"lora", "all"}:
        if not (SHARED / "corpora").is_dir():
            print(f"{SHARED / 'corpora'} not found: the LoRA benchmark needs ../shared; skipped.")
        else:
            overrides = dict(item.split("=", 1) for item in args.set)
            results["lora"] = lora(args.max_steps, args.eval, overrides)
    if results:
        print(f"wrote {write_report(results)}")
    print(
        json.dumps(
            {
                k: {
                    kk: vv
                    for kk, vv in v.items()
                    if kk in {"ratio_best", "ratio_median", "ppl_before", "ppl_after"}
                }
                for k, v in results.items()
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
