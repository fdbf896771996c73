"""The transformers backend on a tiny model directory built by the test (random weights, a BPE
tokenizer trained on a few lines), and on the bundled SmolLM2 GGUF through transformers."""

from __future__ import annotations

import json

import pytest
from tiny_hf import build_tiny_model

from writersroom.errors import BackendRejected, BackendUnavailable, ContextOverflow
from writersroom.llm.base import Message, Request, chat, complete
from writersroom.llm.hf import HFBackend
from writersroom.llm.llamacpp import bundled_model_path
from writersroom.llm.registry import resolve


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = build_tiny_model(tmp_path_factory.mktemp("models") / "tiny")
    return HFBackend(folder, max_batch=4)


def test_tiny_model_generates_with_the_chat_template(tiny):
    assert tiny.render([Message("user", "hi")]) == (
        "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
    )
    result = complete(tiny, chat("INT. DINER - NIGHT", max_tokens=12, seed=1))
    assert result.finish_reason in {"stop", "length"}
    assert 0 < result.usage.output_tokens <= 12
    assert result.usage.input_tokens == len(
        tiny.prompt_ids(chat("INT. DINER - NIGHT", max_tokens=12))
    )


def test_seeds_repeat_and_differ(tiny):
    request = chat("MAYA", max_tokens=10, temperature=1.0)
    first = complete(tiny, request.with_seed(5)).text
    assert complete(tiny, request.with_seed(5)).text == first
    assert {complete(tiny, request.with_seed(s)).text for s in (6, 7, 8)} - {first}


def test_batch_with_left_padding_equals_one_at_a_time(tiny):
    prompts = ["Hi", "MAYA slides into the booth and waits.", "DEVON", "rain", "INT. DINER"]
    requests = [chat(p, max_tokens=8, seed=i) for i, p in enumerate(prompts)]
    batched = tiny.batch(requests)  # two generate calls: 4 + 1
    singles = [complete(tiny, r) for r in requests]
    assert [r.text for r in batched] == [r.text for r in singles]
    assert [r.usage for r in batched] == [r.usage for r in singles]


def test_per_request_max_tokens_in_one_batch(tiny):
    requests = [chat("a", max_tokens=n, seed=1, temperature=0) for n in (2, 9)]
    short, long = tiny.batch(requests)
    assert short.usage.output_tokens <= 2 and long.usage.output_tokens <= 9
    assert long.text.startswith(short.text) or short.finish_reason == "stop"


def test_stream_matches_complete_and_stops(tiny):
    request = chat("rain", max_tokens=16, seed=3)
    streamed = complete(tiny, request)
    batched = tiny.batch([request])[0]
    assert (streamed.text, streamed.usage) == (batched.text, batched.usage)
    full = complete(tiny, chat("rain", max_tokens=16, temperature=0)).text
    if len(full) > 4:
        stop = full[3:5]
        cut = complete(tiny, chat("rain", max_tokens=16, temperature=0, stop=(stop,)))
        assert cut.text == full[: full.index(stop)]
        assert cut.finish_reason == "stop"


def test_json_schema_is_enforced_while_decoding(tiny):
    schema = {
        "type": "object",
        "properties": {"mood": {"enum": ["tense", "calm"]}, "night": {"type": "boolean"}},
        "required": ["mood", "night"],
    }
    for seed in range(3):
        text = complete(tiny, chat("x", json_schema=schema, max_tokens=40, seed=seed)).text
        data = json.loads(text)
        assert set(data) == {"mood", "night"} and data["mood"] in {"tense", "calm"}


def test_grammar_restricts_output(tiny):
    grammar = 'root ::= ("MAYA" | "DEVON") ": " ("yes" | "no")'
    texts = {
        complete(tiny, chat("x", grammar=grammar, seed=s, max_tokens=20)).text for s in range(4)
    }
    assert texts <= {"MAYA: yes", "MAYA: no", "DEVON: yes", "DEVON: no"}


def test_bad_grammar_is_rejected(tiny):
    with pytest.raises(BackendRejected, match="invalid grammar"):
        complete(tiny, chat("x", grammar="root ::= (", max_tokens=8))


def test_context_overflow(tiny):
    with pytest.raises(ContextOverflow, match="512-token context window"):
        complete(tiny, Request(prompt="rain " * 600, max_tokens=4))


def test_missing_directory_is_backend_unavailable(tmp_path):
    with pytest.raises(BackendUnavailable, match="model not found"):
        HFBackend(tmp_path / "nothing")


def test_hf_spec_resolves_to_this_backend(tiny, tmp_path):
    folder = build_tiny_model(tmp_path / "again")
    assert resolve(f"hf:{folder}", _settings(tmp_path)).backend == "hf"


def _settings(home):
    from writersroom.config import Settings

    return Settings(home=home)


@pytest.mark.slow
def test_bundled_gguf_loads_through_transformers(default_backend):
    """transformers de-quantizes the Q4_1 GGUF (about a minute on two busy cores)."""
    smol = HFBackend(bundled_model_path())
    request = chat("Name a famous detective.", max_tokens=12, temperature=0)
    assert smol.prompt_ids(request) == default_backend.prompt_tokens(request)
    result = complete(smol, request)
    assert len(result.text.split()) >= 2 and result.text.isascii()
