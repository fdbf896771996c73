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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from writersroom.evaluate import calibrate, embed
from writersroom.evaluate import text as textsig
from writersroom.evaluate.calibrate import FEATURE_SETS, fit_linear, kendall_tau
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


class Data:
    """HANNA stories with their signals, human means and prompt groups as arrays."""

    def __init__(self, stories: list[dict[str, Any]], rows: list[dict[str, float]]) -> None:
        self.stories, self.rows = stories, rows
        self.prompt = np.array([s["prompt_id"] for s in stories])
        self.human = np.array([s["model"] == "Human" for s in stories])
        self.y = {c: np.array([s["human_mean"][c] for s in stories]) for c in STORY_CRITERIA}
        self.y["mean"] = np.mean([self.y[c] for c in STORY_CRITERIA], axis=0)
        self.groups = {p: np.where((self.prompt == p) & ~self.human)[0] for p in range(96)}

    def matrix(self, features: Sequence[str]) -> np.ndarray:
        return np.array([[r[f] for f in features] for r in self.rows], dtype=np.float64)

    def mask(self, prompts: Sequence[int]) -> np.ndarray:
        return np.isin(self.prompt, list(prompts)) & ~self.human

    def target(self, criterion: str, mode: str) -> np.ndarray:
        """What a criterion's model is fitted to: its own human mean, the mean over all six
        criteria (less noisy: the criteria are strongly correlated), or half of each."""
        if mode == "own":
            return self.y[criterion]
        if mode == "mean":
            return self.y["mean"]
        return 0.5 * (self.y[criterion] + self.y["mean"])

    def tau(self, scores: np.ndarray, criterion: str, prompts: Sequence[int]) -> float:
        """HANNA's protocol: Kendall tau per prompt over the 10 non-human systems, averaged."""
        y = self.y[criterion]
        return float(np.mean([kendall_tau(scores[self.groups[p]], y[self.groups[p]])
                              for p in prompts]))


MODES = ("own", "mix", "mean")
RIDGE = 30.0
HALVES = (range(0, 24), range(24, 48))


def _z(x: np.ndarray, fit_on: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean, scale = x[fit_on].mean(0), x[fit_on].std(0)
    scale[scale < 1e-9] = 1.0
    return np.clip((x - mean) / scale, -calibrate.CLIP, calibrate.CLIP), mean, scale


def _cv(data: Data, x: np.ndarray, criterion: str, mode: str) -> float:
    """Two-fold cross-validation inside prompts 0-47 (by prompt)."""
    taus = []
    for k in (0, 1):
        fit_on = data.mask(HALVES[k])
        z, _, _ = _z(x, fit_on)
        w, _ = fit_linear(z[fit_on], data.target(criterion, mode)[fit_on], data.prompt[fit_on],
                          ridge=RIDGE)
        taus.append(data.tau(z @ w, criterion, HALVES[1 - k]))
    return float(np.mean(taus))


def select(data: Data, pool: Sequence[str], criterion: str) -> tuple[str, list[str], float]:
    """Forward selection of signals and choice of target, by cross-validation on prompts 0-47:
    add the signal that helps most while it helps by more than 0.003."""
    full = data.matrix(pool)
    best: tuple[str, list[str], float] = ("own", [], -1.0)
    for mode in MODES:
        chosen: list[int] = []
        score = -1.0
        while len(chosen) < len(pool):
            tried = [(_cv(data, full[:, [*chosen, j]], criterion, mode), j)
                     for j in range(len(pool)) if j not in chosen]
            top, j = max(tried)
            if top <= score + 0.003:
                break
            chosen.append(j)
            score = top
        if score > best[2]:
            best = (mode, [pool[j] for j in chosen], score)
    return best


def fit(data: Data, pool: Sequence[str]) -> dict[str, Any]:
    """One feature set's model: per criterion, the selected signals fitted on the non-human
    stories of prompts 0-47 (scales from the same stories)."""
    train = data.mask(TRAIN)
    x = data.matrix(pool)
    z, mean, scale = _z(x, train)
    def named(values: np.ndarray) -> dict[str, float]:
        return {f: round(float(v), 6) for f, v in zip(pool, values, strict=True)}

    model: dict[str, Any] = {"features": list(pool), "mean": named(mean), "scale": named(scale),
                             "ridge": RIDGE, "criteria": {}}
    for c in STORY_CRITERIA:
        mode, chosen, cv = select(data, pool, c)
        cols = [pool.index(f) for f in chosen]
        w, _ = fit_linear(z[train][:, cols], data.target(c, mode)[train], data.prompt[train],
                          ridge=RIDGE)
        # the bias puts the criterion on its own human scale, whatever the target was
        bias = float(data.y[c][train].mean() - (z[train][:, cols] @ w).mean())
        weights = {f: round(float(v), 5) for f, v in zip(chosen, w, strict=True)}
        model["criteria"][c] = {"bias": round(bias, 5), "weights": weights, "target": mode,
                                "cv_tau": round(cv, 4)}
        print(f"  {c}: {mode} target, {chosen}, cv tau {cv:.3f}", file=sys.stderr)
    return model


def predict(model: dict[str, Any], rows: list[dict[str, float]]) -> dict[str, np.ndarray]:
    out = {}
    for c in STORY_CRITERIA:
        m = model["criteria"][c]
        x = np.array([[(r[f] - model["mean"][f]) / model["scale"][f] for f in m["weights"]]
                      for r in rows]).reshape(len(rows), -1)
        w = np.array([m["weights"][f] for f in m["weights"]])
        out[c] = np.clip(m["bias"] + np.clip(x, -calibrate.CLIP, calibrate.CLIP) @ w, 1.0, 5.0)
    return out


def verdict_cuts(model: dict[str, Any], data: Data) -> dict[str, float]:
    """Overall-score quantiles on every story of prompts 0-47 (humans included) at 70 / 95 %."""
    pred = predict(model, data.rows)
    overall = np.mean([pred[c] for c in STORY_CRITERIA], axis=0)
    train = np.isin(data.prompt, list(TRAIN))
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

    data = Data(stories, rows)
    models, table = {}, {}
    for name in sets:
        print(f"fitting {name}", file=sys.stderr)
        models[name] = fit(data, FEATURE_SETS[name])
        pred = predict(models[name], rows)
        table[name] = {c: data.tau(pred[c], c, TEST) for c in STORY_CRITERIA}
    length = np.array([r["words"] for r in rows])
    table["length"] = {c: data.tau(length, c, TEST) for c in STORY_CRITERIA}
    sim = np.array([r["premise_similarity"] for r in rows])
    table["premise_similarity"] = {c: data.tau(sim, c, TEST) for c in STORY_CRITERIA}
    best = sets[-1]
    cuts = verdict_cuts(models[best], data)
    if args.fit:
        calibration = {"fitted_on": "HANNA prompts 0-47, 10 non-human systems (480 stories); "
                       "verdict cuts on all 528 stories of those prompts",
                       "sets": models, "verdict": cuts}
        CALIBRATION.write_text(json.dumps(calibration, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION}", file=sys.stderr)
    markdown = render(table, sets, measured) + verdict_table(models[best], data, cuts)
    print(markdown)
    write_section(RESULTS, "hanna", markdown)


def verdict_table(model: dict[str, Any], data: Data, cuts: dict[str, float]) -> str:
    """Verdicts on the held-out prompts 48-95: human-written stories against the systems'."""
    pred = predict(model, data.rows)
    overall = np.mean([pred[c] for c in STORY_CRITERIA], axis=0)
    test = np.isin(data.prompt, list(TEST))
    lines = ["", "Verdicts on the held-out prompts 48-95 (thresholds "
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
