"""Fixtures for story tests: a scripted story model and small projects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fakestory import StoryFake

from writersroom.story.project import Options, Project
from writersroom.story.structures import get_structure
from writersroom.story.types import Logline

LOGLINE = (
    "A retired lighthouse keeper must guide a lost ship home through the worst storm in years."
)


@pytest.fixture
def fake() -> StoryFake:
    return StoryFake()


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Project]:
    def make(
        name: str = "p", structure: str = "custom:Beginning,Middle,End", **options: object
    ) -> Project:
        opts = Options(**{"scenes": 3, "characters": 3, **options})  # type: ignore[arg-type]
        return Project.create(
            tmp_path / name, Logline(text=LOGLINE, genre="drama"), get_structure(structure), opts
        )

    return make
