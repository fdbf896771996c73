"""Dialogue orchestration with a scripted backend: prompts, grammars, parsing, both strategies
(the real model runs are in test_e2e_real.py)."""

from pathlib import Path

from writersroom.llm.fake import FakeBackend
from writersroom.voice.cast import load_voices
from writersroom.voice.dialogue import (
    Spec,
    Turn,
    actor_request,
    exchange_request,
    parse_speech,
    turns_of,
    write_dialogue,
)
from writersroom.voice.grammar import exchange_grammar, turn_grammar
from writersroom.voice.style import learn_style

HARBOUR = Path(__file__).parent / "fixtures" / "harbour.fountain"


def cast():
    return load_voices(HARBOUR)


def test_turns_rotate_over_the_characters_with_their_voices():
    spec = Spec.make(cast(), ["milo", "Jeeves"], "The ferry is cancelled.", lines=3)
    assert spec.order == ("MILO", "JEEVES", "MILO")
    assert set(spec.voices) == {"MILO", "JEEVES"}
    assert Spec.make(cast(), ["MILO"], "x", voiced=False).voices == {}


def test_exchange_request_fixes_every_cue_and_carries_each_voice():
    spec = Spec.make(cast(), ["MILO", "JEEVES"], "The ferry is cancelled.", lines=4, seed=3)
    request = exchange_request(spec)
    prompt = request.messages[-1].content
    assert "Write 4 lines of dialogue: MILO, JEEVES, MILO, JEEVES." in prompt
    assert "- JEEVES: short sentences" in prompt and "formal" in prompt and '"' in prompt
    assert request.grammar is not None and request.grammar.count('"MILO" "\\n"') == 2
    baseline = exchange_request(Spec.make(cast(), ["MILO", "JEEVES"], "x", voiced=False))
    assert "- MILO\n- JEEVES" in baseline.messages[-1].content
    assert "formal" not in baseline.messages[1].content  # the worked example is names only too


def test_actor_request_carries_only_that_characters_voice():
    spec = Spec.make(cast(), ["MILO", "JEEVES"], "The ferry is cancelled.", lines=2)
    request = actor_request(spec, [Turn("MILO", "Dude, seriously?")], "JEEVES", seed=1)
    prompt = request.messages[-1].content
    assert prompt.startswith("Character: JEEVES\nHow JEEVES talks:")
    assert "MILO: Dude, seriously?" in prompt and "How MILO talks" not in prompt
    assert request.grammar and request.grammar.startswith("root ::= paren? said")


def test_both_strategies_parse_into_turns():
    c = cast()
    spec = Spec.make(c, ["MILO", "JEEVES"], "The ferry is cancelled.", lines=2, seed=1)
    exchange = FakeBackend(["MILO\n(groaning)\nDude, no way.\n\nJEEVES\nIndeed, sir."])
    result = write_dialogue(spec, exchange, strategy="exchange")
    assert result.turns == (
        Turn("MILO", "Dude, no way.", "(groaning)"),
        Turn("JEEVES", "Indeed, sir."),
    )
    actors = FakeBackend(["(groaning)\nDude, no way.", "Indeed, sir."])
    assert write_dialogue(spec, actors, strategy="actors").turns == result.turns
    assert "MILO: Dude, no way." in actors.requests[1].messages[-1].content
    assert [r.seed for r in actors.requests] == [1000, 1001]
    assert result.to_json() == {
        "lines": [
            {"character": "MILO", "parenthetical": "(groaning)", "text": "Dude, no way."},
            {"character": "JEEVES", "parenthetical": "", "text": "Indeed, sir."},
        ]
    }
    assert result.fountain() == "MILO\n(groaning)\nDude, no way.\n\nJEEVES\nIndeed, sir.\n"


def test_speech_parsing_drops_echoed_cues_and_other_speakers():
    assert parse_speech("JEEVES\nIndeed.", "JEEVES") == Turn("JEEVES", "Indeed.")
    assert parse_speech("Jeeves: Indeed.", "JEEVES") == Turn("JEEVES", "Indeed.")
    assert parse_speech("  ", "JEEVES") is None
    assert [t.character for t in turns_of("MILO: Hi.\n\nZED\nWho?")] == ["MILO", "ZED"]


def test_a_style_replaces_the_worked_example_with_reference_passages():
    style = learn_style([HARBOUR], name="harbour")
    assert style.exemplars
    spec = Spec.make(cast(), ["MILO", "JEEVES"], "rum and bread", lines=2, style=style)
    request = exchange_request(spec)
    assert "Write in the style of the reference pages" in request.messages[0].content
    assert "ROSA DELGADO" not in " ".join(m.content for m in request.messages)
    assert "a scene from the reference pages" in request.messages[1].content
    assert request.messages[2].role == "assistant" and "\n\n" in request.messages[2].content


def test_grammars():
    assert turn_grammar(sentences=1).splitlines()[0] == "root ::= paren? said"
    grammar = exchange_grammar([("ANN", 1), ("BOB", 3)])
    assert 'turn1 ::= "BOB" "\\n" speech1' in grammar
    assert 'speech1 ::= paren? said (" " said){0,2}' in grammar
