"""Shared fixtures: every test gets its own writersroom home; nothing reaches a model hub."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Property tests must not depend on how fast the machine is: hypothesis's default 200 ms deadline
# per example and its too-slow health check fail on a slow or busy CPU, not on a wrong answer.
settings.register_profile("any-cpu", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("any-cpu")

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session", autouse=True)
def weights_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache folder for the whole session, so the default model's Q8_0 copy is made once."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("WRITERSROOM_CACHE_DIR")
    os.environ["WRITERSROOM_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("WRITERSROOM_CACHE_DIR", None)
    else:
        os.environ["WRITERSROOM_CACHE_DIR"] = previous


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
    """The real default model (the bundled SmolLM2-135M-Instruct, run as `default` runs it: a
    Q8_0 copy of its Q4_1 GGUF, llama.cpp), loaded once per test session. Use seeds (and small
    max_tokens) to keep tests fast and reproducible."""
    from writersroom.llm.llamacpp import LlamaCppBackend, bundled_model_path

    backend = LlamaCppBackend(bundled_model_path(), n_ctx=4096, n_parallel=4, weights="q8_0")
    yield backend
    backend.close()
