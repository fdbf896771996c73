"""Any OpenAI-compatible HTTP server: vLLM, Ollama, LM Studio, llama.cpp's servers, OpenAI.

    backend = OpenAICompatBackend("http://127.0.0.1:8080/v1", "qwen2.5-7b-instruct")

Chat requests go to /chat/completions and raw prompts to /completions, streamed as server-sent
events. `batch` runs requests concurrently. Structured output is asked for in the server's own
terms (`structured`):

    "auto"             response_format json_schema; on a 400/422 about it, fall back to
                       json_object + schema, then to none (remembered for this backend)
    "json_schema"      response_format {"type": "json_schema", ...}     OpenAI, vLLM, llama-server
    "json_object"      response_format {"type": "json_object", "schema"} llama-cpp-python's server
    "guided_json"      vLLM's guided_json extra
    "llama_json_schema" llama.cpp's llama-server top-level `json_schema` field
    "grammar"          the schema as a GBNF grammar                     llama.cpp servers
    "none"             nothing sent; callers validate and retry (structured.complete_json)

`Request.grammar` is sent as `grammar` (llama.cpp servers) or `guided_grammar` (vLLM). top_k,
min_p and repeat_penalty are sent unless the server is api.openai.com, which rejects them.

Reliability: timeouts; retries with exponential backoff on 429, 5xx, connection errors and a
stream that drops before its first token; one-line errors for an unreachable server, a wrong
key, an unknown model and a malformed response.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from writersroom.errors import (
    BackendError,
    BackendRejected,
    BackendUnavailable,
    ConfigError,
    ContextOverflow,
    one_line,
)
from writersroom.llm.base import Completion, Delta, Request, Usage, complete

STRUCTURED_MODES = (
    "auto",
    "json_schema",
    "json_object",
    "guided_json",
    "llama_json_schema",
    "grammar",
    "none",
)
_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}
_CONTEXT_HINTS = (
    "context length",
    "context_length",
    "maximum context",
    "too many tokens",
    "exceeds the context",
    "context window",
)


class _Retry(Exception):
    """A failure worth another attempt; carries the error to raise when attempts run out."""

    def __init__(self, error: BackendError, wait: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


class OpenAICompatBackend:
    """A model behind an OpenAI-compatible API. Thread-safe; share one per server and model."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        api_key_env: str | None = None,  # named in the error when the key is missing or wrong
        name: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 3,
        backoff: float = 0.5,  # seconds before the first retry; doubles each time
        max_concurrency: int = 8,
        structured: str = "auto",
        extra_sampling: bool | None = None,  # send top_k/min_p/repeat_penalty; None: not OpenAI
        extra_body: Mapping[str, Any] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.name = name or f"openai:{model}"
        if structured not in STRUCTURED_MODES:
            raise ConfigError(
                f"{self.name}: structured must be one of {', '.join(STRUCTURED_MODES)}, "
                f"not {structured!r}"
            )
        self.base_url = _checked_base_url(base_url, self.name)
        self.model = model
        self.cache_id = f"openai:{self.base_url}:{model}"
        self.api_key_env = api_key_env
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_concurrency = max_concurrency
        self.structured = structured
        self.extra_sampling = (
            "api.openai.com" not in self.base_url if extra_sampling is None else extra_sampling
        )
        self.extra_body = dict(extra_body or {})
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=max_concurrency),
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    # -- payloads -----------------------------------------------------------------------------

    def payload(self, request: Request, structured: str) -> tuple[str, dict[str, Any]]:
        """The endpoint path and JSON body for `request`."""
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "top_p": request.top_p,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.prompt is not None:
            path, body["prompt"] = "/completions", request.prompt
        else:
            path = "/chat/completions"
            body["messages"] = [{"role": m.role, "content": m.content} for m in request.messages]
        if request.stop:
            body["stop"] = list(request.stop)
        if request.seed is not None:
            body["seed"] = request.seed
        if request.frequency_penalty:
            body["frequency_penalty"] = request.frequency_penalty
        if request.presence_penalty:
            body["presence_penalty"] = request.presence_penalty
        if self.extra_sampling:
            body.update(top_k=request.top_k, min_p=request.min_p)
            if request.repeat_penalty != 1.0:
                body["repeat_penalty"] = request.repeat_penalty
                body["repetition_penalty"] = request.repeat_penalty
        if request.grammar is not None:
            key = "guided_grammar" if structured == "guided_json" else "grammar"
            body[key] = request.grammar
        elif request.json_schema is not None:
            body.update(_structured_fields(dict(request.json_schema), structured))
        body.update(self.extra_body)
        return path, body

    # -- the seam -----------------------------------------------------------------------------

    def stream(self, request: Request) -> Iterator[Delta]:
        mode = self.structured
        wants_structure = request.json_schema is not None and request.grammar is None
        if mode == "auto":
            mode = "json_schema" if wants_structure else "none"
        attempt = 0
        while True:
            yielded = False
            try:
                for delta in self._attempt(request, mode):
                    yielded = yielded or bool(delta.text)
                    yield delta
                return
            except _Retry as retry:
                if yielded or attempt >= self.max_retries:
                    raise retry.error from retry
                time.sleep(self._wait(attempt, retry.wait))
                attempt += 1
            except BackendRejected as exc:
                fallback = _FALLBACK.get(mode) if self.structured == "auto" else None
                if not (wants_structure and fallback and _about_format(str(exc))):
                    raise
                mode = fallback

    def batch(self, requests: Sequence[Request]) -> list[Completion]:
        """Run the requests concurrently (at most `max_concurrency` at a time)."""
        if len(requests) <= 1:
            return [complete(self, r) for r in requests]
        workers = min(self.max_concurrency, len(requests))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda r: complete(self, r), requests))

    # -- one HTTP exchange --------------------------------------------------------------------

    def _attempt(self, request: Request, mode: str) -> Iterator[Delta]:
        path, body = self.payload(request, mode)
        url = self.base_url + path
        try:
            with self.client.stream("POST", url, json=body) as response:
                if response.status_code >= 400:
                    response.read()
                    self._raise_for_status(response)
                yield from self._events(response, chat=request.prompt is None)
        except httpx.TimeoutException as exc:
            raise _Retry(BackendUnavailable(f"{self.name}: {url} timed out ({exc})")) from exc
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retry(
                BackendUnavailable(
                    f"{self.name}: cannot reach {self.base_url} ({type(exc).__name__}: {exc}); "
                    "is the server running?"
                )
            ) from exc
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            # everything else httpx raises: a bad URL, an unsupported protocol, a proxy, a write
            # or decoding error, too many redirects -- one line, not worth a retry
            raise BackendUnavailable(
                f"{self.name}: the request to {url} failed ({type(exc).__name__}: "
                f"{one_line(exc)}); check the base URL and the server"
            ) from exc

    def _events(self, response: httpx.Response, *, chat: bool) -> Iterator[Delta]:
        if "text/event-stream" not in response.headers.get("content-type", ""):
            yield from self._whole(response, chat=chat)
            return
        finish: str | None = None
        usage: Usage | None = None
        done = False
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                done = True
                break
            chunk = self._json(data)
            if chunk.get("error"):
                raise BackendUnavailable(f"{self.name}: server error mid-stream: {chunk['error']}")
            if chunk.get("usage"):
                usage = _usage(chunk["usage"])
            for choice in chunk.get("choices") or []:
                text = _choice_text(choice, chat)
                if text:
                    yield Delta(text)
                finish = choice.get("finish_reason") or finish
        if not done and finish is None:
            raise _Retry(BackendUnavailable(f"{self.name}: the stream was cut off"))
        yield Delta(usage=usage or Usage(), finish_reason=finish or "stop")

    def _whole(self, response: httpx.Response, *, chat: bool) -> Iterator[Delta]:
        """A server that ignored `stream: true` and sent one JSON body."""
        response.read()
        body = self._json(response.text)
        choices = body.get("choices")
        if not isinstance(choices, list) or not choices:
            raise BackendError(
                f"{self.name}: malformed response (no choices): {response.text[:200]}"
            )
        text = _choice_text(choices[0], chat, whole=True)
        if text:
            yield Delta(text)
        yield Delta(
            usage=_usage(body.get("usage") or {}), finish_reason=choices[0].get("finish_reason")
        )

    def _json(self, data: str) -> dict[str, Any]:
        try:
            value = json.loads(data)
        except json.JSONDecodeError as exc:
            raise BackendError(
                f"{self.name}: malformed response (not JSON): {data[:200]!r}"
            ) from exc
        if not isinstance(value, dict):
            raise BackendError(f"{self.name}: malformed response: {data[:200]!r}")
        return value

    def _raise_for_status(self, response: httpx.Response) -> None:
        status, message = response.status_code, _error_message(response)
        where = f"{self.name} ({self.base_url})"
        if status in (401, 403):
            hint = f"set {self.api_key_env}" if self.api_key_env else "pass an API key"
            raise BackendRejected(f"{where}: the API key was refused ({status}: {message}); {hint}")
        if status in (400, 422, 500) and "response_format" in message:
            # llama-cpp-python's server answers 500 to a response_format it does not know
            raise BackendRejected(f"{where}: response_format refused ({status}: {message})")
        if status == 404:
            raise BackendRejected(
                f"{where}: not found ({message}); check the base URL and the model name"
            )
        if status in _RETRY_STATUS:
            wait = _retry_after(response)
            error: BackendError = (
                BackendRejected(f"{where}: rate limited (429: {message})")
                if status == 429
                else BackendUnavailable(f"{where}: server error {status}: {message}")
            )
            raise _Retry(error, wait)
        if any(hint in message.lower() for hint in _CONTEXT_HINTS):
            raise ContextOverflow(f"{where}: the prompt does not fit the context window: {message}")
        raise BackendRejected(f"{where}: request refused ({status}: {message})")

    def _wait(self, attempt: int, suggested: float | None) -> float:
        wait = self.backoff * (2.0**attempt) * (1 + 0.1 * random.random())
        if suggested is not None:
            wait = max(wait, suggested)
        return min(wait, 30.0)


_FALLBACK = {"json_schema": "json_object", "json_object": "none"}


def _checked_base_url(base_url: str, name: str) -> str:
    """`base_url` without a trailing slash, if httpx can send requests to it."""
    example = "write it like http://127.0.0.1:8080/v1"
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigError(
            f"{name}: bad base URL {base_url!r} ({one_line(exc)}); {example}"
        ) from exc
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(
            f"{name}: the base URL {base_url!r} must start with http:// or https:// and name "
            f"a host; {example}"
        )
    return base_url.rstrip("/")


def _structured_fields(schema: dict[str, Any], mode: str) -> dict[str, Any]:
    if mode == "json_schema":
        spec = {"name": "output", "schema": schema, "strict": True}
        return {"response_format": {"type": "json_schema", "json_schema": spec}}
    if mode == "json_object":
        return {"response_format": {"type": "json_object", "schema": schema}}
    if mode == "guided_json":
        return {"guided_json": schema}
    if mode == "llama_json_schema":
        return {"json_schema": schema}
    if mode == "grammar":
        from writersroom.llm.llamacpp import json_schema_grammar

        return {"grammar": json_schema_grammar(schema)}
    return {}


def _about_format(message: str) -> bool:
    lowered = message.lower()
    return any(k in lowered for k in ("response_format", "json_schema", "json_object", "schema"))


def _choice_text(choice: dict[str, Any], chat: bool, *, whole: bool = False) -> str:
    if not chat:
        return str(choice.get("text") or "")
    part = choice.get("message" if whole else "delta") or {}
    return str(part.get("content") or "")


def _usage(data: Mapping[str, Any]) -> Usage:
    details = data.get("prompt_tokens_details") or {}
    return Usage(
        input_tokens=data.get("prompt_tokens"),
        output_tokens=data.get("completion_tokens"),
        cached_tokens=details.get("cached_tokens"),
    )


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text.strip()[:300] or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or error)[:300]
    if error:
        return str(error)[:300]
    if isinstance(body, dict) and "detail" in body:
        return json.dumps(body["detail"])[:300]
    return json.dumps(body)[:300]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
