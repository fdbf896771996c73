"""The bundled default model, loaded for real, scores text."""

import pytest

from writersroom.evaluate.perplexity import (
    ending_signals,
    load_language_model,
    loss_signals,
    read_signals,
)

FLUENT = (
    "The old man walked slowly to the harbour every morning. He sat on the same bench, "
    "fed the gulls, and watched the fishing boats come home."
)
GARBLED = (
    "harbour the gulls bench morning old slowly sat the fed, boats. walked come man "
    "fishing home every watched on same the and to He the"
)

MORE = (
    "His daughter wrote from the city each winter, asking him to sell the cottage and move "
    "closer to her. He never answered the question, though he kept every letter in a tin "
    "box beside the stove, and read them aloud to the cat when the wind was loud."
)


@pytest.fixture(scope="module")
def lm():
    return load_language_model()


def test_garbled_word_order_costs_more_than_fluent_prose(lm):
    fluent = loss_signals(lm.token_losses(FLUENT))
    garbled = loss_signals(lm.token_losses(GARBLED))
    assert garbled["mean_loss"] > fluent["mean_loss"] + 1.0
    assert garbled["perplexity"] > fluent["perplexity"]


def test_a_loop_is_very_predictable(lm):
    loop = loss_signals(lm.token_losses("the sky was so bright. " * 12))
    assert loop["mean_loss"] < loss_signals(lm.token_losses(FLUENT))["mean_loss"]


def test_reading_stops_at_max_tokens(lm):
    assert len(lm.token_losses(FLUENT * 10, max_tokens=32)) == 32
    assert lm.token_losses("") == []
    assert loss_signals([])["perplexity"] == 1.0


def test_the_tail_read_sees_a_story_that_ends_in_a_loop(lm):
    story = " ".join([FLUENT, MORE, "the sky was so bright. " * 30])  # > 128 tokens, loops late
    head = lm.token_losses(story)
    tail = lm.token_losses(story, tail=True)
    assert len(head) == len(tail) == 128
    assert head != tail
    signals = read_signals(lm, story)
    assert signals["tail_drop"] > 1.0  # the ending is far more predictable
    assert signals["tail_loss"] < signals["mean_loss"]
    short = read_signals(lm, FLUENT)  # read whole at once: tail is opening
    assert short["tail_drop"] == 0.0 and short["tail_loss"] == short["mean_loss"]


class CountingModel:
    def __init__(self):
        self.calls = []

    def token_losses(self, text, *, max_tokens=128, tail=False):
        self.calls.append(tail)
        return [2.0 if tail else 3.0] * min(max_tokens, len(text.split()))


def test_read_signals_reads_the_tail_only_of_a_long_text_and_only_when_asked():
    lm = CountingModel()
    read_signals(lm, "word " * 50)
    assert lm.calls == [False]
    assert read_signals(lm, "word " * 500)["tail_drop"] == 1.0
    assert lm.calls == [False, False, True]
    assert "tail_loss" not in read_signals(lm, "word " * 500, ending=False)
    assert lm.calls == [False, False, True, False]
    assert ending_signals([], [])["tail_drop"] == 0.0
