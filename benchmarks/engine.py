"""Engine benchmark: the bundled default model, side by side in one run, same prompts.

Run:  .venv/bin/python benchmarks/engine.py [--scenes 8] [--scene-tokens 200] [--hf-scenes 2]

1. batch-1 decode tokens/s against its ceiling: memory bandwidth (measured here, numpy reading a
   256 MB array) / bytes of weights read per token (the GGUF's tensors; the tied embedding matrix
   is read whole by the output layer every token).
2. aggregate tokens/s for N scene-sized completions sharing a story bible: the engine's batched
   decode vs a plain sequential loop with llama-cpp-python (`Llama.create_chat_completion`, one
   call at a time, its own prefix reuse on) vs transformers `generate` one call at a time as in
   the seed (the same GGUF de-quantized by transformers; run on the first --hf-scenes prompts).
   Each llama.cpp contender runs --rounds times, interleaved; the best wall and CPU times count.
3. time to first token with a ~1,500-token shared prefix: cold (prefix cache dropped) vs cached.

Every engine uses the same thread count (writersroom's default: one core less than the machine
has). Wall seconds are reported and, since the machine may be shared, CPU seconds too.
Results go to benchmarks/results/engine.md and are printed. Needs the [hf] extra for part 2's
transformers column (skipped, and said so, without it).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from writersroom.llm.base import Request, chat, complete
from writersroom.llm.llamacpp import LlamaCppBackend, bundled_model_path
from writersroom.llm.llamacpp_engine import default_threads

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "engine.md"
SAMPLING: dict[str, Any] = {"temperature": 0.8, "top_p": 0.95, "top_k": 40, "min_p": 0.05}


def bandwidth_gbs(megabytes: int = 256, runs: int = 7) -> float:
    """Memory bandwidth in GB/s, the better of reading (a sum over a float32 array) and copying
    (bytes read + written), best of `runs` each: the higher figure gives the stricter ceiling."""
    data = np.ones(megabytes * 1024 * 1024 // 4, dtype=np.float32)
    copy = np.empty_like(data)
    data.sum()
    np.copyto(copy, data)
    read = data.nbytes / min(_timed(data.sum) for _ in range(runs))
    copied = 2 * data.nbytes / min(_timed(lambda: np.copyto(copy, data)) for _ in range(runs))
    return max(read, copied) / 1e9


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def step_costs(backend: LlamaCppBackend, sizes: tuple[int, ...] = (1, 2, 4, 8)) -> dict[int, float]:
    """CPU milliseconds of one decode step with n sequences (one new token each, 64 tokens of
    context): flat would mean memory-bound (batching is nearly free), linear compute-bound.
    Uses the engine's internals directly (benchmark only)."""
    engine = backend.engine
    lib = engine._lib
    prompt = backend.tokenize("The tide comes in over the harbour wall. " * 8)[:64]
    costs: dict[int, float] = {}
    with engine.lock:
        engine.drop_prefix()
        for seq in range(1, max(sizes) + 1):
            lib.llama_memory_seq_rm(engine.memory, seq, -1, -1)
            engine._fill([(t, i, seq, False) for i, t in enumerate(prompt)])
            engine._decode()
        for n in sizes:
            samples = []
            for step in range(8):
                engine._fill([(100 + step, len(prompt) + step, s, True) for s in range(1, n + 1)])
                start = time.process_time()
                engine._decode()
                samples.append(time.process_time() - start)
            for seq in range(1, n + 1):
                lib.llama_memory_seq_rm(engine.memory, seq, len(prompt), -1)
            costs[n] = 1000 * statistics.median(samples)
        for seq in range(1, max(sizes) + 1):
            lib.llama_memory_seq_rm(engine.memory, seq, -1, -1)
    return costs


def story_bible(backend: LlamaCppBackend, tokens: int) -> str:
    """A deterministic story bible of about `tokens` tokens."""
    people = ["Maya", "Devon", "Inez", "Father Alby", "Rook", "Sunny", "Gus", "Dr. Hale"]
    places = ["the diner", "the pier", "the chapel", "the arcade", "the motel", "the radio tower"]
    lines = ["STORY BIBLE: 'Low Tide', a neo-noir set in a rain-soaked harbour town."]
    i = 0
    while len(backend.tokenize("\n".join(lines))) < tokens:
        who, where = people[i % len(people)], places[i % len(places)]
        lines.append(
            f"{i + 1}. {who} keeps a secret about {where}; in scene {i % 12 + 1} it surfaces "
            f"when the tide turns and someone asks about the money."
        )
        i += 1
    return "\n".join(lines)


def scene_requests(bible: str, n: int, max_tokens: int) -> list[Request]:
    beats = [
        "Maya finds the ledger hidden in the diner's jukebox.",
        "Devon lies to Father Alby about where he was on the night of the flood.",
        "Inez and Rook argue on the pier while the storm comes in.",
        "Sunny overhears a phone call at the motel and starts to run.",
        "Gus opens the radio tower for the first time in ten years.",
        "Dr. Hale refuses to sign the death certificate.",
        "The arcade lights go out and someone steps out of the dark.",
        "Maya and Devon meet at the chapel at dawn to split the money.",
    ]
    return [
        chat(
            f"Write scene {i + 1} as a screenplay scene: {beats[i % len(beats)]}",
            system=bible,
            max_tokens=max_tokens,
            seed=100 + i,
            **SAMPLING,
        )
        for i in range(n)
    ]


def run_timed(fn: Callable[[], int]) -> tuple[int, float, float]:
    """(tokens, wall seconds, CPU seconds) of fn(), which returns the tokens it produced."""
    wall, cpu = time.perf_counter(), time.process_time()
    tokens = fn()
    return tokens, time.perf_counter() - wall, time.process_time() - cpu


def decode_rate(backend: LlamaCppBackend, runs: int = 3) -> float:
    """Batch-1 decode tokens/s (after the first token), best of `runs`."""
    request = chat("Tell a long story about a lighthouse keeper.", max_tokens=128, temperature=0)
    rates = []
    for _ in range(runs):
        result = complete(backend, request)
        assert result.first_token_seconds is not None
        decoding = result.seconds - result.first_token_seconds
        rates.append(((result.usage.output_tokens or 1) - 1) / decoding)
    return max(rates)


def llama_cpp_loop(llm: Any, requests: list[Request]) -> int:
    """llama-cpp-python's own API, one call after another."""
    total = 0
    for r in requests:
        out: Any = llm.create_chat_completion(
            messages=[{"role": m.role, "content": m.content} for m in r.messages],
            max_tokens=r.max_tokens,
            seed=r.seed,
            temperature=r.temperature,
            top_p=r.top_p,
            top_k=r.top_k,
            min_p=r.min_p,
        )
        total += int(out["usage"]["completion_tokens"])
    return total


def load_transformers(path: Path, threads: int) -> tuple[Any, Any] | None:
    """The GGUF through transformers (de-quantized to float32), or None without [hf]."""
    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError:
        return None
    torch.set_num_threads(threads)
    tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name).eval()
    return tokenizer, model


def transformers_loop(tokenizer: Any, model: Any, requests: list[Request]) -> int:
    """`model.generate` one request at a time, as in the seed article."""
    import torch

    total = 0
    for r in requests:
        chat_ = [{"role": m.role, "content": m.content} for m in r.messages]
        ids = tokenizer.apply_chat_template(chat_, add_generation_prompt=True, return_tensors="pt")
        ids = ids["input_ids"] if hasattr(ids, "keys") else ids
        torch.manual_seed(r.seed or 0)
        with torch.inference_mode():
            out = model.generate(
                ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=r.max_tokens,
                do_sample=True,
                temperature=r.temperature,
                top_p=r.top_p,
                top_k=r.top_k,
                pad_token_id=tokenizer.eos_token_id,
            )
        total += int(out.shape[1] - ids.shape[1])
    return total


def ttft(backend: LlamaCppBackend, prefix: str, runs: int = 3) -> tuple[float, float, int]:
    """Median time to first token, cold and cached, with `prefix` as the system message."""
    cold, cached = [], []
    for i in range(runs):
        backend.forget_prefix()
        first = complete(backend, chat(f"Question {i}: who lies?", system=prefix, max_tokens=2))
        again = complete(backend, chat(f"Question {i}: who runs?", system=prefix, max_tokens=2))
        assert first.first_token_seconds is not None and again.first_token_seconds is not None
        cold.append(first.first_token_seconds)
        cached.append(again.first_token_seconds)
    tokens = len(backend.tokenize(prefix))
    return statistics.median(cold), statistics.median(cached), tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenes", type=int, default=8)
    parser.add_argument("--scene-tokens", type=int, default=200)
    parser.add_argument("--bible-tokens", type=int, default=300)
    parser.add_argument("--hf-scenes", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2, help="best of this many runs each")
    parser.add_argument("--ttft-runs", type=int, default=3)
    parser.add_argument("--prefix-tokens", type=int, default=1500)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    path = bundled_model_path()
    threads = default_threads()
    load_before = os.getloadavg()
    backend = LlamaCppBackend(path, n_ctx=4096, n_threads=threads, kv_unified=False)
    unified = LlamaCppBackend(path, n_ctx=4096, n_threads=threads, kv_unified=True)
    weights = backend.engine.weights_bytes
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    say("# Engine benchmark (bundled SmolLM2-135M-Instruct Q4_1, llama.cpp on CPU)")
    say()
    say(
        f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"{threads} engine thread(s); load average at start {load_before[0]:.1f}"
    )
    say(f"- weights read per token: {weights / 1e6:.1f} MB")

    gbs = bandwidth_gbs()
    ceiling = gbs * 1e9 / weights
    rate = decode_rate(backend)
    costs = step_costs(backend)
    cpu_rate = 1000 / costs[1]
    say()
    say("## 1. Batch-1 decode vs the memory-bandwidth ceiling")
    say()
    say(
        "| measured bandwidth | ceiling (bandwidth / weights) | decode, wall clock | "
        "decode, per CPU-second | share of ceiling (wall / CPU) |"
    )
    say("|---|---|---|---|---|")
    say(
        f"| {gbs:.1f} GB/s | {ceiling:.0f} tok/s | {rate:.1f} tok/s | {cpu_rate:.1f} tok/s | "
        f"{rate / ceiling:.0%} / {cpu_rate / ceiling:.0%} |"
    )
    say()
    say(
        "Decode step cost by batch size (CPU ms per llama_decode, one new token per sequence, "
        "64 tokens of context):"
    )
    say()
    say("| sequences | " + " | ".join(str(n) for n in costs) + " |")
    say("|---|" + "---|" * len(costs))
    say("| CPU ms / step | " + " | ".join(f"{c:.1f}" for c in costs.values()) + " |")
    say("| tokens / CPU-s | " + " | ".join(f"{n / c * 1000:.0f}" for n, c in costs.items()) + " |")
    say()
    widest = max(costs)
    say(
        f"Goal: batch-1 decode at 60% of the ceiling or more. Measured: {rate / ceiling:.0%} by "
        f"the wall clock, {cpu_rate / ceiling:.0%} per CPU-second. A step for {widest} "
        f"sequences costs {costs[widest] / costs[1]:.1f}x a step for one, so batching can raise "
        f"throughput by at most {widest * costs[1] / costs[widest]:.1f}x on this machine "
        "(a flat row would mean memory-bound decoding, where batching is nearly free)."
    )

    bible = story_bible(backend, args.bible_tokens)
    requests = scene_requests(bible, args.scenes, args.scene_tokens)
    from llama_cpp import Llama

    llm = Llama(
        str(path),
        n_ctx=4096,
        n_threads=threads,
        n_threads_batch=threads,
        n_batch=512,
        verbose=False,
    )

    def engine_batch(engine: LlamaCppBackend) -> int:
        engine.forget_prefix()
        return sum(r.usage.output_tokens or 0 for r in engine.batch(requests))

    def engine_sequential() -> int:
        backend.forget_prefix()
        return sum(complete(backend, r).usage.output_tokens or 0 for r in requests)

    def llama_sequential() -> int:
        llm.reset()
        return llama_cpp_loop(llm, requests)

    contenders: list[tuple[str, Callable[[], int]]] = [
        ("writersroom engine, one batch (per-sequence KV)", lambda: engine_batch(backend)),
        ("writersroom engine, one batch (unified KV)", lambda: engine_batch(unified)),
        ("writersroom engine, one call at a time", engine_sequential),
        ("llama-cpp-python loop, one at a time", llama_sequential),
    ]
    runs: dict[str, list[tuple[int, float, float]]] = {name: [] for name, _ in contenders}
    for _ in range(args.rounds):  # interleaved, so that load changes hit every contender
        for name, fn in contenders:
            runs[name].append(run_timed(fn))
    rows: list[tuple[str, int, float, float]] = [
        (name, results[0][0], min(r[1] for r in results), min(r[2] for r in results))
        for name, results in runs.items()
    ]
    unified.close()
    llm.close()
    hf_requests = requests[: args.hf_scenes]
    loaded = load_transformers(path, threads) if hf_requests else None
    hf_note = "transformers: not installed (pip install 'writersroom[hf]')" if not loaded else ""
    if loaded:
        hf = run_timed(lambda: transformers_loop(*loaded, hf_requests))
        rows.append((f"transformers generate, one at a time ({len(hf_requests)} scenes)", *hf))
        del loaded
    baseline = next(r for r in rows if r[0].startswith("llama-cpp-python"))
    say()
    say(
        f"## 2. {args.scenes} scene-sized completions (up to {args.scene_tokens} tokens each, "
        f"sharing a {len(backend.tokenize(bible))}-token story bible; best of {args.rounds} "
        "interleaved runs)"
    )
    say()
    say("| engine | tokens | wall s | tok/s | CPU s | tok/CPU-s | vs llama.cpp loop (wall / CPU) |")
    say("|---|---|---|---|---|---|---|")
    base_wall, base_cpu = baseline[1] / baseline[2], baseline[1] / baseline[3]
    for name, tokens, wall, cpu in rows:
        say(
            f"| {name} | {tokens} | {wall:.1f} | {tokens / wall:.1f} | {cpu:.1f} | "
            f"{tokens / cpu:.1f} | {tokens / wall / base_wall:.2f}x / "
            f"{tokens / cpu / base_cpu:.2f}x |"
        )
    if hf_note and hf_requests:
        say()
        say(hf_note)
    batched = rows[0]
    say()
    say(
        f"Goal: the engine at 3x the sequential llama.cpp loop or more. Measured: "
        f"{batched[1] / batched[2] / base_wall:.2f}x by the wall clock, "
        f"{batched[1] / batched[3] / base_cpu:.2f}x per CPU-second (the wall clock moves with "
        "other load on a shared machine; CPU seconds much less)."
    )

    prefix = story_bible(backend, args.prefix_tokens)
    cold, cached, prefix_tokens = ttft(backend, prefix, args.ttft_runs)
    say()
    say(f"## 3. Time to first token with a {prefix_tokens}-token shared prefix")
    say()
    say("| cold | cached | speed-up |")
    say("|---|---|---|")
    say(f"| {cold * 1000:.0f} ms | {cached * 1000:.0f} ms | {cold / cached:.1f}x |")
    say()
    say(f"Goal: cached at least 5x faster. Measured: {cold / cached:.1f}x.")
    say()
    say(f"Load average at the end: {os.getloadavg()[0]:.1f}.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
