"""Pairwise-ranking objective for the HANNA calibration, decided by nested CV inside prompts 0-47.

    .venv/bin/python benchmarks/hanna_rank.py    # → benchmarks/results/hanna_rank.md (~90 s)

Reuses benchmarks/hanna.py (measure: signals from the cache) and benchmarks/hanna_fit.py (Data,
fit, predict, the embedding head). No language model is run: the script stops if a story's
opening losses or window vectors are missing from ~/.cache/writersroom/hanna (run hanna.py first).
Needs ../shared; says so and exits when it is absent.

Variants (every hyper-parameter chosen by CV inside the training prompts only):
  ridge30        existing refit (hanna_fit.fit, pool "full", ridge 30, own target)
  ridge30+head   existing refit with the cross-fitted embedding head (pool "head")
  ridge-nested   same ridge objective, strength and target (own/mix/mean) by inner CV
  pair(a)        pairwise logistic regression on within-prompt differences, own target,
                 L2 strength by inner CV
  pair(b)        same, target (own/mix/mean) and L2 strength by inner CV
  pair(c)        pair(a) + embedding-head column (cross-fitted as hanna_fit builds it; the
                 head is refitted on every inner / outer training set)
  pair(b)+head   pair(b) + embedding-head column
Nested CV: outer folds = hanna_fit.FOLDS (3 shuffles x 4 folds of 12 prompts of 0-47); inside
each outer training set (36 prompts) 4 inner folds of 9 prompts choose the hyper-parameters.
Final models: hyper-parameters chosen by 4-fold CV on 0-47, fitted on 0-47, scored once on 48-95.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import hanna  # noqa: E402
import hanna_fit  # noqa: E402
from hanna_fit import FOLDS, HEAD_FEATURE, TEST, TRAIN, Data, _centred, _z  # noqa: E402

from writersroom.evaluate.records import STORY_CRITERIA  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CACHE = Path.home() / ".cache" / "writersroom" / "hanna"
ROWS = CACHE / "rows.json"  # the signal rows, saved so that reruns skip rebuilding them
POOL = tuple(hanna.POOLS["full"])
MODES = ("own", "mix", "mean")
RIDGE_GRID = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
PAIR_GRID = (0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0)
INNER = 4
GOALS = {
    "relevance": 0.37,
    "coherence": 0.30,
    "empathy": 0.29,
    "surprise": 0.25,
    "engagement": 0.31,
    "complexity": 0.43,
}


# --- data ------------------------------------------------------------------------------------


def load() -> Data:
    if not (ROOT.parent / "shared" / "eval" / "hanna").is_dir():
        sys.exit("../shared/eval/hanna not found: this benchmark needs HANNA; skipped.")
    stories = hanna.load_stories()
    ids = {s["story_id"] for s in stories}
    losses = hanna._cached(CACHE / "losses.jsonl")
    win = np.load(CACHE / "windows.npz")
    missing_loss = ids - set(losses)
    missing_win = ids - {int(x) for x in np.unique(win["owner"])}
    if missing_loss or missing_win:
        sys.exit(
            f"cache incomplete ({len(missing_loss)} stories without losses, "
            f"{len(missing_win)} without window vectors): building rows would run a model; "
            "stopping."
        )
    rows_path = ROWS
    if rows_path.exists():
        saved = json.loads(rows_path.read_text())
        rows, wholes = saved["rows"], np.array(saved["wholes"], dtype=np.float32)
    else:
        # opening losses come from losses.jsonl (complete, checked above); no ending pass
        rows, wholes = hanna.measure(stories, CACHE, True, False)
        rows_path.write_text(json.dumps({"rows": rows, "wholes": wholes.tolist()}))
    return Data(stories, rows, wholes)


# --- helpers ---------------------------------------------------------------------------------

_HEADS: dict[tuple[str, tuple[int, ...]], np.ndarray] = {}


def head_col(d: Data, c: str, train: list[int]) -> np.ndarray:
    """hanna_fit's head column: fitted on `train`, cross-fitted inside it."""
    key = (c, tuple(sorted(train)))
    if key not in _HEADS:
        _HEADS[key] = d.head_column(c, sorted(train))
    return _HEADS[key]


def design(d: Data, c: str, train: list[int], use_head: bool) -> np.ndarray:
    """Standardized (on the non-human stories of `train`), clipped signal matrix."""
    x = d.matrix(POOL)
    if use_head:
        x = np.column_stack([x, head_col(d, c, train)])
    z, _, _ = _z(x, d.mask(train))
    return z


def ridge_w(d: Data, z: np.ndarray, y: np.ndarray, train: list[int], lam: float) -> np.ndarray:
    m = d.mask(train)
    zc, yc = _centred(z[m], d.prompt[m]), _centred(y[m], d.prompt[m])
    return np.linalg.solve(zc.T @ zc + lam * np.eye(z.shape[1]), zc.T @ yc)


def pairs(d: Data, z: np.ndarray, y: np.ndarray, train: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Within-prompt differences of non-human stories whose target differs, and the sign."""
    ii, jj = [], []
    for p in train:
        g = d.groups[p]
        a, b = np.triu_indices(len(g), 1)
        ii.append(g[a])
        jj.append(g[b])
    i, j = np.concatenate(ii), np.concatenate(jj)
    dy = y[i] - y[j]
    keep = np.abs(dy) > 1e-9
    return z[i[keep]] - z[j[keep]], np.sign(dy[keep])


def logistic_w(
    dz: np.ndarray, s: np.ndarray, lam: float, w0: np.ndarray | None = None
) -> np.ndarray:
    """L2-penalised logistic regression without intercept on (s * dz): Newton's method."""
    x = dz * s[:, None]  # want x @ w > 0
    k = x.shape[1]
    w = np.zeros(k) if w0 is None else w0.copy()
    for _ in range(50):
        m = x @ w
        p = 1.0 / (1.0 + np.exp(np.clip(m, -30, 30)))  # sigma(-m)
        grad = -x.T @ p + lam * w
        h = (x * (p * (1 - p))[:, None]).T @ x + lam * np.eye(k)
        step = np.linalg.solve(h, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w


def fit_w(
    d: Data,
    kind: str,
    c: str,
    train: list[int],
    mode: str,
    lam: float,
    use_head: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """(scores of every story, weights) of one model fitted on `train`."""
    z = design(d, c, train, use_head)
    y = d.target(c, mode)
    if kind == "ridge":
        w = ridge_w(d, z, y, train, lam)
    else:
        dz, s = pairs(d, z, y, train)
        w = logistic_w(dz, s, lam)
    return z @ w, w


def splits(train: list[int], n: int = INNER, seed: int = 1) -> list[list[int]]:
    perm = np.random.default_rng(seed).permutation(len(train))
    t = np.array(sorted(train))
    return [sorted(int(p) for p in t[perm[k::n]]) for k in range(n)]


def choose(
    d: Data,
    kind: str,
    c: str,
    train: list[int],
    modes: tuple[str, ...],
    grid: tuple[float, ...],
    use_head: bool,
) -> tuple[str, float, float]:
    """Hyper-parameters (target, strength) by `INNER`-fold CV inside `train` (tau on the
    criterion's own ratings)."""
    score: dict[tuple[str, float], list[float]] = {}
    for held in splits(train):
        inner = [p for p in train if p not in held]
        z = design(d, c, inner, use_head)
        for mode in modes:
            y = d.target(c, mode)
            if kind == "ridge":
                ws = [ridge_w(d, z, y, inner, lam) for lam in grid]
            else:
                dz, s = pairs(d, z, y, inner)
                ws, w = [], None
                for lam in sorted(grid, reverse=True):  # warm start from the flat end
                    w = logistic_w(dz, s, lam, w)
                    ws.append(w)
                ws = ws[::-1] if list(grid) == sorted(grid) else ws
            for lam, w in zip(grid, ws, strict=True):
                score.setdefault((mode, lam), []).append(d.tau(z @ w, c, held))
    (mode, lam), taus = max(score.items(), key=lambda kv: np.mean(kv[1]))
    return mode, lam, float(np.mean(taus))


def per_prompt(d: Data, scores: np.ndarray, c: str, prompts) -> np.ndarray:
    y = d.y[c]
    return np.array([hanna_fit.kendall_tau(scores[d.groups[p]], y[d.groups[p]]) for p in prompts])


# --- variants ----------------------------------------------------------------------------------

VARIANTS = {
    # name: (kind, modes, grid, use_head)
    "ridge-nested": ("ridge", MODES, RIDGE_GRID, False),
    "pair(a)": ("pair", ("own",), PAIR_GRID, False),
    "pair(b)": ("pair", MODES, PAIR_GRID, False),
    "pair(c)": ("pair", ("own",), PAIR_GRID, True),
    "pair(b)+head": ("pair", MODES, PAIR_GRID, True),
}


def main() -> None:
    t0 = time.perf_counter()
    d = load()
    print(f"rows loaded ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    train = list(TRAIN)
    cv: dict[str, dict[str, float]] = {}
    test: dict[str, dict[str, float]] = {}
    pp: dict[str, dict[str, np.ndarray]] = {}  # per-prompt test taus
    chosen: dict[str, dict[str, list]] = {}

    # baselines -------------------------------------------------------------------------------
    words = d.matrix(["words"])[:, 0]
    cv["length"] = {c: float(np.mean([d.tau(words, c, f) for f in FOLDS])) for c in STORY_CRITERIA}
    pp["length"] = {c: per_prompt(d, words, c, TEST) for c in STORY_CRITERIA}
    shipped = [hanna.story_scores(r) for r in d.rows]
    pp["shipped"] = {
        c: per_prompt(d, np.array([x[c] for x in shipped]), c, TEST) for c in STORY_CRITERIA
    }
    cv["shipped"] = {c: float("nan") for c in STORY_CRITERIA}
    for name, pool in (("ridge30", hanna.POOLS["full"]), ("ridge30+head", hanna.POOLS["head"])):
        model = hanna_fit.fit(d, pool)  # existing code, cv over hanna_fit.FOLDS
        pred = hanna_fit.predict(model, d.final_rows())
        pp[name] = {c: per_prompt(d, pred[c], c, TEST) for c in STORY_CRITERIA}
        cv[name] = {c: model["criteria"][c]["cv_tau"] for c in STORY_CRITERIA}
    print(f"baselines done ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)

    # nested CV + final fit per variant -----------------------------------------------------------
    for name, (kind, modes, grid, use_head) in VARIANTS.items():
        cv[name], pp[name], chosen[name] = {}, {}, {}
        for c in STORY_CRITERIA:
            outer = []
            for fold in FOLDS:
                tr = [p for p in train if p not in fold]
                mode, lam, _ = choose(d, kind, c, tr, modes, grid, use_head)
                scores, _ = fit_w(d, kind, c, tr, mode, lam, use_head)
                outer.append(d.tau(scores, c, fold))
            cv[name][c] = float(np.mean(outer))
            mode, lam, inner_tau = choose(d, kind, c, train, modes, grid, use_head)
            scores, w = fit_w(d, kind, c, train, mode, lam, use_head)
            pp[name][c] = per_prompt(d, scores, c, TEST)
            names = [*POOL, HEAD_FEATURE] if use_head else list(POOL)
            top = sorted(zip(names, w / np.linalg.norm(w), strict=True), key=lambda t: -abs(t[1]))[
                :4
            ]
            chosen[name][c] = [
                mode,
                lam,
                round(inner_tau, 3),
                ", ".join(f"{f} {v:+.2f}" for f, v in top),
            ]
            print(
                f"{name} {c}: nested cv {cv[name][c]:.3f}, final {mode}/{lam:g} "
                f"(cv {inner_tau:.3f}), test {pp[name][c].mean():.3f} "
                f"({time.perf_counter() - t0:.0f} s)",
                file=sys.stderr,
            )
    for k in pp:
        test[k] = {c: float(pp[k][c].mean()) for c in STORY_CRITERIA}

    # report -------------------------------------------------------------------------------------
    order = ["length", "shipped", "ridge30", "ridge30+head", *VARIANTS]
    lines = [
        "| variant | " + " | ".join(STORY_CRITERIA) + " | goals met (48-95) |",
        "|---|" + "---:|" * len(STORY_CRITERIA) + "---:|",
    ]
    for k in order:
        cells = [
            ("  -  " if np.isnan(cv[k][c]) else f"{cv[k][c]:.3f}") + f" / {test[k][c]:.3f}"
            for c in STORY_CRITERIA
        ]
        met = sum(test[k][c] >= GOALS[c] for c in STORY_CRITERIA)
        lines.append(f"| {k} | " + " | ".join(cells) + f" | {met} |")
    lines.append("| goal | " + " | ".join(f"{GOALS[c]:.2f}" for c in STORY_CRITERIA) + " | |")
    noise = [
        "",
        "Noise on 48-95: std of per-prompt tau / sqrt(48) (s.e. of a cell), and s.e. of "
        "the per-prompt difference to ridge30 (paired):",
        "",
        "| variant | " + " | ".join(STORY_CRITERIA) + " |",
        "|---|" + "---:|" * len(STORY_CRITERIA),
    ]
    for k in order:
        cells = []
        for c in STORY_CRITERIA:
            se = pp[k][c].std(ddof=1) / np.sqrt(48)
            diff = pp[k][c] - pp["ridge30"][c]
            sed = diff.std(ddof=1) / np.sqrt(48)
            cells.append(f"{se:.3f} / {diff.mean():+.3f}±{sed:.3f}")
        noise.append(f"| {k} | " + " | ".join(cells) + " |")
    picks = [
        "",
        "Final hyper-parameters (chosen by 4-fold CV on 0-47): target / strength / "
        "inner cv tau / largest normalized weights:",
        "",
        "| variant | criterion | target | strength | cv tau | largest weights |",
        "|---|---|---|---:|---:|---|",
    ]
    for k in VARIANTS:
        for c in STORY_CRITERIA:
            m, lam, t, top = chosen[k][c]
            picks.append(f"| {k} | {c} | {m} | {lam:g} | {t:.3f} | {top} |")
    text = "\n".join(lines + noise + picks) + "\n"
    print(text)
    head = (
        "# HANNA: a pairwise-ranking objective against ridge (benchmarks/hanna_rank.py)\n\n"
        "Cells: nested-CV tau inside prompts 0-47 / tau on prompts 48-95 (reported once). "
        "For length, ridge30 and ridge30+head the first figure is plain CV on the same "
        "folds (nothing is chosen inside them).\n\n"
    )
    (RESULTS / "hanna_rank.md").write_text(head + text)
    (RESULTS / "hanna_rank.json").write_text(
        json.dumps(
            {
                "cv": cv,
                "test": test,
                "chosen": chosen,
                "per_prompt": {k: {c: v.tolist() for c, v in pp[k].items()} for k in pp},
            },
            indent=1,
        )
    )
    print(f"done in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
