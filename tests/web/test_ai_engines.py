"""The shared model engine of the room: requests that arrive while a decode runs are decoded
together next; a request the engine refuses fails alone; on the real default model, concurrent
calls share one llama.cpp decode."""

from __future__ import annotations

import threading

import pytest
from aisupport import wait_until

from writersroom.errors import BackendRejected, BackendUnavailable
from writersroom.llm.base import Delta, Request, chat, complete
from writersroom.llm.fake import FakeBackend
from writersroom.web.engines import Batched, Engines, llama_decode


def _upper(seen: list[list[str]], hold: threading.Event | None = None):
    """A decode that answers each prompt in capitals; the first decode waits for `hold`."""

    def decode(requests):
        seen.append([r.prompt for r in requests])
        if hold is not None and len(seen) == 1:
            assert hold.wait(10)
        for i, r in enumerate(requests):
            if r.prompt == "refuse":
                yield i, BackendRejected("refused")
                continue
            yield i, Delta(r.prompt.upper())
        for i, _r in enumerate(requests):
            yield i, Delta(finish_reason="stop")

    return decode


def test_requests_arriving_during_a_decode_are_decoded_together():
    seen: list[list[str]] = []
    hold = threading.Event()
    batched = Batched("upper", _upper(seen, hold))
    results: dict[str, str] = {}

    def call(prompt: str) -> None:
        results[prompt] = complete(batched, Request(prompt=prompt)).text

    first = threading.Thread(target=call, args=("a",))
    first.start()
    wait_until(lambda: seen)  # "a" is being decoded
    later = [threading.Thread(target=call, args=(p,)) for p in ("b", "c")]
    for thread in later:
        thread.start()
    wait_until(lambda: batched.waiting == 2)
    hold.set()
    for thread in (first, *later):
        thread.join(10)
    assert seen[0] == ["a"] and sorted(seen[1]) == ["b", "c"] and len(seen) == 2
    assert results == {"a": "A", "b": "B", "c": "C"}
    assert batched.batches == [1, 2]


def test_a_refused_request_fails_alone_and_a_failed_decode_fails_all():
    batched = Batched("upper", _upper([]))
    with pytest.raises(BackendRejected):
        batched.batch([Request(prompt="ok"), Request(prompt="refuse")])
    assert complete(batched, Request(prompt="ok")).text == "OK"

    def broken(requests):
        yield 0, Delta("x")
        raise BackendUnavailable("the engine stopped")

    failing = Batched("broken", broken)
    with pytest.raises(BackendUnavailable):
        failing.batch([Request(prompt="a"), Request(prompt="b")])


def test_engines_share_one_backend_per_spec(web):
    fake = FakeBackend()
    engines = Engines(web.settings, preset={"mine": fake})
    assert engines.get("mine") is fake
    assert engines.get("default") is engines.get(None)  # the configured default, made once
    assert "mine" in engines.names() and "default" in engines.names()


def test_concurrent_calls_share_one_decode_on_the_default_model(default_backend):
    batched = Batched(default_backend.name, llama_decode(default_backend))
    requests = [
        chat(f"Name a {thing}.", max_tokens=8, seed=1, temperature=0.0)
        for thing in ("color", "city")
    ]
    answers = batched.batch(requests)
    assert all(a.text.strip() for a in answers) and batched.batches == [2]
    assert "".join(d.text for d in batched.stream(requests[0])).strip()
    bad = Request(prompt="x", max_tokens=4, grammar="root ::= ((")
    with pytest.raises(BackendRejected):
        list(batched.stream(bad))
