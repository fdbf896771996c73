"""The persistent response cache: real SQLite, the real default model."""

from __future__ import annotations

import pytest

from writersroom.llm.base import Completion, Usage, chat, complete
from writersroom.llm.cache import CachedBackend, ResponseCache
from writersroom.llm.fake import FakeBackend


@pytest.fixture
def cache(tmp_path) -> ResponseCache:
    return ResponseCache(tmp_path / "cache.db")


def test_put_and_get_round_trip(cache):
    cache.put("k", "m", Completion("text", Usage(3, 4, 1), finish_reason="stop"))
    hit = cache.get("k")
    assert hit == Completion("text", Usage(3, 4, 1), finish_reason="stop", cached=True)
    assert cache.get("other") is None


def test_seeded_rerun_is_served_from_the_cache(default_backend, cache, tmp_path):
    backend = CachedBackend(default_backend, cache)
    request = chat("Name a city at night.", max_tokens=12, seed=21)
    first = complete(backend, request)
    again = complete(CachedBackend(default_backend, ResponseCache(tmp_path / "cache.db")), request)
    assert not first.cached and again.cached
    assert again.text == first.text
    assert again.usage == first.usage
    assert len(cache) == 1


def test_key_includes_model_request_and_seed(cache):
    backend = CachedBackend(FakeBackend(reply=lambda r: f"seed {r.seed}"), cache)
    assert complete(backend, chat("a", seed=1)).text == "seed 1"
    assert complete(backend, chat("a", seed=2)).text == "seed 2"
    assert complete(backend, chat("b", seed=1)).text == "seed 1"
    assert len(cache) == 3
    other_model = FakeBackend(reply=lambda r: "other")
    other_model.name = "fake-2"
    assert complete(CachedBackend(other_model, cache), chat("a", seed=1)).text == "other"


def test_unseeded_requests_are_never_cached(cache):
    fake = FakeBackend(["one", "two"])
    backend = CachedBackend(fake, cache)
    assert complete(backend, chat("a")).text == "one"
    assert complete(backend, chat("a")).text == "two"
    assert len(cache) == 0


def test_an_interrupted_stream_leaves_no_entry(default_backend, cache):
    backend = CachedBackend(default_backend, cache)
    stream = backend.stream(chat("Tell a long story.", max_tokens=40, seed=5))
    next(stream)
    stream.close()  # what Ctrl-C or a dropped client does to a generator
    assert len(cache) == 0


def test_batch_mixes_hits_and_misses(default_backend, cache):
    backend = CachedBackend(default_backend, cache)
    requests = [chat(f"Word {i}.", max_tokens=4, seed=i) for i in range(3)]
    first = complete(backend, requests[1])
    results = backend.batch(requests)
    assert [r.cached for r in results] == [False, True, False]
    assert results[1].text == first.text
    assert len(cache) == 3
    assert all(r.cached for r in backend.batch(requests))
