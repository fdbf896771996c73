"""Narrative signals on passages written for these tests."""

import pytest

from writersroom.evaluate import narrative
from writersroom.evaluate import text as textsig

INNER = (
    "Mara felt afraid. She remembered her brother and wept, ashamed that she had hoped "
    "he was gone. She wondered whether he knew how much she missed him."
)
OUTER = (
    "The truck left the depot at six. It crossed the bridge, turned north on the highway "
    "and stopped at the border post, where the papers were stamped."
)


def test_inner_states_count_emotion_and_mental_state_words():
    inner, outer = narrative.narrative_signals(INNER), narrative.narrative_signals(OUTER)
    assert inner["emotion_rate"] > 0.1 > outer["emotion_rate"] == 0.0
    assert inner["mental_rate"] > 0.1 > outer["mental_rate"] == 0.0
    assert inner["inner_states"] > outer["inner_states"] == 0.0
    doubled = narrative.narrative_signals(INNER + " " + INNER)
    assert doubled["emotion_rate"] == pytest.approx(inner["emotion_rate"])  # a rate
    assert doubled["inner_states"] > inner["inner_states"]  # a count


def test_narrative_person():
    first = narrative.narrative_signals("I ran home. My sister waited for me and we ate.")
    third = narrative.narrative_signals("He ran home. His sister waited for him and they ate.")
    assert first["first_person"] > 0.3 > first["third_person"]
    assert third["third_person"] > 0.3 > third["first_person"]


def test_named_characters_must_recur_and_appear_inside_a_sentence():
    text = (
        "Later, Mara opened the door. Tom waited outside with Mara's coat. Then Tom "
        "left. The night was cold. Yesterday it rained; Paris was far. Sam slept. Sam woke."
    )
    # Paris appears once; Sam only ever starts a sentence; "The", "Then" are function words
    assert narrative.named_characters(text) == ["Mara", "Tom"]
    assert narrative.named_characters('"Then," she said, "The end." Then it stopped.') == []
    s = narrative.narrative_signals(text)
    assert s["named_characters"] == pytest.approx(1.0986, abs=1e-3)  # log1p(2)


def test_mood_swing_is_larger_when_the_mood_turns():
    swinging = (
        "She laughed, happy and safe. Then the letter came and she cried in despair. "
        "By spring she smiled again, grateful and free. The grief returned at night."
    )
    flat = "She walked to work. The office was quiet. She typed letters. She went home."
    assert (
        narrative.narrative_signals(swinging)["mood_swing"]
        > narrative.narrative_signals(flat)["mood_swing"] + 0.3
    )


def test_turn_markers_and_a_new_ending():
    turning = "He waited. But the ship never came. Suddenly he realized the truth."
    steady = "He waited. The ship came. He boarded the ship and waited."
    assert (
        narrative.narrative_signals(turning)["turn_rate"]
        > narrative.narrative_signals(steady)["turn_rate"]
        == 0.0
    )
    repeats = textsig.words("the farmer fed the goats and the goats ate and the farmer fed goats")
    changes = textsig.words("the farmer fed the goats and the goats ate then wolves burned city")
    assert narrative.ending_novelty(repeats) == 0.0
    assert narrative.ending_novelty(changes) == 1.0
    assert narrative.ending_novelty([]) == 0.0


def test_prose_signals_join_text_and_narrative_signals_and_survive_empty_text():
    s = narrative.prose_signals(INNER, "a woman misses her brother")
    assert {"log_words", "premise_overlap", "sentence_spread", "emotion_rate"} <= set(s)
    empty = narrative.prose_signals("", "")
    assert all(v == 0.0 for k, v in empty.items() if k in narrative.narrative_signals(""))


def test_sentence_spread_separates_even_from_uneven_sentences():
    even = textsig.text_signals("One two three. Four five six. Seven eight nine.")
    uneven = textsig.text_signals("One. Two three four five six seven eight nine ten eleven.")
    assert even["sentence_spread"] == 0.0
    assert uneven["sentence_spread"] > 4.0
