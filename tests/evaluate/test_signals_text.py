from writersroom.evaluate import text as textsig


def test_repeated_text_has_more_repetition_and_fewer_distinct_bigrams():
    varied = "The fox jumps over the lazy dog while the farmer sleeps under an old oak tree."
    looped = "the sky was so bright. " * 6
    v, r = textsig.text_signals(varied), textsig.text_signals(looped)
    assert r["repetition_3"] > 0.5 > v["repetition_3"]
    assert r["distinct_2"] < v["distinct_2"]
    assert r["top_word_share"] > v["top_word_share"]


def test_premise_overlap_counts_content_words_only():
    s = textsig.text_signals("A dragon guards the gold.", "The dragon and the knight")
    assert s["premise_overlap"] == 0.5  # dragon of {dragon, knight}
    assert textsig.text_signals("anything", "")["premise_overlap"] == 0.0


def test_sentence_case_catches_careless_lowercase_text():
    assert textsig.sentence_case("he ran. she hid. it rained.") == 0.0
    assert textsig.sentence_case("He ran. She hid. It rained.") == 1.0


def test_readability_prefers_short_plain_sentences():
    easy, _ = textsig.readability("The cat sat. The dog ran. We ate.")
    hard, grade = textsig.readability(
        "Notwithstanding considerable institutional opposition, the administration "
        "implemented comprehensive regulatory modifications."
    )
    assert easy > hard
    assert grade > 12


def test_empty_text_gives_zeros_not_errors():
    s = textsig.text_signals("", "premise")
    assert s["words"] == 0.0
    assert s["repetition_3"] == 0.0
    assert textsig.readability("") == (0.0, 0.0)


def test_moving_ttr_is_length_fair():
    short = textsig.words("one two three four five")
    assert textsig.moving_ttr(short) == 1.0
    long = textsig.words(" ".join(chr(97 + i % 25) * 2 for i in range(200)))
    assert 0.45 < textsig.moving_ttr(long) < 0.55
