"""`writersroom revise`, `changes` and `check` end to end through the real CLI group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from writersroom.cli import cli
from writersroom.revise import load
from writersroom.screenplay import fdx, fountain

SCRIPT = (Path(__file__).parents[1] / "revise" / "rain.fountain").read_text(encoding="utf-8")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "rain.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".fountain", ".fdx", ".json"])
def test_revise_then_list_then_reject_all(source: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"rain2{suffix}"
    result = run("revise", str(source), "rename Joe to Joanna", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)["changes"]
    assert listed and all(set(c) == {"id", "scene", "op", "before", "after"} for c in listed)
    assert all(c["op"] == "rename_character" and "Joe" not in c["after"] for c in listed)
    assert source.read_text(encoding="utf-8") == SCRIPT  # input untouched
    again = run("changes", str(out), "--json")
    assert json.loads(again.stdout)["changes"] == listed
    back = tmp_path / f"rain3{suffix}"
    assert run("changes", str(out), "--reject-all", "--out", str(back)).exit_code == 0
    assert load(back).elements == fountain.parse(SCRIPT).elements


def test_accept_some_in_place_keeps_a_backup(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "rain2.fdx"
    run("revise", str(source), "make scene 2 happen at night", "--out", str(out))
    assert 'RevisionID="1"' in out.read_text(encoding="utf-8")
    [change] = json.loads(run("changes", str(out), "--json").stdout)["changes"]
    assert change["scene"] == 2 and change["after"] == "INT. DINER - NIGHT"
    result = run("changes", str(out), "--accept", change["id"])
    assert result.exit_code == 0 and (tmp_path / "rain2.fdx.~1~").exists()
    assert load(out).changes == () and fdx.parse(out.read_bytes()).revisions


def test_scope_and_usage_errors(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.fountain"
    result = run("revise", str(source), "rename Joe to Jim", "--scene", "2", "--out", str(out))
    assert result.exit_code == 0
    first = [c for c in load(out).changes if c.at < 5]
    assert first == []  # scene 1 untouched
    assert run("revise", str(source), "x", "--out", str(source)).exit_code == 1
    bad = run("changes", str(out), "--accept")
    assert bad.exit_code == 2 and "name the changes" in bad.output
    unknown = run("changes", str(out), "--reject", "7.7")
    assert unknown.exit_code == 1 and "no change 7.7" in unknown.output


def test_check_exits_1_with_findings_and_fix_proposes_changes(tmp_path: Path) -> None:
    scenes = [
        f"INT. BLOOM HOUSE - DAY\n\nEdward pours coffee.\n\nEDWARD\nMorning {n}.\n\nSANDRA\nYes."
        for n in range(5)
    ]
    scenes[3] = scenes[3].replace("BLOOM HOUSE", "BLOOM HOSUE")
    path = tmp_path / "b.fountain"
    path.write_text("\n\n".join(scenes) + "\n", encoding="utf-8")
    result = run("check", str(path), "--json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["kind"] == "place_spelling" and finding["scene"] == 4
    fixed = tmp_path / "b2.fountain"
    assert run("revise", str(path), "--fix", finding["id"], "--out", str(fixed)).exit_code == 0
    assert run("check", str(fixed)).exit_code == 0
    assert run("check", str(tmp_path / "b.fountain"), "--json").exit_code == 1


@pytest.mark.slow
def test_revise_on_the_real_default_model(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.fountain"
    result = run(
        "revise",
        str(source),
        "make the dialogue angrier",
        "--scene",
        "2",
        "--model",
        "default",
        "--json",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    doc, original = load(out), fountain.parse(SCRIPT)
    assert {c.op for c in doc.changes} == {"rewrite_dialogue"}
    assert doc.elements[:5] == original.elements[:5]  # scene 1 as it was
    speakers = [e.speaker for e in doc.elements if hasattr(e, "speaker")]
    assert speakers == [e.speaker for e in original.elements if hasattr(e, "speaker")]
