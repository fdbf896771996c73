"""The story commands end to end through click, with a scripted model behind the backend seam
(the real-model runs are in tests/story/test_e2e_real.py)."""

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from writersroom.cli import cli
from writersroom.screenplay import fountain
from writersroom.screenplay.model import SceneHeading


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


StoryFake = _load(Path(__file__).parents[1] / "story" / "fakestory.py").StoryFake
LOGLINE = "A retired lighthouse keeper must guide a lost ship home through a storm."


@pytest.fixture
def model(monkeypatch):
    fake = StoryFake()
    monkeypatch.setattr("writersroom.cli.story.open_backend", lambda *args: fake)
    return fake


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def project(tmp_path, runner, model):
    out = tmp_path / "lighthouse"
    result = runner.invoke(
        cli,
        [
            "new",
            LOGLINE,
            "--out",
            str(out),
            "--scenes",
            "3",
            "--characters",
            "3",
            "--structure",
            "custom:Start,Middle,End",
            "--seed",
            "5",
            "--no-stream",
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_new_writes_the_screenplay_and_reports_progress(project, runner):
    assert (project / "screenplay.pdf").exists() and (project / "screenplay.fdx").exists()
    doc = fountain.parse((project / "screenplay.fountain").read_text(encoding="utf-8"))
    assert sum(isinstance(e, SceneHeading) for e in doc.elements) == 3
    result = runner.invoke(cli, ["show", str(project)])
    assert result.exit_code == 0
    assert "drafts/3" in result.output and "missing" not in result.output


def test_new_streams_a_preview_to_stderr(tmp_path, model):
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "new",
            LOGLINE,
            "--out",
            str(tmp_path / "p"),
            "--scenes",
            "1",
            "--characters",
            "2",
            "--structure",
            "custom:Start,End",
        ],
    )
    assert result.exit_code == 0
    assert result.stdout.strip() == str(tmp_path / "p" / "screenplay.fountain")
    assert "Title: The Last Light" in result.stderr  # streamed model text
    assert "drafts/1 done" in result.stderr and "Wind howls" in result.stderr
    assert "wrote" in result.stderr


def test_new_refuses_a_used_directory(project, runner):
    result = runner.invoke(cli, ["new", LOGLINE, "--out", str(project)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "not empty" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_show_levels_json_and_history(project, runner):
    result = runner.invoke(cli, ["show", str(project), "characters"])
    assert "role: protagonist" in result.output
    result = runner.invoke(cli, ["show", str(project), "drafts", "2"])
    assert result.output.startswith(("INT.", "EXT."))
    data = json.loads(runner.invoke(cli, ["show", str(project), "--json"]).output)
    assert {d["key"] for d in data} >= {"title", "scenes", "drafts/1"}
    history = runner.invoke(cli, ["show", str(project), "history"]).output
    assert "human (new)" in history and "model story-fake seed" in history


def test_edit_from_editor_records_a_human_edit_and_stales_downstream(project, runner, monkeypatch):
    monkeypatch.setenv("EDITOR", "sed -i s/Start/Opening/")
    result = runner.invoke(cli, ["edit", str(project), "beats", "1"])
    assert result.exit_code == 0, result.output
    assert "stale now: locations, scenes" in result.output
    beats = json.loads((project / "beats.json").read_text())
    assert beats[0]["name"] == "Opening"
    history = runner.invoke(cli, ["show", str(project), "history", "beats"]).output
    assert history.strip().splitlines()[-1].endswith("human (edit)")


def test_bad_edit_is_refused_and_the_text_kept(project, runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"number": 1, "name": "Start", "summary": ""}')
    before = (project / "beats.json").read_text()
    result = runner.invoke(cli, ["edit", str(project), "beats", "1", "--from-file", str(bad)])
    assert result.exit_code == 1
    assert "beats: summary: String should have at least 1 character" in result.output
    assert (project / "beats.json").read_text() == before
    kept = list((project / "edits").iterdir())
    assert len(kept) == 1 and kept[0].read_text() == bad.read_text()


def test_lock_regenerate_stale_and_resume(project, runner, tmp_path, model):
    assert runner.invoke(cli, ["edit", str(project), "drafts", "2", "--lock"]).exit_code == 0
    result = runner.invoke(cli, ["regenerate", str(project), "drafts", "2"])
    assert result.exit_code == 1 and "drafts 2 is locked" in result.output
    locked_before = (project / "drafts" / "002.json").read_text()
    places = json.loads((project / "locations.json").read_text())
    edited = tmp_path / "places.json"
    edited.write_text(json.dumps([{**p, "description": "now flooded"} for p in places]))
    result = runner.invoke(cli, ["edit", str(project), "locations", "--from-file", str(edited)])
    assert "stale now: scenes, drafts/1, drafts/2, drafts/3" in result.stdout
    result = runner.invoke(cli, ["regenerate", str(project), "--stale", "--no-stream"])
    assert result.exit_code == 0
    assert result.stdout.startswith("regenerated: scenes, drafts/1, drafts/3")
    assert "drafts/2: stale but locked" in result.stderr
    assert (project / "drafts" / "002.json").read_text() == locked_before
    result = runner.invoke(cli, ["resume", str(project), "--no-stream"])
    assert result.exit_code == 0
    assert runner.invoke(cli, ["regenerate", str(project)]).exit_code == 2


def test_resume_and_export_errors_are_one_line(tmp_path, runner, model):
    result = runner.invoke(cli, ["resume", str(tmp_path)])
    assert result.exit_code == 1 and "is not a story project" in result.output
    result = runner.invoke(cli, ["show", str(tmp_path / "nope")])
    assert result.exit_code == 1


def test_export_by_extension_with_backup(project, runner, tmp_path):
    out = tmp_path / "draft.fdx"
    assert runner.invoke(cli, ["export", str(project), str(out)]).exit_code == 0
    assert b"<FinalDraft" in out.read_bytes()
    out.write_text("mine")
    assert runner.invoke(cli, ["export", str(project), str(out)]).exit_code == 0
    assert (tmp_path / "draft.fdx.~1~").read_text() == "mine"
    result = runner.invoke(cli, ["export", str(project), str(tmp_path / "x.doc")])
    assert result.exit_code == 1


def test_takes_and_scorers(tmp_path, runner, model):
    from writersroom.cli.story import pick_scorer
    from writersroom.evaluate import score_texts
    from writersroom.story.scoring import simple_score

    assert pick_scorer("evaluate") is score_texts and pick_scorer("simple") is simple_score
    out = tmp_path / "p"
    result = runner.invoke(
        cli,
        [
            "new",
            LOGLINE,
            "--out",
            str(out),
            "--scenes",
            "1",
            "--takes",
            "3",
            "--structure",
            "custom:A,B",
            "--no-stream",
        ],
    )
    assert result.exit_code == 0, result.output
    assert model.asked("Write the scene.") == 3  # three takes of the one scene
    assert (
        runner.invoke(
            cli, ["new", LOGLINE, "--out", str(tmp_path / "q"), "--scorer", "best"]
        ).exit_code
        == 2
    )
