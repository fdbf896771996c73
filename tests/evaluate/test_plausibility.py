"""The learned plausibility signal: corruptions, features, a tiny head trained for real on
public-domain plays from ../shared, and the shipped head on the real MiniLM embedder."""

import random
from pathlib import Path

import numpy as np
import pytest

from writersroom.evaluate import plausibility as plaus

PLAYS = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "gutenberg-plays"
CLEAN = [
    "Mara climbed the tower stairs with the lamp in her hand.",
    "At the top she found the lens cracked from the storm.",
    "She wrapped the crack in oil cloth and lit the wick.",
    "Far out on the water a ship answered with three short flashes.",
    "Mara counted them twice, because no ship was due that night.",
    "By dawn the ship was gone, and the sea was flat and grey.",
]


def test_every_corruption_changes_the_passage():
    rng = random.Random(0)
    other = ["Wheat prices rose in the northern markets.", "The council met on Tuesday."]
    for kind in plaus.CORRUPTIONS:
        assert plaus.corrupt(CLEAN, other, rng, kind) != CLEAN, kind


def test_token_features_see_loops_and_abrupt_endings():
    looped = plaus.corrupt(CLEAN, [], random.Random(1), "loop")
    cut = plaus.corrupt(CLEAN, [], random.Random(1), "truncate")
    clean = plaus.token_features(CLEAN)
    assert plaus.token_features(looped)["duplicate_share"] > clean["duplicate_share"] == 0.0
    assert clean["ends_cleanly"] == 1.0 and plaus.token_features(cut)["ends_cleanly"] == 0.0


def test_shipped_head_scores_a_looping_passage_below_the_clean_one(embedder):
    looped = CLEAN[:2] + [CLEAN[2]] * 4 + CLEAN[3:]
    clean, loop = plaus.plausibility(embedder, [" ".join(CLEAN), " ".join(looped)])
    assert clean > loop


def test_head_round_trips_through_bytes():
    rows = np.random.default_rng(0).normal(size=(40, len(plaus.FEATURES)))
    head = plaus.train_head(rows, [0, 1] * 20, steps=20)
    again = plaus._read(head.to_bytes())
    assert np.allclose(head.logits(rows), again.logits(rows))


@pytest.mark.skipif(not PLAYS.exists(), reason="needs ../shared/corpora/gutenberg-plays")
def test_a_tiny_head_trained_on_plays_separates_clean_from_corrupted(embedder):
    def passages(name: str, n: int) -> list[list[str]]:
        text = (PLAYS / name).read_text(encoding="utf-8", errors="replace")
        prose = "\n".join(" ".join(p.split()) for p in text.split("\n\n")[200:])
        runs = plaus.windows(prose, 8)
        random.Random(0).shuffle(runs)
        return runs[:n]

    train, labels, _ = plaus.corrupted_pairs(passages("pg3825.txt", 60), seed=0)
    head = plaus.train_head(plaus.feature_rows(embedder, train), labels, steps=400)
    test, test_labels, _ = plaus.corrupted_pairs(passages("pg2446.txt", 30), seed=1)
    logits = head.logits(plaus.feature_rows(embedder, test))
    accuracy = float(np.mean((logits > 0) == (np.array(test_labels) == 1)))
    assert accuracy > 0.6
    assert logits[0::2].mean() > logits[1::2].mean()
