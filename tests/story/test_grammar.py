from writersroom.story.grammar import SceneShape, scene_grammar


def test_scene_grammar_allows_only_the_characters_present():
    grammar = scene_grammar(["MAYA TORRES", 'O"NEIL', "MAYA TORRES"], SceneShape(3, 6, 100, 80))
    rules = dict(line.split(" ::= ", 1) for line in grammar.strip().splitlines())
    assert rules["cue"] == '"MAYA TORRES" | "O\\"NEIL"'
    assert rules["root"] == 'action ("\\n\\n" block){2,5}'
    assert rules["action"] == "[A-Z] [a-z ,'] ch{8,100}"
    assert rules["speech"].endswith("ch{1,80}")


def test_a_continuation_may_open_with_dialogue():
    assert scene_grammar(["MAYA"], continuation=True).startswith("root ::= block (")
