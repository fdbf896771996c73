"""Assemble benchmarks/RESULTS.md from the per-area result files in benchmarks/results/.

    python benchmarks/assemble.py

Each benchmark script writes its own results/<area>.md; this joins them in a fixed order.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = [
    "formats",
    "pdf",
    "engine",
    "structured",
    "story",
    "evaluate",
    "hanna_rank",
    "hanna_judge",
    "train",
]

HEADER = """# Benchmark results

The latest results of every benchmark in this folder, assembled by `benchmarks/assemble.py`.
Each section says how it was produced. They were measured on a 2-core development machine that was
shared with other work at the time, so wall-clock figures are pessimistic; the scripts compare
side by side in one run and report ratios and CPU seconds where that matters.
"""


def main() -> None:
    parts = [HEADER]
    names = [n for n in ORDER if (HERE / "results" / f"{n}.md").exists()]
    names += sorted(p.stem for p in (HERE / "results").glob("*.md") if p.stem not in ORDER)
    for name in names:
        text = (HERE / "results" / f"{name}.md").read_text(encoding="utf-8").strip()
        # Demote the files' own headings by one level under this page's title.
        lines = ["#" + line if line.startswith("#") else line for line in text.splitlines()]
        parts.append("\n".join(lines))
    (HERE / "RESULTS.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
