"""The verdict distribution on generated scripts, beside the industry base rates (70/25/5 %).

    python benchmarks/evaluate_verdicts.py [--count 16]

Short scripts are written by the bundled default model (SmolLM2-135M-Instruct, llama.cpp) from
loglines listed below, one scene each, then evaluated as screenplays with the default evaluator
(embeddings + perplexity, no judgments). Results go to benchmarks/results/evaluate.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from hanna import RESULTS, write_section

from writersroom.evaluate import Tools, evaluate_screenplay
from writersroom.evaluate.calibrate import BASE_RATES
from writersroom.evaluate.embed import load_embedder
from writersroom.evaluate.perplexity import load_language_model
from writersroom.llm.base import chat, complete_many
from writersroom.llm.llamacpp import LlamaCppBackend, bundled_model_path
from writersroom.screenplay import fountain

LOGLINES = [
    "Two elderly friends in a retirement home plan to rob a jewelry store",
    "A lighthouse keeper sees a signal from a ship that sank decades ago",
    "A chef must cook the perfect meal for the critic who ruined her father",
    "A shy teenager discovers her grandmother was a famous jewel thief",
    "An astronaut stranded on Mars negotiates with a stubborn rescue robot",
    "A small-town mayor hides a dragon egg from a government inspector",
    "Two rival magicians are trapped together in a locked theatre",
    "A detective investigates a murder where every witness is a ghost",
    "A washed-up boxer trains a nervous librarian for one last fight",
    "A family road trip goes wrong when the GPS starts giving orders",
    "A janitor finds a time machine in the school basement",
    "A wedding planner falls for the groom at the worst possible moment",
    "A soldier returns home to find his village has forgotten him",
    "A con artist pretends to be a priest in a town full of secrets",
    "A girl and her robot dog cross a desert to find her mother",
    "A night-shift nurse suspects a patient is not what he seems",
]
SYSTEM = "You are a screenwriter. Write in Fountain screenplay format."
USER = ("Write one complete scene for a film about: {logline}.\nStart with a scene heading such "
        "as INT. KITCHEN - NIGHT, then action lines, then character names in capitals above "
        "their dialogue.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=400)
    parser.add_argument("--scripts", type=Path, help="keep the generated scripts in this JSON "
                        "file and reuse them when it exists")
    args = parser.parse_args()
    loglines = (LOGLINES * (1 + args.count // len(LOGLINES)))[: args.count]
    if args.scripts and args.scripts.exists():
        saved = json.loads(args.scripts.read_text(encoding="utf-8"))
        texts, generated = saved["texts"], saved["seconds"]
    else:
        backend = LlamaCppBackend(bundled_model_path(), n_ctx=4096)
        requests = [chat(USER.format(logline=x), system=SYSTEM, max_tokens=args.max_tokens,
                         temperature=0.8, seed=i) for i, x in enumerate(loglines)]
        started = time.perf_counter()
        texts = [r.text for r in complete_many(backend, requests)]
        generated = time.perf_counter() - started
        if args.scripts:
            args.scripts.write_text(json.dumps({"texts": texts, "seconds": generated}),
                                    encoding="utf-8")
    tools = Tools(load_embedder(), load_language_model())
    verdicts: Counter[str] = Counter()
    overall = []
    for logline, text in zip(loglines, texts, strict=True):
        cov = evaluate_screenplay(fountain.parse(text), logline, tools=tools)
        verdicts[cov.verdict] += 1
        overall.append(cov.scores["overall"])
        print(f"{cov.verdict:9} {cov.scores['overall']:.2f}  {logline}", file=sys.stderr)
    n = len(loglines)
    lines = ["## Verdicts on generated scripts", "",
             f"{n} one-scene scripts written by the default model (SmolLM2-135M-Instruct, "
             f"{args.max_tokens} tokens max, generated in {generated:.0f} s), evaluated with the "
             "default evaluator (embeddings + perplexity, no judgments).", "",
             "| verdict | scripts | share | base rate at coverage services |",
             "|---|---:|---:|---:|"]
    for v in ("Pass", "Consider", "Recommend"):
        lines.append(f"| {v} | {verdicts[v]} | {verdicts[v] / n:.0%} | {BASE_RATES[v]:.0%} |")
    lines += ["", f"Overall scores: min {min(overall):.2f}, median "
              f"{sorted(overall)[n // 2]:.2f}, max {max(overall):.2f}. The thresholds are the "
              "70th and 95th percentiles of the overall score on HANNA prompts 0-47, so a "
              "typical human-written story lands near Consider."]
    markdown = "\n".join(lines) + "\n"
    print(markdown)
    write_section(RESULTS, "verdicts", markdown)


if __name__ == "__main__":
    main()
