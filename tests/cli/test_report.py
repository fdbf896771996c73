"""`writersroom report` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from writersroom.cli import cli

SCRIPT = """Title: Two Rooms

INT. KITCHEN - NIGHT #1#

MARA
Where were you?

JON
[bold]Out.[/bold]

EXT. YARD - DAY #2#

MARA
Fine.
"""


def test_report_tables(tmp_path: Path) -> None:
    path = tmp_path / "s.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    out = result.stdout
    summary = "Two Rooms: 1 pages (2 with the title page), about 1 minutes, 2 scenes, "
    assert out.splitlines()[0] == summary + "2 speaking characters"
    assert "INT. KITCHEN - NIGHT" in out and "EXT. YARD - DAY" in out
    assert "MARA" in out and "KITCHEN" in out and "INT/EXT: INT" in out


def test_report_json(tmp_path: Path) -> None:
    path = tmp_path / "s.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(path), "--json"], catch_exceptions=False)
    data = json.loads(result.stdout)
    assert data["pages"] == 1 and data["runtime_minutes"] == 1
    assert [(s["number"], s["page"], s["length"]) for s in data["scenes"]] == [
        ("1", 1, "1/8"),
        ("2", 1, "1/8"),
    ]
    assert data["characters"][0] == {"name": "MARA", "lines": 2, "words": 4, "scenes": 2}
    assert data["breakdown"]["day_night"] == {"NIGHT": 1, "DAY": 1}


def test_report_error_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", str(tmp_path / "none.fdx")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'none.fdx'}: no such file"
