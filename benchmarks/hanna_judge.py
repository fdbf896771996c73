"""Do the default model's yes/no judgments, read as next-token probabilities, add to HANNA?

    .venv/bin/python benchmarks/hanna_judge.py [--limit N]   # → results/hanna_judge.md

The default 135M model (the Q8_0 copy of the bundled GGUF, as `default` runs it) reads each of
the 1,056 HANNA stories (its first 900 tokens) in a chat turn that ends with one yes/no question;
the signal is log P(yes) - log P(no) of the assistant's first token (yes = "yes", "Yes", " yes",
" Yes"; no likewise). Three questions share the evaluated story prefix (the KV cache is rewound
to the end of the story between them):

    judge_empathy   Did this story make you feel for its characters?
    judge_surprise  Did this story surprise you?
    judge_quality   Is this story well written?

Judgments are cached per story in ~/.cache/writersroom/hanna/judge.jsonl (appended as they come,
so an interrupted run resumes). Stories are read prompt by prompt, alternating between the
training prompts (0-47) and the test prompts (48-95), so a partial cache covers both halves.

Report (HANNA protocol: per-prompt Kendall tau over the 10 non-human systems, averaged): each
judgment alone against all six criteria on prompts 0-47 and 48-95; and the ridge30 refit
(hanna_fit.fit, pool "full") with and without the three judgments, its CV tau inside 0-47 and
its tau on 48-95. Signal rows come from the cache as benchmarks/hanna_rank.py loads them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import hanna  # noqa: E402
import hanna_fit  # noqa: E402
import hanna_rank  # noqa: E402
from hanna_fit import TEST, TRAIN, Data  # noqa: E402

from writersroom.evaluate.records import STORY_CRITERIA  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "hanna_judge.md"
CACHE = Path.home() / ".cache" / "writersroom" / "hanna" / "judge.jsonl"
STORY_TOKENS = 900
QUESTIONS = {
    "judge_empathy": "Did this story make you feel for its characters? Answer yes or no.",
    "judge_surprise": "Did this story surprise you? Answer yes or no.",
    "judge_quality": "Is this story well written? Answer yes or no.",
}
YES = ("yes", "Yes", " yes", " Yes")
NO = ("no", "No", " no", " No")


# --- the model -------------------------------------------------------------------------------


class Judge:
    """The default model's Q8_0 weights, opened directly with llama-cpp-python."""

    def __init__(self, threads: int = 2) -> None:
        import jinja2
        import llama_cpp

        from writersroom.llm.llamacpp import bundled_model_path
        from writersroom.llm.quantize import requantized

        self.path = requantized(bundled_model_path(), "q8_0")
        self.llm = llama_cpp.Llama(
            model_path=str(self.path),
            n_ctx=2048,
            n_threads=threads,
            logits_all=False,
            verbose=False,
        )
        self._logits_ith = llama_cpp.llama_get_logits_ith
        template = jinja2.Template(self.llm.metadata["tokenizer.chat_template"])
        mark = "\x00STORY\x00"
        text = template.render(
            messages=[{"role": "user", "content": mark}], add_generation_prompt=True
        )
        head, tail = text.split(mark)
        self.head = self._tok(head)  # system turn + "<|im_start|>user\n"
        # tail = "<|im_end|>\n<|im_start|>assistant\n": after the question
        self.questions = {k: self._tok("\n\n" + q + tail) for k, q in QUESTIONS.items()}
        self.yes = [self._single(w) for w in YES]
        self.no = [self._single(w) for w in NO]
        self.n_vocab = self.llm.n_vocab()

    def _tok(self, text: str) -> list[int]:
        return list(self.llm.tokenize(text.encode(), add_bos=False, special=True))

    def _single(self, word: str) -> int:
        ids = self.llm.tokenize(word.encode(), add_bos=False, special=False)
        if len(ids) != 1:
            sys.exit(f"{word!r} is not one token for this model: {ids}")
        return int(ids[0])

    def _last_logits(self) -> np.ndarray:
        ptr = self._logits_ith(self.llm.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self.n_vocab,)).astype(np.float64)

    def judge(self, story: str) -> dict[str, Any]:
        """One record: the three signals, the probability mass on the yes/no tokens, tokens."""
        body = self._tok(story)[:STORY_TOKENS]
        prefix = self.head + body
        self.llm.reset()
        self.llm.eval(prefix)
        out: dict[str, Any] = {"tokens": len(body), "mass": {}}
        for key, question in self.questions.items():
            self.llm.n_tokens = len(prefix)  # eval() drops the KV cache past n_tokens
            self.llm.eval(question)
            logits = self._last_logits()
            top = logits.max()
            logp = logits - top - np.log(np.exp(logits - top).sum())
            lyes, lno = np.logaddexp.reduce(logp[self.yes]), np.logaddexp.reduce(logp[self.no])
            out[key] = round(float(lyes - lno), 5)
            out["mass"][key] = round(float(np.exp(lyes) + np.exp(lno)), 5)
        return out


# --- judging, cached -------------------------------------------------------------------------


def order(stories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Prompt by prompt, alternating training and test prompts: 0, 48, 1, 49, ..."""
    prompts = [p for pair in zip(TRAIN, TEST, strict=True) for p in pair]
    rank = {p: n for n, p in enumerate(prompts)}
    return sorted(stories, key=lambda s: (rank[s["prompt_id"]], s["story_id"]))


def run(
    stories: list[dict[str, Any]], limit: int | None, threads: int
) -> dict[int, dict[str, Any]]:
    done = hanna._cached(CACHE)
    todo = [s for s in order(stories) if s["story_id"] not in done]
    if limit is not None:
        todo = todo[:limit]
    if todo:
        started = time.perf_counter()
        judge = Judge(threads)
        print(
            f"model {judge.path.name} loaded ({time.perf_counter() - started:.1f} s); "
            f"judging {len(todo)} stories",
            file=sys.stderr,
        )
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        with CACHE.open("a") as f:
            for n, s in enumerate(todo, 1):
                t0 = time.perf_counter()
                rec = judge.judge(s["story"])
                rec = {"story_id": s["story_id"], **rec}
                rec["seconds"] = round(time.perf_counter() - t0, 3)
                rec["threads"] = threads
                f.write(json.dumps(rec) + "\n")
                f.flush()
                done[s["story_id"]] = rec
                if n % 25 == 0 or n == len(todo):
                    print(
                        f"  {n}/{len(todo)} ({time.perf_counter() - started:.0f} s)",
                        file=sys.stderr,
                    )
    return done


# --- report ----------------------------------------------------------------------------------


def report(d: Data, judged: dict[int, dict[str, Any]]) -> str:
    ids = [s["story_id"] for s in d.stories]
    have = np.array([i in judged for i in ids])
    complete = [p for p in range(96) if have[d.prompt == p].all()]
    train = [p for p in TRAIN if p in complete]
    test = [p for p in TEST if p in complete]
    keys = list(QUESTIONS)
    cols = {}
    for k in keys:
        vals = np.array([judged[i][k] if i in judged else np.nan for i in ids])
        fill = float(np.nanmean(vals)) if have.any() else 0.0
        cols[k] = np.where(have, vals, fill)  # missing: a constant (no weight within a prompt)
    toks = [judged[i]["tokens"] for i in ids if i in judged]
    timing = []
    for threads in (1, 2):
        secs = [
            judged[i]["seconds"]
            for i in ids
            if i in judged and judged[i].get("threads", 2) == threads
        ]
        if secs:
            timing.append(
                f"{threads} thread{'s' if threads > 1 else ''}: {np.mean(secs):.2f} mean, "
                f"{np.median(secs):.2f} median ({len(secs)} stories)"
            )
    lines = [
        f"Stories judged: {int(have.sum())} of {len(ids)}; complete prompts: {len(train)} of "
        f"0-47, {len(test)} of 48-95; {np.mean(toks):.0f} story tokens on average.",
        "",
        "Seconds per story (3 questions sharing the evaluated story, nice 5, the 2 cores shared "
        "with other benchmark processes part of the time): " + "; ".join(timing) + ".",
        "",
        "Probability mass on the yes/no tokens (mean over stories): "
        + ", ".join(
            f"{k} {np.mean([judged[i]['mass'][k] for i in ids if i in judged]):.3f}" for k in keys
        )
        + ". Share of stories answered 'yes' (signal > 0): "
        + ", ".join(f"{k} {np.mean(cols[k][have] > 0):.2f}" for k in keys)
        + ".",
        "",
    ]
    if not train or not test:
        return "\n".join([*lines, "Too few complete prompts for a table."]) + "\n"

    # each judgment alone ---------------------------------------------------------------------
    lines += [
        "## Each judgment alone",
        "",
        "Mean per-prompt Kendall tau, prompts 0-47 / 48-95 (nothing fitted; sign as is):",
        "",
        "| signal | " + " | ".join(STORY_CRITERIA) + " |",
        "|---|" + "---:|" * len(STORY_CRITERIA),
    ]
    for k in keys:
        cells = [
            f"{hanna_rank.per_prompt(d, cols[k], c, train).mean():+.3f} / "
            f"{hanna_rank.per_prompt(d, cols[k], c, test).mean():+.3f}"
            for c in STORY_CRITERIA
        ]
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    words = d.matrix(["words"])[:, 0]
    cells = [
        f"{hanna_rank.per_prompt(d, words, c, train).mean():+.3f} / "
        f"{hanna_rank.per_prompt(d, words, c, test).mean():+.3f}"
        for c in STORY_CRITERIA
    ]
    lines.append("| words (length, for scale) | " + " | ".join(cells) + " |")

    # ridge30 with and without ---------------------------------------------------------------
    rows = [dict(r) for r in d.rows]
    for n, r in enumerate(rows):
        for k in keys:
            r[k] = float(cols[k][n])
    d2 = Data(d.stories, rows, d.vectors)
    pool = tuple(hanna.POOLS["full"])
    results = {}
    for name, data, features in (
        ("ridge30 (pool full)", d, pool),
        ("ridge30 + 3 judgments", d2, (*pool, *keys)),
    ):
        model = hanna_fit.fit(data, features)
        pred = hanna_fit.predict(model, data.final_rows())
        results[name] = (
            {c: model["criteria"][c]["cv_tau"] for c in STORY_CRITERIA},
            {c: hanna_rank.per_prompt(data, pred[c], c, test) for c in STORY_CRITERIA},
            model,
        )
    base, plus = results["ridge30 (pool full)"], results["ridge30 + 3 judgments"]
    lines += [
        "",
        "## ridge30 refit with and without the judgments",
        "",
        f'hanna_fit.fit, pool "full" ({len(pool)} signals) vs the same + {", ".join(keys)}. '
        "Cells: CV tau inside 0-47 (4 folds x 3 shuffles) / tau on 48-95"
        + ("" if len(test) == 48 else f" ({len(test)} complete test prompts)")
        + "."
        + (
            ""
            if len(train) == 48
            else f" Partial cache: the judgments of the {48 - len(train)} training prompts not "
            "yet judged are a constant (no weight within a prompt), so the refit learns their "
            f"weights from {len(train)} prompts and its CV tau is averaged over all 48."
        ),
        "",
        "| model | " + " | ".join(STORY_CRITERIA) + " |",
        "|---|" + "---:|" * len(STORY_CRITERIA),
    ]
    for name, (cv, pp, _) in results.items():
        cells = [f"{cv[c]:.3f} / {pp[c].mean():.3f}" for c in STORY_CRITERIA]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    cells = []
    for c in STORY_CRITERIA:
        diff = plus[1][c] - base[1][c]
        se = diff.std(ddof=1) / np.sqrt(len(diff))
        cells.append(f"{plus[0][c] - base[0][c]:+.3f} / {diff.mean():+.3f} ± {se:.3f}")
    lines.append("| difference (± paired s.e. on 48-95) | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Weights of the judgments in the refit (standardized signals; largest weight of the "
        "pool for scale):",
        "",
        "| criterion | " + " | ".join(keys) + " | largest abs weight |",
        "|---|" + "---:|" * (len(keys) + 1),
    ]
    for c in STORY_CRITERIA:
        w = plus[2]["criteria"][c]["weights"]
        big = max(abs(v) for v in w.values())
        lines.append(f"| {c} | " + " | ".join(f"{w[k]:+.4f}" for k in keys) + f" | {big:.4f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="judge at most N new stories")
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="llama.cpp threads (1 when another process shares the 2 cores: two threads then "
        "spin at their barriers)",
    )
    args = parser.parse_args()
    d = hanna_rank.load()
    judged = run(d.stories, args.limit, args.threads)
    text = report(d, judged)
    head = "# HANNA: yes/no judgments of the default model (benchmarks/hanna_judge.py)\n\n"
    print(head + text)
    RESULTS.write_text(head + text)


if __name__ == "__main__":
    main()
