"""Draft a scene: action and dialogue as screenplay blocks, cues limited to the characters present.

Every scene prompt carries the bible (title, logline, the present characters and their voices, the
place), the scene's beat, summaries of the earlier scenes and, when the previous scene is already
drafted, its last lines. Decoding runs under the scene grammar (`grammar.py`). After drafting,
`checks.check_scene` looks for problems; `draft_many` redrafts failing scenes with new seeds
(a targeted redo), optionally drafts several takes per scene and keeps the best (best-of-N with a
pluggable scorer), and sends all scenes of a wave to the engine together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from writersroom.llm.base import Backend, Completion, Request, complete, complete_many
from writersroom.story.briefs import cast_brief, clip, scenes_brief
from writersroom.story.checks import check_scene, repair, severity
from writersroom.story.grammar import SceneShape, scene_grammar
from writersroom.story.names import capitals
from writersroom.story.prompt import Prompt
from writersroom.story.scenetext import format_scene_text, parse_scene_text, resolve_speakers
from writersroom.story.scoring import Scorer, simple_score
from writersroom.story.types import (
    ActionBlock,
    Character,
    Issue,
    Location,
    Logline,
    SceneDraft,
    SceneOutline,
    Title,
)
from writersroom.voice.conditioning import styled_request
from writersroom.voice.style import Style

PROMPT = Prompt.load("draft")
CONTINUE_PROMPT = Prompt.load("continue")
# The prompt's worked example scene: a draft that copies a paragraph of it fails the checks.
EXAMPLE = SceneDraft(number=10**6, blocks=tuple(parse_scene_text(PROMPT.turns[-2][1])))
_STOP = ("\n\nINT.", "\n\nEXT.", "\nFADE OUT", "\nTHE END")
# Issues fixed by dropping the paragraphs at fault instead of redrafting the scene: a looping
# small model repeats itself in most takes, so redrafts for these mostly cost time.
REPAIRABLE = frozenset({"repeated_block", "time_contradiction", "doubled_name"})
_ENDINGS = (".", "!", "?", '"', "'", "…", ")", "-")


@dataclass(frozen=True)
class SceneContext:
    """Everything the writer of one scene sees."""

    outline: SceneOutline
    logline: Logline
    title: Title | None
    characters: tuple[Character, ...]  # the characters present
    cast: tuple[str, ...]  # every cue in the bible (for checks)
    location: Location | None
    earlier: tuple[SceneOutline, ...] = ()  # the scenes before, in order
    beat: str = ""  # the beats this scene dramatizes
    previous: tuple[str, ...] = ()  # last lines of the previous scene, when drafted
    shape: SceneShape = field(default_factory=SceneShape)
    voices: tuple[str, ...] = ()  # measured voices of the present characters (voice.cast)
    style: Style | None = None  # a writer's style to imitate (`--style`, voice.conditioning)

    @property
    def number(self) -> int:
        return self.outline.number

    @property
    def speakers(self) -> tuple[str, ...]:
        return tuple(c.cue for c in self.characters) or self.outline.characters or self.cast


@dataclass(frozen=True)
class Take:
    """One drafted scene and where it came from."""

    draft: SceneDraft
    issues: tuple[Issue, ...]
    request: Request
    text: str  # the raw model output
    score: float = 0.0
    repaired: bool = False
    attempts: int = 1  # model calls spent on this scene
    rejected: tuple[str, ...] = field(default=(), repr=False)  # issue kinds of discarded takes


def _options(
    ctx: SceneContext, seed: int | None, *, continuation: bool = False
) -> dict[str, object]:
    shape = SceneShape(4, 7, ctx.shape.sentence_chars) if continuation else ctx.shape
    return {
        "max_tokens": 40 * shape.max_blocks,
        "temperature": 0.8,
        "top_p": 0.95,
        "seed": seed,
        "stop": _STOP,
        "grammar": scene_grammar(
            ctx.speakers, shape, continuation=continuation, allowed=allowed_words(ctx)
        ),
    }


def allowed_words(ctx: SceneContext) -> frozenset[str]:
    """The capitalized words the scene may use: common words, the bible's names, the words of
    the title, the logline and the place (`names.capitals`)."""
    extra = [ctx.logline.text, ctx.outline.heading]
    if ctx.title:
        extra.append(ctx.title.text)
    if ctx.location:
        extra.append(ctx.location.name)
    return capitals(ctx.cast, extra=extra)


def _cast(ctx: SceneContext) -> str:
    """The present characters; with how they have talked in other scenes, once they have."""
    brief = cast_brief(ctx.characters, detail=True)
    if not ctx.voices:
        return brief
    return brief + "\nHow they have talked so far:\n" + "\n".join(ctx.voices)


def scene_request(ctx: SceneContext, *, seed: int | None = None) -> Request:
    earlier = ctx.earlier[-6:]
    previous = ""
    if ctx.previous:
        previous = "The previous scene ended:\n" + "\n".join(clip(x, 120) for x in ctx.previous)
    place = ctx.location.name if ctx.location else ctx.outline.location
    if ctx.location and ctx.location.description:
        place += f", {clip(ctx.location.description, 120)}"
    request = PROMPT.request(
        title=ctx.title.text if ctx.title else "(untitled)",
        logline=ctx.logline.text,
        cast=_cast(ctx),
        place=place,
        story_so_far=scenes_brief(earlier, limit=80),
        previous=previous,
        heading=ctx.outline.heading,
        summary=ctx.outline.summary,
        purpose=ctx.outline.purpose or clip(ctx.beat, 160),
        options=_options(ctx, seed),
    )
    return styled_request(request, ctx.style, query=ctx.outline.summary)


def continue_request(ctx: SceneContext, draft: SceneDraft, *, seed: int | None = None) -> Request:
    text = format_scene_text(draft.blocks[-6:]).strip()
    request = CONTINUE_PROMPT.request(
        title=ctx.title.text if ctx.title else "(untitled)",
        logline=ctx.logline.text,
        cast=_cast(ctx),
        place=ctx.location.name if ctx.location else ctx.outline.location,
        heading=ctx.outline.heading,
        summary=ctx.outline.summary,
        text=text,
        options=_options(ctx, seed, continuation=True),
    )
    return styled_request(request, ctx.style, query=ctx.outline.summary)


def parse_draft(text: str, ctx: SceneContext, *, truncated: bool = False) -> SceneDraft:
    """The scene's blocks from model output; a paragraph cut off by the token limit is dropped.
    Pure; never raises (checks judge the result)."""
    blocks = resolve_speakers(parse_scene_text(text), ctx.cast)
    if truncated and blocks:
        last = blocks[-1]
        end = last.text if isinstance(last, ActionBlock) else last.lines[-1]
        if not end.rstrip().endswith(_ENDINGS):
            blocks = blocks[:-1]
    return SceneDraft(number=ctx.number, blocks=tuple(blocks))


def _take(
    ctx: SceneContext, request: Request, completion: Completion, others: Sequence[SceneDraft]
) -> Take:
    draft = parse_draft(completion.text, ctx, truncated=completion.finish_reason == "length")
    issues = check_scene(
        draft, ctx.outline, ctx.cast, [*others, EXAMPLE], allowed=allowed_words(ctx)
    )
    return Take(draft=draft, issues=tuple(issues), request=request, text=completion.text)


def draft_scene(ctx: SceneContext, backend: Backend, *, seed: int | None = None) -> Take:
    """Draft one scene (no redo). The take's `issues` say what the checks found."""
    request = scene_request(ctx, seed=seed)
    return _take(ctx, request, complete(backend, request), ())


def continue_scene(
    ctx: SceneContext, draft: SceneDraft, backend: Backend, *, seed: int | None = None
) -> Take:
    """Add a few blocks to the end of a drafted scene."""
    request = continue_request(ctx, draft, seed=seed)
    done = complete(backend, request)
    more = parse_draft(done.text, ctx, truncated=done.finish_reason == "length")
    longer = draft.model_copy(update={"blocks": draft.blocks + more.blocks})
    issues = check_scene(longer, ctx.outline, ctx.cast, allowed=allowed_words(ctx))
    return Take(draft=longer, issues=tuple(issues), request=request, text=done.text)


def draft_many(
    contexts: Sequence[SceneContext],
    backend: Backend,
    *,
    seed: Callable[[SceneContext, int], int | None] = lambda ctx, n: None,
    takes: int = 1,
    retries: int = 2,
    scorer: Scorer = simple_score,
    others: Sequence[SceneDraft] = (),
    run: Callable[[Backend, Sequence[Request]], list[Completion]] = complete_many,
) -> dict[int, Take]:
    """Draft scenes together: each wave sends every pending take to the engine at once. The best
    take of a scene is kept (fewest issues, then highest score). Repeated paragraphs and time
    contradictions are dropped from it (`repaired`); other issues (unknown speakers, headings,
    meta-commentary, an empty scene) send the scene back for a redraft with new seeds, up to
    `retries` times, after which the blocks still at fault are dropped too.
    `seed(ctx, n)` gives the seed of the n-th call for a scene."""
    best: dict[int, Take] = {}
    rejected: dict[int, list[str]] = {ctx.number: [] for ctx in contexts}
    pending = list(contexts)
    for attempt in range(retries + 1):
        if not pending:
            break
        jobs = [
            (ctx, scene_request(ctx, seed=seed(ctx, attempt * takes + t)))
            for ctx in pending
            for t in range(takes)
        ]
        completions = run(backend, [request for _, request in jobs])
        done_drafts = [t.draft for t in best.values() if not t.issues]
        by_scene: dict[int, list[Take]] = {}
        for (ctx, request), completion in zip(jobs, completions, strict=True):
            take = _take(ctx, request, completion, [*others, *done_drafts])
            by_scene.setdefault(ctx.number, []).append(take)
        still: list[SceneContext] = []
        accepted = [*others, *done_drafts]  # grows with this wave's winners, in scene order
        for ctx in pending:
            candidates = by_scene[ctx.number]
            if ctx.number in best:
                candidates.append(best[ctx.number])
            scores = scorer(
                [format_scene_text(t.draft.blocks) for t in candidates], ctx.outline.summary
            )
            ranked = sorted(
                zip(candidates, scores, strict=True),
                key=lambda pair: (severity(pair[0].issues), -pair[1]),
            )
            winner, score = ranked[0]
            rejected[ctx.number] += [i.kind for t, _ in ranked[1:] for i in t.issues]
            # scenes of one wave must not repeat each other either
            clash = check_scene(
                winner.draft,
                ctx.outline,
                ctx.cast,
                [*accepted, EXAMPLE],
                allowed=allowed_words(ctx),
            )
            repaired = False
            if clash and all(i.kind in REPAIRABLE for i in clash):
                fixed = repair(winner.draft, clash)  # cheaper than a redraft, and as good
                if not check_scene(
                    fixed, ctx.outline, ctx.cast, [*accepted, EXAMPLE], allowed=allowed_words(ctx)
                ):
                    winner, clash, repaired = replace(winner, draft=fixed), [], True
            winner = replace(winner, issues=tuple(clash))
            if not winner.issues:
                accepted.append(winner.draft)
            best[ctx.number] = Take(
                draft=winner.draft,
                issues=winner.issues,
                request=winner.request,
                text=winner.text,
                score=score,
                repaired=repaired,
                attempts=(attempt + 1) * takes,
            )
            if winner.issues:
                still.append(ctx)
        pending = still
    final = [*others, *(t.draft for t in best.values() if not t.issues)]
    for ctx in pending:
        take = best[ctx.number]
        fixed = repair(take.draft, take.issues)
        issues = check_scene(fixed, ctx.outline, ctx.cast, final, allowed=allowed_words(ctx))
        if issues:  # what repair exposed (e.g. a copy of a block it kept): drop that too
            fixed = repair(fixed, issues)
            issues = check_scene(fixed, ctx.outline, ctx.cast, final, allowed=allowed_words(ctx))
        final.append(fixed)
        best[ctx.number] = replace(take, draft=fixed, issues=tuple(issues), repaired=True)
    return {n: replace(t, rejected=tuple(rejected[n])) for n, t in best.items()}
