"""How well each score is validated: the agreement it reached with human ratings on held-out
data (`validation.json` beside this file, written from the benchmarks), so a reader knows which
numbers to trust.

    validated("coherence")   # 'held-out HANNA tau 0.31; CoheSentia r 0.20'
    validated("pacing")      # 'rule-based; not validated against human ratings'
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

UNVALIDATED = "rule-based; not validated against human ratings"
_NAMES = {"hanna_tau": "held-out HANNA tau", "cohesentia_r": "CoheSentia r"}


@functools.cache
def figures() -> dict[str, dict[str, float]]:
    """criterion -> {measure: value}, as shipped."""
    text = resources.files("writersroom.evaluate").joinpath("validation.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    criteria: dict[str, dict[str, float]] = data["criteria"]
    return criteria


def validated(criterion: str) -> str:
    """One phrase: the held-out agreement of `criterion`, or that it has none.

    >>> validated("complexity")
    'held-out HANNA tau 0.44'
    """
    measured = figures().get(criterion)
    if not measured:
        return UNVALIDATED
    return "; ".join(f"{_NAMES[k]} {v:.2f}" for k, v in measured.items())


def validation(criteria: list[str]) -> dict[str, str]:
    """`validated` for each criterion."""
    return {c: validated(c) for c in criteria}
