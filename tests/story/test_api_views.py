"""The Python API mirrors the CLI: new, show, edit, regenerate, resume, export."""

import json

import pytest
from fakestory import StoryFake

from writersroom import story
from writersroom.errors import ProjectError


def test_api_round_trip(tmp_path):
    out = tmp_path / "p"
    events = []
    project = story.new(
        "A keeper guides a lost ship home.",
        out,
        backend=StoryFake(),
        scenes=2,
        characters=2,
        structure="freytag",
        listener=events.append,
    )
    assert len(project.bible().beats) == 7
    assert {e.kind for e in events} >= {"start", "delta", "done", "export"}
    overview = story.show(out)
    assert "drafts/2" in overview and "stale" not in overview
    assert story.show(out, "structure").startswith("1. Exposition:")
    assert json.loads(story.show(out, "scenes", as_json=True))[0]["number"] == 1
    assert json.loads(story.show(out, "history", as_json=True))[0]["key"] == "logline"
    stale = story.edit(out, "logline", text="A keeper guides a lost ship home at last.\n")
    assert stale == ["title", "characters", "beats", "locations", "scenes", "drafts/1", "drafts/2"]
    assert story.regenerate(out, backend=StoryFake(), stale=True)[:2] == ["title", "characters"]
    assert "stale" not in story.show(out)
    story.edit(out, "title", lock=True)
    with pytest.raises(ProjectError, match="title is locked"):
        story.edit(out, "title", text="Another\n")
    assert story.export(out, tmp_path / "x.fountain").read_text().startswith("Title:")


def test_partial_export_and_empty_logline(tmp_path):
    with pytest.raises(ProjectError, match="logline is empty"):
        story.new("  ", tmp_path / "e", backend=StoryFake())
    broken = StoryFake(fail_after=6)
    with pytest.raises(Exception, match="server went away"):
        story.new("A keeper guides a ship.", tmp_path / "p", backend=broken, scenes=2)
    with pytest.raises(ProjectError, match="not drafted yet"):
        story.export(tmp_path / "p", tmp_path / "x.fountain")
    partial = story.export(tmp_path / "p", tmp_path / "x.fountain", partial=True).read_text()
    assert partial.count("[[In scene") == 2  # undrafted scenes show their summary as a note
    story.resume(tmp_path / "p", backend=StoryFake())
    assert (tmp_path / "p" / "screenplay.fdx").exists()
