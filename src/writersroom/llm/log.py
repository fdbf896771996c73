"""Every model call, recorded in SQLite (`$WRITERSROOM_HOME/log.db`) by wrapping the backend.

    backend = LoggedBackend(backend, CallLog(settings.log_db))

A row is written once the call has ended: with the response, token counts and timings, or with
the error if the backend raised a WritersroomError. A call interrupted by Ctrl-C (or a stream its
reader abandoned) writes a row marked "interrupted" only if it can do so in one transaction;
there are never half-written rows. `writersroom log` shows recent calls.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from writersroom.errors import WritersroomError
from writersroom.llm import store
from writersroom.llm.base import Backend, Completion, Delta, Request, Usage, complete_many

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL,
    model TEXT NOT NULL,
    messages TEXT NOT NULL,
    options TEXT NOT NULL,
    response TEXT NOT NULL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cached_tokens INTEGER,
    seconds REAL,
    first_token_seconds REAL,
    finish_reason TEXT,
    cached INTEGER NOT NULL DEFAULT 0,
    error TEXT
)
"""


@dataclass(frozen=True)
class LoggedCall:
    id: int
    started: float  # unix time
    model: str
    messages: list[dict[str, str]]  # [{"role", "content"}] or [{"role": "prompt", ...}]
    options: dict[str, Any]  # the rest of the Request (sampling, schema, ...)
    response: str
    input_tokens: int | None
    output_tokens: int | None
    cached_tokens: int | None
    seconds: float | None
    first_token_seconds: float | None
    finish_reason: str | None
    cached: bool
    error: str | None


def _messages(request: Request) -> list[dict[str, str]]:
    if request.prompt is not None:
        return [{"role": "prompt", "content": request.prompt}]
    return [{"role": m.role, "content": m.content} for m in request.messages]


def _options(request: Request) -> dict[str, Any]:
    options = asdict(request)
    del options["messages"], options["prompt"]
    return options


class CallLog:
    """Append-only call records; every method opens its own short connection (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = store.create(path, _SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return store.connect(self.path)

    def record(
        self,
        model: str,
        request: Request,
        completion: Completion,
        *,
        started: float,
        error: str | None = None,
    ) -> None:
        usage = completion.usage
        row = (
            started,
            model,
            json.dumps(_messages(request), ensure_ascii=False),
            json.dumps(_options(request), ensure_ascii=False, default=str),
            completion.text,
            usage.input_tokens,
            usage.output_tokens,
            usage.cached_tokens,
            completion.seconds,
            completion.first_token_seconds,
            completion.finish_reason,
            int(completion.cached),
            error,
        )
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT INTO calls (started, model, messages, options, response, input_tokens,"
                " output_tokens, cached_tokens, seconds, first_token_seconds, finish_reason,"
                " cached, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def recent(self, n: int = 10) -> list[LoggedCall]:
        """The last `n` calls, newest first."""
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT id, started, model, messages, options, response, input_tokens,"
                " output_tokens, cached_tokens, seconds, first_token_seconds, finish_reason,"
                " cached, error FROM calls ORDER BY id DESC LIMIT ?",
                (n,),
            ).fetchall()
        return [
            LoggedCall(
                id=r[0],
                started=r[1],
                model=r[2],
                messages=json.loads(r[3]),
                options=json.loads(r[4]),
                response=r[5],
                input_tokens=r[6],
                output_tokens=r[7],
                cached_tokens=r[8],
                seconds=r[9],
                first_token_seconds=r[10],
                finish_reason=r[11],
                cached=bool(r[12]),
                error=r[13],
            )
            for r in rows
        ]


class LoggedBackend:
    """Passes calls through to `inner`, recording each one in `log`."""

    def __init__(self, inner: Backend, log: CallLog) -> None:
        self.inner = inner
        self.log = log
        self.name = inner.name

    def stream(self, request: Request) -> Iterator[Delta]:
        wall, started = time.time(), time.perf_counter()
        parts: list[str] = []
        usage, finish, cached = Usage(), None, False
        first: float | None = None
        error: str | None = "interrupted"
        try:
            for delta in self.inner.stream(request):
                if delta.text and first is None:
                    first = time.perf_counter() - started
                parts.append(delta.text)
                usage = delta.usage or usage
                finish = delta.finish_reason or finish
                cached = cached or delta.cached
                yield delta
            error = None
        except WritersroomError as exc:
            error = str(exc)
            raise
        finally:
            completion = Completion(
                "".join(parts), usage, time.perf_counter() - started, first, finish, cached
            )
            self.log.record(self.name, request, completion, started=wall, error=error)

    def batch(self, requests: Sequence[Request]) -> list[Completion]:
        wall = time.time()
        try:
            results = complete_many(self.inner, requests)
        except WritersroomError as exc:
            for request in requests:
                self.log.record(self.name, request, Completion(""), started=wall, error=str(exc))
            raise
        for request, completion in zip(requests, results, strict=True):
            self.log.record(self.name, request, completion, started=wall)
        return results
