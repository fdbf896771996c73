"""The model seam: requests, streamed deltas, and the one-method Backend protocol.

Every backend implements `stream(request) -> Iterator[Delta]`. Everything else (complete,
batches, structured output, caching, logging) is built on top of it. Backends that can decode
several sequences at once also offer `batch(requests) -> list[Completion]`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Request:
    messages: tuple[Message, ...] = ()
    prompt: str | None = None  # raw completion, no chat template, when set
    max_tokens: int = 512
    temperature: float = 0.8
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.0  # llama.cpp / transformers multiplicative penalty
    frequency_penalty: float = 0.0  # OpenAI-style additive penalties
    presence_penalty: float = 0.0
    stop: tuple[str, ...] = ()
    seed: int | None = None
    json_schema: Mapping[str, Any] | None = field(default=None, hash=False)  # JSON Schema
    grammar: str | None = None  # GBNF grammar (llama.cpp syntax)
    # A prompt that does not fit the context window raises ContextOverflow ("error"); with
    # "trim" the oldest non-system messages are dropped until it fits (never the last one).
    overflow: Literal["error", "trim"] = "error"

    def cache_key(self, model: str) -> str:
        """A stable digest of (model, request) for the response cache."""
        payload = json.dumps([model, asdict(self)], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def with_seed(self, seed: int | None) -> Request:
        return replace(self, seed=seed)


def chat(user: str, *, system: str | None = None, **options: Any) -> Request:
    """Build a chat Request from a user message and an optional system message.

    >>> chat("Hi", system="Be brief", max_tokens=5).messages[0].role
    'system'
    """
    messages = ((Message("system", system),) if system else ()) + (Message("user", user),)
    return Request(messages=messages, **options)


@dataclass(frozen=True)
class Usage:
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_tokens: int | None = None  # prompt tokens served from a KV / prefix cache


@dataclass(frozen=True)
class Delta:
    text: str = ""
    usage: Usage | None = None  # usually only on the last delta
    finish_reason: str | None = None  # "stop", "length", ... on the last delta
    cached: bool = False  # replayed from the response cache


@dataclass(frozen=True)
class Completion:
    text: str
    usage: Usage = Usage()
    seconds: float = 0.0  # wall time of the whole call
    first_token_seconds: float | None = None  # time to first token
    finish_reason: str | None = None
    cached: bool = False  # served from the response cache


@runtime_checkable
class Backend(Protocol):
    name: str

    def stream(self, request: Request) -> Iterator[Delta]: ...


@runtime_checkable
class BatchBackend(Backend, Protocol):
    def batch(self, requests: Sequence[Request]) -> list[Completion]: ...


def collect(deltas: Iterator[Delta], started: float | None = None) -> Completion:
    """Drain a stream of deltas into one Completion."""
    started = time.perf_counter() if started is None else started
    parts: list[str] = []
    usage = Usage()
    first: float | None = None
    finish: str | None = None
    cached = False
    for delta in deltas:
        cached = cached or delta.cached
        if delta.text:
            if first is None:
                first = time.perf_counter() - started
            parts.append(delta.text)
        if delta.usage is not None:
            usage = delta.usage
        if delta.finish_reason is not None:
            finish = delta.finish_reason
    return Completion(
        text="".join(parts),
        usage=usage,
        seconds=time.perf_counter() - started,
        first_token_seconds=first,
        finish_reason=finish,
        cached=cached,
    )


def complete(backend: Backend, request: Request) -> Completion:
    """Run one request to the end. Everything non-interactive uses this."""
    started = time.perf_counter()
    return collect(backend.stream(request), started)


def complete_many(
    backend: Backend, requests: Sequence[Request], *, max_workers: int = 8
) -> list[Completion]:
    """Run independent requests together, results in request order: one batched decode on
    backends that offer `batch`, concurrent calls otherwise."""
    if not requests:
        return []
    if isinstance(backend, BatchBackend):
        return backend.batch(requests)
    if len(requests) == 1:
        return [complete(backend, requests[0])]
    with ThreadPoolExecutor(max_workers=min(max_workers, len(requests))) as pool:
        return list(pool.map(lambda r: complete(backend, r), requests))
