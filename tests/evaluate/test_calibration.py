import itertools

import numpy as np
import pytest

from writersroom.evaluate import calibrate
from writersroom.evaluate.records import STORY_CRITERIA


def test_kendall_tau_matches_hand_counts():
    assert calibrate.kendall_tau([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert calibrate.kendall_tau([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    assert calibrate.kendall_tau([1, 1, 1], [1, 2, 3]) == 0.0
    # tau-b with a tie in y: 2 concordant, 0 discordant, 1 tied pair -> 2 / sqrt(3 * 2)
    assert calibrate.kendall_tau([1, 2, 3], [1, 2, 2]) == pytest.approx(2 / np.sqrt(6))


def test_kendall_tau_agrees_with_a_brute_force_count():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 10), rng.integers(0, 4, 10)
    conc = disc = ta = tb = 0
    for i, j in itertools.combinations(range(10), 2):
        s = np.sign(a[i] - a[j]) * np.sign(b[i] - b[j])
        conc += s > 0
        disc += s < 0
        ta += a[i] == a[j]
        tb += b[i] == b[j]
    expected = (conc - disc) / np.sqrt((45 - ta) * (45 - tb))
    assert calibrate.kendall_tau(a, b) == pytest.approx(expected)


def test_fit_linear_recovers_a_within_group_ranking():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 3))
    groups = np.repeat(np.arange(20), 10)
    offsets = rng.normal(size=20)[groups] * 5  # group effects the fit must ignore
    y = 2.0 * x[:, 0] - 1.0 * x[:, 2] + offsets + 3.0
    w, bias = calibrate.fit_linear(x, y, groups, ridge=0.01)
    assert w == pytest.approx([2.0, 0.0, -1.0], abs=0.05)
    assert np.mean(x @ w + bias) == pytest.approx(np.mean(y))


def test_shipped_calibration_is_fitted_on_hanna_training_prompts_only():
    data = calibrate.calibration()
    assert "0-47" in data["fitted_on"]
    assert 1.0 < data["verdict"]["consider"] < data["verdict"]["recommend"] < 5.0
    for name, model in data["sets"].items():
        # a shipped set weighs signals of its pool only (the pools may have grown since)
        assert (
            calibrate.weighed(name) <= set(model["features"]) <= set(calibrate.FEATURE_SETS[name])
        )
        assert set(model["criteria"]) == set(STORY_CRITERIA)


def test_story_scores_stay_within_one_to_five_and_pick_the_richest_set():
    model = calibrate.calibration()["sets"]["text"]
    extreme = {f: model["mean"][f] + 1e6 for f in model["features"]}
    scores = calibrate.story_scores(extreme)
    assert set(scores) == set(STORY_CRITERIA)
    assert all(1.0 <= v <= 5.0 for v in scores.values())
    assert calibrate.feature_set(extreme) == "text"
    with pytest.raises(ValueError):
        calibrate.feature_set({})


def test_verdict_follows_the_thresholds():
    cut = calibrate.calibration()["verdict"]
    assert calibrate.verdict(cut["consider"] - 0.01) == "Pass"
    assert calibrate.verdict(cut["consider"]) == "Consider"
    assert calibrate.verdict(cut["recommend"] + 0.01) == "Recommend"


def test_uses_tells_which_signals_a_shipped_model_weighs():
    weighed = {
        f
        for model in calibrate.calibration()["sets"].values()
        for m in model["criteria"].values()
        for f in m["weights"]
    }
    assert calibrate.uses(sorted(weighed)[:1])
    assert not calibrate.uses(["no_such_signal"])
