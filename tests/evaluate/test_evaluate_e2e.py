"""The whole evaluator on the real bundled default model: judgments answered by SmolLM2 under
a JSON schema, perplexity from the same GGUF, embeddings from MiniLM."""

import pytest

from writersroom.evaluate import Tools, evaluate_screenplay, score_texts
from writersroom.evaluate.judge import LABEL_VALUE
from writersroom.evaluate.perplexity import load_language_model


@pytest.mark.slow
def test_default_model_judges_and_scores_a_screenplay(heist, premise, embedder, default_backend):
    tools = Tools(embedder, load_language_model(), default_backend, judge_limit=3)
    cov = evaluate_screenplay(heist, premise, tools=tools)
    assert cov.model == default_backend.name
    # 3 judged scenes: advances x3, goal x3 (all have speakers), logic x2 (not the first)
    assert len(cov.judgments) == 8, cov.notes
    assert all(j.label in LABEL_VALUE for j in cov.judgments)
    assert {"advances_share", "goal_share", "logic_breaks"} <= set(cov.signals)
    assert 1.0 < cov.signals["perplexity"] < 1000.0
    assert "feature set: full" in cov.notes
    assert all(1.0 <= v <= 5.0 for v in cov.scores.values())


@pytest.mark.slow
def test_default_model_perplexity_helps_rank_a_story_above_its_shuffle(
    story, story_premise, embedder
):
    words = story.split()
    shuffled = " ".join(words[i] for i in sorted(range(len(words)), key=lambda i: (i * 7919) % 101))
    tools = Tools(embedder, load_language_model())
    good, bad = score_texts([story, shuffled], story_premise, tools=tools)
    assert good > bad
