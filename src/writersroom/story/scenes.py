"""Plan the scene list: for each scene its place and time, who is present, and what happens.

Which beats a scene dramatizes is fixed by arithmetic (`structures.beats_for_scene`), so the
model only chooses place, time and cast (constrained to the bible's names) and writes a summary.
So that every planned location and every main character is used, scene n is held (by its
grammar) to the n-th location while there are locations left, and to the characters whose
position in the cast falls on it (`PlanContext.place`, `PlanContext.required`).
Scenes are planned independently of each other, so all of them go to the engine at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from writersroom.errors import GenerationError
from writersroom.llm.base import Backend, Request, complete_many
from writersroom.story.briefs import clip
from writersroom.story.forms import Field, choice, form_grammar, literal, parse_form
from writersroom.story.prompt import Prompt
from writersroom.story.run import Made, Run, origin
from writersroom.story.structures import beats_for_scene
from writersroom.story.types import (
    Beat,
    Character,
    Location,
    Logline,
    SceneOutline,
    Title,
    cue_of,
    location_name,
)

if TYPE_CHECKING:
    from writersroom.story.project import Bible

PROMPT = Prompt.load("scene_outline")
PLAN_TIMES = ("DAY", "NIGHT", "MORNING", "EVENING")


@dataclass(frozen=True)
class PlanContext:
    """Everything the planner of scene `number` sees."""

    number: int
    total: int
    logline: Logline
    title: Title | None
    characters: tuple[Character, ...]
    beats: tuple[Beat, ...]
    locations: tuple[Location, ...]

    @property
    def beat_numbers(self) -> tuple[int, ...]:
        return beats_for_scene(self.number, self.total, len(self.beats))

    @property
    def place(self) -> Location | None:
        """The location this scene must use, so that every planned location is used: scene n
        takes the n-th while there are locations left; later scenes choose freely."""
        return self.locations[self.number - 1] if self.number <= len(self.locations) else None

    @property
    def required(self) -> tuple[str, ...]:
        """The characters this scene must include, so that every main character appears:
        character i goes to scene i mod total (the protagonist opens the story), at most 3."""
        cues = [c.cue for c in self.characters]
        mine = [c for i, c in enumerate(cues) if i % self.total == (self.number - 1) % self.total]
        return tuple(mine[:3])


EXAMPLE_SUMMARY = "Nina bursts in waving a contest flyer."


def outline_grammar(ctx: PlanContext) -> str:
    cues = [c.cue for c in ctx.characters]
    places = [ctx.place.name] if ctx.place else [loc.name for loc in ctx.locations]
    must = " ".join(
        (literal(cue) if i == 0 else literal(", " + cue)) for i, cue in enumerate(ctx.required)
    )
    more = min(2, len(cues) - 1) - max(0, len(ctx.required) - 1)
    who = f'{must} (", " cue){{0,{max(0, more)}}}' if must else f'cue (", " cue){{0,{more}}}'
    record = [
        Field("Place", choice(places)),
        Field("Time", choice(PLAN_TIMES)),
        Field("Who", "who"),
        Field("What happens", "summary"),
        Field("Purpose", "sentence"),
    ]
    return form_grammar([record]) + "\n".join(
        [
            f"who ::= {who}",
            f"cue ::= {choice(cues)}",
            'summary ::= sentence (" " sentence)?',
            "",
        ]
    )


def outline_request(ctx: PlanContext, *, seed: int | None = None) -> Request:
    numbers = ctx.beat_numbers
    beat = " ".join(clip(ctx.beats[n - 1].summary, 160) for n in numbers)
    earlier = ctx.beats[max(0, numbers[0] - 3) : numbers[0] - 1]
    before = " ".join(clip(b.summary, 80) for b in earlier)
    return PROMPT.request(
        logline=ctx.logline.text,
        title=ctx.title.text if ctx.title else "(untitled)",
        cast=", ".join(c.cue for c in ctx.characters),
        places=", ".join(loc.name for loc in ctx.locations),
        before=before or "Nothing yet: this is the opening scene.",
        beat=beat,
        number=ctx.number,
        total=ctx.total,
        options={
            "max_tokens": 130,
            "temperature": 0.7,
            "seed": seed,
            "grammar": outline_grammar(ctx),
        },
    )


def parse_outline(text: str, ctx: PlanContext) -> SceneOutline:
    """Read one scene's plan; place and cast must come from the bible. Pure."""
    labels = ["Place", "Time", "Who", "What happens", "Purpose"]
    records = parse_form(text, labels)
    record = records[0] if records else {}
    by_name = {loc.name: loc for loc in ctx.locations}
    cues = {c.cue for c in ctx.characters}
    location = by_name.get(location_name(record.get("Place", "")))
    who = [cue_of(x) for x in record.get("Who", "").split(",")]
    present = [c for c in dict.fromkeys(who) if c in cues]
    summary = " ".join(record.get("What happens", "").split())
    if location is None or not present or len(summary) < 10 or EXAMPLE_SUMMARY in summary:
        raise GenerationError(
            f"scene {ctx.number}: unknown place or cast, or no summary", step="scenes", text=text
        )
    time = record.get("Time", "").strip().upper().rstrip(".")
    return SceneOutline(
        number=ctx.number,
        setting=location.setting,
        location=location.name,
        time=time or "DAY",
        characters=tuple(present),
        beats=ctx.beat_numbers,
        purpose=" ".join(record.get("Purpose", "").split()),
        summary=summary,
    )


def plan_scenes(
    contexts: Sequence[PlanContext], backend: Backend, *, seeds: Sequence[int | None] | None = None
) -> list[SceneOutline]:
    """Plan several scenes at once (one batched engine call). Raises GenerationError if any
    plan is unusable; callers that want partial results use outline_request/parse_outline."""
    seeds = list(seeds) if seeds is not None else [None] * len(contexts)
    requests = [outline_request(ctx, seed=s) for ctx, s in zip(contexts, seeds, strict=True)]
    completions = complete_many(backend, requests)
    return [parse_outline(c.text, ctx) for c, ctx in zip(completions, contexts, strict=True)]


def make_scenes(run: Run, round_: int, bible: Bible) -> Made:
    """The scene list, as the pipeline makes it; locked scenes are kept."""
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
        n: PlanContext(
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
            outline_request(contexts[n], seed=run.seed("scenes", round_, n * 100 + attempt))
            for n in pending
        ]
        run.emit("start", "scenes", f"planning scenes {', '.join(map(str, pending))}")
        for n, request, completion in zip(
            pending, requests, complete_many(run.backend, requests), strict=True
        ):
            try:
                done[n] = parse_outline(completion.text, contexts[n])
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
