"""Fixtures for the voice tests: a small script with three distinct voices, and a story project
made with the scripted story model."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
HARBOUR = FIXTURES / "harbour.fountain"


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def story_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A drafted three-scene story project (scripted model)."""
    from writersroom import story

    fake = load_module(Path(__file__).parents[1] / "story" / "fakestory.py").StoryFake()
    out = tmp_path_factory.mktemp("story") / "lighthouse"
    story.new(
        "A lighthouse keeper guides a lost ship home.",
        out,
        backend=fake,
        scenes=3,
        characters=3,
        structure="custom:Beginning,Middle,End",
    )
    return out


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Llama HF folder (tests/llm/tiny_hf.py), for training tests."""
    build = load_module(Path(__file__).parents[1] / "llm" / "tiny_hf.py").build_tiny_model
    return Path(build(tmp_path_factory.mktemp("tiny")))
