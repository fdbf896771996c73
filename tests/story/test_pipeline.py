"""Orchestration with a scripted model: order, saving, resume, staleness, locks, edits."""

import json

import pytest
from fakestory import StoryFake

from writersroom.errors import BackendUnavailable, GenerationError, ProjectError
from writersroom.screenplay import fountain
from writersroom.screenplay.model import Dialogue, SceneHeading
from writersroom.story import editing
from writersroom.story.deps import statuses
from writersroom.story.pipeline import develop, regenerate
from writersroom.story.project import Project


def stale_keys(project):
    return [s.key for s in statuses(project) if s.stale]


def test_develop_makes_every_level_and_writes_the_screenplay(make_project, fake):
    project = make_project(scenes=3)
    events = []
    bible = develop(project, fake, listener=events.append)
    assert bible.title.text.startswith("The Last Light")
    assert len(bible.characters) == 3 and len(bible.beats) == 3
    assert [s.number for s in bible.scenes] == [1, 2, 3]
    assert sorted(bible.drafts) == [1, 2, 3]
    doc = fountain.parse((project.root / "screenplay.fountain").read_text(encoding="utf-8"))
    headings = [e.text for e in doc.elements if isinstance(e, SceneHeading)]
    assert headings == [s.heading for s in bible.scenes]
    speakers = {e.speaker for e in doc.elements if isinstance(e, Dialogue)}
    assert speakers <= set(bible.cues)
    assert doc.title == bible.title.text
    assert (project.root / "screenplay.pdf").read_bytes().startswith(b"%PDF")
    assert b"<FinalDraft" in (project.root / "screenplay.fdx").read_bytes()
    assert [e.key for e in events if e.kind == "done"][:5] == [
        "title",
        "characters",
        "beats",
        "locations",
        "scenes",
    ]
    assert stale_keys(project) == []
    # provenance: every generated item names the model, its seeds, prompts and raw output
    origin = project.info("drafts/2")["origin"]
    assert origin["model"] == "story-fake" and origin["calls"][0]["seed"] is not None
    assert origin["calls"][0]["messages"][-1]["content"].endswith("Write the scene.")
    assert "Wind howls" in origin["calls"][0]["raw"]


def test_scenes_are_drafted_in_one_wave_and_the_previous_ending_is_passed_on(make_project):
    fake = StoryFake()
    develop(make_project(scenes=3), fake)
    drafts = [r for r in fake.requests if "Write the scene." in r.messages[-1].content]
    assert len(drafts) == 3
    assert not any("previous scene ended" in r.messages[-1].content for r in drafts)
    sequential = StoryFake()
    develop(make_project("seq", scenes=3, concurrency=1), sequential)
    drafts = [r for r in sequential.requests if "Write the scene." in r.messages[-1].content]
    assert ["previous scene ended" in r.messages[-1].content for r in drafts] == [False, True, True]


def test_a_run_that_dies_midway_resumes_without_redoing_or_touching_edits(make_project):
    project = make_project(scenes=3)
    broken = StoryFake(fail_after=4)  # title, characters, beats, locations; then the server dies
    with pytest.raises(BackendUnavailable):
        develop(project, broken)
    assert project.read("locations") is not None and project.read("scenes") is None
    editing.apply_edit(project, "title", None, "My Own Title\n")
    fresh = StoryFake()
    bible = develop(Project.open(project.root), fresh)
    assert fresh.asked("memorable title") == 0 and fresh.asked("Create the main") == 0
    assert fresh.asked("Tell the story") == 0 and fresh.asked("places where") == 0
    assert fresh.asked("Plan scene") == 3 and fresh.asked("Write the scene.") == 3
    assert bible.title.text == "My Own Title"
    assert project.history("title")[-1]["origin"] == {"kind": "human", "via": "edit"}
    again = StoryFake()
    develop(Project.open(project.root), again)  # nothing left to do
    assert again.requests == []


def test_drafts_are_saved_wave_by_wave(make_project):
    project = make_project(scenes=4, concurrency=2)
    calls_before_drafts = 4 + 4  # title, cast, beats, locations, 4 scene plans
    with pytest.raises(BackendUnavailable):
        develop(project, StoryFake(fail_after=calls_before_drafts + 2))
    assert project.draft_numbers() == [1, 2]
    fresh = StoryFake()
    develop(Project.open(project.root), fresh)
    assert fresh.asked("Write the scene.") == 2


def test_editing_a_character_stales_only_what_depends_on_it(make_project, fake):
    project = make_project(scenes=3)
    bible = develop(project, fake)
    cue = bible.characters[0].cue
    with_cue = [s.number for s in bible.scenes if cue in s.characters]
    assert with_cue == [1, 3]
    text, _ = editing.edit_text(project, "characters", cue)
    data = json.loads(text)
    data["want"] = "to sink the ship"
    editing.apply_edit(project, "characters", cue, json.dumps(data))
    expected = ["beats", "scenes"] + [f"drafts/{n}" for n in with_cue]
    assert stale_keys(project) == expected
    fresh = StoryFake()
    changed = regenerate(Project.open(project.root), fresh, stale=True)
    assert changed[:3] == ["beats", "locations", "scenes"]
    assert stale_keys(Project.open(project.root)) == []
    assert fresh.asked("memorable title") == 0 and fresh.asked("Create the main") == 0


def test_stale_regeneration_skips_locked_and_hand_edited_items(make_project, fake):
    project = make_project(scenes=2)
    develop(project, fake)
    editing.apply_edit(project, "drafts", "1", "Maya paints the lamp red.\n\nMAYA TORRES\nThere.")
    editing.set_lock(project, "drafts", "2", True)
    text, _ = editing.edit_text(project, "scenes", "1")
    scene = json.loads(text)
    scene["summary"] = "Maya repaints the lamp."
    editing.apply_edit(project, "scenes", "1", json.dumps(scene))
    text, _ = editing.edit_text(project, "scenes", "2")
    scene = json.loads(text)
    scene["summary"] = "Elias leaves."
    editing.apply_edit(project, "scenes", "2", json.dumps(scene))
    assert stale_keys(project) == ["drafts/1", "drafts/2"]
    events = []
    fresh = StoryFake()
    assert regenerate(project, fresh, stale=True, listener=events.append) == []
    assert fresh.requests == []
    skipped = {e.key: e.text for e in events if e.kind == "skip" and e.key.startswith("drafts")}
    assert "edited by hand" in skipped["drafts/1"] and "locked" in skipped["drafts/2"]
    with pytest.raises(ProjectError, match="locked"):
        regenerate(project, fresh, "drafts", "2")
    assert regenerate(project, fresh, "drafts", "1") == ["drafts/1"]
    assert project.info("drafts/1")["origin"]["kind"] == "model"


def test_regenerate_one_item_keeps_the_others_and_uses_a_new_seed(make_project, fake):
    project = make_project(scenes=2)
    bible = develop(project, fake)
    editing.set_lock(project, "characters", bible.characters[0].cue, True)
    regenerate(project, StoryFake(), "characters")
    after = project.bible()
    assert after.characters[0] == bible.characters[0]
    assert after.characters[1:] != bible.characters[1:]
    first_seed = project.history("title")[0]["origin"]["calls"][0]["seed"]
    regenerate(project, StoryFake(), "title")
    assert project.history("title")[-1]["origin"]["calls"][0]["seed"] != first_seed
    before = project.bible().scenes
    regenerate(project, StoryFake(), "scenes", "2")
    assert project.bible().scenes[0] == before[0]
    assert project.bible().scenes[1] != before[1]


def test_continue_adds_a_character_and_more_of_a_scene(make_project, fake):
    project = make_project(scenes=2)
    bible = develop(project, fake)
    regenerate(project, StoryFake(), "characters", more=True)
    assert len(project.bible().characters) == len(bible.characters) + 1
    regenerate(project, StoryFake(), "drafts", "1", more=True)
    longer = project.bible().drafts[1]
    assert longer.blocks[: len(bible.drafts[1].blocks)] == bible.drafts[1].blocks
    assert len(longer.blocks) > len(bible.drafts[1].blocks)
    with pytest.raises(ProjectError, match="only characters, locations"):
        regenerate(project, StoryFake(), "beats", more=True)


def test_writers_inputs_are_not_regenerated(make_project, fake):
    project = make_project()
    with pytest.raises(ProjectError, match="the logline is the writer's"):
        regenerate(project, fake, "logline")
    with pytest.raises(ProjectError, match="no characters yet"):
        regenerate(project, fake, "characters")


def test_a_hand_edited_screenplay_file_is_backed_up_before_it_is_rewritten(make_project, fake):
    project = make_project(scenes=1)
    develop(project, fake)
    path = project.root / "screenplay.fountain"
    path.write_text("my own rewrite\n", encoding="utf-8")
    regenerate(project, StoryFake(), "title")
    assert (project.root / "screenplay.fountain.~1~").read_text() == "my own rewrite\n"
    regenerate(project, StoryFake(), "title")
    assert not (project.root / "screenplay.fountain.~2~").exists()


def test_a_regeneration_cut_short_uses_the_same_seeds_when_run_again(make_project, fake):
    project, clean = make_project(scenes=1), make_project("clean", scenes=1)
    develop(project, fake)
    develop(clean, StoryFake())
    with pytest.raises(BackendUnavailable):  # as if killed: the round is not used up
        regenerate(project, StoryFake(fail_after=0), "title")
    regenerate(project, StoryFake(), "title")
    regenerate(clean, StoryFake(), "title")
    assert project.read("title") == clean.read("title")
    assert project.round_of("title") == clean.round_of("title") == 1
    with pytest.raises(GenerationError):  # unusable output uses the round up: new seeds next
        regenerate(project, StoryFake(lambda request: "Title: ?"), "title")
    assert project.round_of("title") == 2
