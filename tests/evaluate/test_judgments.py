import json

from writersroom.evaluate import judge, script
from writersroom.llm.fake import FakeBackend


def _answer(request):
    """Reply like a careful reader: scenes with a siren or a plan advance; goals are clear
    except WALT's; no logic breaks."""
    user = request.messages[-1].content
    if "what WALT wants" in user:
        return json.dumps({"answer": "no"})
    if "contradict" in user:
        return json.dumps({"answer": "no"})
    scene = user.split("Scene:", 1)[1]
    return json.dumps({"answer": "yes" if "siren" in scene or "Friday" in scene else "partly"})


def test_every_question_is_asked_under_a_json_schema(heist, premise):
    backend = FakeBackend(reply=_answer)
    scenes = script.scene_texts(heist)
    judgments, failed = judge.judge_scenes(scenes, premise, backend)
    assert failed == 0
    assert all(r.json_schema is not None and r.temperature == 0.0 for r in backend.requests)
    questions = [j.question for j in judgments]
    assert questions.count("advances") == len(scenes)
    assert questions.count("logic") == len(scenes) - 1  # the first scene has no previous
    assert questions.count("goal") == len(scenes)  # every scene has a speaker
    assert premise in backend.requests[0].messages[-1].content


def test_labels_become_shares(heist, premise):
    judgments, _ = judge.judge_scenes(
        script.scene_texts(heist), premise, FakeBackend(reply=_answer)
    )
    signals = judge.judgment_signals(judgments)
    assert signals["logic_breaks"] == 0.0
    assert 0.5 < signals["advances_share"] < 1.0
    walt = [j for j in judgments if j.question == "goal" and j.where.endswith("WALT")]
    assert walt and all(j.label == "no" for j in walt)
    assert signals["goal_share"] < 1.0


def test_unreadable_answers_are_counted_not_guessed(heist, premise):
    backend = FakeBackend(reply=lambda r: "I think the scene is great!")
    judgments, failed = judge.judge_scenes(script.scene_texts(heist), premise, backend)
    assert judgments == [] and failed == len(backend.requests)
    assert judge.judgment_signals(judgments) == {}


def test_long_scripts_are_sampled_evenly():
    assert judge.chosen(100, 5) == [0, 25, 50, 74, 99]
    assert judge.chosen(0) == []


def test_prompt_files_name_their_placeholders():
    for name in judge.QUESTIONS:
        p = judge.prompt(name)
        assert "evaluate/judge.py" in p.header
        for placeholder in p.placeholders:
            assert f"${placeholder}" in p.header
