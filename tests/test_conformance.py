"""scripts/conformance.py is a gate: figures below the committed floors fail the run, and the
floors only go up. Uses a tiny fixture folder built here, so it runs without ../shared."""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "conformance.py"
THRESHOLDS = ROOT / "scripts" / "conformance-thresholds.toml"

spec = importlib.util.spec_from_file_location("conformance", SCRIPT)
assert spec is not None and spec.loader is not None
conformance = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conformance)

PASSES = """in: |
  INT. HOUSE - DAY

  She waits.
out:
  - .INT. HOUSE - DAY
  - '!She waits.'
"""
FAILS = """in: |
  She waits.
out:
  - '!Something else entirely.'
"""


@pytest.fixture
def tiny_shared(tmp_path: Path) -> Path:
    """A shared folder with one jouvence file: one case that passes, one that fails."""
    folder = tmp_path / "shared" / "fixtures" / "fountain" / "jouvence"
    folder.mkdir(parents=True)
    (folder / "test_tiny.yaml").write_text(f"{PASSES}---\n{FAILS}", encoding="utf-8")
    return tmp_path / "shared"


def _floors(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "floors.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_figure_below_its_floor_fails_the_run(tiny_shared, tmp_path, capsys):
    floors = _floors(tmp_path, "[pass_rate]\njouvence = 0.9\n")
    assert conformance.main(["conformance.py", str(tiny_shared), "--thresholds", str(floors)]) == 1
    out = capsys.readouterr().out
    assert "jouvence" in out and "1/2" in out
    assert "pass_rate.jouvence: 0.500 is below the floor 0.900" in out


def test_the_same_run_passes_at_a_reachable_floor(tiny_shared, tmp_path, capsys):
    floors = _floors(tmp_path, "[pass_rate]\njouvence = 0.5\n")
    assert conformance.main(["conformance.py", str(tiny_shared), "--thresholds", str(floors)]) == 0
    assert "all 1 floors reached" in capsys.readouterr().out


def test_a_floor_whose_fixtures_are_missing_fails(tiny_shared, tmp_path, capsys):
    floors = _floors(tmp_path, "[pass_rate]\njouvence = 0.5\nfdx = 1.0\n")
    assert conformance.main(["conformance.py", str(tiny_shared), "--thresholds", str(floors)]) == 1
    assert "pass_rate.fdx: not measured" in capsys.readouterr().out


def test_without_the_shared_folder_it_says_so_and_exits_0(tmp_path, capsys):
    assert conformance.main(["conformance.py", str(tmp_path / "absent")]) == 0
    out = capsys.readouterr().out
    assert "nothing measured" in out and "were not checked" in out


def test_check_compares_each_figure_with_its_floor():
    floors = {"pass_rate.a": 0.5, "pagination.lines": 1.0}
    assert conformance.check({"pass_rate.a": 0.5, "pagination.lines": 1.0}, floors) == []
    assert conformance.check({"pass_rate.a": 0.49, "pagination.lines": 1.0}, floors) == [
        "pass_rate.a: 0.490 is below the floor 0.500"
    ]


def test_pagination_figures_are_shares():
    refs = [
        {
            "pages": 9,
            "pages_expected": 9,
            "break_parity": 1.0,
            "first_lines_matched": 8,
            "first_lines_total": 8,
            "lines_matched": 240,
            "lines_total": 244,
        },
        {
            "pages": 4,
            "pages_expected": 5,
            "break_parity": 0.75,
            "first_lines_matched": 3,
            "first_lines_total": 4,
        },
    ]
    probes = [{"passed": True}, {"passed": False}]
    measured = conformance.figures({"pagination": {"references": refs, "probes": probes}})
    assert measured == {
        "pagination.page_counts": 0.5,
        "pagination.min_break_parity": 0.75,
        "pagination.min_first_lines": 0.75,
        "pagination.lines": 240 / 244,
        "pagination.probes": 0.5,
        "pagination.within_one_page": 1.0,
    }


def test_the_committed_floors_cover_every_suite():
    floors = conformance.load_thresholds(THRESHOLDS)
    assert all(0.0 < f <= 1.0 for f in floors.values())
    suites = {f"pass_rate.{name}" for name in conformance.SUITES if name != "pagination"}
    assert suites <= set(floors)
    assert {n for n in floors if n.startswith("pagination.")} == {
        "pagination.page_counts",
        "pagination.min_break_parity",
        "pagination.min_first_lines",
        "pagination.lines",
        "pagination.probes",
        "pagination.within_one_page",
    }


def test_floors_only_go_up(tmp_path):
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the floors' history cannot be read")
    relative = THRESHOLDS.relative_to(ROOT).as_posix()
    log = subprocess.run(
        [git, "log", "--format=%H", "--reverse", "--", relative],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    versions = []
    for commit in log:
        text = subprocess.run(
            [git, "show", f"{commit}:{relative}"], cwd=ROOT, capture_output=True, text=True
        ).stdout
        versions.append((commit[:10], conformance.load_thresholds(_floors(tmp_path, text))))
    versions.append(("working tree", conformance.load_thresholds(THRESHOLDS)))
    for (_, before), (name, after) in itertools.pairwise(versions):
        lowered = {k: (v, after.get(k)) for k, v in before.items() if after.get(k, -1.0) < v}
        assert not lowered, f"{name} lowers or drops floors (was, now): {lowered}"
