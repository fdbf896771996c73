"""A small continuous-batching decoder over llama.cpp's C API (through llama-cpp-python's ctypes).

One context serves up to `n_parallel` sequences plus sequence 0, which keeps the most recent
shared prompt prefix between calls. A run:

    jobs ──► common prefix C decoded once into seq 0 (only the part not already cached there)
         ──► each job: seq_cp(0 → slot) for the prefix it shares, then its own suffix
         ──► one llama_decode per step for all active slots (prompt chunks and sampled tokens
             mixed), a sampler per slot (penalties, grammar, top-k/p, min-p, temp, seed)

Two KV layouts (`kv_unified`). Per-sequence streams: each sequence attends over its own cells
only, and seq_cp copies the prefix into the stream; memory is (n_parallel + 1) × n_ctx cells.
Unified: one pool of cells, a copied prefix is shared rather than copied, but every token's
attention spans the whole pool, which costs more as sequences grow. The default picks streams when
they take at most 1 GiB (small models) and the unified pool otherwise.

Jobs wait for a free slot (and, unified, for room in the pool), so any number can be submitted.
This module knows nothing about chat templates or Requests; `llamacpp.py` builds the jobs.
"""

from __future__ import annotations

import codecs
import ctypes
import logging
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from writersroom.llm.llamacpp_sampling import Sampler, Sampling, SamplingError
from writersroom.llm.stops import cut_at_stop, held_back

__all__ = ["Event", "Job", "LlamaEngine", "Sampling", "default_threads"]

logger = logging.getLogger("writersroom.llamacpp")

_PREFIX_SEQ = 0  # sequence that keeps the cached prompt prefix between runs
_STREAMS_MAX_BYTES = 1 << 30  # per-sequence KV streams when they fit in this
_DEFAULT_CTX = 8192  # default window per request (at most the model's own)


@dataclass(frozen=True)
class Job:
    tokens: tuple[int, ...]  # the whole prompt, already tokenized
    max_tokens: int
    stop: tuple[str, ...] = ()
    sampling: Sampling = field(default_factory=Sampling)


@dataclass(frozen=True)
class Event:
    """Output of a run: text for job `index`, and on its last event the finish reason and counts."""

    index: int
    text: str = ""
    finish_reason: str | None = None  # "stop" | "length"
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0  # prompt tokens whose KV was reused


class EngineError(RuntimeError):
    """llama.cpp refused an operation (mapped to BackendError by the backend)."""


@dataclass
class _Slot:
    index: int  # job index
    seq: int  # llama.cpp sequence id
    job: Job
    sampler: Sampler
    feed: list[int]  # tokens still to decode
    pos: int  # position of feed[0]
    reserved: int  # KV cells reserved for this slot
    cached: int
    decoder: Any = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8")("replace"))
    pending: str = ""  # text held back while it may start a stop string
    generated: int = 0
    logits_at: int = -1  # batch index of this slot's logits in the last decode


def _lib() -> Any:
    import llama_cpp.llama_cpp as lib

    return lib


# llama.cpp logs through one process-wide callback; route it to Python logging (errors only shown).
_LOG_CALLBACK: Any = None


def quiet_logs(lib: Any) -> None:
    """Send llama.cpp's log lines to Python logging (errors shown, the rest at DEBUG)."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is not None:
        return

    def forward(level: int, text: bytes, _user: Any) -> None:
        # The KV cache is shared by all sequences, so it may exceed the training context; each
        # request is still held to the model's window (see LlamaEngine.n_ctx).
        if level == 3 and b"possible training context overflow" not in text:
            logger.error("%s", text.decode("utf-8", "replace").rstrip())
        elif logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s", text.decode("utf-8", "replace").rstrip())

    _LOG_CALLBACK = lib.llama_log_callback(forward)
    lib.llama_log_set(_LOG_CALLBACK, ctypes.c_void_p(0))


class LlamaEngine:
    """Owns a llama.cpp model and context. Thread-safe: runs are serialized by a lock."""

    def __init__(
        self,
        path: Path,
        *,
        n_ctx: int | None = None,
        n_parallel: int = 8,
        kv_size: int | None = None,
        n_batch: int = 512,
        n_threads: int | None = None,
        n_gpu_layers: int = 0,
        kv_unified: bool | None = None,  # None: per-sequence streams if they take <= 1 GiB
    ) -> None:
        lib = _lib()
        quiet_logs(lib)
        lib.llama_backend_init()
        self._lib = lib
        params = lib.llama_model_default_params()
        params.n_gpu_layers = n_gpu_layers
        model = lib.llama_model_load_from_file(str(path).encode("utf-8"), params)
        if not model:
            raise EngineError(f"llama.cpp could not load {path}")
        self.model = model
        self.vocab = lib.llama_model_get_vocab(model)
        self.n_ctx_train = int(lib.llama_model_n_ctx_train(model)) or _DEFAULT_CTX
        self.n_ctx = min(n_ctx or _DEFAULT_CTX, self.n_ctx_train)
        self.n_parallel = n_parallel
        streams = (n_parallel + 1) * self.n_ctx
        if kv_unified is None:
            kv_unified = streams * _kv_bytes_per_token(lib, model) > _STREAMS_MAX_BYTES
        self.unified = kv_unified
        pool = kv_size or max(2 * self.n_ctx, self.n_ctx + n_batch)
        self.kv_size = pool if kv_unified else streams
        if kv_unified and self.kv_size < self.n_ctx + n_batch:
            raise ValueError(f"kv_size must be at least n_ctx + n_batch ({self.n_ctx + n_batch})")
        threads = n_threads or default_threads()
        cparams = lib.llama_context_default_params()
        cparams.n_ctx = self.kv_size
        cparams.n_batch = n_batch
        cparams.n_ubatch = n_batch
        cparams.n_seq_max = n_parallel + 1
        cparams.n_threads = threads
        cparams.n_threads_batch = threads
        cparams.kv_unified = kv_unified
        cparams.no_perf = True
        ctx = lib.llama_init_from_model(model, cparams)
        if not ctx:
            lib.llama_model_free(model)
            raise EngineError(f"llama.cpp could not create a context of {self.kv_size} tokens")
        self.ctx = ctx
        self.memory = lib.llama_get_memory(ctx)
        self.n_batch = n_batch
        self.n_vocab = int(lib.llama_vocab_n_tokens(self.vocab))
        self.batch = lib.llama_batch_init(n_batch, 0, 1)
        self.prefix: list[int] = []  # tokens whose KV sits in _PREFIX_SEQ
        self.lock = threading.Lock()
        self.weights_bytes = int(lib.llama_model_size(model))

    def close(self) -> None:
        lib = self._lib
        if getattr(self, "ctx", None):
            lib.llama_batch_free(self.batch)
            lib.llama_free(self.ctx)
            lib.llama_model_free(self.model)
            self.ctx = None

    def __del__(self) -> None:  # pragma: no cover - interpreter shutdown order varies
        # At interpreter exit module globals (contextlib among them) may already be None.
        try:  # noqa: SIM105 - contextlib may already be gone at shutdown
            self.close()
        except Exception:
            pass

    # -- vocabulary ---------------------------------------------------------------------------

    def metadata(self, key: str) -> str | None:
        size = 1 << 16
        buf = ctypes.create_string_buffer(size)
        n = self._lib.llama_model_meta_val_str(self.model, key.encode(), buf, size)
        if n < 0:
            return None
        if n >= size:
            buf = ctypes.create_string_buffer(n + 1)
            self._lib.llama_model_meta_val_str(self.model, key.encode(), buf, n + 1)
        return buf.value.decode("utf-8", "replace")

    def tokenize(self, text: str, *, add_special: bool, parse_special: bool = True) -> list[int]:
        data = text.encode("utf-8")
        room = len(data) + 8
        tokens = (self._lib.llama_token * room)()
        n = self._lib.llama_tokenize(
            self.vocab, data, len(data), tokens, room, add_special, parse_special
        )
        if n < 0:
            room = -n
            tokens = (self._lib.llama_token * room)()
            n = self._lib.llama_tokenize(
                self.vocab, data, len(data), tokens, room, add_special, parse_special
            )
        return list(tokens[:n])

    def piece(self, token: int) -> bytes:
        buf = ctypes.create_string_buffer(64)
        n = self._lib.llama_token_to_piece(self.vocab, token, buf, 64, 0, False)
        if n < 0:
            buf = ctypes.create_string_buffer(-n)
            n = self._lib.llama_token_to_piece(self.vocab, token, buf, -n, 0, False)
        return buf.raw[:n]

    def token_text(self, token: int) -> str:
        raw = self._lib.llama_vocab_get_text(self.vocab, token)
        return raw.decode("utf-8", "replace") if raw else ""

    @property
    def bos(self) -> int:
        return int(self._lib.llama_vocab_bos(self.vocab))

    @property
    def eos(self) -> int:
        return int(self._lib.llama_vocab_eos(self.vocab))

    @property
    def add_bos(self) -> bool:
        return bool(self._lib.llama_vocab_get_add_bos(self.vocab))

    def check_grammar(self, grammar: str) -> bool:
        """Whether llama.cpp accepts this GBNF grammar."""
        chain = self._lib.llama_sampler_init_grammar(self.vocab, grammar.encode(), b"root")
        if not chain:
            return False
        self._lib.llama_sampler_free(chain)
        return True

    # -- decoding -----------------------------------------------------------------------------

    def run(self, jobs: Sequence[Job]) -> Iterator[Event]:
        """Decode all jobs together, yielding text events as tokens are sampled."""
        with self.lock:
            yield from self._run(jobs)

    def _run(self, jobs: Sequence[Job]) -> Iterator[Event]:
        waiting = deque(range(len(jobs)))
        free = list(range(self.n_parallel, 0, -1))  # seq ids 1..n_parallel; pop() gives 1 first
        active: list[_Slot] = []
        try:
            self._cache_prefix(_common_prefix([list(j.tokens) for j in jobs]))
            while waiting or active:
                while waiting and free and self._fits(jobs[waiting[0]], active):
                    index = waiting.popleft()
                    active.append(self._admit(index, jobs[index], free.pop()))
                if not active:  # the next job does not fit next to the cached prefix: drop it
                    if not self.prefix:
                        raise EngineError("a job needs more KV cache than the context has")
                    self.drop_prefix()
                    continue
                self._decode_step(active)
                for slot in list(active):
                    if slot.logits_at < 0:
                        continue
                    try:
                        token = slot.sampler.sample(self.ctx, slot.logits_at)
                    except SamplingError as exc:
                        raise EngineError(str(exc)) from exc
                    event = self._accept(slot, token)
                    if event is None:
                        continue
                    yield event
                    if event.finish_reason is not None:
                        active.remove(slot)
                        self._release(slot)
                        free.append(slot.seq)
        except GeneratorExit:  # the consumer stopped reading; the KV cache is consistent
            raise
        except BaseException:
            self.drop_prefix()  # a failed or interrupted decode leaves seq 0 in doubt
            raise
        finally:
            for slot in active:
                self._release(slot)

    def _cache_prefix(self, prefix: list[int]) -> None:
        """Make seq 0 hold `prefix`, decoding only what is not cached there already."""
        keep = _common_length(self.prefix, prefix)
        if not self._lib.llama_memory_seq_rm(self.memory, _PREFIX_SEQ, keep, -1):
            self.drop_prefix()  # a model whose memory cannot drop a tail (recurrent)
            keep = 0
        self.prefix = self.prefix[:keep]
        if self.unified and len(prefix) - keep > self.kv_size // 2:  # no room beside the jobs
            return
        for start in range(keep, len(prefix), self.n_batch):
            chunk = prefix[start : start + self.n_batch]
            self._fill([(t, start + i, _PREFIX_SEQ, False) for i, t in enumerate(chunk)])
            self._decode()
            self.prefix.extend(chunk)

    def drop_prefix(self) -> None:
        self._lib.llama_memory_seq_rm(self.memory, _PREFIX_SEQ, -1, -1)
        self.prefix = []

    def _fits(self, job: Job, active: list[_Slot]) -> bool:
        if not self.unified:  # every slot has a stream of n_ctx cells, enough for any job
            return True
        used = len(self.prefix) + sum(s.reserved for s in active)
        need = len(job.tokens) - self._reusable(job) + job.max_tokens
        return used + need <= self.kv_size - self.n_batch

    def _reusable(self, job: Job) -> int:
        # at least one prompt token is decoded per job, so that its first logits exist
        return min(_common_length(self.prefix, list(job.tokens)), len(job.tokens) - 1)

    def _admit(self, index: int, job: Job, seq: int) -> _Slot:
        reuse = self._reusable(job)
        lib = self._lib
        lib.llama_memory_seq_rm(self.memory, seq, -1, -1)
        if reuse > 0 and self.unified:
            lib.llama_memory_seq_cp(self.memory, _PREFIX_SEQ, seq, 0, reuse)
        elif reuse > 0:  # streams copy whole sequences only
            lib.llama_memory_seq_cp(self.memory, _PREFIX_SEQ, seq, -1, -1)
            if reuse < len(self.prefix):
                lib.llama_memory_seq_rm(self.memory, seq, reuse, -1)
        try:
            sampler = Sampler(lib, self.vocab, self.n_vocab, job.sampling)
        except SamplingError as exc:
            raise EngineError(str(exc)) from exc
        return _Slot(
            index=index,
            seq=seq,
            job=job,
            sampler=sampler,
            feed=list(job.tokens[reuse:]),
            pos=reuse,
            reserved=len(job.tokens) - reuse + job.max_tokens,
            cached=reuse,
        )

    def _release(self, slot: _Slot) -> None:
        self._lib.llama_memory_seq_rm(self.memory, slot.seq, -1, -1)
        slot.sampler.free()

    def _decode_step(self, active: list[_Slot]) -> None:
        """One llama_decode: a sampled token from every generating slot, then prompt chunks."""
        entries: list[tuple[int, int, int, bool]] = []
        owners: list[_Slot | None] = []
        for slot in active:
            slot.logits_at = -1
        ordered = sorted(active, key=lambda s: len(s.feed) > 1)  # generating slots first
        for slot in ordered:
            room = self.n_batch - len(entries)
            if room <= 0:
                break
            take = slot.feed[:room]
            for i, token in enumerate(take):
                last = i == len(take) - 1 and len(take) == len(slot.feed)
                entries.append((token, slot.pos + i, slot.seq, last))
                owners.append(slot if last else None)
            del slot.feed[: len(take)]
            slot.pos += len(take)
        self._fill(entries)
        self._decode()
        for i, owner in enumerate(owners):
            if owner is not None:
                owner.logits_at = i

    def _fill(self, entries: list[tuple[int, int, int, bool]]) -> None:
        batch = self.batch
        batch.n_tokens = len(entries)
        for i, (token, pos, seq, logits) in enumerate(entries):
            batch.token[i] = token
            batch.pos[i] = pos
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = seq
            batch.logits[i] = logits

    def _decode(self) -> None:
        code = self._lib.llama_decode(self.ctx, self.batch)
        if code != 0:
            raise EngineError(f"llama_decode failed with code {code}")

    def _accept(self, slot: _Slot, token: int) -> Event | None:
        """Record a sampled token; return the text it completes and, if so, the finish."""
        slot.generated += 1
        if self._lib.llama_vocab_is_eog(self.vocab, token):
            return self._finish(slot, slot.decoder.decode(b"", final=True), "stop")
        slot.feed = [token]
        text = slot.pending + slot.decoder.decode(self.piece(token))
        kept, stopped = cut_at_stop(text, slot.job.stop)
        if stopped:
            return self._finish(slot, kept, "stop", held=False)
        if slot.generated >= slot.job.max_tokens:
            return self._finish(
                slot, text + slot.decoder.decode(b"", final=True), "length", held=False
            )
        hold = held_back(text, slot.job.stop)
        slot.pending = text[len(text) - hold :] if hold else ""
        return Event(slot.index, text[: len(text) - hold]) if hold < len(text) else None

    def _finish(self, slot: _Slot, text: str, reason: str, *, held: bool = True) -> Event:
        if held:
            text = slot.pending + text
        slot.pending = ""
        return Event(
            slot.index,
            text,
            finish_reason=reason,
            input_tokens=len(slot.job.tokens),
            output_tokens=slot.generated,
            cached_tokens=slot.cached,
        )


def _kv_bytes_per_token(lib: Any, model: Any) -> int:
    """f16 K and V for every layer."""
    head_dim = lib.llama_model_n_embd(model) // max(1, lib.llama_model_n_head(model))
    return int(lib.llama_model_n_layer(model) * lib.llama_model_n_head_kv(model) * head_dim * 4)


def default_threads() -> int:
    """Every core the process may use (at most 8), as llama.cpp itself defaults to. On an idle
    2-core machine two threads decode one sequence 1.5x and eight sequences 1.9x faster than one
    (benchmarks/engine.py); on a machine busy with other work, set `n_threads` lower in the
    model's options: ggml's threads wait for each other at every layer."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(8, cores or 1))


def _common_length(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def _common_prefix(prompts: list[list[int]]) -> list[int]:
    """The longest token prefix all prompts share (for one prompt: all but its last token)."""
    if not prompts:
        return []
    first = prompts[0]
    n = len(first) - 1
    for other in prompts[1:]:
        n = min(n, _common_length(first, other), len(other) - 1)
    return first[: max(n, 0)]
