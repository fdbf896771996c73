"""Style benchmark: do pages written with `--style` read like their target author?

Run:  .venv/bin/python benchmarks/style.py [--prompts 4] [--lines 8]

Five playwrights from ../shared/corpora/gutenberg-plays. For each, a style profile is learned
from their plays (`style.learn_style`). The same prompts (a situation and two characters with
neutral names) are written as a page of dialogue by the default model without a style (the
baseline, shared by all authors) and with each author's style (the style's habits in the system
prompt and the two reference passages nearest the situation as worked examples). Every page is
attributed by Burrows' Delta among the five authors (`style.attribute`: function-word
frequencies z-scored over the five profiles). Goal: at least 60% of the styled pages attributed
to their target author (chance 20%). Also reported: how many styled pages copy a run of 8+ words
from the reference passages in their prompt. Results: benchmarks/results/style.md, style.json.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from writersroom.config import load_settings
from writersroom.llm.registry import get_backend
from writersroom.voice.cast import Cast
from writersroom.voice.dialogue import Spec, write_many
from writersroom.voice.style import Style, attribute, learn_style
from writersroom.voice.stylometry import words

ROOT = Path(__file__).resolve().parents[1]
PLAYS = ROOT.parent / "shared" / "corpora" / "gutenberg-plays"
RESULTS = ROOT / "benchmarks" / "results"
AUTHORS = {
    "Wilde": ["844", "790", "885"],
    "Shaw": ["3618", "4023", "3825"],
    "Ibsen": ["2446", "8121", "4093"],
    "Chekhov": ["1754", "1756"],
    "Congreve": ["1292"],
}
PROMPTS = [
    ("MARGARET", "HENRY", "Margaret tells Henry she has sold the family house without asking him."),
    ("CLARA", "ARTHUR", "Arthur asks Clara to marry him; she laughs and changes the subject."),
    ("EDITH", "WALTER", "Walter comes home late and Edith asks where he has been all evening."),
    ("LUCY", "ROBERT", "Robert confesses he has lost all their money at cards."),
    ("ALICE", "GEORGE", "Alice and George wait for a guest who is very late for dinner."),
    ("HELEN", "JAMES", "James wants to leave for the city; Helen begs him to stay one more day."),
]
COPY_WORDS = 8


def copied(page: str, passages: list[str]) -> bool:
    mine = words(page)
    grams = {tuple(mine[i : i + COPY_WORDS]) for i in range(len(mine) - COPY_WORDS + 1)}
    for p in passages:
        w = words(p)
        if grams & {tuple(w[i : i + COPY_WORDS]) for i in range(len(w) - COPY_WORDS + 1)}:
            return True
    return False


def page_of(exchange_text: str) -> str:
    return " ".join(line for line in exchange_text.splitlines() if line and not line.isupper())


def run(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    styles: dict[str, Style] = {
        name: learn_style([PLAYS / f"pg{i}.txt" for i in ids], name=name)
        for name, ids in AUTHORS.items()
    }
    backend = get_backend("default", load_settings())  # cached: an interrupted run resumes
    prompts = PROMPTS[: args.prompts]
    empty = Cast(())

    def specs(style: Style | None) -> list[Spec]:
        return [
            Spec.make(empty, [a, b], situation, lines=args.lines, style=style, seed=args.seed + k)
            for k, (a, b, situation) in enumerate(prompts)
        ]

    jobs = [(None, s) for s in specs(None)]
    for name, style in styles.items():
        jobs += [(name, s) for s in specs(style)]
    t0 = time.perf_counter()
    exchanges = write_many([s for _, s in jobs], backend, strategy="exchange")
    generation = time.perf_counter() - t0
    rows = []
    for (target, spec), ex in zip(jobs, exchanges, strict=True):
        page = page_of(ex.fountain())
        ranking = attribute(page, styles)
        rows.append(
            {
                "target": target,
                "situation": spec.situation,
                "attributed": ranking[0][0],
                "deltas": {k: round(v, 3) for k, v in ranking},
                "words": len(page.split()),
                "copied": bool(target) and copied(page, list(styles[target].exemplars)),
                "page": ex.fountain(),
            }
        )
    return {
        "authors": {k: [f"pg{i}" for i in v] for k, v in AUTHORS.items()},
        "rows": rows,
        "generation_seconds": round(generation),
        "seconds": round(time.perf_counter() - started),
    }


def write(report: dict, args: argparse.Namespace) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "style.json").write_text(json.dumps(report, indent=1) + "\n")
    rows = report["rows"]
    styled = [r for r in rows if r["target"]]
    plain = [r for r in rows if not r["target"]]
    hits = sum(r["attributed"] == r["target"] for r in styled)
    plain_to = Counter(r["attributed"] for r in plain)
    lines = [
        "# Style: are pages written with --style attributed to their author?",
        "",
        "Model: the bundled SmolLM2-135M-Instruct (Q8_0 copy, llama.cpp); `exchange` strategy; "
        f"{len(plain)} prompts × {args.lines} lines, seed {args.seed}. Authors and references: "
        + "; ".join(f"{k} ({', '.join(v)})" for k, v in report["authors"].items())
        + f". Wall time {report['seconds']} s ({report['generation_seconds']} s generating) on 2 "
        "CPU cores shared with other work.",
        "",
        f"**Styled pages attributed to their target author: {hits}/{len(styled)} = "
        f"{hits / max(len(styled), 1):.0%}** (goal ≥ 60%, chance 20%).",
        "",
        "| target | attributed to target | mean words/page | copied 8+ words of a passage |",
        "|---|---|---|---|",
    ]
    for name in report["authors"]:
        mine = [r for r in styled if r["target"] == name]
        ok = sum(r["attributed"] == name for r in mine)
        lines.append(
            f"| {name} | {ok}/{len(mine)} | "
            f"{sum(r['words'] for r in mine) / max(len(mine), 1):.0f} | "
            f"{sum(r['copied'] for r in mine)}/{len(mine)} |"
        )
    lines += [
        "",
        f"Unstyled baseline: the {len(plain)} pages written without a style are attributed to "
        + ", ".join(f"{k} {v}" for k, v in plain_to.most_common())
        + f"; so for a target author the baseline rate is {1 / len(report['authors']):.0%} on "
        "average (each unstyled page counts for the author it is attributed to).",
        "",
        "The adapter variant (`style learn --adapter`, a LoRA per author) was not run here: five "
        "LoRA trainings do not fit the CPU budget of this machine; see docs/voices.md.",
        "",
    ]
    (RESULTS / "style.md").write_text("\n".join(lines))
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prompts", type=int, default=4)
    parser.add_argument("--lines", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(run(args), args)


if __name__ == "__main__":
    main()
