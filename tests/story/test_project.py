import json

import pytest

from writersroom.errors import ProjectError
from writersroom.story.project import Project, digest, level_of
from writersroom.story.types import Title


def test_create_writes_readable_files_and_history(make_project):
    project = make_project()
    root = project.root
    assert json.loads((root / "logline.json").read_text())["text"].startswith("A retired")
    assert [e["key"] for e in project.history()] == ["logline", "structure"]
    assert project.history("logline")[0]["origin"] == {"kind": "human", "via": "new"}
    with pytest.raises(ProjectError, match="not empty"):
        make_project()


def test_open_refuses_what_is_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match="not a story project"):
        Project.open(tmp_path)


def test_commit_records_value_origin_and_inputs(make_project):
    project = make_project()
    origin = {"kind": "model", "model": "m", "calls": [{"seed": 7}]}
    project.commit("title", Title(text="Last Light"), origin, inputs={"logline": "abc"})
    again = Project.open(project.root)
    assert again.read("title") == Title(text="Last Light")
    info = again.info("title")
    assert info["origin"] == origin and info["inputs"] == {"logline": "abc"}
    assert info["hash"] == digest(Title(text="Last Light"))
    assert again.history("title")[-1]["value"] == {"text": "Last Light"}


def test_sync_finishes_an_interrupted_commit(make_project):
    project = make_project()
    state = (project.root / "state.json").read_text()
    project.commit("title", Title(text="Cut Short"), {"kind": "model"}, inputs={})
    (project.root / "state.json").write_text(state)  # as if killed before state.json
    again = Project.open(project.root)
    assert again.sync() == []  # not mistaken for a human edit
    assert again.info("title")["origin"] == {"kind": "model"}
    assert len(again.history("title")) == 1


def test_sync_records_hand_edits_and_forgets_deleted_files(make_project):
    project = make_project()
    project.commit("title", Title(text="Old"), {"kind": "model"}, inputs={"logline": "x"})
    (project.root / "title.json").write_text('{"text": "New By Hand"}\n')
    again = Project.open(project.root)
    assert again.sync() == ["title"]
    assert again.info("title")["origin"] == {"kind": "human", "via": "file"}
    assert again.info("title")["inputs"] == {"logline": "x"}
    assert [e["value"]["text"] for e in again.history("title")] == ["Old", "New By Hand"]
    (project.root / "title.json").unlink()
    again.sync()
    assert again.read("title") is None and again.info("title") == {}


def test_bad_files_give_one_line_errors(make_project):
    project = make_project()
    (project.root / "characters.json").write_text("[{")
    with pytest.raises(ProjectError, match=r"characters\.json: not valid JSON"):
        project.bible()
    (project.root / "characters.json").write_text('[{"role": "x"}]')
    with pytest.raises(ProjectError, match=r"characters\.json: 0\.name: Field required"):
        project.bible()


def test_locks_and_levels(make_project):
    project = make_project()
    project.set_lock("characters/MAYA TORRES", True)
    assert project.is_locked("characters", "MAYA TORRES")
    assert not project.is_locked("characters", "ELIAS CRANE")
    project.set_lock("drafts/2", True)
    assert project.is_locked("drafts/2") and not project.is_locked("drafts/3")
    assert Project.open(project.root).locks == {"characters/MAYA TORRES", "drafts/2"}
    assert level_of("Scene") == "scenes" and level_of("draft") == "drafts"
    with pytest.raises(ProjectError, match="unknown level"):
        level_of("music")


def test_a_new_project_cut_short_is_started_again(make_project, tmp_path):
    root = make_project().root
    (root / "project.json").unlink()  # killed before the last file of `new`
    (root / ".title.json.1234.tmp").write_text("{")
    project = make_project()
    assert [e["n"] for e in project.history()] == [1, 2]
    assert not (root / ".title.json.1234.tmp").exists()
    (root / "project.json").unlink()
    (root / "notes.txt").write_text("mine")
    with pytest.raises(ProjectError, match="not empty"):
        make_project()
