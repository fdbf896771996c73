"""The coverage report as Markdown or JSON (HTML with charts is in html.py).

    to_markdown(cov)    # logline, synopsis, grid, verdict, notes, scenes, characters
    to_json(cov)        # every field of the Coverage, signals included
    batch_line(id, cov) # {"id", "scores": {criterion: number}, "verdict"} for batch mode
"""

from __future__ import annotations

import json
from typing import Any

from writersroom.evaluate.records import SCREENPLAY_CRITERIA, STORY_CRITERIA, Coverage, grade
from writersroom.evaluate.validation import validated

LABELS = {
    "relevance": "Relevance to the premise",
    "coherence": "Coherence",
    "empathy": "Empathy",
    "surprise": "Surprise",
    "engagement": "Engagement",
    "complexity": "Complexity",
    "structure": "Story / structure",
    "characterization": "Characterization",
    "dialogue": "Dialogue",
    "pacing": "Pacing",
    "format": "Format",
    "overall": "Overall",
}


def criteria(cov: Coverage) -> list[str]:
    """The criteria the coverage scored, in grid order, ending with overall."""
    names = list(STORY_CRITERIA)
    if cov.kind == "screenplay":
        names += SCREENPLAY_CRITERIA
    return [*names, "overall"]


def to_json(cov: Coverage) -> str:
    """The whole coverage as indented JSON."""
    return json.dumps(cov.to_dict(), indent=2, ensure_ascii=False) + "\n"


def batch_line(item_id: Any, cov: Coverage) -> str:
    """One line of batch output: lower-case criterion names, 1-5 numbers, the verdict."""
    scores = {c: cov.scores[c] for c in criteria(cov)}
    return json.dumps({"id": item_id, "scores": scores, "verdict": cov.verdict},
                      ensure_ascii=False)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(cov: Coverage) -> str:
    """A reader's coverage: logline, synopsis, grid, verdict, notes, then the details."""
    s = cov.signals
    out = [f"# Coverage: {cov.title}", ""]
    what = "Screenplay" if cov.kind == "screenplay" else "Prose story"
    facts = [what]
    if cov.kind == "screenplay":
        facts += [f"{s.get('pages', 0):.0f} pages (~{s.get('runtime_minutes', 0):.0f} min)",
                  f"{s.get('scenes', 0):.0f} scenes",
                  f"{s.get('speaking_characters', 0):.0f} speaking characters"]
    facts.append(f"{s.get('words', 0):.0f} words")
    out += [" · ".join(facts), "", f"**Verdict: {cov.verdict}** (overall "
            f"{cov.scores['overall']:.1f} / 5)", ""]
    out += ["## Logline", "", cov.logline or "(none given)", "", "## Synopsis", "",
            cov.synopsis or "(empty)", ""]
    out += ["## Grid", "", "| Criterion | Score | Grade | Validated on held-out human ratings |",
            "|---|---:|---|---|"]
    for c in criteria(cov):
        out.append(f"| {LABELS[c]} | {cov.scores[c]:.1f} | {grade(cov.scores[c])} | "
                   f"{_cell(cov.validation.get(c, validated(c)))} |")
    out += ["", "Kendall tau and Pearson r run from 0 (no agreement with human readers) to 1; "
            "published metrics reach about 0.3 tau on HANNA.", ""]
    if cov.suggestions:
        out += ["## Notes", ""]
        out += [f"- **{_cell(n.where)}** ({n.criterion}): {_cell(n.text)}" for n in cov.suggestions]
        out.append("")
    if cov.kind == "screenplay" and cov.characters:
        out += ["## Characters", "", "| Character | Speeches | Words | Share | Scenes | Acts |",
                "|---|---:|---:|---:|---:|---|"]
        for ch in cov.characters[:12]:
            acts = ", ".join(map(str, ch.acts))
            out.append(f"| {_cell(ch.name)} | {ch.lines} | {ch.words} | {ch.share:.0%} | "
                       f"{ch.scenes} | {acts} |")
        out.append("")
    if cov.scenes:
        head = "Scene" if cov.kind == "screenplay" else "Passage"
        out += [f"## {head}s", "", f"| # | {head} | Page | Length | Act | Tension | Score |",
                "|---:|---|---:|---:|---:|---:|---:|"]
        for r in cov.scenes:
            length = f"{r.eighths // 8} {r.eighths % 8}/8" if r.eighths >= 8 else f"{r.eighths}/8"
            out.append(f"| {r.index + 1} | {_cell(r.heading)} | {r.page} | {length} | {r.act} | "
                       f"{r.tension:.2f} | {r.score:.1f} |")
        out.append("")
    if cov.judgments:
        counts: dict[tuple[str, str], int] = {}
        for j in cov.judgments:
            counts[(j.question, j.label)] = counts.get((j.question, j.label), 0) + 1
        out += ["## Model judgments", "", f"Answered by `{cov.model}`: " + ", ".join(
            f"{q} {label}: {n}" for (q, label), n in sorted(counts.items())), ""]
    out += ["## Signals", "", "| Signal | Value |", "|---|---:|"]
    out += [f"| {k} | {v:g} |" for k, v in cov.signals.items()]
    out.append("")
    if cov.notes:
        out += ["## About this report", ""] + [f"- {n}" for n in cov.notes] + [""]
    return "\n".join(out)
