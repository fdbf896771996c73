"""Every score says how well it is validated, in the shipped figures, the JSON and the report."""

import json

from writersroom.evaluate import evaluate_text
from writersroom.evaluate.coverage import Tools
from writersroom.evaluate.records import STORY_CRITERIA
from writersroom.evaluate.report import to_json, to_markdown
from writersroom.evaluate.validation import UNVALIDATED, figures, validated


def test_every_story_criterion_and_overall_has_a_held_out_figure():
    for c in (*STORY_CRITERIA, "overall"):
        assert figures()[c], c
    assert validated("coherence").startswith("held-out HANNA tau 0.31")
    assert validated("pacing") == UNVALIDATED


def test_the_report_and_json_carry_the_validation(story, story_premise):
    cov = evaluate_text(story, story_premise, tools=Tools())
    assert set(cov.validation) == set(cov.scores)
    data = json.loads(to_json(cov))
    assert data["validation"]["complexity"] == "held-out HANNA tau 0.44"
    assert "| Coherence |" in to_markdown(cov) and "CoheSentia r 0.20" in to_markdown(cov)
