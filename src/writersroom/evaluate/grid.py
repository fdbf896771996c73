"""The screenplay half of the coverage grid: structure, characterization, dialogue, pacing and
format, each 1-5, from code signals (and model labels when there are any).

No human-rated screenplay set exists to fit these on, so they are explicit rules: each criterion
starts at 5 and loses points for what a reader would flag, with the amounts written below. The
rules read the signal names produced by `script.py`, `embed.py` and `judge.py`.

    >>> s = grid_scores({"pages": 2, "scenes": 1, "mean_scene_eighths": 16, "format_issues": 0})
    >>> s["format"]
    5.0
"""

from __future__ import annotations

from collections.abc import Mapping

FULL_TRUST_SPEECHES = 40     # speeches needed before speaker distinctiveness counts fully


def _band(value: float, low: float, high: float, per_unit: float) -> float:
    """Penalty for `value` outside [low, high], `per_unit` points per unit outside.

    >>> _band(5, 1, 3, 0.5), _band(2, 1, 3, 0.5)
    (1.0, 0.0)
    """
    if value < low:
        return (low - value) * per_unit
    if value > high:
        return (value - high) * per_unit
    return 0.0


def _voice(s: Mapping[str, float]) -> float:
    """Points for distinct voices (-1..+1), trusted in proportion to the speeches behind it:
    a classifier over a handful of lines says little."""
    trust = min(1.0, s.get("speeches", 0.0) / FULL_TRUST_SPEECHES)
    return 2.0 * (s.get("speaker_distinctiveness", 0.5) - 0.5) * trust


def _clamp(x: float) -> float:
    return round(max(1.0, min(5.0, x)), 2)


def structure(s: Mapping[str, float]) -> float:
    score = 5.0
    if s.get("pages", 0) >= 60:                        # feature length: 90-125 pages
        score -= min(1.5, _band(s["pages"], 90, 125, 1 / 20))
    if s.get("scenes", 0) <= 1 and s.get("pages", 0) > 3:
        score -= 1.5                                   # one undivided block of text
    if s.get("acts_marked"):
        score -= min(2.0, 3.0 * s.get("act_deviation", 0.0))
    if s.get("scenes", 0) >= 6:
        score -= min(1.0, _band(s.get("climax_position", 1.0), 0.6, 1.0, 2.0))
    if "advances_share" in s:
        score -= 2.0 * (1.0 - s["advances_share"])
    return _clamp(score)


def characterization(s: Mapping[str, float]) -> float:
    n = s.get("speaking_characters", 0)
    if n == 0:
        return 1.0
    score = 5.0
    if n == 1:
        score -= 1.5
    if n >= 3:
        score -= _band(s.get("lead_share", 0.0), 0.15, 0.6, 5.0)
    if s.get("scenes", 0) >= 6 and not s.get("lead_in_all_acts", 0.0):
        score -= 0.7
    score -= 1.0 * (1.0 - s.get("introduced_share", 1.0))
    if n >= 2:
        score += _voice(s)
    if "goal_share" in s:
        score -= 2.0 * (1.0 - s["goal_share"])
    return _clamp(score)


def dialogue(s: Mapping[str, float]) -> float:
    if s.get("speeches", 0) == 0:
        return 1.5
    score = 5.0
    score -= min(1.5, _band(s.get("dialogue_ratio", 0.5), 0.3, 0.7, 4.0))
    score -= min(1.5, _band(s.get("mean_speech_words", 12.0), 0, 25, 1 / 15))
    score -= 3.0 * s.get("long_speech_share", 0.0)
    score -= min(1.5, 6.0 * s.get("dialogue_repetition_3", 0.0))
    if s.get("speaking_characters", 0) >= 2:
        score += _voice(s)
    return _clamp(score)


def pacing(s: Mapping[str, float]) -> float:
    score = 5.0
    score -= min(1.5, _band(s.get("mean_scene_eighths", 16.0), 4, 24, 1 / 8))
    score -= 3.0 * s.get("long_scene_share", 0.0)
    if s.get("scenes", 0) >= 6:
        score -= min(1.0, _band(s.get("tension_range", 0.5), 0.25, 1.0, 4.0))
        score -= min(1.0, _band(s.get("scene_similarity", 0.3), 0.0, 0.6, 5.0))
    if "advances_share" in s:
        score -= 1.0 * (1.0 - s["advances_share"])
    return _clamp(score)


def format_score(s: Mapping[str, float]) -> float:
    pages = max(1.0, s.get("pages", 1.0))
    score = 5.0 - min(4.0, 2.0 * s.get("format_issues", 0.0) / pages)
    if s.get("no_scene_headings"):
        score = min(score, 2.0)
    return _clamp(score)


def grid_scores(signals: Mapping[str, float]) -> dict[str, float]:
    """The five screenplay criteria, 1-5."""
    return {
        "structure": structure(signals),
        "characterization": characterization(signals),
        "dialogue": dialogue(signals),
        "pacing": pacing(signals),
        "format": format_score(signals),
    }
