"""Format benchmark: Fountain parsing and PDF export, side by side with screenplain and fountain-py.

Run:  python benchmarks/formats.py [SHARED_DIR]      (default: ../shared next to the repository)
Needs the shared fixtures (Big Fish and friends) and, for the comparison, the benchmark-only
packages: pip install screenplain fountain-py   (the `fountain` package on PyPI does not import
on Python 3.11, so fountain-py stands in for it).

* parse: one ~5 MB Fountain file made by concatenating the shared Fountain scripts, parsed by
  each library in this process, best of several runs (CPU time, so other load matters less);
* PDF: Big Fish (the jumpcut Final Draft reference source) to PDF with ours and screenplain's.
Results go to benchmarks/results/formats.md and are printed.
"""

from __future__ import annotations

import io
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from writersroom.screenplay import fountain

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "formats.md"
TARGET_BYTES = 5 * 1024 * 1024


def corpus(shared: Path) -> str:
    """About 5 MB of Fountain: the shared scripts, repeated, separated by page breaks."""
    sources = sorted((shared / "fixtures/fountain").rglob("*.fountain"))
    sources += sorted((shared / "fixtures/jumpcut-final-draft/corpus").rglob("source.fountain"))
    texts = [p.read_bytes().decode("utf-8-sig").replace("\r\n", "\n") for p in sources]
    body = "\n\n===\n\n".join(texts)
    copies = max(1, TARGET_BYTES // len(body.encode("utf-8")) + 1)
    return "\n\n===\n\n".join([body] * copies)


def best(fn: Callable[[], object], runs: int) -> float:
    """Best CPU seconds over `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def parsers() -> dict[str, Callable[[str], object] | str]:
    out: dict[str, Callable[[str], object] | str] = {"writersroom": fountain.parse}
    try:
        from screenplain.parsers import fountain as screenplain_fountain

        out["screenplain"] = lambda text: screenplain_fountain.parse(io.StringIO(text))
    except ImportError:
        out["screenplain"] = "not installed (pip install screenplain)"
    try:
        from fountain import FountainParser

        out["fountain-py"] = lambda text: FountainParser().parse(text)
    except ImportError:
        out["fountain-py"] = "not installed (pip install fountain-py)"
    return out


def pdf_writers(tmp: Path) -> dict[str, Callable[[str], object] | str]:
    from writersroom.screenplay import pdf

    def ours(text: str) -> object:
        with open(tmp / "ours.pdf", "wb") as out:
            pdf.render(fountain.parse(text), out)
        return None

    out: dict[str, Callable[[str], object] | str] = {"writersroom": ours}
    try:
        from screenplain.export.pdf import to_pdf
        from screenplain.parsers import fountain as screenplain_fountain

        def theirs(text: str) -> object:
            to_pdf(screenplain_fountain.parse(io.StringIO(text)), str(tmp / "screenplain.pdf"))
            return None

        out["screenplain"] = theirs
    except ImportError:
        out["screenplain"] = "not installed (pip install screenplain)"
    return out


def pages(path: Path) -> int | None:
    try:
        import pdfplumber
    except ImportError:
        return None
    with pdfplumber.open(path) as doc:
        return len(doc.pages)


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared"
    if not (shared / "fixtures").is_dir():
        print(f"formats benchmark: no fixtures at {shared}/fixtures; nothing to measure")
        return 0
    text = corpus(shared)
    size_mb = len(text.encode("utf-8")) / 1e6
    lines = [
        "# Formats benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the start, Python {platform.python_version()}; CPU seconds, "
        "best of 3 (parse) / 5 (PDF), all in one process, one run of "
        "`python benchmarks/formats.py`.",
        "",
        f"## Fountain parse ({size_mb:.1f} MB: the shared Fountain scripts concatenated)",
        "",
        "| parser | seconds | MB/s | vs screenplain |",
        "|---|---:|---:|---:|",
    ]
    timings: dict[str, float] = {}
    for name, parse in parsers().items():
        if isinstance(parse, str):
            lines.append(f"| {name} | {parse} | | |")
            continue
        timings[name] = best(lambda parse=parse: parse(text), 3)
    base = timings.get("screenplain")
    for name, seconds in timings.items():
        ratio = f"{base / seconds:.1f}x" if base else "-"
        lines.append(f"| {name} | {seconds:.2f} | {size_mb / seconds:.1f} | {ratio} |")

    big_fish = shared / "fixtures/jumpcut-final-draft/corpus/big-fish/source/source.fountain"
    script = big_fish.read_bytes().decode("utf-8-sig")
    lines += [
        "",
        "## PDF of Big Fish (Final Draft 11 prints 128 pages)",
        "",
        "| writer | seconds | pages |",
        "|---|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for name, write in pdf_writers(tmp).items():
            if isinstance(write, str):
                lines.append(f"| {name} | {write} | |")
                continue
            seconds = best(lambda write=write: write(script), 5)
            produced = tmp / ("ours.pdf" if name == "writersroom" else "screenplain.pdf")
            lines.append(f"| {name} | {seconds:.2f} | {pages(produced)} |")
    lines += ["", "PDF time includes parsing the Fountain source.", ""]
    report = "\n".join(lines)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
