"""Markdown, HTML and JSON renderings of a coverage."""

import json
import re

import pytest

from writersroom.evaluate import Tools, evaluate_screenplay, evaluate_text
from writersroom.evaluate.html import to_html
from writersroom.evaluate.report import batch_line, to_json, to_markdown


@pytest.fixture(scope="module")
def coverage(heist, premise):
    return evaluate_screenplay(heist, premise, tools=Tools())  # code signals only: fast


def test_markdown_has_logline_grid_verdict_notes_and_scenes(coverage):
    md = to_markdown(coverage)
    assert md.startswith("# Coverage: The Last Job")
    assert f"**Verdict: {coverage.verdict}**" in md
    for label in ("Relevance to the premise", "Characterization", "Pacing", "Format", "Overall"):
        row = rf"^\| {label} \| \d\.\d \| (Poor|Fair|Good|Excellent) \| [^|]+ \|$"
        assert re.search(row, md, re.M)
    assert "## Logline" in md and coverage.premise in md
    assert "| 1 | INT. RETIREMENT HOME - DAY | 1 |" in md
    assert "| EDNA |" in md


def test_html_is_self_contained_with_four_charts(coverage):
    page = to_html(coverage)
    assert page.startswith("<!doctype html>")
    assert page.count("<svg") == 4
    for label in (
        "speaking share per character",
        "scene lengths across the script",
        "act structure",
        "tension and sentiment arc",
    ):
        assert f'aria-label="{label}"' in page
    assert not re.search(r"(src|href)=\"?https?:", page)  # nothing fetched
    assert "<script" not in page


def test_html_escapes_script_text(premise):
    from writersroom.screenplay import fountain

    doc = fountain.parse("INT. <B>LAB</B> - DAY\n\n<IMG>\nHello & bye.\n\nBOB\nHi.")
    page = to_html(evaluate_screenplay(doc, premise, tools=Tools()))
    assert "<B>LAB" not in page and "&lt;B&gt;LAB" in page


def test_json_round_trips_every_field(coverage):
    data = json.loads(to_json(coverage))
    assert data["scores"] == coverage.scores
    assert data["verdict"] == coverage.verdict
    assert len(data["scenes"]) == 6 and data["characters"][0]["name"] == "EDNA"


def test_notes_are_located_and_serialized(premise):
    from writersroom.screenplay import fountain

    speech = " ".join(["I have waited forty years for this night and I will not wait again."] * 6)
    doc = fountain.parse(f"INT. HALL - DAY\n\nEDNA stands.\n\nEDNA\n{speech}\n\nWALT\nOkay.")
    cov = evaluate_screenplay(doc, premise, tools=Tools())
    note = next(n for n in cov.suggestions if n.criterion == "dialogue")
    assert note.where == "Scene 1 (p. 1), EDNA" and note.scene == 0
    assert "84-word speech" in note.text
    data = json.loads(to_json(cov))
    assert {"where", "text", "criterion", "scene"} <= set(data["suggestions"][0])
    assert f"**{note.where}** (dialogue)" in to_markdown(cov)


def test_batch_line_names_the_criteria_in_lower_case(story, story_premise):
    cov = evaluate_text(story, story_premise, tools=Tools())
    line = json.loads(batch_line("s1", cov))
    assert line["id"] == "s1" and line["verdict"] == cov.verdict
    assert list(line["scores"]) == [
        "relevance",
        "coherence",
        "empathy",
        "surprise",
        "engagement",
        "complexity",
        "overall",
    ]
