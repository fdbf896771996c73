"""How long a feature-length screenplay takes to evaluate, offline, on this machine.

    python benchmarks/evaluate_speed.py [--pages 120] [--judge-limit 24]

A ~120-page script is built by concatenating scenes: the scenes of Big Fish from
../shared/fixtures (a format sample, read here and never copied) when present, else the scenes of
the test fixture tests/evaluate/fixtures/heist.fountain. Three runs, side by side:
  1. code + embeddings (no language model at all: `--no-model`)
  2. + perplexity under the default model (the default without judgments)
  3. + judgments answered by the default model (bundled SmolLM2, llama.cpp)
Model loading is timed separately. Results go to benchmarks/results/evaluate.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from hanna import RESULTS, write_section

from writersroom.evaluate import Tools, evaluate_screenplay
from writersroom.evaluate.embed import load_embedder
from writersroom.evaluate.perplexity import load_language_model
from writersroom.screenplay import fountain
from writersroom.screenplay.model import SceneHeading, Screenplay
from writersroom.screenplay.paginate import page_count

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    ROOT.parent / "shared" / "fixtures" / "fountain" / "screenplain" / "examples"
    / "Big-Fish.fountain",
    ROOT / "tests" / "evaluate" / "fixtures" / "heist.fountain",
]
PREMISE = ("A dying father's tall tales frustrate his son, who sets out to learn the truth about "
           "the man behind the stories")


def build(pages: int) -> tuple[Screenplay, str]:
    source = next(p for p in SOURCES if p.exists())
    doc = fountain.parse(source.read_text(encoding="utf-8"))
    first = next(i for i, e in enumerate(doc.elements) if isinstance(e, SceneHeading))
    scenes = doc.elements[first:]
    per_copy = max(1, page_count(Screenplay(elements=scenes)) - 1)
    copies = max(1, -(-pages // per_copy))
    elements = scenes * copies
    built = Screenplay(title_page=doc.title_page, elements=elements)
    while page_count(built) - 1 > pages and len(elements) > 1:     # trim to the target
        elements = elements[: int(len(elements) * 0.97)]
        built = Screenplay(title_page=doc.title_page, elements=elements)
    return built, source.name


def timed(label: str, doc: Screenplay, tools: Tools) -> tuple[str, float, float, str]:
    """Wall seconds and CPU seconds (all threads of this process: what the run costs whatever
    else the machine is doing)."""
    started, cpu = time.perf_counter(), time.process_time()
    cov = evaluate_screenplay(doc, PREMISE, tools=tools)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU, verdict {cov.verdict}, overall "
          f"{cov.scores['overall']}", file=sys.stderr)
    return label, seconds, cpu, f"{cov.verdict} ({cov.scores['overall']:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--judge-limit", type=int, default=24)
    parser.add_argument("--skip-judgments", action="store_true")
    args = parser.parse_args()
    doc, source = build(args.pages)
    pages = page_count(doc) - (1 if doc.title_page else 0)
    n_scenes = sum(1 for e in doc.elements if isinstance(e, SceneHeading))
    print(f"{pages} pages, {n_scenes} scenes from {source}", file=sys.stderr)

    t = time.perf_counter()
    embedder = load_embedder()
    load_embed = time.perf_counter() - t
    t = time.perf_counter()
    lm = load_language_model()
    load_lm = time.perf_counter() - t
    rows = [timed("code + embeddings (--no-model)", doc, Tools(embedder))]
    rows.append(timed("+ perplexity, default model (default)", doc, Tools(embedder, lm)))
    load_backend = 0.0
    if not args.skip_judgments:
        from writersroom.llm.llamacpp import LlamaCppBackend, bundled_model_path

        t = time.perf_counter()
        backend = LlamaCppBackend(bundled_model_path(), n_ctx=4096)
        load_backend = time.perf_counter() - t
        rows.append(timed(f"+ judgments on {args.judge_limit} scenes, default model", doc,
                          Tools(embedder, lm, backend, judge_limit=args.judge_limit)))
    base = rows[0][2]
    load = os.getloadavg()[0]
    lines = ["## Speed: a feature-length screenplay", "",
             f"{pages} pages, {n_scenes} scenes (scenes of {source} concatenated), premise given; "
             f"everything offline; 2 CPU cores, load average {load:.1f} while measuring. CPU "
             "seconds count every thread of the process: on two idle cores the wall time is "
             "about half of them to all of them.", "",
             "| run | wall s | CPU s | CPU vs. first | verdict (overall) |",
             "|---|---:|---:|---:|---|"]
    lines += [f"| {label} | {s:.1f} | {c:.1f} | {c / base:.1f}x | {v} |"
              for label, s, c, v in rows]
    lines += ["", f"Loading once per process: embedder {load_embed:.1f} s, perplexity model "
              f"{load_lm:.1f} s" + (f", judgment backend {load_backend:.1f} s" if load_backend
                                     else "") + ". Goal: <= 120 s without judgments."]
    markdown = "\n".join(lines) + "\n"
    print(markdown)
    write_section(RESULTS, "speed", markdown)


if __name__ == "__main__":
    main()
