"""Voice profiles measured from lines and read from bios."""

from collections import Counter

from writersroom.voice.profile import (
    Speech,
    catchphrases,
    describe,
    favourite_words,
    formality,
    profile_bio,
    profile_lines,
)


def test_profile_measures_the_habits_of_a_speaker():
    lines = [
        Speech("Arr, the sea is cruel tonight, matey!", "(grinning)"),
        Speech("Ain't nothin' but brine, matey! Pour the rum!"),
        Speech("Where's my rum? Arr, where is it, matey?", "(grinning)"),
    ]
    p = profile_lines(lines)
    assert p.source == "lines"
    assert p.exclamations == round(2 / 3, 3) and p.questions == round(1 / 3, 3)
    assert p.contractions > 5 and p.formality < 0.5
    assert "ain't" in p.dialect and "nothin'" in p.dialect
    assert p.parentheticals == ("(grinning)",)


def test_favourite_words_are_those_used_more_than_the_cast():
    mine = Counter({"matey": 5, "rum": 3, "sea": 1})
    everyone = Counter({"matey": 5, "rum": 4, "sea": 9, "bread": 8, "storm": 10})
    favourites = favourite_words(mine, everyone)
    assert favourites[0] == "matey" and "sea" not in favourites


def test_catchphrases_repeat_across_speeches_and_skip_shorter_copies():
    texts = ["Well, by the stars above, no.", "By the stars above! Yes.", "Fine."]
    assert catchphrases(texts) == ("by the stars above",)


def test_formality_orders_registers():
    assert formality("Yeah, gonna grab stuff, ok?") < formality("I shall certainly attend, sir.")


def test_bio_profile_keeps_the_words_and_what_they_imply():
    p = profile_bio("formal and precise, in long sentences; says aye")
    assert p.source == "bio" and p.description.startswith("formal")
    assert p.formality == 0.8 and p.words_per_sentence == 20.0 and p.dialect == ("aye",)
    assert p.questions is None
    assert describe(p).startswith("talks formal and precise")
    assert p.to_json()["dialect"] == ["aye"]
