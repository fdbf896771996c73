import re

from writersroom.story.grammar import SceneShape, scene_grammar
from writersroom.story.names import COMMON, capitals


def rules(grammar: str) -> dict[str, str]:
    return dict(line.split(" ::= ", 1) for line in grammar.strip().splitlines())


def words_of(rule: str) -> re.Pattern[str]:
    """The capitalized-word rule (a trie of literals, groups, | and ?) as a regex."""
    body = rule.rsplit(" (\"'\"", 1)[0]  # drop the optional 's suffix
    pattern = re.sub(r'"((?:[^"\\]|\\.)*)"', lambda m: re.escape(m.group(1)), body)
    return re.compile(pattern.replace(" ", ""))


def test_cues_are_only_the_characters_present_and_they_speak_in_turn():
    found = rules(scene_grammar(["MAYA TORRES", 'O"NEIL', "MAYA TORRES"], SceneShape(7, 10, 80)))
    assert found["root"] == 'action "\\n\\n" first ("\\n\\n" turn){1,2}'
    assert found["exchange"] == 'line0 "\\n\\n" line1 | line1 "\\n\\n" line0'
    assert found["line0"] == '"MAYA TORRES" "\\n" paren? speech0'
    assert found["line1"] == '"O\\"NEIL" "\\n" paren? speech1'
    # text never holds a double quote, a colon or a line break outside the literals
    assert '"\\""' not in found["gap"] and ":" not in found["gap"]
    assert found["lower"] == "[a-z] [a-z'-]{0,15}"


def test_the_first_exchange_gives_every_speaker_present_a_line():
    found = rules(scene_grammar(["A", "B", "C"]))
    orders = found["first"].split(") (")[0].strip("(").split(" | ")
    assert len(orders) == 6
    assert all(sorted(re.findall(r"line\d", o)) == ["line0", "line1", "line2"] for o in orders)


def test_capitalized_words_are_the_bibles_names_and_common_words_only():
    allowed = capitals(["MAYA TORRES", "COLE"], extra=["The Last Light", "LIGHTHOUSE"])
    found = rules(scene_grammar(["MAYA TORRES", "COLE"], allowed=allowed))
    action, maya, cole = (words_of(found[k]) for k in ("a-cap", "s0-cap", "s1-cap"))
    for word in ("The", "She", "Suddenly", "Maya", "Torres", "Cole", "Lighthouse", "Light"):
        assert action.fullmatch(word), word
    for word in ("Soka", "Mami", "Elazarus", "Jasper", "MAYA"):  # invented, or a cue in action
        assert not action.fullmatch(word), word
    # a character never says their own name; the other's name is fine
    assert not maya.fullmatch("Maya") and not maya.fullmatch("Torres") and maya.fullmatch("Cole")
    assert not cole.fullmatch("Cole") and cole.fullmatch("Maya")
    assert all(action.fullmatch(w) for w in COMMON)


def test_a_lone_character_speaks_alone_and_continuations_open_with_a_turn():
    found = rules(scene_grammar(["MAYA"], continuation=True))
    assert found["exchange"] == "line0"
    assert found["root"].startswith("turn (")
