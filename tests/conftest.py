"""Shared fixtures: every test gets its own writersroom home; nothing reaches a model hub."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(autouse=True)
def writersroom_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("WRITERSROOM_HOME", str(home))
    monkeypatch.delenv("WRITERSROOM_MODEL", raising=False)
    return home


@pytest.fixture(scope="session")
def default_backend():  # -> writersroom.llm.llamacpp.LlamaCppBackend
    """The real bundled default model (SmolLM2-135M-Instruct Q4_1, llama.cpp), loaded once per
    test session. Use seeds (and small max_tokens) to keep tests fast and reproducible."""
    from writersroom.llm.llamacpp import LlamaCppBackend, bundled_model_path

    backend = LlamaCppBackend(bundled_model_path(), n_ctx=4096, n_parallel=4)
    yield backend
    backend.close()
