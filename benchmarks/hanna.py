"""Validate the evaluator against human judges on HANNA (Chhun et al., COLING 2022).

    python benchmarks/hanna.py            # measure, then report Kendall tau on prompts 48-95
    python benchmarks/hanna.py --fit      # also refit src/writersroom/evaluate/calibration.json

Reads ../shared/eval/hanna/hanna_stories.jsonl (1,056 stories: 96 prompts x 11 systems, three
raters per criterion). Protocol of the paper: for each prompt, Kendall tau between a metric and
the mean human rating over the 10 non-human systems, averaged over prompts. Everything fitted
(feature scales, linear weights, verdict thresholds) sees prompts 0-47 only; the table reports
prompts 48-95, beside a length-only baseline.

Signals are computed by the package's own functions and cached under --cache (default
~/.cache/writersroom/hanna), so a rerun after a fit takes seconds. The language-model pass reads
128 tokens per story with the bundled GGUF (about 15-40 minutes on two busy cores).
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

from writersroom.evaluate import calibrate, embed
from writersroom.evaluate import text as textsig
from writersroom.evaluate.calibrate import FEATURE_SETS, fit_linear, kendall_tau, standardize
from writersroom.evaluate.perplexity import load_language_model, loss_signals
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


def load_stories() -> list[dict[str, Any]]:
    path = HANNA / "hanna_stories.jsonl"
    if not path.exists():
        sys.exit(f"HANNA is not available: {path} is missing (it lives in ../shared/eval/hanna "
                 "beside the checkout). Nothing was measured.")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _cached(path: Path) -> dict[int, Any]:
    if not path.exists():
        return {}
    return {d["story_id"]: d for d in map(json.loads, path.read_text().splitlines()) if d}


def embedding_signals(stories: list[dict[str, Any]], cache: Path) -> dict[int, dict[str, float]]:
    path = cache / "embedding.jsonl"
    done = _cached(path)
    todo = [s for s in stories if s["story_id"] not in done]
    if todo:
        embedder = embed.load_embedder()
        started = time.perf_counter()
        with path.open("a") as out:
            prompts = sorted({s["prompt_id"] for s in todo})
            for n, pid in enumerate(prompts):
                group = [s for s in todo if s["prompt_id"] == pid]
                texts = [s["story"] for s in group]
                signals, _ = embed.embedding_signals(embedder, texts, group[0]["prompt"])
                for s, sig in zip(group, signals, strict=True):
                    done[s["story_id"]] = {"story_id": s["story_id"], **sig}
                    out.write(json.dumps(done[s["story_id"]]) + "\n")
                print(f"  embedded prompt {n + 1}/{len(prompts)} "
                      f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return {k: {f: v for f, v in d.items() if f != "story_id"} for k, d in done.items()}


def loss_signal_table(stories: list[dict[str, Any]], cache: Path) -> dict[int, dict[str, float]]:
    path = cache / "losses.jsonl"
    done = _cached(path)
    todo = [s for s in stories if s["story_id"] not in done]
    if todo:
        lm = load_language_model()
        started = time.perf_counter()
        with path.open("a") as out:
            for n, s in enumerate(todo):
                losses = [round(x, 3) for x in lm.token_losses(s["story"])]
                done[s["story_id"]] = {"story_id": s["story_id"], "nll": losses}
                out.write(json.dumps(done[s["story_id"]]) + "\n")
                if n % 50 == 0:
                    print(f"  scored {n}/{len(todo)} stories "
                          f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return {k: loss_signals(d["nll"]) for k, d in done.items()}


def per_prompt_tau(scores: np.ndarray, stories: list[dict[str, Any]], criterion: str,
                   prompts: range) -> float:
    taus = []
    for p in prompts:
        idx = [i for i, s in enumerate(stories) if s["prompt_id"] == p and s["model"] != "Human"]
        taus.append(kendall_tau(scores[idx], [stories[i]["human_mean"][criterion] for i in idx]))
    return float(np.mean(taus))


def fit(rows: list[dict[str, float]], stories: list[dict[str, Any]], features: tuple[str, ...],
        ridge: float) -> dict[str, Any]:
    """One feature set's model, fitted on the non-human stories of prompts 0-47."""
    train = [i for i, s in enumerate(stories) if s["prompt_id"] in TRAIN and s["model"] != "Human"]
    stats = standardize([rows[i] for i in train], features)
    x = np.array([[(rows[i][f] - stats["mean"][f]) / stats["scale"][f] for f in features]
                  for i in train])
    x = np.clip(x, -calibrate.CLIP, calibrate.CLIP)
    groups = np.array([stories[i]["prompt_id"] for i in train])
    model: dict[str, Any] = {"features": list(features), **stats, "criteria": {}}
    for c in STORY_CRITERIA:
        y = np.array([stories[i]["human_mean"][c] for i in train])
        w, bias = fit_linear(x, y, groups, ridge=ridge)
        weights = {f: round(float(v), 5) for f, v in zip(features, w, strict=True)}
        model["criteria"][c] = {"bias": round(bias, 5), "weights": weights}
    return model


def predict(model: dict[str, Any], rows: list[dict[str, float]]) -> dict[str, np.ndarray]:
    x = np.array([[(r[f] - model["mean"][f]) / model["scale"][f] for f in model["features"]]
                  for r in rows])
    x = np.clip(x, -calibrate.CLIP, calibrate.CLIP)
    out = {}
    for c in STORY_CRITERIA:
        m = model["criteria"][c]
        w = np.array([m["weights"][f] for f in model["features"]])
        out[c] = np.clip(m["bias"] + x @ w, 1.0, 5.0)
    return out


def choose_ridge(rows: list[dict[str, float]], stories: list[dict[str, Any]],
                 features: tuple[str, ...]) -> float:
    """Ridge strength by two-fold cross-validation inside prompts 0-47 (by prompt)."""
    best, best_tau = 1.0, -1.0
    halves = (range(0, 24), range(24, 48))
    for ridge in (1.0, 10.0, 30.0, 100.0, 300.0):
        taus = []
        for k in (0, 1):
            fit_on, check = halves[k], halves[1 - k]
            sub = [s if s["prompt_id"] in fit_on else {**s, "prompt_id": -1} for s in stories]
            model = fit(rows, sub, features, ridge)
            pred = predict(model, rows)
            taus += [per_prompt_tau(pred[c], stories, c, check) for c in STORY_CRITERIA]
        if np.mean(taus) > best_tau:
            best, best_tau = ridge, float(np.mean(taus))
    return best


def verdict_cuts(model: dict[str, Any], rows: list[dict[str, float]],
                 stories: list[dict[str, Any]]) -> dict[str, float]:
    """Overall-score quantiles on every story of prompts 0-47 (humans included) at 70 / 95 %."""
    pred = predict(model, rows)
    overall = np.mean([pred[c] for c in STORY_CRITERIA], axis=0)
    train = [i for i, s in enumerate(stories) if s["prompt_id"] in TRAIN]
    return {"consider": round(float(np.quantile(overall[train], 0.70)), 3),
            "recommend": round(float(np.quantile(overall[train], 0.95)), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fit", action="store_true", help="rewrite calibration.json")
    parser.add_argument("--no-perplexity", action="store_true", help="skip the language model")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                        / "writersroom" / "hanna")
    args = parser.parse_args()
    stories = load_stories()
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows = [textsig.text_signals(s["story"], s["prompt"]) for s in stories]
    emb = embedding_signals(stories, args.cache)
    for r, s in zip(rows, stories, strict=True):
        r.update(emb[s["story_id"]])
    sets = ["text", "fast"]
    if not args.no_perplexity:
        losses = loss_signal_table(stories, args.cache)
        for r, s in zip(rows, stories, strict=True):
            r.update(losses[s["story_id"]])
        sets.append("full")
    measured = time.perf_counter() - started

    models, table = {}, {}
    for name in sets:
        ridge = choose_ridge(rows, stories, FEATURE_SETS[name])
        models[name] = fit(rows, stories, FEATURE_SETS[name], ridge)
        models[name]["ridge"] = ridge
        pred = predict(models[name], rows)
        table[name] = {c: per_prompt_tau(pred[c], stories, c, TEST) for c in STORY_CRITERIA}
    length = np.array([r["words"] for r in rows])
    table["length"] = {c: per_prompt_tau(length, stories, c, TEST) for c in STORY_CRITERIA}
    sim = np.array([r["premise_similarity"] for r in rows])
    table["premise_similarity"] = {c: per_prompt_tau(sim, stories, c, TEST) for c in STORY_CRITERIA}
    best = sets[-1]
    if args.fit:
        data = {"fitted_on": "HANNA prompts 0-47, 10 non-human systems (480 stories); "
                "verdict cuts on all 528 stories of those prompts",
                "sets": models, "verdict": verdict_cuts(models[best], rows, stories)}
        CALIBRATION.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION}", file=sys.stderr)
    markdown = render(table, sets, measured)
    print(markdown)
    write_section(RESULTS, "hanna", markdown)


def render(table: dict[str, dict[str, float]], sets: list[str], seconds: float) -> str:
    names = {"length": "length only (baseline)", "premise_similarity": "premise similarity alone",
             "text": "calibrated: code signals", "fast": "calibrated: code + embeddings",
             "full": "calibrated: code + embeddings + perplexity (default)"}
    head = "| metric | " + " | ".join(STORY_CRITERIA) + " |"
    lines = ["## HANNA: agreement with human judges", "",
             "Kendall tau per prompt over the 10 non-human systems, averaged over prompts "
             "48-95 (fitted on prompts 0-47 only).", "", head,
             "|---|" + "---:|" * len(STORY_CRITERIA)]
    for key in ["length", "premise_similarity", *sets]:
        lines.append(f"| {names[key]} | "
                     + " | ".join(f"{table[key][c]:.3f}" for c in STORY_CRITERIA) + " |")
    lines.append("| best published (all 96 prompts) | "
                 + " | ".join(f"{PUBLISHED[c][0]:.3f} ({PUBLISHED[c][1]})" for c in STORY_CRITERIA)
                 + " |")
    lines.append("| goal | " + " | ".join(f"{GOALS[c]:.2f}" for c in STORY_CRITERIA) + " |")
    final = table[sets[-1]]
    met = [c for c in STORY_CRITERIA if final[c] >= GOALS[c]]
    lines += ["", f"Goals met by the default ({names[sets[-1]]}): {len(met)} of 6 "
              f"({', '.join(met) or 'none'}). Signals measured in {seconds:.0f} s "
              "(cached after the first run)."]
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
