"""Fixtures for the evaluator: a small screenplay and a short story written for these tests, and
the real MiniLM embedder (loaded once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from writersroom.screenplay import fountain
from writersroom.screenplay.model import Screenplay

FIXTURES = Path(__file__).parent / "fixtures"
PREMISE = "Two elderly friends in a retirement home plan to rob a jewelry store"
STORY_PREMISE = "A lighthouse keeper sees a signal from a ship that cannot exist"


@pytest.fixture(scope="session")
def premise() -> str:
    return PREMISE


@pytest.fixture(scope="session")
def story_premise() -> str:
    return STORY_PREMISE


@pytest.fixture(scope="session")
def heist() -> Screenplay:
    return fountain.parse((FIXTURES / "heist.fountain").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def story() -> str:
    return (FIXTURES / "story.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def embedder():  # -> writersroom.evaluate.embed.Embedder
    from writersroom.evaluate.embed import load_embedder

    return load_embedder()
