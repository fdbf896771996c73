"""Does the evaluator generalise beyond the set it was fitted on?

    python benchmarks/generalise.py --train-signal   # retrain the plausibility head and write
                                                     # src/writersroom/evaluate/plausibility.npz
    python benchmarks/generalise.py                  # the protocol below -> results/generalise.md

The plausibility head (evaluate/plausibility.py) learns, without human labels, to tell passages
of human-written text from corrupted copies. Its training text: the public-domain plays of
../shared/corpora/gutenberg-plays (speeches as prose; 30 plays, two held out for the corruption
accuracy), the public-domain screenplay in ../shared/corpora/ebscreenplays-pd, and the 48
human-written HANNA stories of prompts 0-47 (MIT; no rating is read). CoheSentia (no licence
upstream) is used only to evaluate, never to train.

The protocol: everything is fitted on HANNA prompts 0-47 only (the shipped calibration.json and
the plausibility weight in it); then, without refitting, it reports HANNA prompts 48-95
(per-prompt Kendall tau per criterion, the paper's protocol), all 483 CoheSentia stories
(Pearson and Spearman with the holistic human coherence score) beside simple baselines (length,
distinct-word ratio, the bundled model's perplexity, MiniLM prompt similarity), and
leave-one-system-out on HANNA (fit on nine systems' stories of prompts 0-47, test on the tenth
system's stories of prompts 48-95).

HANNA signals come from benchmarks/hanna.py's cache (~/.cache/writersroom/hanna: MiniLM windows
and the language model's losses; built on the first run of either script).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from writersroom.evaluate import embed
from writersroom.evaluate import plausibility as plaus

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PLAYS = SHARED / "corpora" / "gutenberg-plays"
SCREENPLAYS = SHARED / "corpora" / "ebscreenplays-pd"
HANNA = SHARED / "eval" / "hanna" / "hanna_stories.jsonl"
COHESENTIA = SHARED / "eval" / "cohesentia"
HEAD = ROOT / "src" / "writersroom" / "evaluate" / "plausibility.npz"
RESULTS = ROOT / "benchmarks" / "results" / "generalise.md"
CACHE = Path.home() / ".cache" / "writersroom" / "generalise"
HELD_OUT_PLAYS = ("pg2446.txt", "pg854.txt")     # Ibsen, Wilde: corruption accuracy only
_CUE = re.compile(r"^(?:[A-Z][A-Za-z'’]+\.? ?){1,3}\.\s+")
_GUTENBERG = re.compile(r"\*\*\* ?START OF.*?\*\*\*(.*)\*\*\* ?END OF", re.S)


def play_prose(text: str) -> str:
    """A Gutenberg play as prose: paragraphs joined, speaker cues and headings dropped."""
    m = _GUTENBERG.search(text)
    body = m.group(1) if m else text
    out = []
    for para in body.split("\n\n"):
        line = " ".join(para.split())
        if not line or line.isupper() or len(line.split()) < 4:
            continue
        out.append(_CUE.sub("", line))
    return "\n".join(out)


def training_texts() -> dict[str, list[str]]:
    """Texts by source name (a play file, the screenplay, HANNA's human stories of 0-47)."""
    from writersroom.evaluate.script import scene_texts
    from writersroom.screenplay import fountain

    if not PLAYS.exists():
        sys.exit(f"the training corpus is missing: {PLAYS} (../shared beside the checkout)")
    texts = {p.name: [play_prose(p.read_text(encoding="utf-8", errors="replace"))]
             for p in sorted(PLAYS.glob("*.txt"))}
    for path in sorted(SCREENPLAYS.glob("*.fountain")):
        doc = fountain.parse(path.read_text(encoding="utf-8"))
        texts[path.name] = [s.prose.replace("\n", " ") for s in scene_texts(doc)]
    if HANNA.exists():
        stories = [json.loads(line) for line in HANNA.read_text(encoding="utf-8").splitlines()]
        texts["hanna-human-0-47"] = [s["story"] for s in stories
                                     if s["model"] == "Human" and s["prompt_id"] < 48]
    return texts


def train_signal(seed: int = 0, per_source: int = 120) -> str:
    """Build the passages, corrupt them, fit the head, report held-out accuracy; write HEAD."""
    rng = random.Random(seed)
    started = time.perf_counter()
    train, test = [], []
    for name, texts in training_texts().items():
        runs = [w for t in texts for size in (6, 9, 12)
                for w in plaus.windows(t, size)]
        rng.shuffle(runs)
        (test if name in HELD_OUT_PLAYS else train).extend(runs[:per_source])
    pairs, labels, _ = plaus.corrupted_pairs(train, seed)
    test_pairs, test_labels, kinds = plaus.corrupted_pairs(test, seed + 1)
    cached = CACHE / f"signal_rows_{seed}_{per_source}.npz"
    if cached.exists():
        data = np.load(cached)
        rows, test_rows = data["rows"], data["test_rows"]
    else:
        embedder = embed.load_embedder()
        rows = plaus.feature_rows(embedder, pairs)
        test_rows = plaus.feature_rows(embedder, test_pairs)
        CACHE.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cached, rows=rows, test_rows=test_rows)
    lines = ["| model | held-out accuracy | " + " | ".join(plaus.CORRUPTIONS) + " |",
             "|---|---:|" + "---:|" * len(plaus.CORRUPTIONS)]
    heads = {"logistic (no hidden layer)": plaus.train_head(rows, labels, seed=seed, hidden=1),
             f"two-layer, {plaus.HIDDEN} hidden": plaus.train_head(rows, labels, seed=seed)}
    for label, head in heads.items():
        logits = head.logits(test_rows)
        right = (logits > 0) == (np.array(test_labels) == 1)
        per = []
        for kind in plaus.CORRUPTIONS:
            # a pair is told apart when the clean passage scores above its corrupted copy
            idx = [i for i, k in enumerate(kinds) if k == kind]
            per.append(np.mean([logits[i - 1] > logits[i] for i in idx]) if idx else np.nan)
        lines.append(f"| {label} | {right.mean():.3f} | "
                     + " | ".join(f"{x:.2f}" for x in per) + " |")
    head = heads[f"two-layer, {plaus.HIDDEN} hidden"]
    HEAD.write_bytes(head.to_bytes())
    return ("\n".join([
        f"Plausibility head: {len(train)} training passages ({len(pairs)} with their corrupted "
        f"copies), {len(test)} held-out passages from two plays never trained on "
        f"({', '.join(HELD_OUT_PLAYS)}); {time.perf_counter() - started:.0f} s on the CPU. "
        "Accuracy: clean vs corrupted at logit 0; per corruption: the share of pairs where the "
        "clean passage scores above its corrupted copy.", "", *lines]) + "\n")


# --- measuring -----------------------------------------------------------------------------

def load_cohesentia() -> list[dict[str, Any]]:
    """All 483 stories: id, title (the generation prompt), text, holistic consensus score."""
    out = []
    for name in ("TrainData.json", "TestData.json"):
        path = COHESENTIA / name
        if not path.exists():
            sys.exit(f"CoheSentia is missing: {path} (../shared/eval/cohesentia)")
        for item in json.loads(path.read_text(encoding="utf-8")).values():
            out.append({"story_id": int(item["StoryID"]), "prompt": item["Title"],
                        "story": item["Text"],
                        "human": float(item["HolisticData"]["consensus_score"])})
    return sorted(out, key=lambda s: s["story_id"])


def plausibility_table(stories: list[dict[str, Any]], name: str) -> dict[int, float]:
    """The shipped head's logit per story, cached per head file (keyed by its bytes' hash)."""
    import hashlib

    key = hashlib.sha1(HEAD.read_bytes()).hexdigest()[:10]
    path = CACHE / f"plausibility_{name}_{key}.json"
    if path.exists():
        return {int(k): v for k, v in json.loads(path.read_text()).items()}
    embedder = embed.load_embedder()
    values = plaus.plausibility(embedder, [s["story"] for s in stories], plaus.load_head())
    out = {s["story_id"]: v for s, v in zip(stories, values, strict=True)}
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out))
    return out


def cohesentia_signals(stories: list[dict[str, Any]], perplexity: bool
                       ) -> list[dict[str, float]]:
    """Every signal the evaluator reads, per story: code, MiniLM, the bundled model's losses
    (cached like hanna.py's), plausibility."""
    from hanna import loss_table

    from writersroom.evaluate.narrative import prose_signals
    from writersroom.evaluate.perplexity import loss_signals

    cache = CACHE / "cohesentia"
    cache.mkdir(parents=True, exist_ok=True)
    losses = loss_table(stories, cache, tail=False) if perplexity else {}
    embedder = embed.load_embedder()
    plausible = plausibility_table(stories, "cohesentia")
    rows = []
    for s in stories:
        r = prose_signals(s["story"], s["prompt"])
        extra, _ = embed.embedding_signals(embedder, [s["story"]], s["prompt"])
        r.update(extra[0])
        if perplexity:
            r.update(loss_signals(losses[s["story_id"]]))
        r["plausibility"] = plausible[s["story_id"]]
        rows.append(r)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train-signal", action="store_true",
                        help="retrain the plausibility head (a few minutes) and write it")
    parser.add_argument("--no-perplexity", action="store_true",
                        help="leave the bundled model out (its CoheSentia pass takes minutes)")
    args = parser.parse_args()
    if args.train_signal:
        print(train_signal())
        return
    markdown = cohesentia_report(not args.no_perplexity)
    print(markdown)
    RESULTS.write_text(markdown, encoding="utf-8")


def _r(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from scipy.stats import pearsonr, spearmanr

    return float(pearsonr(x, y)[0]), float(spearmanr(x, y)[0])


def cohesentia_report(perplexity: bool) -> str:
    """Pearson and Spearman with CoheSentia's holistic score: ours, the signal, baselines."""
    from writersroom.evaluate.calibrate import story_scores
    from writersroom.evaluate.records import STORY_CRITERIA

    started = time.perf_counter()
    stories = load_cohesentia()
    rows = cohesentia_signals(stories, perplexity)
    human = np.array([s["human"] for s in stories])
    scores = [story_scores(r) for r in rows]
    columns: dict[str, np.ndarray] = {
        "our coherence (shipped calibration)": np.array([x["coherence"] for x in scores]),
        "our overall (mean of the six)": np.array([np.mean([x[c] for c in STORY_CRITERIA])
                                                   for x in scores]),
        "plausibility head (this issue)": np.array([r["plausibility"] for r in rows]),
        "baseline: length (words)": np.array([r["words"] for r in rows]),
        "baseline: distinct-word ratio": np.array([len(set(r_words)) / max(1, len(r_words))
                                                   for r_words in (s["story"].lower().split()
                                                                   for s in stories)]),
        "baseline: MiniLM prompt similarity": np.array([r["premise_similarity"] for r in rows]),
    }
    if perplexity:
        columns["baseline: bundled-model loss (perplexity)"] = np.array(
            [r["mean_loss"] for r in rows])
    lines = ["## CoheSentia: holistic coherence, never fitted on", "",
             f"{len(stories)} GPT-3 stories (Maimon & Tsarfaty 2023), consensus holistic "
             "coherence 1-5. Our scores use the calibration fitted on HANNA prompts 0-47 only"
             + ("" if perplexity else " (code and MiniLM signals: the `fast` set, no language "
                "model)") + ".", "", "| score | Pearson r | Spearman rho |", "|---|---:|---:|"]
    for label, x in columns.items():
        r, rho = _r(x, human)
        lines.append(f"| {label} | {r:+.3f} | {rho:+.3f} |")
    lines += ["", f"Measured in {time.perf_counter() - started:.0f} s."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

