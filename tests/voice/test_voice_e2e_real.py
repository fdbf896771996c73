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
