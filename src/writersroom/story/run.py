"""What a run of the pipeline carries (project, backend, listener, options) and how a level is
asked of the model: seeds, retries with the next seed, streaming to the listener, provenance.

    value, origin = ask(run, "title", round_, lambda backend, seed: write_title(logline, backend,
                                                                                 seed=seed))

The step modules use this to make their level (`title.make_title`, `characters.make_cast`, ...);
`levels.make_level` picks the maker from the level's name.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from writersroom.errors import GenerationError
from writersroom.llm.base import Backend, Completion, Delta, Request, collect

if TYPE_CHECKING:
    from writersroom.story.project import Options, Project
    from writersroom.voice.style import Style

T = TypeVar("T")


@dataclass(frozen=True)
class Event:
    """Progress of a run, for a progress display: a step starts, streams text, finishes."""

    kind: Literal["start", "delta", "done", "skip", "retry", "issue", "export"]
    key: str
    text: str = ""
    seconds: float = 0.0


Listener = Callable[[Event], None]


@dataclass(frozen=True)
class Run:
    project: Project
    backend: Backend
    listener: Listener | None = None
    options: Options | None = None  # this run's options when not the project's stored ones
    style: Style | None = None  # a writer's style for scene drafting (`--style`)

    @property
    def opts(self) -> Options:
        return self.options or self.project.options

    def emit(self, kind: Any, key: str, text: str = "", seconds: float = 0.0) -> None:
        if self.listener is not None:
            self.listener(Event(kind, key, text, seconds))

    def seed(self, key: str, round_: int, n: int) -> int:
        """The seed of the n-th call for `key` in regeneration round `round_` (deterministic)."""
        base = self.opts.seed
        return (base * 100_003 + zlib.crc32(key.encode()) % 100_000 + round_ * 1_009 + n) % 2**31

    def call(self, key: str, request: Request) -> Completion:
        """One model call, streamed to the listener."""
        started = time.perf_counter()

        def tap() -> Any:
            for delta in self.backend.stream(request):
                if delta.text:
                    self.emit("delta", key, delta.text)
                yield delta

        return collect(tap(), started)


def origin(run: Run, calls: Sequence[tuple[Request, str]], **extra: Any) -> dict[str, Any]:
    """Provenance of a generated value: the model, and per call its seed, prompt and raw text."""
    return {
        "kind": "model",
        "model": getattr(run.backend, "name", type(run.backend).__name__),
        "calls": [
            {
                "seed": r.seed,
                "messages": [{"role": m.role, "content": m.content} for m in r.messages],
                "constraint": "grammar" if r.grammar else "json_schema" if r.json_schema else None,
                "raw": text,
            }
            for r, text in calls
        ],
        **extra,
    }


class Tap:
    """The run's backend as a public step function sees it: text is streamed to the listener,
    and each call (prompt and raw output) is kept for the item's provenance."""

    def __init__(self, run: Run, key: str) -> None:
        self.run, self.key = run, key
        self.name = getattr(run.backend, "name", type(run.backend).__name__)
        self.calls: list[tuple[Request, str]] = []

    def stream(self, request: Request) -> Iterator[Delta]:
        parts = []
        for delta in self.run.backend.stream(request):
            if delta.text:
                self.run.emit("delta", self.key, delta.text)
                parts.append(delta.text)
            yield delta
        self.calls.append((request, "".join(parts)))


def ask(
    run: Run, key: str, round_: int, step: Callable[[Backend, int], T]
) -> tuple[T, dict[str, Any]]:
    """Run a public step function (`step(backend, seed)`), retrying with the next seed when
    its output is unusable. Returns its value and provenance."""
    tries = max(run.opts.retries, 3) + 1
    error: GenerationError | None = None
    for n in range(tries):
        tap = Tap(run, key)
        try:
            return step(tap, run.seed(key, round_, n)), origin(run, tap.calls, attempts=n + 1)
        except GenerationError as exc:
            error = exc
            run.emit("retry", key, str(exc))
    assert error is not None
    raise error


def keep_locked(
    old: Sequence[T] | None, new: list[T], locked: Callable[[T], bool], ident: Callable[[T], str]
) -> list[T]:
    """Put locked old items back at their positions; drop new items that collide with them."""
    kept = {i: item for i, item in enumerate(old or ()) if locked(item)}
    names = {ident(item) for item in kept.values()}
    fresh = iter(item for item in new if ident(item) not in names)
    out = []
    for i in range(max(len(new), max(kept, default=-1) + 1)):
        item = kept.get(i) or next(fresh, None)
        if item is not None:
            out.append(item)
    return out


Made = tuple[Any, dict[str, Any]]  # a level's new value and its provenance
