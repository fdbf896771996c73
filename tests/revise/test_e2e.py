"""Revision and checking on the real bundled model: properties, never exact sampled text."""

from __future__ import annotations

from pathlib import Path

import pytest

from writersroom.revise import check, reject, revise
from writersroom.revise.ops import in_scope
from writersroom.revise.plan import candidates, choose
from writersroom.screenplay import fountain
from writersroom.screenplay.model import Dialogue

SCRIPT = (Path(__file__).parent / "rain.fountain").read_text(encoding="utf-8")

pytestmark = pytest.mark.slow


def test_model_rewrites_only_inside_the_scope(default_backend) -> None:
    doc = fountain.parse(SCRIPT)
    out = revise(
        doc, "rename Joe to Joanna and make Joe angrier in scene 2", default_backend, scope={2}
    )
    inside = in_scope(doc.elements, {2})
    assert out.changes and all(inside[c.at] for c in out.changes)
    assert out.elements[: inside.index(True)] == doc.elements[: inside.index(True)]
    speakers = [e.speaker for e in out.elements if isinstance(e, Dialogue)]
    assert speakers == ["JOE", "MARA", "JOANNA", "MARA", "JOE"]  # the explicit rename, in scope
    assert reject(out) == doc


def test_check_with_the_model_confirming(default_backend) -> None:
    scene = "INT. HOUSE - DAY\n\nMoonlight fills the room. Edward sits.\n\nEDWARD\nHi.\n\n"
    doc = fountain.parse(scene * 3)
    assert [f.kind for f in check(doc)] == ["time_of_day"] * 3
    confirmed = check(doc, default_backend)
    assert set(confirmed) <= set(check(doc))


def test_the_model_picks_one_of_the_candidates(default_backend) -> None:
    doc = fountain.parse(SCRIPT)
    options = candidates(doc, "make Joe angrier in scene 2", narrow=False)
    assert len(options) == 2
    assert choose(doc, "make Joe angrier in scene 2", options, default_backend) in options
