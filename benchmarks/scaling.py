"""Scaling benchmark: does the time to parse, paginate and print grow linearly with the text?

Run:  python benchmarks/scaling.py [--words 25000,50000,100000,200000,400000] [--shapes a,b]

Each shape is a Fountain text of a given number of words, built to hit one place where a parser
or a typesetter can go quadratic: one huge action paragraph (with and without sentence ends,
where pages may break), thousands of emphasis markers, unclosed `[[` and `/*`, one very long
speech, a speech of thousands of parentheticals, many scenes, a "word" of millions of letters
with no space, and thousands of blank and whitespace-only lines. For every size it times
`fountain.parse`, `paginate`, drawing the PDF of those pages (`pdf.render_pages`) and
`html.render`, once each (CPU seconds: the machine is shared), and prints the ratio of each
time to the time at half the size: about 2 means linear, about 4 quadratic. Results go to
benchmarks/results/scaling.md and are printed.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from writersroom.screenplay import fountain, html, pdf
from writersroom.screenplay.model import Screenplay
from writersroom.screenplay.paginate import Page, paginate

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "scaling.md"
SIZES = (25_000, 50_000, 100_000, 200_000, 400_000)
WORDS = [
    "the",
    "rain",
    "hammers",
    "on",
    "old",
    "roof",
    "while",
    "maya",
    "counts",
    "seconds",
    "between",
    "flash",
    "and",
    "thunder",
]


def _words(n: int, seed: int, every: int = 0, end: str = ".") -> list[str]:
    """`n` words; with `every`, a sentence ends after about that many words."""
    rng = random.Random(seed)
    out = [rng.choice(WORDS) for _ in range(n)]
    if every:
        for i in range(every, n, every):
            out[i] += end
    return out


def action_sentences(n: int) -> str:
    """One action paragraph of `n` words, a sentence every 12 words (where pages may break)."""
    return "INT. HOUSE - DAY\n\n" + " ".join(_words(n, 1, 12)) + ".\n"


def action_one_sentence(n: int) -> str:
    """One action paragraph of `n` words and no sentence end: broken at the foot of each page."""
    return "INT. HOUSE - DAY\n\n" + " ".join(_words(n, 2)) + "\n"


def emphasis(n: int) -> str:
    """One paragraph where every word carries an emphasis marker, most of them unmatched."""
    rng = random.Random(3)
    marks = ("*{}", "{}*", "**{}", "{}**", "_{}", "{}_", "***{}", "*{}*", "_{}_", "\\*{}", "{}")
    words = [rng.choice(marks).format(w) for w in _words(n, 3, 15)]
    return "INT. HOUSE - DAY\n\n" + " ".join(words) + "\n"


def unclosed(n: int) -> str:
    """One paragraph of unclosed `[[` notes and `/*` boneyards (and stray closers)."""
    rng = random.Random(4)
    marks = ("[[{}", "/*{}", "{}]]", "{}", "{}", "*/{}")
    words = [rng.choice(marks).format(w) for w in _words(n, 4, 10)]
    return "INT. HOUSE - DAY\n\n" + " ".join(words) + "\n"


def long_speech(n: int) -> str:
    """One character's speech of `n` words, a sentence every 12 words."""
    return "INT. HOUSE - DAY\n\nMAYA\n" + " ".join(_words(n, 5, 12)) + ".\n"


def parentheticals(n: int) -> str:
    """One speech of lines of 5 words, a parenthetical between every two of them."""
    words = _words(n, 6)
    lines = [" ".join(words[i : i + 5]) + "." for i in range(0, n, 5)]
    body = "\n(beat)\n".join(lines)
    return "INT. HOUSE - DAY\n\nMAYA\n" + body + "\n"


def many_scenes(n: int) -> str:
    """Scenes of about 60 words each: heading, action, two speeches, a transition."""
    words = _words(n, 7, 12)
    out = []
    for k, i in enumerate(range(0, n, 60)):
        chunk = words[i : i + 60]
        out += [
            f"{'INT' if k % 2 else 'EXT'}. PLACE {k} - {'DAY' if k % 3 else 'NIGHT'}",
            " ".join(chunk[:30]) + ".",
            f"MAYA{' ^' if k % 5 == 4 else ''}\n" + " ".join(chunk[30:40]) + ".",
            f"BEN\n(quietly)\n{' '.join(chunk[40:60])}.",
            "CUT TO:",
        ]
    return "\n\n".join(out) + "\n"


def no_spaces(n: int) -> str:
    """A single "word" as long as `n` words (6 letters each) with no space to break at."""
    rng = random.Random(8)
    return "INT. HOUSE - DAY\n\n" + "".join(rng.choice("abcdefgh") for _ in range(6 * n)) + "\n"


def blank_lines(n: int) -> str:
    """Short paragraphs between runs of blank and whitespace-only ("  ") lines."""
    words = _words(n, 9, 12)
    out = []
    for i in range(0, n, 5):
        out.append(" ".join(words[i : i + 5]))
        out.append("\n\n\n" if i % 10 else "\n  \n  \n  \n\n")
    return "".join(out) + "\n"


SHAPES: dict[str, Callable[[int], str]] = {
    "action-sentences": action_sentences,
    "action-one-sentence": action_one_sentence,
    "emphasis": emphasis,
    "unclosed": unclosed,
    "long-speech": long_speech,
    "parentheticals": parentheticals,
    "many-scenes": many_scenes,
    "no-spaces": no_spaces,
    "blank-lines": blank_lines,
}


def _cpu(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.process_time()
    value = fn()
    return time.process_time() - start, value


def _draw(pages: list[Page]) -> int:
    out = io.BytesIO()
    pdf.render_pages(pages, out)
    return len(out.getvalue())


def measure(text: str) -> dict[str, float]:
    """CPU seconds of each step for one text."""
    parse_s, doc = _cpu(lambda: fountain.parse(text))
    assert isinstance(doc, Screenplay)
    paginate_s, pages = _cpu(lambda: paginate(doc))
    assert isinstance(pages, list)
    pdf_s, _ = _cpu(lambda: _draw(pages))
    html_s, _ = _cpu(lambda: html.render(doc))
    return {
        "parse": parse_s,
        "paginate": paginate_s,
        "pdf": pdf_s,
        "html": html_s,
        "pages": len(pages),
    }


STEPS = ("parse", "paginate", "pdf", "html")


def _ratio(now: float, before: float | None) -> str:
    # Below 10 ms a ratio is noise.
    if before is None or before < 0.01 or now < 0.01:
        return "–"
    return f"{now / before:.1f}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", default=",".join(map(str, SIZES)))
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated names")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    sizes = [int(w) for w in args.words.split(",")]
    shapes = [s.strip() for s in args.shapes.split(",")]
    _draw([])  # font registration is once per process
    header = "| shape | words | pages | " + " | ".join(f"{s} s | ×" for s in STEPS) + " |"
    rows = [header, "|---|---:|---:|" + "---:|---:|" * len(STEPS)]
    print(header, flush=True)
    worst: dict[str, float] = {}
    started = time.perf_counter()
    for shape in shapes:
        before: dict[str, float] | None = None
        for size in sizes:
            figures = measure(SHAPES[shape](size))
            cells = []
            for step in STEPS:
                ratio = _ratio(figures[step], before[step] if before else None)
                if ratio != "–":
                    worst[step] = max(worst.get(step, 0.0), float(ratio))
                cells.append(f"{figures[step]:.3f} | {ratio}")
            row = f"| {shape} | {size:,} | {int(figures['pages']):,} | " + " | ".join(cells) + " |"
            rows.append(row)
            print(row, flush=True)
            before = figures
    wall = time.perf_counter() - started
    lines = [
        "# Scaling benchmark (benchmarks/scaling.py)",
        "",
        "CPU seconds of each step for growing inputs of each shape, one run each; × is the ratio",
        "to the time at half the size (about 2: linear; about 4: quadratic; – when either time",
        "is under 10 ms, where the ratio is noise). The PDF step draws already paginated pages",
        "(`pdf.render_pages`); `pdf.render` is paginate + draw.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f} at the end, "
        f"{wall:.0f} s wall in all.",
        "",
        *rows,
        "",
        "Largest ratio per doubling: "
        + ", ".join(f"{step} {worst[step]:.1f}" for step in STEPS if step in worst)
        + ".",
        "",
    ]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[-3:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
