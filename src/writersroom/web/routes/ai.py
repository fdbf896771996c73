"""AI in the room: continue, rewrite, dialogue (suggestions), draft / regenerate / lock (story
jobs), coverage, and the list of models. Editors and owners ask the model; any member reads the
coverage and the models. See web/ai.py for what the jobs do in the shared document."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from writersroom.errors import ConfigError, ProjectError, WritersroomError
from writersroom.llm.registry import resolve as resolve_model
from writersroom.web import ai, aiprompts
from writersroom.web.deps import CurrentUser, EditorAccess, JobsDep, MemberAccess, RoomsDep
from writersroom.web.engines import Engines
from writersroom.web.rooms import Rooms
from writersroom.web.ydoc import shared_map, stamp, text_of

router = APIRouter(tags=["ai"])
PROJECT = "/api/projects/{project_id}/ai"

Position = Annotated[str, Field(max_length=1000)]
Model = Annotated[str | None, Field(default=None, max_length=500)]


class ContinueRequest(BaseModel):
    at: Position
    model: Model = None
    max_tokens: int = Field(default=200, ge=1, le=1024)


class RewriteRequest(BaseModel):
    start: Position
    end: Position
    instruction: str = Field(default="", max_length=2000)
    model: Model = None
    max_tokens: int = Field(default=400, ge=1, le=1024)


class DialogueRequest(BaseModel):
    at: Position
    characters: list[Annotated[str, Field(max_length=100)]] = Field(min_length=1, max_length=8)
    situation: str = Field(default="", max_length=2000)
    lines: int = Field(default=6, ge=1, le=40)
    model: Model = None


class DraftRequest(BaseModel):
    logline: str = Field(min_length=1, max_length=2000)
    scenes: int = Field(default=8, ge=1, le=120)
    model: Model = None


class RegenerateRequest(BaseModel):
    level: str | None = Field(default=None, max_length=40)
    item: str | None = Field(default=None, max_length=200)
    stale: bool = False
    model: Model = None


class LockRequest(BaseModel):
    level: str = Field(max_length=40)
    item: str | None = Field(default=None, max_length=200)
    lock: bool = True


class CoverageRequest(BaseModel):
    model: Model = None


class SuggestionCreated(BaseModel):
    suggestion: str


class JobCreated(BaseModel):
    job: str


class ModelPublic(BaseModel):
    name: str
    default: bool


class ModelsPublic(BaseModel):
    data: list[ModelPublic]


class LockPublic(BaseModel):
    stale: list[str]


async def get_ai(request: Request) -> ai.AI:
    """The app's AI state, made on first use (on the event loop, so made once)."""
    state = request.app.state
    if not hasattr(state, "ai"):
        state.ai = ai.AI(Engines(state.web.settings))
    found: ai.AI = state.ai
    return found


AIDep = Annotated[ai.AI, Depends(get_ai)]


def _spec(state: ai.AI, model: str | None) -> str:
    """The model spec asked for (checked now, loaded on the worker thread)."""
    spec = model or state.engines.default_name()
    if spec in state.engines.names():
        return spec
    try:
        resolve_model(spec, state.engines.settings)
    except ConfigError as exc:
        raise HTTPException(400, str(exc)) from exc
    return spec


def _claim(state: ai.AI, access: Any) -> None:
    try:
        state.claim(access.user.id, access.project.id)
    except ai.Busy:
        raise HTTPException(
            429, "you already have an AI request running in this project; wait for it to finish"
        ) from None


async def _start_suggestion(
    state: ai.AI,
    access: Any,
    rooms: Rooms,
    jobs: Any,
    spec: str,
    place: Callable[[Any], tuple[dict[str, Any], Callable[[], ai.Produce], tuple[str, str]]],
) -> SuggestionCreated:
    """Create the streaming suggestion and start its job; `place(doc)` (on the loop) returns
    the entry's fields, a maker of the Produce (on the worker) and the text's frame."""
    pid, sid = access.project.id, uuid.uuid4().hex
    _claim(state, access)
    try:
        try:
            fields, make, frame = await rooms.read(pid, place)
        except aiprompts.PositionError as exc:
            raise HTTPException(400, str(exc)) from exc
        entry = ai.new_suggestion(sid, f"ai:{spec}", **fields)

        def put(doc: Any) -> None:
            shared_map(doc, "suggestions")[sid] = entry

        await rooms.transact(pid, put)
    except BaseException:
        state.release(access.user.id, pid)
        raise

    def job() -> None:
        try:
            try:
                backend, produce = state.engines.get(spec), make()
            except Exception as exc:
                ai.SuggestionWriter(rooms, pid, sid).update(
                    status="failed", error=ai._error_text(exc)
                )
                return
            ai.run_suggestion(rooms, pid, sid, backend, produce, frame)
        finally:
            state.release(access.user.id, pid)

    jobs.submit(job)
    return SuggestionCreated(suggestion=sid)


@router.get("/api/models", response_model=ModelsPublic)
def models(user: CurrentUser, state: AIDep) -> ModelsPublic:
    """The models to choose from: `default` and the names in models.toml (any user)."""
    default = state.engines.default_name()
    names = list(dict.fromkeys([default, *state.engines.names()]))
    return ModelsPublic(data=[ModelPublic(name=n, default=n == default) for n in names])


@router.post(f"{PROJECT}/continue", response_model=SuggestionCreated)
async def continue_(
    body: ContinueRequest, access: EditorAccess, state: AIDep, rooms: RoomsDep, jobs: JobsDep
) -> SuggestionCreated:
    """Continue the script from the cursor; the text arrives as an insert suggestion."""
    spec = _spec(state, body.model)

    def place(doc: Any) -> Any:
        text, at = text_of(doc), aiprompts.resolve(doc, body.at)
        p = aiprompts.around(text, at, at)
        request = aiprompts.continue_request(p, max_tokens=body.max_tokens)
        fields = {"kind": "insert", "start": body.at, "end": body.at, "instruction": "Continue"}
        return fields, lambda: ai.streamed(request), aiprompts.separators(p.before, p.after)

    return await _start_suggestion(state, access, rooms, jobs, spec, place)


@router.post(f"{PROJECT}/rewrite", response_model=SuggestionCreated)
async def rewrite(
    body: RewriteRequest, access: EditorAccess, state: AIDep, rooms: RoomsDep, jobs: JobsDep
) -> SuggestionCreated:
    """Rewrite the selection on an instruction; the text arrives as a replace suggestion."""
    spec = _spec(state, body.model)

    def place(doc: Any) -> Any:
        text = text_of(doc)
        start, end = sorted((aiprompts.resolve(doc, body.start), aiprompts.resolve(doc, body.end)))
        if end <= start:
            raise aiprompts.PositionError("select the text to rewrite first")
        p = aiprompts.around(text, start, end)
        request = aiprompts.rewrite_request(p, body.instruction, max_tokens=body.max_tokens)
        fields = {
            "kind": "replace",
            "start": body.start,
            "end": body.end,
            "original": p.selected,
            "instruction": body.instruction,
        }
        return fields, lambda: ai.streamed(request), ("", "")

    return await _start_suggestion(state, access, rooms, jobs, spec, place)


@router.post(f"{PROJECT}/dialogue", response_model=SuggestionCreated)
async def dialogue(
    body: DialogueRequest, access: EditorAccess, state: AIDep, rooms: RoomsDep, jobs: JobsDep
) -> SuggestionCreated:
    """Dialogue for the chosen characters in a situation, in their voices from the script."""
    spec = _spec(state, body.model)
    names = [" ".join(c.split()) for c in body.characters if c.strip()]
    if not names:
        raise HTTPException(400, "choose at least one character")

    def place(doc: Any) -> Any:
        text, at = text_of(doc), aiprompts.resolve(doc, body.at)
        p = aiprompts.around(text, at, at)
        scene_before = text[aiprompts.scene_bounds(text, at)[0] : at]
        fields = {
            "kind": "insert",
            "start": body.at,
            "end": body.at,
            "instruction": f"Dialogue ({', '.join(names)}): {body.situation}",
        }

        def make() -> ai.Produce:
            try:
                return ai.voiced_dialogue(text, names, body.situation, body.lines, scene_before)
            except ImportError:  # the voice module is optional; a plain prompt instead
                request = aiprompts.dialogue_request(p, names, body.situation, body.lines)
                return ai.streamed(request)

        return fields, make, aiprompts.separators(p.before, p.after)

    return await _start_suggestion(state, access, rooms, jobs, spec, place)


# -- story jobs -----------------------------------------------------------------------------------


async def _start_story_job(
    state: ai.AI, access: Any, rooms: Rooms, jobs: Any, kind: str, spec: str, run: Any
) -> JobCreated:
    """Claim the user's and the project's story slot, create the job entry, start `run(jid,
    backend)` on a worker thread."""
    pid, jid = access.project.id, uuid.uuid4().hex
    _claim(state, access)
    if not state.claim_story(pid):
        state.release(access.user.id, pid)
        raise HTTPException(409, "a story job is already running in this project")
    entry = {
        "id": jid,
        "kind": kind,
        "status": "running",
        "progress": 0.0,
        "message": "starting",
        "author": access.user.email,
        "created": stamp(),
    }

    def put(doc: Any) -> None:
        shared_map(doc, "jobs")[jid] = entry

    def job() -> None:
        try:
            try:
                backend = state.engines.get(spec)
            except Exception as exc:
                ai.JobWriter(rooms, pid, jid).update(status="failed", message=ai._error_text(exc))
                return
            run(jid, backend)
        finally:
            state.release_story(pid)
            state.release(access.user.id, pid)

    try:
        await rooms.transact(pid, put)
        jobs.submit(job)
    except BaseException:
        state.release_story(pid)
        state.release(access.user.id, pid)
        raise
    return JobCreated(job=jid)


def _root(state: ai.AI, project_id: str) -> Any:
    return ai.story_dir(state.engines.settings.home, project_id)


@router.post(f"{PROJECT}/draft", response_model=JobCreated)
async def draft(
    body: DraftRequest, access: EditorAccess, state: AIDep, rooms: RoomsDep, jobs: JobsDep
) -> JobCreated:
    """Draft a screenplay from a logline with the story engine (a job; the bible is mirrored
    into the doc, the screenplay arrives as one suggestion)."""
    spec = _spec(state, body.model)
    pid, root = access.project.id, _root(state, access.project.id)
    logline = " ".join(body.logline.split())

    def run(jid: str, backend: Any) -> None:
        ai.run_draft(rooms, pid, jid, backend, root, logline, body.scenes, f"ai:{spec}")

    return await _start_story_job(state, access, rooms, jobs, "draft", spec, run)


@router.post(f"{PROJECT}/draft/regenerate", response_model=JobCreated)
async def regenerate(
    body: RegenerateRequest, access: EditorAccess, state: AIDep, rooms: RoomsDep, jobs: JobsDep
) -> JobCreated:
    """Regenerate a level of the draft's bible, one item of it, or whatever is stale (a job)."""
    spec = _spec(state, body.model)
    pid, root = access.project.id, _root(state, access.project.id)
    if not root.exists():
        raise HTTPException(404, "no draft in this project yet: POST ai/draft first")
    if body.level is None and not body.stale:
        raise HTTPException(400, 'say which level to regenerate, or send "stale": true')

    def run(jid: str, backend: Any) -> None:
        ai.run_regenerate(
            rooms, pid, jid, backend, root, body.level, body.item, body.stale, f"ai:{spec}"
        )

    return await _start_story_job(state, access, rooms, jobs, "regenerate", spec, run)


@router.post(f"{PROJECT}/draft/lock", response_model=LockPublic)
async def lock(
    body: LockRequest, access: EditorAccess, state: AIDep, rooms: RoomsDep, jobs: JobsDep
) -> LockPublic:
    """Lock (or unlock) a level or one item so regeneration leaves it as it is."""
    from writersroom import story

    pid, root = access.project.id, _root(state, access.project.id)
    if not root.exists():
        raise HTTPException(404, "no draft in this project yet: POST ai/draft first")

    def change() -> list[str]:
        stale = story.edit(root, body.level, body.item, lock=body.lock)
        ai.JobWriter(rooms, pid, "").mirror(root, ())
        return stale

    try:
        stale = await jobs.run(change)
    except ProjectError as exc:
        raise HTTPException(400, str(exc)) from exc
    return LockPublic(stale=stale)


@router.post(f"{PROJECT}/coverage")
async def coverage(
    body: CoverageRequest, access: MemberAccess, state: AIDep, rooms: RoomsDep, jobs: JobsDep
) -> dict[str, Any]:
    """The coverage report of the current script (any member; runs on a worker thread)."""
    spec = _spec(state, body.model)
    pid = access.project.id
    text = await rooms.read(pid, text_of)
    root = _root(state, pid)
    _claim(state, access)
    try:
        premise = await jobs.run(_premise, root)
        return await jobs.run(ai.coverage, state, spec, text, access.project.title, premise)
    except WritersroomError as exc:
        raise HTTPException(400, str(exc)) from exc
    finally:
        state.release(access.user.id, pid)


def _premise(root: Any) -> str:
    """The draft's logline, when the project has one (coverage measures the script against it)."""
    import json

    path = root / "logline.json"
    if not path.exists():
        return ""
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("text", ""))
    except (OSError, ValueError, AttributeError):
        return ""
