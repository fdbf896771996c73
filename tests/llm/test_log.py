"""Every call logged in SQLite by LoggedBackend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from writersroom.errors import BackendUnavailable
from writersroom.llm.base import Delta, Request, chat, complete, complete_many
from writersroom.llm.log import CallLog, LoggedBackend


@pytest.fixture
def log(tmp_path) -> CallLog:
    return CallLog(tmp_path / "log.db")


def test_a_real_call_is_recorded(default_backend, log):
    backend = LoggedBackend(default_backend, log)
    result = complete(backend, chat("Name a film.", system="Be brief.", max_tokens=8, seed=2))
    (row,) = log.recent(5)
    assert row.model == default_backend.name
    assert row.messages == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Name a film."},
    ]
    assert row.response == result.text
    assert (row.input_tokens, row.output_tokens) == (
        result.usage.input_tokens,
        result.usage.output_tokens,
    )
    assert row.options["seed"] == 2 and row.options["max_tokens"] == 8
    assert row.seconds is not None and row.seconds > 0
    assert row.first_token_seconds is not None and row.finish_reason in {"stop", "length"}
    assert row.error is None and not row.cached


def test_batches_are_logged_one_row_per_request(default_backend, log):
    backend = LoggedBackend(default_backend, log)
    results = complete_many(backend, [chat(f"Word {i}", max_tokens=3, seed=i) for i in range(3)])
    rows = log.recent(10)
    assert len(rows) == 3
    assert sorted(r.response for r in rows) == sorted(r.text for r in results)


class Broken:
    name = "broken"

    def stream(self, request: Request) -> Iterator[Delta]:
        yield Delta("par")
        raise BackendUnavailable("server went away")


def test_errors_are_recorded_and_raised(log):
    with pytest.raises(BackendUnavailable):
        complete(LoggedBackend(Broken(), log), chat("hi"))
    (row,) = log.recent()
    assert (row.error, row.response, row.finish_reason) == ("server went away", "par", None)


def test_an_abandoned_stream_is_one_complete_row_marked_interrupted(default_backend, log):
    stream = LoggedBackend(default_backend, log).stream(chat("Story.", max_tokens=30, seed=1))
    first = next(stream)
    stream.close()
    (row,) = log.recent()
    assert row.error == "interrupted" and row.response == first.text


def test_recent_is_newest_first_and_limited(log):
    backend = LoggedBackend(_Echo(), log)
    for word in ("one", "two", "three"):
        complete(backend, chat(word))
    assert [r.response for r in log.recent(2)] == ["three", "two"]


class _Echo:
    name = "echo"

    def stream(self, request: Request) -> Iterator[Delta]:
        yield Delta(request.messages[-1].content, finish_reason="stop")


class _CtrlC:
    name = "ctrl-c"

    def stream(self, request: Request) -> Iterator[Delta]:
        yield Delta("Once upon")
        raise KeyboardInterrupt


def test_ctrl_c_leaves_one_whole_row_and_no_cache_entry(tmp_path, log):
    from writersroom.llm.cache import CachedBackend, ResponseCache

    cache = ResponseCache(tmp_path / "cache.db")
    backend = LoggedBackend(CachedBackend(_CtrlC(), cache), log)
    with pytest.raises(KeyboardInterrupt):
        complete(backend, chat("Story", seed=1))
    assert len(cache) == 0
    (row,) = log.recent()
    assert (row.error, row.response, row.finish_reason) == ("interrupted", "Once upon", None)
