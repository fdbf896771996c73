from writersroom.story.grammar import SceneShape, scene_grammar


def rules(grammar: str) -> dict[str, str]:
    return dict(line.split(" ::= ", 1) for line in grammar.strip().splitlines())


def test_cues_are_only_the_characters_present_and_they_speak_in_turn():
    found = rules(scene_grammar(["MAYA TORRES", 'O"NEIL', "MAYA TORRES"], SceneShape(7, 10, 80)))
    assert found["root"] == 'action ("\\n\\n" turn){2,3}'
    assert found["exchange"] == 'line0 "\\n\\n" line1 | line1 "\\n\\n" line0'
    assert found["line0"] == '"MAYA TORRES" "\\n" paren? speech'
    assert found["line1"] == '"O\\"NEIL" "\\n" paren? speech'
    assert found["tail"] == "[^\\n.!?]{1,80} [.!?] [\"']?"
    # action cannot open like a cue, a heading or "Name: line"
    assert found["action"].startswith("[A-Z] [a-z]* [ ,']")


def test_a_lone_character_speaks_alone_and_continuations_open_with_a_turn():
    found = rules(scene_grammar(["MAYA"], continuation=True))
    assert found["exchange"] == "line0"
    assert found["root"].startswith("turn (")
