"""PDF benchmark: pagination, PDF export and PDF import, side by side in one run.

Run:  python benchmarks/pdf.py [SHARED_DIR]        (default: ../shared next to the repository)

Uses Big Fish (the Final Draft reference script, 128 pages with its title page) from the shared
fixtures, and Final Draft's own PDF of it for the import row; without ../shared it says so and
times a generated 120-page script instead. screenplain's PDF export of the same script is timed
alongside when screenplain is installed (benchmark-only: pip install screenplain).

Each row is the best of several runs; CPU seconds are reported next to wall seconds because the
machine is shared. Results go to benchmarks/results/pdf.md and are printed.
"""

from __future__ import annotations

import io
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

from writersroom.screenplay import fountain, pdf, pdf_import
from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.model import Action, Dialogue, SceneHeading, Screenplay
from writersroom.screenplay.paginate import paginate

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "pdf.md"
BIG_FISH = "fixtures/jumpcut-final-draft/corpus/big-fish"


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) over `runs` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu)


def generated_script(pages: int = 120) -> Screenplay:
    """A stand-in when ../shared is missing: scenes of action and dialogue, ~`pages` pages."""
    elements: list[object] = []
    for n in range(pages * 3):
        elements += [
            SceneHeading(f"INT. ROOM {n} - DAY"),
            Action(
                "Rain hammers the window. Maya paces, counting the seconds "
                "between the flashes and the thunder that follows them."
            ),
            Dialogue("MAYA", ("It is getting closer. Every time, closer.",)),
            Dialogue(
                "BEN",
                (
                    "Sit down. Please. You are making me nervous, and "
                    "the storm does not care how fast you walk.",
                ),
            ),
        ]
    return Screenplay(elements=tuple(elements))  # type: ignore[arg-type]


def render_bytes(doc: Screenplay) -> bytes:
    out = io.BytesIO()
    pdf.render(doc, out)
    return out.getvalue()


def main(argv: list[str]) -> int:
    shared = Path(argv[0]) if argv else ROOT.parent / "shared"
    source = shared / BIG_FISH / "source" / "source.fountain"
    notes = []
    if source.exists():
        text = source.read_text(encoding="utf-8")
        doc = fountain.parse(text)
        name = "Big Fish (Final Draft reference source)"
        final_draft_pdf = (shared / BIG_FISH / "source" / "source.pdf").read_bytes()
    else:
        text, doc, final_draft_pdf = None, generated_script(), None
        name = "generated 120-page script"
        notes.append(
            f"{shared} not found: timed a generated script; no screenplain or Final Draft rows."
        )
    pages = len(paginate(doc))
    ours = render_bytes(doc)
    rows: list[tuple[str, float, float, str]] = []

    def row(label: str, fn: Callable[[], object], runs: int, extra: str = "") -> None:
        wall, cpu = timed(fn, runs)
        rows.append((label, wall, cpu, extra))
        print(f"{label:58} {wall:7.3f} s wall {cpu:7.3f} s CPU {extra}", flush=True)

    render_bytes(Screenplay())  # font registration is once per process
    row("paginate (pure Python)", lambda: paginate(doc), 5)
    row(
        "PDF export, Courier Prime embedded (paginate + draw)",
        lambda: render_bytes(doc),
        5,
        f"{len(ours) / 1e3:.0f} kB",
    )
    base14 = PageLayout(font="Courier")
    row(
        "PDF export, base-14 Courier (no font embedding)",
        lambda: pdf.render(doc, io.BytesIO(), base14),
        5,
    )
    if text is not None:
        try:
            from screenplain.export.pdf import to_pdf
            from screenplain.parsers import fountain as screenplain_fountain

            screenplay = screenplain_fountain.parse(io.StringIO(text))
            row(
                "screenplain 0.12 PDF export (same script, its own layout)",
                lambda: to_pdf(screenplay, io.BytesIO()),
                3,
            )
        except ImportError:
            notes.append("screenplain not installed: pip install screenplain")
    row(
        "PDF import of our PDF (PDFium text layer + classification)",
        lambda: pdf_import.parse(ours),
        3,
    )
    if final_draft_pdf is not None:
        row(
            "PDF import of Final Draft 11's PDF of the same script",
            lambda: pdf_import.parse(final_draft_pdf),
            3,
        )

    export = rows[1][1]
    lines = [
        "# PDF benchmark (benchmarks/pdf.py)",
        "",
        f"Script: {name}, {pages} pages as we paginate it. Machine: {platform.machine()}, "
        f"Python {platform.python_version()}, 2 cores shared with other jobs (load average "
        f"{os.getloadavg()[0]:.1f} at the end of the run, so wall time is inflated; CPU time is "
        "the steadier figure); best of several runs.",
        "",
        "| step | wall s | CPU s | notes |",
        "|---|---:|---:|---|",
        *(f"| {label} | {wall:.3f} | {cpu:.3f} | {extra} |" for label, wall, cpu, extra in rows),
        "",
        f"Goal: a 120-page PDF in under 1 s. Measured: {pages} pages in {export:.2f} s wall, "
        f"{rows[1][2]:.2f} s CPU ({pages / export:.0f} pages/s): "
        f"{'met' if export < 1 else 'NOT met'}.",
        *(f"\n{note}" for note in notes),
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
