"""The OpenAI-compatible backend against a real llama_cpp.server on 127.0.0.1 serving the bundled
model, and its fault paths against a scripted local HTTP server."""

from __future__ import annotations

import json

import pytest
from llm_servers import ScriptedServer, dropped, free_port, llama_cpp_server, sse, stall, status
from pydantic import BaseModel

from writersroom.errors import BackendError, BackendRejected, BackendUnavailable, ContextOverflow
from writersroom.llm.base import Request, chat, complete, complete_many
from writersroom.llm.llamacpp import bundled_model_path
from writersroom.llm.openai_compat import OpenAICompatBackend
from writersroom.llm.structured import complete_json


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "server.log"
    with llama_cpp_server(bundled_model_path(), log) as url:
        yield url


@pytest.fixture
def remote(server_url):
    backend = OpenAICompatBackend(server_url, "smollm2", timeout=60)
    yield backend
    backend.close()


def test_chat_streams_from_a_real_server(remote):
    deltas = list(remote.stream(chat("Describe a foggy pier.", max_tokens=16, seed=3)))
    text = "".join(d.text for d in deltas)
    assert len([d for d in deltas if d.text]) > 3
    assert len(text.split()) >= 4
    assert deltas[-1].finish_reason in {"stop", "length"}


def test_seed_reproduces_the_same_text(remote):
    request = chat("Invent a villain's name.", max_tokens=12, seed=11, temperature=1.0)
    assert complete(remote, request).text == complete(remote, request).text


def test_raw_completion_endpoint(remote):
    result = complete(remote, Request(prompt="FADE IN:\n\nINT. OFFICE - DAY\n\n", max_tokens=10))
    assert result.text
    assert result.finish_reason in {"stop", "length"}


class Character(BaseModel):
    name: str
    want: str


def test_json_schema_is_enforced_by_the_server(remote):
    request = chat("Give one character as JSON.", max_tokens=120, seed=2)
    character = complete_json(remote, request, Character, retries=0)
    assert isinstance(character, Character)
    # llama-cpp-python's server refuses response_format json_schema; "auto" fell back to
    # json_object + schema and the output still matches


def test_grammar_is_sent_to_llama_cpp_servers(remote):
    results = complete_many(
        remote, [chat("Yes or no?", grammar='root ::= "YES" | "NO"', seed=s) for s in range(3)]
    )
    assert {r.text for r in results} <= {"YES", "NO"}


def test_batch_runs_concurrently_in_request_order(remote):
    requests = [chat(f"Say the number {n}.", max_tokens=6, seed=n) for n in range(4)]
    results = remote.batch(requests)
    assert len(results) == 4
    assert all(r.text for r in results)
    assert [r.text for r in results] == [complete(remote, r).text for r in requests]


# -- fault paths against a scripted server ---------------------------------------------------


def scripted(server: ScriptedServer, **options) -> OpenAICompatBackend:
    return OpenAICompatBackend(server.base_url, "m", backoff=0.01, **options)


def test_payload_carries_sampling_seed_and_stop():
    with ScriptedServer(sse("ok")) as server:
        request = chat("hi", max_tokens=9, temperature=0.3, seed=4, stop=("\n",), top_k=7)
        assert complete(scripted(server), request).text == "ok"
    body = server.bodies[0]
    assert body["messages"] == [{"role": "user", "content": "hi"}]
    assert (body["max_tokens"], body["temperature"], body["seed"]) == (9, 0.3, 4)
    assert body["stop"] == ["\n"] and body["top_k"] == 7 and body["stream"] is True


def test_usage_comes_from_the_final_chunk():
    with ScriptedServer(sse("a", "b", "c")) as server:
        result = complete(scripted(server), chat("hi"))
    assert result.text == "abc"
    assert (result.usage.input_tokens, result.usage.output_tokens) == (7, 3)


def test_429_is_retried_after_backoff():
    with ScriptedServer(status(429, {"error": {"message": "slow down"}}), sse("fine")) as server:
        assert complete(scripted(server), chat("hi")).text == "fine"
    assert len(server.bodies) == 2


def test_retry_after_header_is_honoured():
    limited = status(429, {"error": "busy"}, {"Retry-After": "0.3"})
    with ScriptedServer(limited, sse("x")) as server:
        result = complete(scripted(server), chat("hi"))
    assert result.seconds >= 0.3


def test_500_retried_then_a_clear_error():
    errors = [status(500, {"error": {"message": "boom"}}) for _ in range(3)]
    with (
        ScriptedServer(*errors) as server,
        pytest.raises(BackendUnavailable, match="server error 500: boom"),
    ):
        complete(scripted(server, max_retries=2), chat("hi"))
    assert len(server.bodies) == 3


def test_persistent_429_is_rejected_as_rate_limited():
    with (
        ScriptedServer(*[status(429, {"error": "no"}) for _ in range(2)]) as server,
        pytest.raises(BackendRejected, match="rate limited"),
    ):
        complete(scripted(server, max_retries=1), chat("hi"))


def test_stream_dropped_before_any_text_is_retried():
    with ScriptedServer(dropped(), sse("whole")) as server:
        assert complete(scripted(server), chat("hi")).text == "whole"


def test_stream_dropped_after_text_is_an_error():
    with (
        ScriptedServer(dropped("half"), sse("never")) as server,
        pytest.raises(BackendUnavailable, match=r"cannot reach|cut off"),
    ):
        complete(scripted(server), chat("hi"))


def test_wrong_api_key_names_the_variable():
    refused = status(401, {"error": {"message": "Incorrect API key"}})
    with ScriptedServer(refused) as server:
        backend = scripted(server, api_key="sk-bad", api_key_env="DRAFT_KEY")
        with pytest.raises(BackendRejected, match=r"API key was refused.*set DRAFT_KEY"):
            complete(backend, chat("hi"))
    assert server.headers[0]["Authorization"] == "Bearer sk-bad"


def test_unreachable_server_is_one_clear_error():
    backend = OpenAICompatBackend(
        f"http://127.0.0.1:{free_port()}/v1", "m", max_retries=1, backoff=0.01
    )
    with pytest.raises(BackendUnavailable, match=r"cannot reach .* is the server running"):
        complete(backend, chat("hi"))


def test_malformed_response_is_reported():
    with (
        ScriptedServer(status(200, "this is not json")) as server,
        pytest.raises(BackendError, match="malformed response"),
    ):
        complete(scripted(server), chat("hi"))


def test_context_length_error_is_context_overflow():
    too_long = status(400, {"error": {"message": "This model's maximum context length is 2048"}})
    with (
        ScriptedServer(too_long) as server,
        pytest.raises(ContextOverflow, match="maximum context length"),
    ):
        complete(scripted(server), chat("hi"))


def test_timeout_is_retried_then_reported():
    with (
        ScriptedServer(stall(1.0), stall(1.0)) as server,
        pytest.raises(BackendUnavailable, match="timed out"),
    ):
        complete(scripted(server, timeout=0.3, max_retries=1), chat("hi"))


def test_structured_auto_falls_back_and_remembers_nothing_global():
    refused = status(400, {"error": {"message": "unknown response_format type json_schema"}})
    with ScriptedServer(refused, sse('{"name": "A", "want": "B"}')) as server:
        result = complete(scripted(server), chat("hi", json_schema=Character.model_json_schema()))
    assert json.loads(result.text) == {"name": "A", "want": "B"}
    first, second = server.bodies
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"] == {
        "type": "json_object",
        "schema": Character.model_json_schema(),
    }


def test_openai_host_gets_no_llama_cpp_extras():
    backend = OpenAICompatBackend("https://api.openai.com/v1", "gpt-4o-mini")
    _, body = backend.payload(chat("hi"), "none")
    assert "top_k" not in body and "min_p" not in body


@pytest.mark.parametrize(
    ("mode", "field"),
    [
        ("json_schema", "response_format"),
        ("json_object", "response_format"),
        ("guided_json", "guided_json"),
        ("llama_json_schema", "json_schema"),
        ("grammar", "grammar"),
    ],
)
def test_each_structured_mode_sends_its_field(mode, field):
    backend = OpenAICompatBackend("http://127.0.0.1:9/v1", "m", structured=mode)
    _, body = backend.payload(chat("hi", json_schema=Character.model_json_schema()), mode)
    assert field in body
    _, plain = backend.payload(chat("hi"), mode)
    assert field not in plain
