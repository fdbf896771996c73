"""A local Hugging Face transformers model (extra [hf]): batched generation on CPU or GPU.

    backend = HFBackend("runs/screenwriter-hf")                 # a model directory
    backend = HFBackend(bundled_model_path())                   # a GGUF, through `gguf_file=`

Requests are rendered with the tokenizer's chat template and decoded with `model.generate`,
batched with left padding. Sampling is done per row by `_RowSampler`, a logits processor that picks
each row's token with the row's own settings and seed (so one batch can mix requests, and a
seeded request gives the same text in a batch as alone) and leaves generate a one-hot choice.

Structure is enforced while decoding with llguidance (JSON Schema and GBNF grammars become a
token mask per row). We chose it over outlines (pulls in many packages and an older pydantic
pin), xgrammar (compiles per vocabulary, larger install) and transformers-cfg (GBNF only, slower
masks) because it is one small wheel, works offline, takes both llama.cpp's GBNF and JSON Schema,
and computes a mask in microseconds. Without llguidance a json_schema request is decoded freely
(callers validate and retry, see structured.complete_json) and a grammar request is refused.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from writersroom.errors import (
    BackendRejected,
    BackendUnavailable,
    ConfigError,
    MissingExtra,
    one_line,
)
from writersroom.llm.base import Completion, Delta, Message, Request, Usage
from writersroom.llm.context import fit_request, overflow_error
from writersroom.llm.llamacpp import CHATML
from writersroom.llm.stops import cut_at_stop, held_back
from writersroom.llm.structured import closed_schema

_PENALTY_LAST_N = 64


class HFBackend:
    """A transformers causal LM loaded from a local directory (or a GGUF file)."""

    def __init__(
        self,
        path: str | Path,
        *,
        gguf_file: str | None = None,  # a GGUF inside `path`; or pass the .gguf file as path
        device: str = "cpu",
        dtype: str | None = None,  # "float32", "bfloat16", ...; default: the model's
        max_batch: int = 8,
        n_threads: int | None = None,  # torch CPU threads; default: every core (at most 8)
        name: str | None = None,
    ) -> None:
        try:
            import torch
            import transformers as transformers_module
        except ImportError as exc:
            raise MissingExtra("hf") from exc
        transformers: Any = transformers_module  # its stubs are partial; used dynamically
        from writersroom.llm.llamacpp_engine import default_threads

        if device == "cpu":  # process-wide in torch
            torch.set_num_threads(n_threads or default_threads())
        transformers.logging.set_verbosity_error()  # quiet, like llama.cpp's verbose=False
        transformers.logging.disable_progress_bar()
        folder = Path(path).expanduser()
        if folder.suffix == ".gguf":
            folder, gguf_file = folder.parent, folder.name
        if not folder.is_dir() or (gguf_file and not (folder / gguf_file).is_file()):
            raise BackendUnavailable(f"model not found: {Path(path)}")
        configs = ("config.json", "adapter_config.json")  # a model, or a PEFT adapter
        if not gguf_file and not any((folder / c).is_file() for c in configs):
            raise BackendUnavailable(
                f"{Path(path)} is not a transformers model folder (it has no config.json)"
            )
        options: dict[str, Any] = {"local_files_only": True}
        if gguf_file:
            options["gguf_file"] = gguf_file
        if dtype:
            options["dtype"] = getattr(torch, dtype, None)
            if not isinstance(options["dtype"], torch.dtype):
                raise ConfigError(f"dtype {dtype!r} is not a torch dtype; use float32 or bfloat16")
        # the torch/transformers boundary: whatever loading raises becomes one line
        try:
            self.tokenizer: Any = transformers.AutoTokenizer.from_pretrained(folder, **options)
            self.model: Any = transformers.AutoModelForCausalLM.from_pretrained(folder, **options)
            self.model.to(device).eval()
        except (OSError, ValueError, KeyError, RuntimeError, AssertionError, TypeError) as exc:
            raise BackendUnavailable(
                f"cannot load a transformers model from {path} on {device}: {one_line(exc)}"
            ) from exc
        self.torch = torch
        self.device = device
        self.max_batch = max_batch
        self.name = name or (gguf_file or folder.name)
        self.cache_id = f"hf:{folder.resolve()}:{gguf_file or ''}"
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.eos = _eos_ids(self.model, self.tokenizer)
        self.n_ctx = int(getattr(self.model.config, "max_position_embeddings", 2048))
        self._guidance: Any = None

    # -- prompts ------------------------------------------------------------------------------

    def render(self, messages: Sequence[Message]) -> str:
        chat = [{"role": m.role, "content": m.content} for m in messages]
        template = None if self.tokenizer.chat_template else CHATML
        text = self.tokenizer.apply_chat_template(
            chat, tokenize=False, add_generation_prompt=True, chat_template=template
        )
        return str(text)

    def tokenize(self, text: str, *, special: bool = False) -> list[int]:
        """Token ids; `special` adds the tokenizer's BOS/EOS (a chat template writes its own)."""
        return list(self.tokenizer(text, add_special_tokens=special)["input_ids"])

    def prompt_ids(self, request: Request) -> list[int]:
        if request.prompt is not None:
            ids = self.tokenize(request.prompt, special=True)
            if len(ids) + request.max_tokens > self.n_ctx:
                raise overflow_error(self.name, len(ids), request.max_tokens, self.n_ctx)
            return ids
        messages = fit_request(
            request, self.name, self.n_ctx, lambda ms: len(self.tokenize(self.render(ms)))
        )
        return self.tokenize(self.render(messages))

    # -- the seam -----------------------------------------------------------------------------

    def stream(self, request: Request) -> Iterator[Delta]:
        """Generate in a worker thread; tokens come back through a queue as they are sampled."""
        prompt = self.prompt_ids(request)
        tokens: queue.Queue[int | BaseException | None] = queue.Queue()
        cancel = threading.Event()

        def work() -> None:
            try:
                self._generate([request], [prompt], on_token=tokens.put, cancel=cancel)
                tokens.put(None)
            except BaseException as exc:  # re-raised in the reading thread
                tokens.put(exc)

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        generated: list[int] = []
        shown, ended = 0, False
        try:
            while True:
                item = tokens.get()
                if isinstance(item, BaseException):
                    raise item
                if item is None or item in self.eos:
                    ended = item is not None
                    break
                generated.append(item)
                text = self.tokenizer.decode(generated, skip_special_tokens=True)
                kept, stopped = cut_at_stop(text, request.stop)
                if stopped:
                    cancel.set()
                    yield Delta(kept[shown:])
                    shown = len(kept)
                    break
                if text.endswith("\ufffd"):  # an incomplete UTF-8 sequence; wait for more
                    continue
                ready = len(text) - held_back(text, request.stop)
                if ready > shown:
                    yield Delta(text[shown:ready])
                    shown = ready
            text = self.tokenizer.decode(generated, skip_special_tokens=True)
            kept, stopped = cut_at_stop(text, request.stop)
            if len(kept) > shown:
                yield Delta(kept[shown:])
            finish = "length" if len(generated) >= request.max_tokens and not stopped else "stop"
            usage = Usage(len(prompt), len(generated) + ended)  # the end token counts, as in batch
            yield Delta(usage=usage, finish_reason=finish)
        finally:
            cancel.set()
            worker.join()

    def batch(self, requests: Sequence[Request]) -> list[Completion]:
        """Left-padded batches of up to `max_batch` requests, one `generate` call each."""
        results: list[Completion] = []
        for start in range(0, len(requests), self.max_batch):
            group = list(requests[start : start + self.max_batch])
            prompts = [self.prompt_ids(r) for r in group]
            begun = time.perf_counter()
            outputs = self._generate(group, prompts)
            seconds = time.perf_counter() - begun
            for request, prompt, ids in zip(group, prompts, outputs, strict=True):
                results.append(self._completion(request, prompt, ids, seconds))
        return results

    def _completion(
        self, request: Request, prompt: list[int], ids: list[int], seconds: float
    ) -> Completion:
        ended = next((i for i, t in enumerate(ids) if t in self.eos), None)
        body = ids if ended is None else ids[:ended]
        text, stopped = cut_at_stop(
            self.tokenizer.decode(body, skip_special_tokens=True), request.stop
        )
        finish = "stop" if stopped or ended is not None else "length"
        usage = Usage(len(prompt), len(ids) if ended is None else ended + 1)
        return Completion(text, usage, seconds=seconds, finish_reason=finish)

    # -- decoding -----------------------------------------------------------------------------

    def _generate(
        self,
        requests: list[Request],
        prompts: list[list[int]],
        *,
        on_token: Any = None,
        cancel: threading.Event | None = None,
    ) -> list[list[int]]:
        """Generate for a batch; returns each row's new token ids (up to its own end)."""
        torch = self.torch
        from transformers import LogitsProcessorList, StoppingCriteriaList

        width = max(len(p) for p in prompts)
        pad = self.tokenizer.pad_token_id
        input_ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts])
        mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
        sampler = _RowSampler(self, requests, width)
        stopper = _RowStopper(self, requests, width, sampler, cancel)
        streamer = _TokenStreamer(on_token) if on_token is not None else None
        with torch.inference_mode(), _torch_errors(self.name):
            output = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=mask.to(self.device),
                max_new_tokens=max(r.max_tokens for r in requests),
                do_sample=False,
                num_beams=1,
                logits_processor=LogitsProcessorList([sampler]),
                stopping_criteria=StoppingCriteriaList([stopper]),
                pad_token_id=pad,
                eos_token_id=sorted(self.eos),
                streamer=streamer,
                temperature=None,
                top_p=None,
                top_k=None,
            )
        rows = output[:, width:].tolist()
        return [row[: sampler.counts[i]] for i, row in enumerate(rows)]

    def guidance(self, request: Request) -> Any:
        """An llguidance matcher for the request's grammar or schema, or None."""
        if request.grammar is None and request.json_schema is None:
            return None
        try:
            import llguidance
            import llguidance.hf
        except ImportError as exc:
            if request.grammar is None:
                return None  # decoded freely; structured.complete_json validates and retries
            raise MissingExtra("hf", "llguidance") from exc
        if self._guidance is None:
            self._guidance = llguidance.hf.from_tokenizer(self.tokenizer, n_vocab=self.n_vocab)
        if request.grammar is not None:
            try:
                grammar = llguidance.grammar_from("gbnf", request.grammar)
            except ValueError as exc:
                raise BackendRejected(f"{self.name}: invalid grammar: {exc}") from exc
        else:
            # compact JSON: no free whitespace for a small model to wander into
            compact: Any = {
                "whitespace_flexible": False,
                "item_separator": ", ",
                "key_separator": ": ",
            }
            grammar = llguidance.LLMatcher.grammar_from_json_schema(
                json.dumps(closed_schema(request.json_schema)), defaults=compact
            )
        matcher = llguidance.LLMatcher(self._guidance, grammar, log_level=0)
        if matcher.is_error():
            raise BackendRejected(f"{self.name}: invalid grammar: {matcher.get_error()}")
        return matcher

    @property
    def n_vocab(self) -> int:
        return int(self.model.get_output_embeddings().weight.shape[0])

    def close(self) -> None:
        self.model = None


@contextlib.contextmanager
def _torch_errors(name: str) -> Iterator[None]:
    """The torch boundary while generating: out of memory, a device error or a kernel failure
    (all RuntimeError) becomes one BackendUnavailable line."""
    try:
        yield
    except RuntimeError as exc:
        raise BackendUnavailable(
            f"{name}: torch failed while generating ({one_line(exc)}); try fewer requests at "
            "once (max_batch) or a shorter max_tokens"
        ) from exc


def _eos_ids(model: Any, tokenizer: Any) -> set[int]:
    ids = {tokenizer.eos_token_id}
    configured = getattr(model.generation_config, "eos_token_id", None)
    if isinstance(configured, int):
        ids.add(configured)
    elif configured:
        ids.update(configured)
    return {i for i in ids if i is not None}


class _RowSampler:
    """Samples each row's next token with the row's own settings, seed and grammar; returns
    scores where only that token is finite, so generate's greedy step takes it."""

    def __init__(self, backend: HFBackend, requests: list[Request], width: int) -> None:
        torch = backend.torch
        self.torch = torch
        self.requests = requests
        self.width = width
        self.eos = sorted(backend.eos)
        self.counts = [0] * len(requests)  # tokens sampled per row, its end included
        self.done = [False] * len(requests)
        self.matchers = [backend.guidance(r) for r in requests]
        self.generators = []
        for r in requests:
            g = torch.Generator()
            g.manual_seed(r.seed if r.seed is not None else int(torch.randint(0, 2**31, (1,))))
            self.generators.append(g)

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        torch = self.torch
        out = torch.full_like(scores, float("-inf"))
        for row, request in enumerate(self.requests):
            if self.done[row]:  # generate still asks; the row's output is already complete
                out[row, self.eos[0]] = 0.0
                continue
            logits = scores[row].float().clone()
            history = input_ids[row, -_PENALTY_LAST_N:]
            logits = _penalize(torch, logits, history, request)
            matcher = self.matchers[row]
            if matcher is not None:
                allowed = _allowed(torch, matcher, logits.shape[0])
                if matcher.is_stopped():
                    allowed[:] = False
                    allowed[self.eos] = True
                logits[~allowed] = float("-inf")
            token = _pick(torch, logits, request, self.generators[row])
            if matcher is not None and not matcher.is_stopped():
                matcher.consume_token(token)
            self.counts[row] += 1
            self.done[row] = token in self.eos
            out[row, token] = 0.0
        return out


def _allowed(torch: Any, matcher: Any, n_vocab: int) -> Any:
    import numpy as np

    words = np.frombuffer(matcher.compute_bitmask(), dtype=np.uint8)
    bits = np.unpackbits(words, bitorder="little")[:n_vocab].astype(bool)
    allowed = torch.from_numpy(bits.copy())
    if allowed.shape[0] < n_vocab:  # the model's head may be wider than the tokenizer
        allowed = torch.cat([allowed, torch.zeros(n_vocab - allowed.shape[0], dtype=torch.bool)])
    return allowed


def _penalize(torch: Any, logits: Any, history: Any, r: Request) -> Any:
    if r.repeat_penalty != 1.0:
        seen = logits[history]
        logits[history] = torch.where(seen > 0, seen / r.repeat_penalty, seen * r.repeat_penalty)
    if r.frequency_penalty or r.presence_penalty:
        counts = torch.bincount(history, minlength=logits.shape[0]).float()
        logits -= counts * r.frequency_penalty + (counts > 0).float() * r.presence_penalty
    return logits


def _pick(torch: Any, logits: Any, r: Request, generator: Any) -> int:
    """llama.cpp's order: top-k, top-p, min-p, temperature, then a seeded draw."""
    if r.temperature <= 0:
        return int(torch.argmax(logits))
    if 0 < r.top_k < logits.shape[0]:
        kth = torch.topk(logits, r.top_k).values[-1]
        logits[logits < kth] = float("-inf")
    probs = torch.softmax(logits, dim=-1)
    if r.top_p < 1.0:
        ordered, order = torch.sort(probs, descending=True)
        before = torch.cumsum(ordered, 0) - ordered
        logits[order[before > r.top_p]] = float("-inf")
    if r.min_p > 0:
        logits[probs < r.min_p * probs.max()] = float("-inf")
    probs = torch.softmax(logits / r.temperature, dim=-1)
    return int(torch.multinomial(probs, 1, generator=generator))


class _RowStopper:
    """Ends each row at its own max_tokens or stop string (and every row on cancel)."""

    def __init__(
        self,
        backend: HFBackend,
        requests: list[Request],
        width: int,
        sampler: _RowSampler,
        cancel: threading.Event | None,
    ) -> None:
        self.backend = backend
        self.requests = requests
        self.width = width
        self.sampler = sampler
        self.cancel = cancel

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        torch = self.backend.torch
        done = torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
        if self.cancel is not None and self.cancel.is_set():
            return done | True
        sampler = self.sampler
        for row, request in enumerate(self.requests):
            if sampler.done[row] or sampler.counts[row] >= request.max_tokens:
                sampler.done[row] = done[row] = True
            elif request.stop:
                tokens = input_ids[row, self.width : self.width + sampler.counts[row]]
                text = self.backend.tokenizer.decode(tokens)
                sampler.done[row] = done[row] = cut_at_stop(text, request.stop)[1]
        return done


class _TokenStreamer:
    """transformers streamer protocol: `put` gets the prompt first, then each new token."""

    def __init__(self, on_token: Any) -> None:
        self.on_token = on_token
        self.prompt_seen = False

    def put(self, value: Any) -> None:
        if not self.prompt_seen:
            self.prompt_seen = True
            return
        for token in value.reshape(-1).tolist():
            self.on_token(int(token))

    def end(self) -> None:
        pass
