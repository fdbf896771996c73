from writersroom.evaluate.grid import grid_scores

BASE = {
    "pages": 100,
    "scenes": 50,
    "mean_scene_eighths": 16,
    "long_scene_share": 0.0,
    "acts_marked": 0,
    "climax_position": 0.85,
    "tension_range": 0.5,
    "scene_similarity": 0.3,
    "speaking_characters": 12,
    "lead_share": 0.3,
    "lead_in_all_acts": 1.0,
    "introduced_share": 1.0,
    "speaker_distinctiveness": 0.5,
    "speeches": 400,
    "dialogue_ratio": 0.5,
    "mean_speech_words": 12,
    "long_speech_share": 0.0,
    "dialogue_repetition_3": 0.01,
    "format_issues": 0,
}


def test_a_clean_script_scores_high_on_every_grid_criterion():
    scores = grid_scores(BASE)
    assert set(scores) == {"structure", "characterization", "dialogue", "pacing", "format"}
    assert all(v >= 4.5 for v in scores.values())


def test_each_flaw_lowers_its_own_criterion():
    base = grid_scores(BASE)
    worse = {
        "format": {"format_issues": 150},
        "dialogue": {"long_speech_share": 0.4, "mean_speech_words": 70},
        "characterization": {"introduced_share": 0.2, "lead_in_all_acts": 0.0},
        "pacing": {"long_scene_share": 0.3, "mean_scene_eighths": 60},
        "structure": {"pages": 180, "climax_position": 0.2},
    }
    for criterion, change in worse.items():
        assert grid_scores({**BASE, **change})[criterion] < base[criterion] - 0.5, criterion


def test_model_labels_move_the_grid():
    assert grid_scores({**BASE, "advances_share": 0.2})["structure"] < 4.0
    assert grid_scores({**BASE, "goal_share": 0.0})["characterization"] < 4.0


def test_scores_stay_within_one_to_five():
    awful = {k: (1e6 if isinstance(v, int | float) else v) for k, v in BASE.items()}
    assert all(1.0 <= v <= 5.0 for v in grid_scores(awful).values())
    assert all(1.0 <= v <= 5.0 for v in grid_scores({}).values())
