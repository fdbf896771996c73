"""Fixtures for the training tests: the tiny scripts in scripts/ and a corpus built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

SCRIPTS = Path(__file__).parent / "scripts"


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from writersroom.train.corpus import build_corpus

    out = tmp_path_factory.mktemp("corpus") / "corpus"
    build_corpus([SCRIPTS], out)
    return out


@pytest.fixture(scope="session")
def base_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir shared by the tests that load the default model, so transformers converts the
    bundled GGUF once per session."""
    return tmp_path_factory.mktemp("base-cache")
