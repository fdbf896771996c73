"""Making each level of the bible with the model: seeds, retries, provenance, and locked items.

`make_level(run, key, round_)` returns the new value for a level and its origin (model, seeds,
prompts, raw outputs); it calls the same public step functions users call (`write_title`,
`cast_characters`, `outline_beats`, `scout_locations`) through a `Tap` on the run's backend.
Retries use the next seed. Items locked inside a list level (one
character, beat, location or scene) are kept as they are; the model fills in the rest.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from writersroom.errors import GenerationError
from writersroom.llm.base import Backend, Completion, Delta, Request, collect, complete_many
from writersroom.story import beats, characters, locations, scenes, title
from writersroom.story.draft import SceneContext
from writersroom.story.grammar import SceneShape
from writersroom.story.project import Bible, Options, Project
from writersroom.story.scenetext import tail_lines
from writersroom.story.table import LEVELS
from writersroom.story.types import SceneOutline
from writersroom.voice.cast import voice_notes

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


def _keep(
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


def make_level(run: Run, key: str, round_: int, bible: Bible) -> Made:
    """A fresh value for a whole level (locked items inside it are kept)."""
    return _MAKERS[key](run, round_, bible)


def _title(run: Run, round_: int, bible: Bible) -> Made:
    return ask(run, "title", round_, lambda b, s: title.write_title(bible.logline, b, seed=s))


def _characters(run: Run, round_: int, bible: Bible) -> Made:
    count = max(run.opts.characters, len(bible.characters or ()))
    cast, how = ask(
        run,
        "characters",
        round_,
        lambda b, s: characters.cast_characters(
            bible.logline, b, title=bible.title, count=count, seed=s
        ),
    )
    locked = lambda c: run.project.is_locked("characters", c.cue)  # noqa: E731
    return tuple(_keep(bible.characters, cast, locked, lambda c: c.cue)), how


def _beats(run: Run, round_: int, bible: Bible) -> Made:
    assert bible.characters is not None, "characters come before beats"
    cast_ = bible.characters
    new, how = ask(
        run,
        "beats",
        round_,
        lambda b, s: beats.outline_beats(
            bible.logline, cast_, bible.structure, b, title=bible.title, seed=s
        ),
    )
    old = {b.number: b for b in bible.beats or ()}
    return tuple(
        old[b.number] if b.number in old and run.project.is_locked("beats", str(b.number)) else b
        for b in new
    ), how


def _locations(run: Run, round_: int, bible: Bible) -> Made:
    assert bible.beats is not None, "beats come before locations"
    beats_, count = bible.beats, max(run.opts.location_count, len(bible.locations or ()))
    found, how = ask(
        run,
        "locations",
        round_,
        lambda b, s: locations.scout_locations(
            bible.logline, beats_, b, title=bible.title, count=count, seed=s
        ),
    )
    locked = lambda x: run.project.is_locked("locations", x.name)  # noqa: E731
    return tuple(_keep(bible.locations, found, locked, lambda x: x.name)), how


def _scenes(run: Run, round_: int, bible: Bible) -> Made:
    return plan(run, round_, bible, range(1, run.opts.scenes + 1))


def plan(
    run: Run, round_: int, bible: Bible, numbers: Sequence[int] | range
) -> tuple[tuple[SceneOutline, ...], dict[str, Any]]:
    """Plan the given scenes (all at once through the engine), keep the others and locked ones."""
    assert bible.characters and bible.beats and bible.locations, "plan scenes after the rest"
    total = run.opts.scenes if bible.scenes is None else max(run.opts.scenes, len(bible.scenes))
    old = {s.number: s for s in bible.scenes or ()}
    todo = [n for n in numbers if not (n in old and run.project.is_locked("scenes", str(n)))]
    contexts = {
        n: scenes.PlanContext(
            n, total, bible.logline, bible.title, bible.characters, bible.beats, bible.locations
        )
        for n in todo
    }
    done: dict[int, SceneOutline] = {}
    calls: list[tuple[Request, str]] = []
    error: GenerationError | None = None
    for attempt in range(max(run.opts.retries, 3) + 1):
        pending = [n for n in todo if n not in done]
        if not pending:
            break
        requests = [
            scenes.outline_request(contexts[n], seed=run.seed("scenes", round_, n * 100 + attempt))
            for n in pending
        ]
        run.emit("start", "scenes", f"planning scenes {', '.join(map(str, pending))}")
        for n, request, completion in zip(
            pending, requests, complete_many(run.backend, requests), strict=True
        ):
            try:
                done[n] = scenes.parse_outline(completion.text, contexts[n])
                calls.append((request, completion.text))
            except GenerationError as exc:
                error = exc
                run.emit("retry", "scenes", str(exc))
    if len(done) < len(todo):
        assert error is not None
        raise error
    merged = {**old, **done}
    outlines = tuple(merged[n] for n in sorted(merged) if n <= total)
    return outlines, origin(run, calls)


def scene_context(bible: Bible, number: int, *, blocks: int = 10) -> SceneContext:
    """What the writer of scene `number` sees, from the bible as it is now."""
    assert bible.scenes and bible.characters is not None, "draft after planning"
    by_number = {s.number: s for s in bible.scenes}
    outline = by_number[number]
    present = tuple(c for c in bible.characters if c.cue in outline.characters)
    location = next((loc for loc in bible.locations or () if loc.name == outline.location), None)
    beat = " ".join(b.summary for b in bible.beats or () if b.number in outline.beats)
    previous = bible.drafts.get(number - 1)
    return SceneContext(
        outline=outline,
        logline=bible.logline,
        title=bible.title,
        characters=present,
        cast=bible.cues,
        location=location,
        earlier=tuple(s for s in bible.scenes if s.number < number),
        beat=beat,
        previous=tuple(tail_lines(previous.blocks)) if previous else (),
        shape=SceneShape(min_blocks=min(7, blocks), max_blocks=max(2, blocks)),
        voices=voice_notes(present, bible.drafts, scene=number),
    )


def one_more(
    items: Sequence[T], new: Sequence[T], ident: Callable[[T], str], prefer: int | None = None
) -> T | None:
    """The first new item whose id is not taken (the one at `prefer` if possible)."""
    taken = {ident(item) for item in items}
    order = list(new)
    if prefer is not None and 0 <= prefer < len(order):
        order.insert(0, order[prefer])
    return next((item for item in order if ident(item) not in taken), None)


def replace_item(
    level: str,
    bible: Bible,
    run: Run,
    round_: int,
    index: int,
) -> tuple[Any, dict[str, Any]]:
    """A whole level with only item `index` (0-based) made anew."""
    fresh, how = make_level(run, level, round_, _unlocked_copy(bible, level))
    items: list[Any] = list(bible.get(level))
    ident = LEVELS[level].ident
    assert ident is not None, f"{level} has no items"
    others = items[:index] + items[index + 1 :]
    pick = fresh[index] if level == "beats" else one_more(others, fresh, ident, prefer=index)
    if pick is None:
        raise GenerationError(
            f"the model gave no new {level[:-1]} that differs from the others", step=level
        )
    items[index] = pick
    return tuple(items), how


def _unlocked_copy(bible: Bible, level: str) -> Bible:
    # Regenerating one item asks for a whole fresh level, so ignore the existing one.
    changes: dict[str, Any] = {level: None}
    return replace(bible, **changes)


# how each level the model makes is made (the levels are declared in table.py)
_MAKERS: dict[str, Callable[[Run, int, Bible], Made]] = {
    "title": _title,
    "characters": _characters,
    "beats": _beats,
    "locations": _locations,
    "scenes": _scenes,
}


def add_item(level: str, bible: Bible, run: Run, round_: int) -> tuple[Any, dict[str, Any]]:
    """The level with one more character or location."""
    items: list[Any] = list(bible.get(level) or ())
    opts = run.opts  # asked for one more than there are; the stored options stay as they are
    if level == "characters":
        run = replace(run, options=replace(opts, characters=len(items) + 1))
        fresh, how = make_level(run, level, round_, _unlocked_copy(bible, level))
        new = one_more(items, fresh, lambda c: c.cue, prefer=len(items))
    else:
        run = replace(
            run, options=replace(opts, locations=max(opts.location_count, len(items)) + 1)
        )
        fresh, how = make_level(run, level, round_, _unlocked_copy(bible, level))
        new = one_more(items, fresh, lambda x: x.name)
    if new is None:
        raise GenerationError(f"the model gave no new {level[:-1]}", step=level)
    return (*items, new), how
