"""Develop a story project: logline -> title -> characters -> beats -> locations -> scene list ->
scene drafts -> screenplay (.fountain, .pdf, .fdx).

    project = Project.create(out, Logline(text="..."), get_structure("three-act"), Options())
    develop(project, backend)                  # makes what is missing; also how a run resumes
    regenerate(project, backend, "characters", "MAYA TORRES")   # one item, new seed
    regenerate(project, backend, stale=True)   # only what upstream edits made stale

Every item is committed to the project directory as soon as it is made, before the next step
starts, so an interrupted run (Ctrl-C, kill -9, a server going down) loses at most the step in
flight, and `develop` picks up from there without touching finished or hand-edited items.

Several commands can work on one project at once: each claims the items it makes (a second
command making the same item is told at once, with a ProjectError) and each commit names the
version it replaces, so a hand edit made meanwhile is never overwritten (the take is refused).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from writersroom.errors import GenerationError, ProjectError
from writersroom.llm.base import Backend, Completion, Request, complete_many
from writersroom.story.assemble import OUTPUTS, assemble, missing_drafts, write_output
from writersroom.story.deps import PLAN, inputs_of, statuses
from writersroom.story.draft import SceneContext, continue_scene, draft_many
from writersroom.story.levels import (
    Event,
    Listener,
    Run,
    add_item,
    make_level,
    origin,
    plan,
    replace_item,
    scene_context,
)
from writersroom.story.project import Bible, Project, draft_key, level_of
from writersroom.story.scenetext import format_scene_text
from writersroom.story.scoring import Scorer, simple_score
from writersroom.story.table import LEVELS, Key
from writersroom.voice.style import Style


def develop(
    project: Project,
    backend: Backend,
    *,
    listener: Listener | None = None,
    scorer: Scorer = simple_score,
    export: bool = True,
    style: Style | None = None,
) -> Bible:
    """Make every missing item in order, committing each before the next; then write the
    screenplay files. Finished items, hand edits and locks are left alone. `style`: scenes
    are drafted in that writer's style (voice.conditioning)."""
    project.sync()
    run = Run(project, backend, listener, style=style)
    for key in PLAN:
        if project.read(key) is None:
            _make(run, key, missing_only=True)
        else:
            run.emit("skip", key, "already done")
    bible = project.bible()
    todo = missing_drafts(bible)
    if todo:
        draft_scenes(run, todo, scorer=scorer, missing_only=True)
    if export:
        export_screenplay(project, listener)
    return project.bible()


def resume(project: Project, backend: Backend, **options: Any) -> Bible:
    """Continue an interrupted or partial project (the same as `develop`)."""
    return develop(project, backend, **options)


def _make(run: Run, key: str, *, item: int | None = None, missing_only: bool = False) -> None:
    """Make a level (or one item of it) and commit it. `missing_only`: resuming, so the seeds
    of the current round and nothing if another command made it meanwhile; otherwise the next
    round (new seeds) replacing the current value. A round is used up by its commit or by
    unusable output, not by a crash: a command killed and run again uses the same seeds (and
    the response cache answers what was already asked)."""
    project = run.project
    with project.claim([key]):
        if missing_only and project.read(key) is not None:
            run.emit("skip", key, "made by another command")
            return
        base = project.version(key)
        round_ = project.round_of(key) + (0 if missing_only else 1)
        bible = project.bible()
        run.emit("start", key)
        try:
            if item is not None and key == "scenes":
                value, how = plan(run, round_, bible, [item])
            elif item is not None:
                value, how = replace_item(key, bible, run, round_, item)
            else:
                value, how = make_level(run, key, round_, bible)
        except GenerationError:
            if not missing_only:
                project.use_round(key, round_)  # running it again tries new seeds
            raise
        inputs = inputs_of(key, bible) or {}
        project.commit(key, value, how, inputs=inputs, base=base, round_=round_)
    run.emit("done", key, _summary(value))


def _summary(value: Any) -> str:
    if isinstance(value, tuple):
        return f"{len(value)} items"
    return str(getattr(value, "text", ""))


def _many(run: Run) -> Any:
    def go(backend: Backend, requests: Sequence[Request]) -> list[Completion]:
        if len(requests) == 1:  # one scene: stream it for the preview
            return [run.call("drafts", requests[0])]
        return complete_many(backend, requests)

    return go


def draft_scenes(
    run: Run,
    numbers: Sequence[int],
    *,
    scorer: Scorer = simple_score,
    rounds: dict[int, int] | None = None,
    missing_only: bool = False,
) -> None:
    """Draft scenes `concurrency` at a time; each wave is one batched engine call, and each
    scene is committed as soon as its wave is done. `rounds`: the regeneration round of each
    scene (default: its current one). `missing_only`: skip scenes another command drafted
    meanwhile. A scene changed by another command or by hand while its wave ran is not
    overwritten: the other scenes are committed, then ProjectError names it."""
    project = run.project
    opts = run.opts
    rounds = rounds or {}
    size = max(1, opts.concurrency)
    keys = [draft_key(n) for n in sorted(numbers)]
    conflicts: list[str] = []
    with project.claim(keys):
        numbers = sorted(n for n in numbers if not (missing_only and project.read(draft_key(n))))
        bases = {n: project.version(draft_key(n)) for n in numbers}  # what the takes replace
        for start in range(0, len(numbers), size):
            conflicts += _draft_wave(run, numbers[start : start + size], scorer, rounds, bases)
    if conflicts:
        raise ProjectError(
            f"{', '.join(conflicts)} changed by another command or by hand while being "
            "drafted; those takes were not saved: regenerate them again if you want new ones"
        )


def _draft_wave(
    run: Run, part: list[int], scorer: Scorer, rounds: dict[int, int], bases: dict[int, int]
) -> list[str]:
    """Draft and commit one wave of scenes; returns the keys whose commit was refused."""
    project, opts = run.project, run.opts
    conflicts = []
    bible = project.bible()
    contexts = [scene_context(bible, n, blocks=opts.scene_blocks, style=run.style) for n in part]
    others = [d for n, d in bible.drafts.items() if n not in part]
    round_of = {n: rounds.get(n, project.round_of(draft_key(n))) for n in part}
    run.emit("start", "drafts", "scenes " + ", ".join(map(str, part)))

    def seed(ctx: SceneContext, k: int, r: dict[int, int] = round_of) -> int:
        return run.seed(draft_key(ctx.number), r[ctx.number], k)

    takes = draft_many(
        contexts,
        run.backend,
        takes=max(1, opts.takes),
        retries=opts.retries,
        scorer=scorer,
        others=others,
        run=_many(run),
        seed=seed,
    )
    for ctx in contexts:
        take, key = takes[ctx.number], draft_key(ctx.number)
        how = origin(
            run,
            [(take.request, take.text)],
            attempts=take.attempts,
            repaired=take.repaired,
            rejected=list(take.rejected),
            score=round(take.score, 3),
        )
        try:
            project.commit(
                key,
                take.draft,
                how,
                inputs=inputs_of(key, bible) or {},
                issues=[i.model_dump() for i in take.issues],
                base=bases[ctx.number],
                round_=round_of[ctx.number],
            )
        except ProjectError as exc:
            run.emit("skip", key, str(exc))
            conflicts.append(key)
            continue
        for issue in take.issues:
            run.emit("issue", key, f"{issue.kind}: {issue.message}")
        run.emit("done", key, ctx.outline.heading + "\n\n" + format_scene_text(take.draft.blocks))
    return conflicts


def export_screenplay(project: Project, listener: Listener | None = None) -> list[str]:
    """Write DIR/screenplay.fountain, .pdf and .fdx when every scene is drafted. A file changed
    by hand since it was written is backed up first."""

    def emit(kind: Any, key: str, text: str) -> None:
        if listener is not None:
            listener(Event(kind, key, text))

    with project.transaction():  # another command's export cannot interleave with this one
        bible = project.bible()
        if bible.scenes is None or missing_drafts(bible):
            emit("skip", "export", "not every scene is drafted yet")
            return []
        doc = assemble(bible, author=project.options.author)
        written = []
        for fmt in OUTPUTS:
            name = f"screenplay.{fmt}"
            result = write_output(doc, project.root / name, expected=project.export_hash(name))
            project.set_export_hash(name, result.hash)
            note = f" (your edited copy kept as {result.backup.name})" if result.backup else ""
            emit("export", name, str(result.path) + note)
            written.append(name)
    return written


def regenerate(
    project: Project,
    backend: Backend,
    level: str | None = None,
    item: str | None = None,
    *,
    stale: bool = False,
    more: bool = False,
    listener: Listener | None = None,
    scorer: Scorer = simple_score,
    style: Style | None = None,
) -> list[str]:
    """Make items anew with new seeds: a level, one item of it (`item`), only what is stale
    (`stale`), or one more character/location or more of a scene (`more`). Locked items are
    never touched; scenes are drafted in `style` when given. Returns the keys that changed."""
    project.sync()
    run = Run(project, backend, listener, style=style)
    if stale:
        changed = _regenerate_stale(run, scorer)
    elif level is None:
        raise ProjectError("say which level to regenerate, or use --stale")
    elif more:
        changed = _continue(run, level_of(level), item)
    else:
        changed = _regenerate(run, level_of(level), item, scorer)
    export_screenplay(project, listener)
    return changed


def find_item(bible: Bible, level: str, item: str) -> tuple[int, str]:
    """(0-based index, id) of an item: characters by name or cue, locations by name, beats,
    scenes and drafts by number; any of them by 1-based position."""
    if level == "drafts":
        level = "scenes"
    return item_index(list(bible.get(level) or ()), level, item)


def item_index(items: Sequence[Any], level: str, item: str) -> tuple[int, str]:
    ident = LEVELS[level].ident if level != "drafts" else None
    if ident is None:
        raise ProjectError(f"{level} has no items: leave out the ID")
    ids = [ident(x) for x in items]
    wanted = " ".join(item.upper().split())
    if wanted in ids:
        return ids.index(wanted), wanted
    if item.isdigit() and 1 <= int(item) <= len(items):
        return int(item) - 1, ids[int(item) - 1]
    raise ProjectError(f"no {level} item {item!r}: the ids are {', '.join(ids) or '(none yet)'}")


def _regenerate(run: Run, level: str, item: str | None, scorer: Scorer) -> list[str]:
    project = run.project
    if level in ("logline", "structure"):
        raise ProjectError(
            f"the {level} is the writer's: change it with 'writersroom edit DIR {level}'"
        )
    bible = project.bible()
    if bible.get(level) is None and level != "drafts":
        raise ProjectError(f"no {level} yet: run 'writersroom resume DIR' first")
    index, ident = find_item(bible, level, item) if item is not None else (None, None)
    key = draft_key(int(ident)) if level == "drafts" and ident else level
    if project.is_locked(key, ident):
        what = f"{level} {ident}" if ident else level
        raise ProjectError(
            f"{what} is locked: unlock it with 'writersroom edit DIR {level} "
            f"{ident or ''} --unlock'".replace("  ", " ")
        )
    if level == "drafts":
        numbers = (
            [int(ident)]
            if ident
            else [
                s.number for s in bible.scenes or () if not project.is_locked(draft_key(s.number))
            ]
        )
        _redraft(run, numbers, scorer)
        return [draft_key(n) for n in numbers]
    if index is not None and level == "scenes":
        _make(run, level, item=index + 1)
    else:
        _make(run, level, item=index)
    return [level]


def _redraft(run: Run, numbers: Sequence[int], scorer: Scorer) -> None:
    """New takes of scenes, each in its next round (new seeds)."""
    with run.project.claim([draft_key(n) for n in numbers]):
        rounds = {n: run.project.round_of(draft_key(n)) + 1 for n in numbers}  # used on commit
        draft_scenes(run, numbers, scorer=scorer, rounds=rounds)


def _regenerate_stale(run: Run, scorer: Scorer) -> list[str]:
    """Redo stale items upstream first; what that changes becomes stale in turn. Locked and
    hand-edited items are reported, not overwritten."""
    project = run.project
    changed: list[str] = []
    tried: set[str] = set()
    while True:
        bible = project.bible()
        todo = []
        for status in statuses(project, bible):
            if not status.stale or status.key in tried:
                continue
            if status.locked or status.human or project.busy(status.key):
                why = (
                    "locked"
                    if status.locked
                    else "edited by hand"
                    if status.human
                    else "being made by another command"
                )
                run.emit("skip", status.key, f"stale but {why}; regenerate it explicitly")
                tried.add(status.key)
                continue
            todo.append(status.key)
        if not todo:
            return changed
        first = todo[0]
        if Key.parse(first).number is not None:
            numbers = [n for k in todo if (n := Key.parse(k).number) is not None]
            keys = [draft_key(n) for n in numbers]
            _redraft(run, numbers, scorer)
        else:
            keys = [first]
            _make(run, first)
        tried.update(keys)
        changed += keys


def _continue(run: Run, level: str, item: str | None) -> list[str]:
    project = run.project
    bible = project.bible()
    if level in ("characters", "locations"):
        if project.is_locked(level):
            raise ProjectError(
                f"{level} is locked: unlock it with 'writersroom edit DIR {level} --unlock'"
            )
        with project.claim([level]):
            base, bible = project.version(level), project.bible()
            inputs = inputs_of(level, bible) or {}
            value, how = add_item(level, bible, run, project.next_round(level))
            project.commit(level, value, how, inputs=inputs, base=base)
        run.emit("done", level, f"added {getattr(value[-1], 'name', '')}")
        return [level]
    if level != "drafts" or item is None:
        raise ProjectError(
            "only characters, locations and a drafted scene can be continued "
            "(e.g. 'regenerate DIR drafts 3 --continue')"
        )
    _, ident = find_item(bible, "drafts", item)
    key = draft_key(int(ident))
    current = bible.drafts.get(int(ident))
    if current is None:
        raise ProjectError(f"scene {ident} is not drafted yet: run 'writersroom resume DIR'")
    if project.is_locked(key):
        raise ProjectError(
            f"drafts {ident} is locked: unlock it with 'writersroom edit DIR "
            f"drafts {ident} --unlock'"
        )
    with project.claim([key]):
        base, bible = project.version(key), project.bible()
        current = bible.drafts.get(int(ident)) or current
        ctx = scene_context(bible, int(ident), blocks=run.opts.scene_blocks, style=run.style)
        take = continue_scene(
            ctx, current, run.backend, seed=run.seed(key + "+", project.next_round(key), 0)
        )
        project.commit(
            key,
            take.draft,
            origin(run, [(take.request, take.text)], continued=True),
            inputs=project.info(key).get("inputs", {}),
            issues=[i.model_dump() for i in take.issues],
            base=base,
        )
    run.emit("done", key, format_scene_text(take.draft.blocks))
    return [key]
