"""A persistent response cache: re-runs and resumed jobs do not pay twice for the same call.

Only seeded requests are cached (an unseeded request asks for a fresh sample every time). The key
is (model, request, seed) — `Request.cache_key` digests all of it. Entries live in SQLite
(`$WRITERSROOM_HOME/cache.db`) and are written in one transaction after a call has finished, so an
interrupted call (Ctrl-C, a dropped stream, an error) leaves no entry at all. Opt out with
`Settings.cache = False` (`--no-cache`, `WRITERSROOM_CACHE=0`).

    backend = CachedBackend(LlamaCppBackend(path), ResponseCache(settings.cache_db))
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path

from writersroom.llm import store
from writersroom.llm.base import Backend, Completion, Delta, Request, Usage, complete_many

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    text TEXT NOT NULL,
    usage TEXT NOT NULL,
    finish_reason TEXT,
    created REAL NOT NULL
)
"""


def model_id(backend: Backend) -> str:
    """What identifies a backend's model in cache keys (its `cache_id` if it has one)."""
    return str(getattr(backend, "cache_id", backend.name))


class ResponseCache:
    """Completions by key in a SQLite file; every method opens its own short connection."""

    def __init__(self, path: Path) -> None:
        self.path = store.create(path, _SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return store.connect(self.path)

    def get(self, key: str) -> Completion | None:
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT text, usage, finish_reason FROM responses WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        usage = Usage(**json.loads(row[1]))
        return Completion(text=row[0], usage=usage, finish_reason=row[2], cached=True)

    def put(self, key: str, model: str, completion: Completion) -> None:
        usage = json.dumps(
            {
                "input_tokens": completion.usage.input_tokens,
                "output_tokens": completion.usage.output_tokens,
                "cached_tokens": completion.usage.cached_tokens,
            }
        )
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)",
                (key, model, completion.text, usage, completion.finish_reason, time.time()),
            )

    def __len__(self) -> int:
        with closing(self._connect()) as db:
            return int(db.execute("SELECT count(*) FROM responses").fetchone()[0])


class CachedBackend:
    """Serves seeded requests from the cache, storing each finished call."""

    def __init__(self, inner: Backend, cache: ResponseCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.model = model_id(inner)

    def _key(self, request: Request) -> str | None:
        return None if request.seed is None else request.cache_key(self.model)

    def stream(self, request: Request) -> Iterator[Delta]:
        key = self._key(request)
        if key is None:
            yield from self.inner.stream(request)
            return
        hit = self.cache.get(key)
        if hit is not None:
            yield Delta(hit.text, usage=hit.usage, finish_reason=hit.finish_reason, cached=True)
            return
        parts: list[str] = []
        usage, finish = Usage(), None
        for delta in self.inner.stream(request):
            parts.append(delta.text)
            usage = delta.usage or usage
            finish = delta.finish_reason or finish
            yield delta
        if finish is not None:  # only a call that ran to its end is stored
            self.cache.put(key, self.model, Completion("".join(parts), usage, finish_reason=finish))

    def batch(self, requests: Sequence[Request]) -> list[Completion]:
        keys = [self._key(r) for r in requests]
        results: list[Completion | None] = [
            None if key is None else self.cache.get(key) for key in keys
        ]
        missing = [i for i, hit in enumerate(results) if hit is None]
        fresh = complete_many(self.inner, [requests[i] for i in missing])
        for i, completion in zip(missing, fresh, strict=True):
            results[i] = completion
            key = keys[i]
            if key is not None and completion.finish_reason is not None:
                self.cache.put(key, self.model, completion)
        return [r for r in results if r is not None]
