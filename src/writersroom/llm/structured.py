"""Structured output: ask for JSON matching a pydantic model, enforced while decoding where the
backend can (it reads `Request.json_schema`), validated and retried otherwise."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from writersroom.errors import GenerationError
from writersroom.llm.base import Backend, Request, complete

T = TypeVar("T")

# A \uXXXX escape of a UTF-16 surrogate (after an even run of backslashes, so it is an escape),
# with the low half that may follow it. JSON grammars accept any four hex digits, so a model under
# a grammar can write half of a pair; strict parsers (pydantic's among them) refuse it.
_SURROGATE = re.compile(
    r"(?<!\\)((?:\\\\)*)\\u([dD][89a-fA-F][0-9a-fA-F]{2})(\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
)


def schema_of(kind: type[Any]) -> dict[str, Any]:
    """The JSON Schema of a pydantic model or any type TypeAdapter understands."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind.model_json_schema()
    return TypeAdapter(kind).json_schema()


def parse_json(text: str, kind: type[T], *, step: str = "") -> T:
    """Validate `text` as JSON of type `kind`. Pure; raises GenerationError keeping the text.
    Half of a surrogate pair escaped alone (`\\ud83d`) reads as U+FFFD instead of failing."""
    try:
        return TypeAdapter(kind).validate_json(repair_surrogates(text.strip()))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "(root)"
        message = f"invalid JSON at {where}: {first['msg']}"
        raise GenerationError(message, step=step, text=text) from exc


def repair_surrogates(text: str) -> str:
    r"""`text` with every escaped UTF-16 surrogate that is not half of a pair as `\ufffd`.

    >>> print(repair_surrogates(r'["\ud83d\ude00", "\ud83d!", "\\ud83d", "\udc00"]'))
    ["\ud83d\ude00", "\ufffd!", "\\ud83d", "\ufffd"]
    """

    def fix(match: re.Match[str]) -> str:
        backslashes, first, low = match.groups()
        if first[1].lower() in "89ab" and low:  # a high half followed by its low half
            return match.group(0)
        return backslashes + "\\ufffd" + ("\\ufffd" if low else "")

    return _SURROGATE.sub(fix, text) if "\\u" in text else text


def complete_json(
    backend: Backend, request: Request, kind: type[T], *, retries: int = 2, step: str = ""
) -> T:
    """Complete `request` as JSON of type `kind`. On invalid output, retry with the next seed
    (`retries` more times), then raise GenerationError with the last raw text."""
    schema = schema_of(kind)
    request = replace(request, json_schema=schema)
    error: GenerationError | None = None
    for attempt in range(retries + 1):
        seed = None if request.seed is None else request.seed + attempt
        text = complete(backend, request.with_seed(seed)).text
        try:
            return parse_json(text, kind, step=step)
        except GenerationError as exc:
            error = exc
    assert error is not None
    raise error


def dumps(value: Any) -> str:
    """Compact JSON for prompts."""
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, ensure_ascii=False)


def closed_schema(schema: Any) -> Any:
    """A copy of `schema` whose objects take no properties beyond those listed, unless they say
    otherwise. Every output that matches it matches `schema`; a small model is kept from adding
    keys of its own (llama.cpp's grammar converter already reads schemas this way).

    >>> closed_schema({"type": "object", "properties": {"a": {"type": "integer"}}})
    {'type': 'object', 'properties': {'a': {'type': 'integer'}}, 'additionalProperties': False}
    """
    if isinstance(schema, list):
        return [closed_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: closed_schema(value) for key, value in schema.items()}
    if "properties" in closed and "additionalProperties" not in closed:
        closed["additionalProperties"] = False
    return closed
