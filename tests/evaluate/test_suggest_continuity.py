"""Continuity notes name what changes at the flagged scene, and a judge that flags most scene
changes gives one whole-script note instead of the same sentence per scene."""

from writersroom.evaluate.records import Judgment, SceneReport
from writersroom.evaluate.script import SceneText
from writersroom.evaluate.suggest import MAX_LOGIC_NOTES, from_judgments


def _scenes(n: int) -> list[SceneText]:
    return [SceneText(i, f"INT. ROOM {i} - {'DAY' if i % 2 else 'NIGHT'}", ("Rain.",),
                      ((f"SPEAKER{i}", "Hello there."), ("WILL", "Fine.")), 0) for i in range(n)]


def _reports(n: int) -> list[SceneReport]:
    return [SceneReport(i, f"S{i}", i + 1, 8, 40, (), 1, 0.5, 0.0, 0.3, 3.0) for i in range(n)]


def test_a_flagged_scene_names_the_cut_and_the_new_speaker():
    scenes = _scenes(4)
    notes = from_judgments([Judgment("logic", "Scene 3", "yes", scene=2)], _reports(4), False,
                           scenes)
    assert len(notes) == 1
    assert "INT. ROOM 1 - DAY to INT. ROOM 2 - NIGHT" in notes[0].text
    assert "SPEAKER2 speaks here" in notes[0].text and "SPEAKER1 no longer speaks" in notes[0].text


def test_notes_for_different_scenes_differ():
    scenes = _scenes(4)
    judged = [Judgment("logic", f"Scene {i + 1}", "yes", scene=i) for i in (1, 3)]
    notes = from_judgments(judged, _reports(4), False, scenes)
    assert len({n.text for n in notes}) == 2


def test_many_flags_become_one_whole_script_note():
    n = MAX_LOGIC_NOTES + 5
    judged = [Judgment("logic", f"Scene {i + 1}", "yes", scene=i) for i in range(1, n)]
    notes = from_judgments(judged, _reports(n), False, _scenes(n))
    assert [x.where for x in notes] == ["Whole script"]
    assert f"{n - 1} scene changes" in notes[0].text
