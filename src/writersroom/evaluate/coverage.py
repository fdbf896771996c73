"""Evaluation end to end: a screenplay or a prose story in, a Coverage out.

Every scene (or ~400-word passage of prose) is measured on its own: code signals, embedding
signals, perplexity. The calibrated linear models turn those into HANNA's six criteria per scene,
and the script's scores are the word-weighted means. Screenplays add the five grid criteria
(`grid.py`) from structure, character, dialogue and format signals. Model judgments, when a
backend is given, feed structure, characterization and coherence and become located notes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from writersroom.errors import BackendUnavailable, MissingExtra
from writersroom.evaluate import arc, calibrate, embed, grid, judge, script
from writersroom.evaluate import text as textsig
from writersroom.evaluate.calibrate import feature_set, story_scores, verdict
from writersroom.evaluate.narrative import prose_signals
from writersroom.evaluate.perplexity import LanguageModel, load_language_model, read_signals
from writersroom.evaluate.records import (
    SCREENPLAY_CRITERIA,
    STORY_CRITERIA,
    Coverage,
    Judgment,
    SceneReport,
    Verdict,
)
from writersroom.evaluate.script import SceneText
from writersroom.evaluate.suggest import suggestions
from writersroom.evaluate.validation import validation
from writersroom.llm.base import Backend
from writersroom.screenplay.model import Screenplay
from writersroom.screenplay.paginate import paginate, scene_spans

PASSAGE_WORDS = 400        # prose longer than LONG_PROSE is read in passages of about this size
LONG_PROSE = 1000
WORDS_PER_EIGHTH = 28      # a printed page holds about 220 words
LOGIC_PENALTY = 1.5        # coherence points lost when every judged scene breaks logic
GRID_CLEAN = 4.5           # grid mean of a script with no flagged problems
PERPLEXITY_UNITS = 24      # scenes or passages read by the language model


@dataclass(frozen=True)
class Tools:
    """What the evaluator may use beyond code: all optional."""

    embedder: embed.Embedder | None = None          # sentence embeddings (MiniLM)
    language_model: LanguageModel | None = None     # perplexity (the bundled GGUF)
    backend: Backend | None = None                  # answers the judgment questions
    judge_limit: int = judge.MAX_SCENES
    notes: tuple[str, ...] = field(default=())      # what could not be loaded


def default_tools(*, backend: Backend | None = None, perplexity: bool = True) -> Tools:
    """The embedder and the default model's perplexity when installed, and `backend` for
    judgments. Whatever is missing is left out and named in `notes`."""
    notes = []
    embedder: embed.Embedder | None = None
    try:
        embedder = embed.load_embedder()
    except MissingExtra as exc:
        notes.append(f"no sentence embeddings ({exc})")
    lm = None
    if perplexity:
        try:
            lm = load_language_model()
        except (MissingExtra, BackendUnavailable) as exc:
            notes.append(f"no perplexity ({exc})")
    return Tools(embedder, lm, backend, notes=tuple(notes))


@dataclass(frozen=True)
class _Measured:
    signals: list[dict[str, float]]      # per unit
    scores: list[dict[str, float]]       # per unit, the six criteria of its sequence
    own: list[float]                     # per unit, the mean of the six for the unit alone
    vectors: np.ndarray | None           # per unit, unit-length embedding


def _measure(units: Sequence[SceneText], premise: str, tools: Tools) -> _Measured:
    proses = [u.prose for u in units]
    signals = [prose_signals(p, premise) for p in proses]
    vectors = None
    if tools.embedder is not None:
        extra, vectors = embed.embedding_signals(tools.embedder, proses, premise)
        for s, e in zip(signals, extra, strict=True):
            s.update(e)
    if tools.language_model is not None:
        # the costliest signal: read up to PERPLEXITY_UNITS units spread over the text; the
        # others get the mean of those (a whole script's fluency changes slowly)
        picked = judge.chosen(len(units), PERPLEXITY_UNITS)
        ending = calibrate.uses(calibrate.ENDING_SIGNALS)      # read tails only if weighed
        losses = {i: read_signals(tools.language_model, proses[i], ending=ending)
                  for i in picked}
        mean = {k: float(np.mean([v[k] for v in losses.values()])) for k in losses[picked[0]]}
        for i, s in enumerate(signals):
            s.update(losses.get(i, mean))
    own = [float(np.mean(list(story_scores(s).values()))) for s in signals]
    return _Measured(signals, _grouped_scores(units, signals, premise), own, vectors)


def sequences(words: Sequence[float], size: int = PASSAGE_WORDS) -> list[list[int]]:
    """Consecutive units grouped into runs of at least `size` words (the last run may be
    shorter): HANNA's stories, which the criteria were fitted on, run 100-1000 words, so a
    30-word scene is judged within its sequence, not alone.

    >>> sequences([300, 200, 50, 500, 10], 400)
    [[0, 1], [2, 3], [4]]
    """
    groups: list[list[int]] = [[]]
    total = 0.0
    for i, w in enumerate(words):
        if groups[-1] and total >= size:
            groups.append([])
            total = 0.0
        groups[-1].append(i)
        total += w
    return groups if groups[0] else []


def _grouped_scores(units: Sequence[SceneText], signals: Sequence[dict[str, float]],
                    premise: str) -> list[dict[str, float]]:
    """The six criteria per unit, from the signals of the sequence it belongs to: text signals
    of the sequence's prose, word-weighted means of the model signals of its units."""
    words = [max(1.0, float(len(u.prose.split()))) for u in units]
    scores: list[dict[str, float]] = [{} for _ in units]
    for group in sequences(words):
        merged = prose_signals("\n".join(units[i].prose for i in group), premise)
        weights = [words[i] for i in group]
        for key in signals[group[0]]:
            if key not in merged:
                merged[key] = _weighted([signals[i][key] for i in group], weights)
        result = story_scores(merged)
        for i in group:
            scores[i] = result
    return scores


def _weighted(values: Sequence[float], weights: Sequence[float]) -> float:
    total = sum(weights)
    if not values or total <= 0:
        return 0.0
    return float(sum(v * w for v, w in zip(values, weights, strict=True)) / total)


def _mean_signals(measured: _Measured, weights: Sequence[float]) -> dict[str, float]:
    keys = ("premise_similarity", "window_coherence", "mean_loss", "perplexity")
    return {k: _weighted([s[k] for s in measured.signals], weights)
            for k in keys if measured.signals and k in measured.signals[0]}


def _story_scores(measured: _Measured, weights: Sequence[float],
                  judged: dict[str, float]) -> dict[str, float]:
    scores = {c: _weighted([s[c] for s in measured.scores], weights) for c in STORY_CRITERIA}
    if "logic_breaks" in judged:
        broken = LOGIC_PENALTY * judged["logic_breaks"]
        scores["coherence"] = max(1.0, scores["coherence"] - broken)
    return {c: round(v, 2) for c, v in scores.items()}


def _tension(units: Sequence[SceneText], measured: _Measured, tools: Tools) -> list[float]:
    if tools.embedder is not None and measured.vectors is not None:
        return embed.tension(tools.embedder, measured.vectors)
    return [arc.threat_tension(u.prose) for u in units]


def _judge(units: Sequence[SceneText], premise: str,
           tools: Tools) -> tuple[list[Judgment], dict[str, float], list[str]]:
    if tools.backend is None:
        return [], {}, []
    judgments, failed = judge.judge_scenes(units, premise, tools.backend, limit=tools.judge_limit)
    notes = [f"{failed} model answers could not be read and were left out"] if failed else []
    return judgments, judge.judgment_signals(judgments), notes


def _premise(premise: str, units: Sequence[SceneText], title: str) -> tuple[str, list[str]]:
    if premise.strip():
        return premise.strip(), []
    opening = " ".join(" ".join(u.prose for u in units[:2]).split()[:60])
    note = "no premise given: relevance is measured against the title and the opening"
    return f"{title}. {opening}".strip(" ."), [note]


def _synopsis(units: Sequence[SceneText], picks: int = 6) -> str:
    """The first sentence of evenly spaced scenes, ending with the last scene (the ending)."""
    chosen = judge.chosen(len(units), picks)
    parts = []
    for i in chosen:
        sents = textsig.sentences(units[i].prose)
        if sents:
            parts.append(sents[0])
    return " ".join(parts)


def _overall(scores: dict[str, float], screenplay: bool) -> float:
    """The mean of the six calibrated criteria (the scale the verdict thresholds were fitted
    on); for a screenplay, moved by half the grid's distance from a clean script's GRID_CLEAN."""
    story = float(np.mean([scores[c] for c in STORY_CRITERIA]))
    if screenplay:
        grid_mean = float(np.mean([scores[c] for c in SCREENPLAY_CRITERIA]))
        story += 0.5 * (grid_mean - GRID_CLEAN)
    return round(min(5.0, max(1.0, story)), 2)


def _spans(doc: Screenplay, units: Sequence[SceneText]) -> tuple[int, list[tuple[int, int]]]:
    """(pages, [(page, eighths)] per scene)."""
    pages = paginate(doc)
    numbered = [p for p in pages if p.number is not None]
    by_scene = {s.scene: (s.page, s.eighths) for s in scene_spans(pages)}
    fallback = [(1, max(1, round(len(u.prose.split()) / WORDS_PER_EIGHTH))) for u in units]
    spans = [by_scene.get(i, fallback[i]) for i in range(len(units))]
    return max(1, len(numbered)), spans


def draft_problems(units: Sequence[SceneText]) -> list[str]:
    """What the story engine's own checks flag in a draft, at rates a produced script does not
    reach (Big Fish repeats one line and has two speakers who say their own name once): a scene
    with no words, speeches said again verbatim (2+, and 5 % of all), a speaker whose lines
    open with their own name (2+, and a fifth of their lines). Such a script is never
    recommended."""
    found = [f"Scene {u.index + 1} is empty" for u in units
             if u.heading and len(u.prose.split()) < 3]
    said: set[str] = set()
    repeats: list[str] = []
    own: dict[str, list[bool]] = {}
    for u in units:
        for name, speech in u.speeches:
            tokens = textsig.words(speech)
            key = " ".join(tokens)
            if len(tokens) >= 3 and key in said:
                repeats.append(f"Scene {u.index + 1}, {name}: \"{speech[:40]}\"")
            said.add(key)
            cue = textsig.words(name)[:1]
            own.setdefault(name, []).append(bool(tokens and cue and tokens[0] == cue[0]))
    speeches = sum(len(v) for v in own.values())
    if len(repeats) >= 2 and len(repeats) >= 0.05 * speeches:
        found.append(f"{len(repeats)} speeches repeat earlier ones verbatim ({repeats[0]})")
    for name, flags in own.items():
        if sum(flags) >= 2 and sum(flags) >= 0.2 * len(flags):
            found.append(f"{name} opens {sum(flags)} of {len(flags)} lines with their own name")
    return found


def _capped(overall: float, problems: Sequence[str]) -> Verdict:
    decided = verdict(overall)
    return "Consider" if problems and decided == "Recommend" else decided


def evaluate_screenplay(
    doc: Screenplay, premise: str = "", *, tools: Tools | None = None, title: str | None = None
) -> Coverage:
    """Coverage of a screenplay: scores, verdict, per-scene and per-character reports, notes.
    `tools=None` uses `default_tools()` (embedder and perplexity, no judgments)."""
    started = time.perf_counter()
    tools = default_tools() if tools is None else tools
    title = title or doc.title or "Untitled"
    units = script.scene_texts(doc)
    premise, notes = _premise(premise, units, title)
    pages, spans = _spans(doc, units)
    lengths = [float(e) for _, e in spans]
    acts, marked = script.assign_acts(units, lengths)
    shares = script.act_shares(acts, lengths)
    measured = _measure(units, premise, tools)
    tension = _tension(units, measured, tools)
    cast = script.characters(doc, units, acts)
    judgments, judged, judge_notes = _judge(units, premise, tools)
    words = [max(1.0, float(len(u.prose.split()))) for u in units]

    signals = prose_signals(" ".join(u.prose for u in units), premise)
    signals.update(_mean_signals(measured, words))
    issues = script.format_issues(doc, units)
    total = sum(lengths) or 1.0
    peak = int(np.argmax(tension)) if tension else 0
    signals.update({
        "pages": float(pages),
        "runtime_minutes": float(pages),
        "scenes": float(len(units)) if units[0].heading else 1.0,
        "mean_scene_eighths": total / len(units),
        "long_scene_share": sum(1 for x in lengths if x > script.LONG_SCENE_EIGHTHS) / len(units),
        "acts_marked": 1.0 if marked else 0.0,
        "act_1_share": shares[0], "act_2_share": shares[1], "act_3_share": shares[2],
        "act_deviation": sum(abs(a - b) for a, b in zip(shares, script.ACT_TARGET, strict=True)),
        "climax_position": (sum(lengths[:peak]) + lengths[peak] / 2) / total,
        "tension_range": (max(tension) - min(tension)) if tension else 0.0,
        "format_issues": float(sum(issues.values())),
        **{f"issue_{k}": float(v) for k, v in issues.items()},
    })
    if measured.vectors is not None and len(units) > 1:
        signals["scene_similarity"] = float(np.mean(embed.adjacent_similarity(measured.vectors)))
    signals.update(script.character_signals(cast))
    signals.update(script.dialogue_signals(units))
    signals.update(judged)
    if "no_scene_headings" in issues:
        signals["no_scene_headings"] = 1.0

    scores = _story_scores(measured, words, judged)
    scores.update(grid.grid_scores(signals))
    scores["overall"] = _overall(scores, screenplay=True)
    reports = _reports(units, measured, spans, acts, tension)
    problems = draft_problems(units)
    signals["draft_problems"] = float(len(problems))
    notes = [*notes, *(f"never recommended: {p}" for p in problems[:5])]
    return Coverage(
        kind="screenplay", title=title, premise=premise, scores=scores,
        verdict=_capped(scores["overall"], problems), signals=_rounded(signals),
        logline=premise, synopsis=_synopsis(units), scenes=reports, characters=tuple(cast),
        acts=shares, judgments=tuple(judgments),
        suggestions=suggestions(scores, signals, units, reports, cast, judgments, prose=False),
        model=tools.backend.name if tools.backend is not None else "",
        seconds=round(time.perf_counter() - started, 2),
        notes=(*tools.notes, *notes, *judge_notes, f"feature set: {_set(measured)}"),
        validation=validation(list(scores)),
    )


def passages(text: str, size: int = PASSAGE_WORDS) -> list[SceneText]:
    """Prose as passages: one for a short story, ~`size`-word runs of paragraphs otherwise."""
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()] or [""]
    if len(text.split()) <= LONG_PROSE:
        return [SceneText(0, "", tuple(paragraphs), (), 0)]
    groups: list[list[str]] = [[]]
    for p in paragraphs:
        if groups[-1] and sum(len(x.split()) for x in groups[-1]) >= size:
            groups.append([])
        groups[-1].append(p)
    return [SceneText(i, "", tuple(g), (), 0) for i, g in enumerate(groups)]


def evaluate_text(
    text: str, premise: str = "", *, tools: Tools | None = None, title: str = "Untitled"
) -> Coverage:
    """Coverage of a prose story: HANNA's six criteria, verdict and located notes."""
    started = time.perf_counter()
    tools = default_tools() if tools is None else tools
    units = passages(text)
    premise, notes = _premise(premise, units, title)
    measured = _measure(units, premise, tools)
    judgments, judged, judge_notes = _judge(units, premise, tools)
    words = [max(1.0, float(len(u.prose.split()))) for u in units]
    signals = prose_signals(text, premise)
    signals.update(_mean_signals(measured, words))
    signals.update(judged)
    scores = _story_scores(measured, words, judged)
    scores["overall"] = _overall(scores, screenplay=False)
    spans = [(1, max(1, round(w / WORDS_PER_EIGHTH))) for w in words]
    tension = _tension(units, measured, tools)
    reports = _reports(units, measured, spans, [1] * len(units), tension)
    return Coverage(
        kind="prose", title=title, premise=premise, scores=scores,
        verdict=verdict(scores["overall"]), signals=_rounded(signals), logline=premise,
        synopsis=_synopsis(units), scenes=reports, judgments=tuple(judgments),
        suggestions=suggestions(scores, signals, units, reports, (), judgments, prose=True),
        model=tools.backend.name if tools.backend is not None else "",
        seconds=round(time.perf_counter() - started, 2),
        notes=(*tools.notes, *notes, *judge_notes, f"feature set: {_set(measured)}"),
        validation=validation(list(scores)),
    )


def _set(measured: _Measured) -> str:
    return feature_set(measured.signals[0]) if measured.signals else "text"


def _rounded(signals: dict[str, float]) -> dict[str, float]:
    return {k: round(float(v), 4) for k, v in sorted(signals.items())}


def _reports(units: Sequence[SceneText], measured: _Measured, spans: Sequence[tuple[int, int]],
             acts: Sequence[int], tension: Sequence[float]) -> tuple[SceneReport, ...]:
    out = []
    for i, u in enumerate(units):
        heading = u.heading or (f"Passage {i + 1}" if len(units) > 1 or not u.speeches else "")
        speakers = tuple(dict.fromkeys(name for name, _ in u.speeches))
        out.append(SceneReport(
            index=i, heading=heading or "(no heading)", page=spans[i][0], eighths=spans[i][1],
            words=len(u.prose.split()), speakers=speakers, act=acts[i],
            tension=round(tension[i], 3), sentiment=round(arc.sentiment(u.prose), 3),
            premise_similarity=round(measured.signals[i].get("premise_similarity", 0.0), 3),
            score=round(measured.own[i], 2),
        ))
    return tuple(out)
