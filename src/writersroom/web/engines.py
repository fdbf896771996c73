"""The models of the writers' room: one backend per model spec for the whole app, shared by every
user, and on llama.cpp one decode for the requests that arrive together.

    engines = Engines(settings)
    backend = engines.get("default")          # the same object for every request of the app
    for delta in backend.stream(request): ... # joins the next batched decode (llama.cpp)

llama.cpp runs one decode at a time over up to `n_parallel` sequences (llamacpp_engine.py).
`Batched` queues the requests of every thread and a short-lived driver thread decodes all that
are waiting in one `engine.run`, handing each request its own stream of deltas; requests that
arrive during a decode form the next one. Other backends (OpenAI-compatible servers, HF) take
concurrent calls themselves and are shared as they are.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from writersroom.config import Settings
from writersroom.llm.base import Backend, Completion, Delta, Request, Usage, collect
from writersroom.llm.registry import configured_names, open_backend, resolve, wrap

# decode(requests) -> (request index, delta | the error that ended it); see Batched
Decode = Callable[[Sequence[Request]], Iterator[tuple[int, Delta | BaseException]]]
_END = object()


@dataclass(eq=False)
class _Ticket:
    request: Request
    out: queue.SimpleQueue[Any] = field(default_factory=queue.SimpleQueue)


class Batched:
    """A backend whose concurrent calls are decoded together (see the module docstring)."""

    def __init__(self, name: str, decode: Decode, cache_id: str | None = None) -> None:
        self.name = name
        self.cache_id = cache_id or name  # the response cache keys on the model, as unbatched
        self._decode = decode
        self._lock = threading.Lock()
        self._waiting: list[_Ticket] = []
        self._driving = False
        self.batches: list[int] = []  # size of every decode so far (for tests and tuning)

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._waiting)

    def stream(self, request: Request) -> Iterator[Delta]:
        (ticket,) = self._submit([request])
        yield from self._drain(ticket)

    def batch(self, requests: Sequence[Request]) -> list[Completion]:
        tickets = self._submit(requests)  # all in one decode when nothing else is running
        return [collect(self._drain(t)) for t in tickets]

    def _drain(self, ticket: _Ticket) -> Iterator[Delta]:
        while (item := ticket.out.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item

    def _submit(self, requests: Sequence[Request]) -> list[_Ticket]:
        tickets = [_Ticket(r) for r in requests]
        with self._lock:
            self._waiting.extend(tickets)
            start, self._driving = not self._driving, True
        if start:
            threading.Thread(target=self._drive, name="writersroom-batch", daemon=True).start()
        return tickets

    def _drive(self) -> None:
        """Decode whatever is waiting, again and again, until nothing is."""
        while True:
            with self._lock:
                tickets, self._waiting = self._waiting, []
                if not tickets:
                    self._driving = False
                    return
            self.batches.append(len(tickets))
            try:
                for index, item in self._decode([t.request for t in tickets]):
                    tickets[index].out.put(item)
            except BaseException as exc:  # the whole decode failed: every request hears it
                for ticket in tickets:
                    ticket.out.put(exc)
            for ticket in tickets:
                ticket.out.put(_END)


def llama_decode(backend: Any) -> Decode:
    """Decode requests together on a LlamaCppBackend's engine, as its own `batch` does, but
    streaming each request's text as it is sampled."""

    def decode(requests: Sequence[Request]) -> Iterator[tuple[int, Delta | BaseException]]:
        jobs, where = [], []  # a request the backend refuses (bad grammar, too long) fails alone
        for i, request in enumerate(requests):
            try:
                jobs.append(backend._job(request))  # llamacpp.py's Request -> Job (one place)
                where.append(i)
            except Exception as exc:
                yield i, exc
        if not jobs:
            return
        for event in backend._run(jobs):
            usage = None
            if event.finish_reason is not None:
                usage = Usage(event.input_tokens, event.output_tokens, event.cached_tokens)
            delta = Delta(event.text, usage=usage, finish_reason=event.finish_reason)
            yield where[event.index], delta

    return decode


class Engines:
    """One backend per model spec for the app's life (a GGUF is loaded once, its decodes
    batched); `preset` puts a backend under a spec (tests use a FakeBackend)."""

    def __init__(self, settings: Settings, preset: Mapping[str, Backend] | None = None) -> None:
        self.settings = settings
        self._backends: dict[str, Backend] = dict(preset or {})
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """The models a user may pick: `default` and the names in models.toml."""
        return list(dict.fromkeys([*self._backends, *configured_names(self.settings)]))

    def default_name(self) -> str:
        return self.settings.default_model or "default"

    def get(self, spec: str | None) -> Backend:
        """The shared backend for a spec (None: the configured default). Raises UnknownModel."""
        spec = spec or self.default_name()
        with self._lock:
            if spec not in self._backends:
                self._backends[spec] = self._open(spec)
            return self._backends[spec]

    def _open(self, spec: str) -> Backend:
        entry = resolve(spec, self.settings)
        raw = open_backend(entry)
        if entry.backend == "llamacpp":
            raw = Batched(raw.name, llama_decode(raw), getattr(raw, "cache_id", None))
        return wrap(raw, self.settings)
