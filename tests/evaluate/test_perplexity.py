"""The bundled default model, loaded for real, scores text."""

import pytest

from writersroom.evaluate.perplexity import load_language_model, loss_signals

FLUENT = ("The old man walked slowly to the harbour every morning. He sat on the same bench, "
          "fed the gulls, and watched the fishing boats come home.")
GARBLED = ("harbour the gulls bench morning old slowly sat the fed, boats. walked come man "
           "fishing home every watched on same the and to He the")


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
