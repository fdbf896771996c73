"""Style profiles: learning, saving, comparing and attributing by Burrows' Delta."""

import json
from pathlib import Path

import pytest

from writersroom.errors import FormatError
from writersroom.screenplay import fountain
from writersroom.voice.style import Style, attribute, compare_style, learn_style
from writersroom.voice.stylometry import FUNCTION_WORDS

HARBOUR = Path(__file__).parent / "fixtures" / "harbour.fountain"

# Two synthetic authors with different function-word habits.
PLAIN = "The man and the dog went to the town, and the man sat in the sun with the dog. " * 40
ODD = "Upon my word, thou art but a fool; yet shall I not, nor would I, ever leave thee. " * 40


def script(text: str) -> fountain.Screenplay:
    return fountain.parse(f"INT. ROOM - DAY\n\n{text}\n\nANN\n{text[:200]}\n\nBOB\nYes.\n")


def test_learn_measures_the_references():
    style = learn_style([HARBOUR], name="harbour")
    assert style.name == "harbour" and style.words > 250 and style.chunks >= 1
    assert set(style.function_words) == set(FUNCTION_WORDS)
    assert 0.5 < style.dialogue_ratio < 1 and style.speech_words > 3
    assert style.parentheticals > 0 and "(calmly)" in style.favourite_parentheticals
    assert style.exemplars and all("\n\n" in x for x in style.exemplars)
    assert "matey" in style.favourite_words


def test_save_and_load_round_trip(tmp_path):
    style = learn_style([HARBOUR])
    path = style.save(tmp_path / "s.json")
    assert json.loads(path.read_text())["version"] == 1
    assert Style.load(path) == style
    with pytest.raises(FormatError, match="style learn"):
        Style.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("[1]")
    with pytest.raises(FormatError, match="not a style file"):
        Style.load(tmp_path / "bad.json")


def test_attribution_picks_the_author_with_the_nearest_function_words():
    plain = learn_style([script(PLAIN)], name="plain")
    odd = learn_style([script(ODD)], name="odd")
    styles = {"plain": plain, "odd": odd}
    assert attribute("The cat and the dog sat in the sun.", styles)[0][0] == "plain"
    assert attribute("Thou art a fool, yet I shall not leave thee.", styles)[0][0] == "odd"


def test_compare_reports_delta_and_habits_side_by_side():
    style = learn_style([script(PLAIN)], name="plain")
    near = compare_style(script(PLAIN), style)
    far = compare_style(script(ODD), style)
    assert near.delta < far.delta and near.similarity > far.similarity
    assert set(near.to_json()) == {"delta", "own", "similarity", "features"}
    assert near.features["dialogue_ratio"][1] == style.dialogue_ratio
