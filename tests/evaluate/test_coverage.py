"""Evaluation end to end with the real embedder and scripted model answers."""

import json

import pytest

from writersroom.evaluate import (
    SCREENPLAY_CRITERIA,
    STORY_CRITERIA,
    Tools,
    evaluate_screenplay,
    evaluate_text,
    score_texts,
)
from writersroom.evaluate.coverage import passages
from writersroom.llm.fake import FakeBackend

SALAD = (
    "keeper the lamp . . . the the the lighthouse was was sea sea sea <unk> and and and "
    "the lamp of the the sea was was bright bright bright the the the"
) * 3


def _reader(request):
    user = request.messages[-1].content
    if "contradict" in user:
        return json.dumps({"answer": "yes" if "ALLEY" in user.split("Scene:", 1)[1] else "no"})
    if "what WALT wants" in user:
        return json.dumps({"answer": "no"})
    return json.dumps({"answer": "yes"})


@pytest.fixture(scope="module")
def coverage(heist, premise, embedder):
    tools = Tools(embedder, None, FakeBackend(reply=_reader))
    return evaluate_screenplay(heist, premise, tools=tools)


def test_screenplay_coverage_has_every_score_in_range(coverage):
    assert set(coverage.scores) == {*STORY_CRITERIA, *SCREENPLAY_CRITERIA, "overall"}
    assert all(1.0 <= v <= 5.0 for v in coverage.scores.values())
    assert coverage.verdict in ("Pass", "Consider", "Recommend")
    assert coverage.kind == "screenplay" and coverage.title == "The Last Job"
    assert coverage.model == "fake"


def test_screenplay_coverage_reports_scenes_characters_and_acts(coverage):
    assert len(coverage.scenes) == 6
    assert [r.act for r in coverage.scenes] == [1, 1, 2, 2, 3, 3]
    assert coverage.scenes[0].page == 1 and all(r.eighths >= 1 for r in coverage.scenes)
    assert coverage.characters[0].name in ("EDNA", "WALT")
    assert coverage.signals["acts_marked"] == 1.0
    assert coverage.signals["pages"] >= 2
    assert abs(sum(coverage.acts) - 1.0) < 1e-9
    assert coverage.synopsis.startswith("EDNA (78)")
    assert "Bingo" in coverage.synopsis or "Morning" in coverage.synopsis  # the ending is in


def test_model_labels_become_located_notes(coverage):
    notes = {(n.where.split(",")[0], n.criterion): n.text for n in coverage.suggestions}
    walt = [n for n in coverage.suggestions if "WALT's goal is unclear" in n.text]
    assert walt and walt[0].where.startswith("Scene ")
    assert any("continuity" in text for text in notes.values())
    assert coverage.signals["logic_breaks"] == pytest.approx(1 / 5)


def test_a_logic_break_lowers_coherence(heist, premise, embedder):
    calm = evaluate_screenplay(
        heist,
        premise,
        tools=Tools(
            embedder,
            None,
            FakeBackend(
                reply=lambda r: json.dumps(
                    {"answer": "no" if "contradict" in r.messages[-1].content else "yes"}
                )
            ),
        ),
    )
    broken = evaluate_screenplay(
        heist,
        premise,
        tools=Tools(embedder, None, FakeBackend(reply=lambda r: json.dumps({"answer": "yes"}))),
    )
    assert broken.scores["coherence"] < calm.scores["coherence"]


def test_prose_story_coverage(story, story_premise, embedder):
    cov = evaluate_text(story, story_premise, tools=Tools(embedder))
    assert cov.kind == "prose"
    assert set(cov.scores) == {*STORY_CRITERIA, "overall"}
    assert len(cov.scenes) == 1 and cov.scenes[0].heading == "Passage 1"
    assert cov.signals["premise_similarity"] > 0.3
    assert "feature set: fast" in cov.notes
    # Mara's story, told in the third person
    assert cov.signals["named_characters"] > 0 and cov.signals["first_person"] == 0.0


def test_a_story_beats_word_salad_and_an_off_premise_story(story, story_premise, embedder):
    tools = Tools(embedder)
    good, salad = score_texts([story, SALAD], story_premise, tools=tools)
    assert good > salad
    on, off = (
        score_texts([story, story], story_premise, tools=tools),
        score_texts([story], "A chef opens a sushi restaurant on the moon", tools=tools),
    )
    assert on[0] == on[1]  # deterministic
    crit = evaluate_text(story, story_premise, tools=tools).scores["relevance"]
    assert (
        crit
        > evaluate_text(story, "A chef opens a sushi restaurant on the moon", tools=tools).scores[
            "relevance"
        ]
    )
    assert off[0] <= on[0]


def test_score_texts_reads_fountain_scenes_as_prose(embedder):
    scene = "INT. DINER - NIGHT\n\nMARY waits.\n\nMARY\nWhere is the money?\n\nBOB\nGone."
    assert len(score_texts([scene], "a robbery goes wrong", tools=Tools(embedder))) == 1


def test_long_prose_is_read_in_passages():
    text = "\n\n".join("Sentence number one is here. " * 20 for _ in range(12))
    parts = passages(text)
    assert len(parts) > 1
    assert sum(len(p.prose.split()) for p in parts) == len(text.split())


def test_no_premise_falls_back_to_the_opening(story):
    cov = evaluate_text(story, "", tools=Tools())
    assert any("no premise given" in n for n in cov.notes)
    assert "feature set: text" in cov.notes


class CountingModel:
    """Stands in for the language model: a fixed loss per token, and a count of texts read."""

    def __init__(self):
        self.read = 0

    def token_losses(self, text, *, max_tokens=128, tail=False):
        self.read += 1
        return [3.0] * min(max_tokens, len(text.split()))


def test_perplexity_reads_at_most_24_units_and_fills_in_the_rest():
    from writersroom.screenplay import fountain

    doc = fountain.parse(
        "\n\n".join(f"INT. ROOM {i} - DAY\n\nAnna waits by door {i}." for i in range(40))
    )
    lm = CountingModel()
    cov = evaluate_screenplay(doc, "Anna waits", tools=Tools(language_model=lm))
    assert lm.read == 24
    assert cov.signals["mean_loss"] == 3.0
