"""Property tests: Fountain parsing never raises, and render -> parse gives the same document."""

from __future__ import annotations

from fountain_strategies import fountain_text
from hypothesis import given, settings
from hypothesis import strategies as st

from writersroom.screenplay import fountain


@settings(max_examples=600, deadline=None)
@given(fountain_text)
def test_parse_never_raises_and_render_round_trips(text: str) -> None:
    doc = fountain.parse(text)
    rendered = fountain.render(doc)
    assert fountain.parse(rendered) == doc, rendered


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_unicode_round_trips(text: str) -> None:
    doc = fountain.parse(text)
    assert fountain.parse(fountain.render(doc)) == doc
