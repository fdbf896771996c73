"""The voice commands' Python API end to end on the real bundled model: properties only (the
cues are the requested characters, the number of lines, well-formed speech), never sampled text."""

from pathlib import Path

import pytest

from writersroom import voice
from writersroom.errors import ProjectError

HARBOUR = Path(__file__).parent / "fixtures" / "harbour.fountain"


@pytest.mark.parametrize("strategy", ["exchange", "actors"])
def test_dialogue_on_the_real_model_keeps_cues_and_count(default_backend, strategy):
    exchange = voice.dialogue(
        HARBOUR,
        ["MILO", "JEEVES"],
        "The last ferry is cancelled by the storm.",
        backend=default_backend,
        lines=2,
        strategy=strategy,
        seed=5,
    )
    assert [t.character for t in exchange.turns] == ["MILO", "JEEVES"]
    for turn in exchange.turns:
        assert turn.text and turn.text[-1] in ".!?\"'" and "\n" not in turn.text
        assert not turn.parenthetical or turn.parenthetical.startswith("(")


def test_styled_dialogue_on_the_real_model(default_backend, tmp_path):
    style = voice.learn_style([HARBOUR], tmp_path / "harbour.json")
    exchange = voice.dialogue(
        HARBOUR,
        ["CAPTAIN REEVE", "MILO"],
        "They argue about the storm.",
        backend=default_backend,
        lines=2,
        style=tmp_path / "harbour.json",
        seed=2,
    )
    assert [t.character for t in exchange.turns] == ["CAPTAIN REEVE", "MILO"]
    assert voice.compare_style(HARBOUR, style).similarity == 1.0  # its own pages


def test_unknown_characters_are_refused(default_backend):
    with pytest.raises(ProjectError, match="the speakers are: CAPTAIN REEVE, JEEVES, MILO"):
        voice.dialogue(HARBOUR, ["NEMO"], "x", backend=default_backend)


class Recording:
    """The real backend, with every request kept (to see what the style added)."""

    def __init__(self, backend):
        self.backend, self.name, self.requests = backend, backend.name, []

    def stream(self, request):
        self.requests.append(request)
        return self.backend.stream(request)


MARK = "Reference pages (imitate their style):"


def test_styled_scene_redraft_on_the_real_model(default_backend, story_project, tmp_path):
    import shutil

    from writersroom import story
    from writersroom.story.project import Project

    style = voice.learn_style([HARBOUR], tmp_path / "harbour.json")
    copy = tmp_path / "project"
    shutil.copytree(story_project, copy)
    model = Recording(default_backend)
    changed = story.regenerate(copy, "drafts", "1", backend=model, style=style)
    assert changed == ["drafts/1"]
    assert model.requests and all(MARK in r.messages[-1].content for r in model.requests)
    bible = Project.open(copy).bible()
    speakers = {b.speaker for b in bible.drafts[1].blocks if b.type == "dialogue"}
    assert speakers <= set(bible.cues)
    assert (copy / "screenplay.fountain").exists()


def test_styled_revise_on_the_real_model(default_backend, tmp_path):
    from writersroom.revise import reject, revise
    from writersroom.screenplay import fountain

    doc = fountain.parse((Path(__file__).parents[1] / "revise" / "rain.fountain").read_text())
    model = Recording(default_backend)
    style = voice.learn_style([HARBOUR])
    out = revise(doc, "make Joe angrier in scene 2", model, scope={2}, style=style, seed=1)
    rewrites = [r for r in model.requests if "Rewrite JOE's line" in r.messages[-1].content]
    assert rewrites and all(MARK in r.messages[-1].content for r in rewrites)
    assert reject(out) == doc
