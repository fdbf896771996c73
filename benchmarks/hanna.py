"""Validate the evaluator against human judges on HANNA (Chhun et al., COLING 2022).

    python benchmarks/hanna.py            # measure, then report Kendall tau on prompts 48-95
    python benchmarks/hanna.py --fit      # also write the refit to src/writersroom/evaluate/
                                          # calibration.json (the shipped one is the previous fit)

Reads ../shared/eval/hanna/hanna_stories.jsonl (1,056 stories: 96 prompts x 11 systems, three
raters per criterion). Protocol of the paper: for each prompt, Kendall tau between a metric and
the mean human rating over the 10 non-human systems, averaged over prompts. Everything fitted
(feature scales, signal choice, linear weights, the embedding head, verdict thresholds) sees
prompts 0-47 only; the table reports prompts 48-95, beside a length-only baseline.

Signals are computed by the package's own functions and cached under --cache (default
~/.cache/writersroom/hanna): the MiniLM window vectors (a few minutes once) and the language
model's token losses of each story's first 128 tokens, and with --ending its last 128 (about 12
minutes each on a quiet core), so a rerun takes a minute or two (most of it fitting).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from hanna_fit import HEAD_FEATURE, HEAD_FOLDS, Data, fit, predict, verdict_cuts

from writersroom.evaluate import embed
from writersroom.evaluate.calibrate import (
    ENDING_SIGNALS,
    FEATURE_SETS,
    calibration,
    story_scores,
)
from writersroom.evaluate.narrative import prose_signals
from writersroom.evaluate.perplexity import (
    MAX_TOKENS,
    ending_signals,
    load_language_model,
    loss_signals,
)
from writersroom.evaluate.records import STORY_CRITERIA

ROOT = Path(__file__).resolve().parents[1]
HANNA = ROOT.parent / "shared" / "eval" / "hanna"
CALIBRATION = ROOT / "src" / "writersroom" / "evaluate" / "calibration.json"
RESULTS = ROOT / "benchmarks" / "results" / "evaluate.md"
TRAIN, TEST = range(0, 48), range(48, 96)
# Best published story-level tau per criterion (HANNA paper's 72 metrics and the TACL 2024 LLM
# judges, all 96 prompts) and this project's goals.
PUBLISHED = {"relevance": (0.299, "SUPERT-SS"), "coherence": (0.301, "OrcaPlatypus-13B"),
             "empathy": (0.289, "Beluga-13B"), "surprise": (0.245, "chrF"),
             "engagement": (0.308, "chrF"), "complexity": (0.433, "chrF")}
GOALS = {"relevance": 0.37, "coherence": 0.30, "empathy": 0.29, "surprise": 0.25,
         "engagement": 0.31, "complexity": 0.43}
NAMES = {"length": "length only (baseline)", "premise_similarity": "premise similarity alone",
         "shipped": "shipped default (calibration.json as shipped)",
         "text": "refit: code signals", "fast": "refit: code + embeddings",
         "full": "refit: code + embeddings + perplexity",
         "ending": "refit: + perplexity of the ending",
         "head": "refit: + embedding head"}
POOLS = {**FEATURE_SETS, "ending": (*FEATURE_SETS["full"], *ENDING_SIGNALS),
         "head": (*FEATURE_SETS["full"], HEAD_FEATURE)}


def load_stories() -> list[dict[str, Any]]:
    path = HANNA / "hanna_stories.jsonl"
    if not path.exists():
        sys.exit(f"HANNA is not available: {path} is missing (it lives in ../shared/eval/hanna "
                 "beside the checkout). Nothing was measured.")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _cached(path: Path) -> dict[int, Any]:
    """Records per story id of a JSON-lines cache; a line cut by an interrupted run is skipped."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text().splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if record:
            out[record["story_id"]] = record
    return out


def window_vectors(stories: list[dict[str, Any]],
                   cache: Path) -> tuple[dict[int, tuple[np.ndarray, list[int]]], np.ndarray]:
    """Each story's MiniLM window vectors and window sizes (as `embed.embedding_signals` reads
    it), and one premise vector per prompt; encoded once and kept in windows.npz."""
    path = cache / "windows.npz"
    if not path.exists():
        embedder = embed.load_embedder()
        started = time.perf_counter()
        prompts = {s["prompt_id"]: s["prompt"] for s in stories}
        premises = embedder.encode([prompts[p] for p in range(len(prompts))])
        owner, sizes, vectors = [], [], []
        for n, pid in enumerate(sorted(prompts)):
            group = [s for s in stories if s["prompt_id"] == pid]
            pieces = [embed.chunks(s["story"])[: embed.MAX_CHUNKS] for s in group]
            vectors.append(embedder.encode([c for p in pieces for c in p]))
            for s, p in zip(group, pieces, strict=True):
                owner += [s["story_id"]] * len(p)
                sizes += [len(c.split()) for c in p]
            if n % 8 == 0:
                print(f"  embedded prompt {n + 1}/{len(prompts)} "
                      f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        np.savez_compressed(path, owner=np.array(owner), sizes=np.array(sizes),
                            vectors=np.concatenate(vectors).astype(np.float16),
                            premises=premises.astype(np.float16))
    data = np.load(path)
    owner, vecs = data["owner"], data["vectors"].astype(np.float32)
    out = {}
    for sid in np.unique(owner):
        rows = np.where(owner == sid)[0]
        out[int(sid)] = (vecs[rows], [int(x) for x in data["sizes"][rows]])
    return out, data["premises"].astype(np.float32)


def loss_table(stories: list[dict[str, Any]], cache: Path, *,
               tail: bool) -> dict[int, list[float]]:
    """Token losses of each story's first (or, `tail`, last) 128 tokens, cached as JSON lines.
    A story the first read covered whole is not read again: its tail is its opening."""
    path = cache / ("tail_losses.jsonl" if tail else "losses.jsonl")
    done = {k: d["nll"] for k, d in _cached(path).items()}
    head = loss_table(stories, cache, tail=False) if tail else {}
    todo = [s for s in stories if s["story_id"] not in done]
    if todo:
        lm = load_language_model()
        started = time.perf_counter()
        with path.open("a") as out:
            for n, s in enumerate(todo):
                if tail and len(head[s["story_id"]]) < MAX_TOKENS:
                    losses = head[s["story_id"]]
                else:
                    losses = [round(x, 3) for x in lm.token_losses(s["story"], tail=tail)]
                done[s["story_id"]] = losses
                out.write(json.dumps({"story_id": s["story_id"], "nll": losses}) + "\n")
                if n % 50 == 0:
                    print(f"  scored {n}/{len(todo)} stories ({'tail' if tail else 'opening'}, "
                          f"{time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return done


def measure(stories: list[dict[str, Any]], cache: Path, perplexity: bool, ending: bool
            ) -> tuple[list[dict[str, float]], np.ndarray]:
    """Every signal of every story (the package's functions), and each story's unit vector."""
    rows = [prose_signals(s["story"], s["prompt"]) for s in stories]
    windows, premises = window_vectors(stories, cache)
    marks = embed.anchors(embed.load_embedder())
    wholes = []
    for r, s in zip(rows, stories, strict=True):
        vecs, sizes = windows[s["story_id"]]
        signals, whole = embed.window_signals(vecs, sizes, premises[s["prompt_id"]], marks)
        r.update(signals)
        wholes.append(whole)
    if perplexity:
        head = loss_table(stories, cache, tail=False)
        tail = loss_table(stories, cache, tail=True) if ending else {}
        for r, s in zip(rows, stories, strict=True):
            r.update(loss_signals(head[s["story_id"]]))
            if ending:
                r.update(ending_signals(head[s["story_id"]], tail[s["story_id"]]))
    return rows, np.array(wholes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fit", action="store_true", help="rewrite calibration.json")
    parser.add_argument("--no-perplexity", action="store_true", help="skip the language model")
    parser.add_argument("--ending", action="store_true",
                        help="also read each story's last 128 tokens (a second language-model "
                        "pass: about 12 minutes on a quiet core) and try the ending's perplexity")
    parser.add_argument("--ablation", action="store_true",
                        help="also fit the signal pool step by step (a minute)")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                        / "writersroom" / "hanna")
    args = parser.parse_args()
    stories = load_stories()
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ending = args.ending and not args.no_perplexity
    rows, wholes = measure(stories, args.cache, not args.no_perplexity, ending)
    measured = time.perf_counter() - started

    data = Data(stories, rows, wholes)
    sets = ["text", "fast"] + ([] if args.no_perplexity else ["full", "head"])
    sets += ["ending"] if ending else []
    models, table = {}, {}
    for name in sets:
        print(f"fitting {name}", file=sys.stderr)
        models[name] = fit(data, POOLS[name])
        pred = predict(models[name], data.final_rows())
        table[name] = {c: data.tau(pred[c], c, TEST) for c in STORY_CRITERIA}
    for key in ("words", "premise_similarity"):
        x = np.array([r[key] for r in rows])
        table["length" if key == "words" else key] = {c: data.tau(x, c, TEST)
                                                       for c in STORY_CRITERIA}
    shipped = [story_scores(r) for r in rows]
    table["shipped"] = {c: data.tau(np.array([x[c] for x in shipped]), c, TEST)
                        for c in STORY_CRITERIA}
    default = "full" if "full" in sets else sets[-1]
    cuts = verdict_cuts(models[default], data)
    if args.fit:
        refit = {k: v for k, v in models.items() if k in ("text", "fast", "full")}
        written = {"fitted_on": "HANNA prompts 0-47, 10 non-human systems (480 stories); "
                   "verdict cuts on all 528 stories of those prompts",
                   "sets": refit, "verdict": cuts}
        CALIBRATION.write_text(json.dumps(written, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION}", file=sys.stderr)
    overall = np.array([np.mean([x[c] for c in STORY_CRITERIA]) for x in shipped])
    markdown = (render(table, sets, measured)
                + verdict_table(overall, data, calibration()["verdict"])
                + (ablation(data) if args.ablation and not args.no_perplexity else "")
                + weights_table(models[default]))
    print(markdown)
    write_section(RESULTS, "hanna", markdown)


# The signal pool step by step, from the signals of the previous calibration to the head.
PREVIOUS = ("log_words", "repetition_3", "distinct_2", "moving_ttr", "mean_word_length",
            "mean_sentence_words", "sentence_case", "premise_overlap", "top_word_share",
            "premise_similarity", "opening_similarity", "window_coherence", "weakest_link",
            "centroid_similarity", "mean_loss", "loss_sd", "high_loss_share")
STEPS = {
    "previous signals, forward selection": (PREVIOUS, True),
    "all signals, forward selection": (FEATURE_SETS["full"], True),
    "previous signals, every one (ridge)": (PREVIOUS, False),
    "+ narrative signals, sentence spread": (
        (*PREVIOUS, *(f for f in FEATURE_SETS["text"] if f not in PREVIOUS)), False),
    "+ ending shift and drift, feeling and twist anchors (= refit)": (FEATURE_SETS["full"],
                                                                       False),
    "+ embedding head": (POOLS["head"], False),
}


def ablation(data: Data) -> str:
    """Cross-validated tau inside prompts 0-47 and held-out tau on 48-95 as the pool grows."""
    lines = ["", "The procedure and the signal pool step by step: "
             "cross-validated tau inside prompts 0-47 / tau on prompts 48-95.", "",
             "| pool | " + " | ".join(STORY_CRITERIA) + " |",
             "|---|" + "---:|" * len(STORY_CRITERIA)]
    for label, (pool, forward) in STEPS.items():
        model = fit(data, pool, forward=forward)
        pred = predict(model, data.final_rows())
        cells = [f"{model['criteria'][c]['cv_tau']:.3f} / {data.tau(pred[c], c, TEST):.3f}"
                 for c in STORY_CRITERIA]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def verdict_table(overall: np.ndarray, data: Data, cuts: dict[str, float]) -> str:
    """Verdicts on the held-out prompts 48-95: human-written stories against the systems'."""
    test = np.isin(data.prompt, list(TEST))
    lines = ["", "Verdicts of the shipped default on the held-out prompts 48-95 (thresholds "
             f"{cuts['consider']:.2f} / {cuts['recommend']:.2f}, fitted on prompts 0-47):", "",
             "| stories | Pass | Consider | Recommend |", "|---|---:|---:|---:|"]
    for label, mask in (("human-written", test & data.human), ("10 systems", test & ~data.human)):
        o = overall[mask]
        shares = [(o < cuts["consider"]).mean(),
                  ((o >= cuts["consider"]) & (o < cuts["recommend"])).mean(),
                  (o >= cuts["recommend"]).mean()]
        lines.append(f"| {label} ({mask.sum()}) | " + " | ".join(f"{x:.0%}" for x in shares)
                     + " |")
    return "\n".join(lines) + "\n"


def weights_table(model: dict[str, Any], top: int = 6) -> str:
    """The refit's largest weights per criterion, and its cross-validated tau."""
    lines = ["", f"The refit's {top} largest weights per criterion (standardized signals; "
             "cross-validated tau inside prompts 0-47):", "",
             "| criterion | cv tau | largest weights |", "|---|---:|---|"]
    for c, m in model["criteria"].items():
        largest = sorted(m["weights"].items(), key=lambda kv: -abs(kv[1]))[:top]
        lines.append(f"| {c} | {m['cv_tau']:.3f} | "
                     + ", ".join(f"{f} ({w:+.2f})" for f, w in largest) + " |")
    return "\n".join(lines) + "\n"


def render(table: dict[str, dict[str, float]], sets: list[str], seconds: float) -> str:
    head = "| metric | " + " | ".join(STORY_CRITERIA) + " |"
    lines = ["## HANNA: agreement with human judges", "",
             "Kendall tau per prompt over the 10 non-human systems, averaged over prompts "
             "48-95 (fitted on prompts 0-47 only).", "", head,
             "|---|" + "---:|" * len(STORY_CRITERIA)]
    for key in ["length", "premise_similarity", "shipped", *sets]:
        lines.append(f"| {NAMES[key]} | "
                     + " | ".join(f"{table[key][c]:.3f}" for c in STORY_CRITERIA) + " |")
    lines.append("| best published (all 96 prompts) | "
                 + " | ".join(f"{PUBLISHED[c][0]:.3f} ({PUBLISHED[c][1]})" for c in STORY_CRITERIA)
                 + " |")
    lines.append("| goal | " + " | ".join(f"{GOALS[c]:.2f}" for c in STORY_CRITERIA) + " |")
    for key in ("shipped", "full"):
        met = [c for c in STORY_CRITERIA if table[key][c] >= GOALS[c]]
        lines += ["", f"Goals met by the {NAMES[key]}: {len(met)} of 6 "
                  f"({', '.join(met) or 'none'})."]
    lines += ["", f"Signals measured in {seconds:.0f} s "
              f"(cached after the first run). The embedding head ({HEAD_FEATURE}) is, per "
              "criterion, a ridge direction in MiniLM space fitted to that criterion's human "
              f"means on prompts 0-47 ({HEAD_FOLDS}-fold cross-fitted there); it learns what "
              "the ten HANNA systems' stories look like, so it is reported, not shipped."]
    return "\n".join(lines) + "\n"


def write_section(path: Path, name: str, markdown: str) -> None:
    """Replace the `<!-- name -->` ... `<!-- /name -->` section of the results file."""
    begin, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Evaluation benchmarks\n\n"
    block = f"{begin}\n{markdown}{end}\n"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) + 1 :]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
