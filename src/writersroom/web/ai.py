"""AI in the room: model output as suggestions in the shared document, story drafts as jobs.

    suggestion:  route creates {"status": "streaming"} in Y.Map "suggestions"
                 -> a worker thread streams the model's text into the entry (throttled)
                 -> "pending" (an editor accepts or rejects it in the browser), or "failed"
    draft job:   route creates {"status": "running"} in Y.Map "jobs"
                 -> the story engine on a worker thread; each level it makes is mirrored into
                    Y.Map "bible", progress into the job
                 -> the screenplay arrives as ONE suggestion; the job is "done" (or "failed")

Nothing here writes into Y.Text "fountain": every change goes through `Rooms.transact_from_thread`
and touches only the maps. Model calls run on the app's job threads, never on the event loop.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pycrdt import Doc

from writersroom.errors import WritersroomError
from writersroom.llm.base import Backend, Delta, Request
from writersroom.web.engines import Engines
from writersroom.web.rooms import Rooms
from writersroom.web.ydoc import shared_map, stamp, text_of

log = logging.getLogger("writersroom.web")
T = TypeVar("T")

FLUSH_SECONDS = 0.1  # a streaming suggestion is rewritten in the document at most this often
BIBLE_LEVELS = ("logline", "title", "characters", "beats", "locations", "scenes")


class Busy(Exception):
    """The user already has an AI job running in this project."""


@dataclass
class AI:
    """What the AI routes share on `app.state.ai`: the models and who is running what."""

    engines: Engines
    running: set[tuple[int, str]] = field(default_factory=set)  # (user id, project id)
    stories: set[str] = field(default_factory=set)  # projects whose story engine is at work
    tools: dict[str, Any] = field(default_factory=dict)  # model spec -> coverage Tools
    lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self, user_id: int, project_id: str) -> None:
        """One running job per user per project; raises Busy."""
        with self.lock:
            if (user_id, project_id) in self.running:
                raise Busy
            self.running.add((user_id, project_id))

    def release(self, user_id: int, project_id: str) -> None:
        with self.lock:
            self.running.discard((user_id, project_id))

    def claim_story(self, project_id: str) -> bool:
        """One story job (draft, regenerate) per project at a time."""
        with self.lock:
            if project_id in self.stories:
                return False
            self.stories.add(project_id)
            return True

    def release_story(self, project_id: str) -> None:
        with self.lock:
            self.stories.discard(project_id)


def entry_of(value: Any) -> dict[str, Any]:
    """A map entry as a dict (entries may be JSON strings, see docs/web.md)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return dict(value) if isinstance(value, dict) else {}


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, WritersroomError):
        return str(exc)
    log.exception("AI job failed", exc_info=exc)
    return f"the model failed ({type(exc).__name__}); see the server log"


def _from_thread(rooms: Rooms, project_id: str, change: Callable[[Doc[Any]], T], gone: T) -> T:
    """`rooms.transact_from_thread`, or `gone` once the app has stopped (its loop is closed)."""
    if rooms.loop is None or rooms.loop.is_closed():
        return gone
    return rooms.transact_from_thread(project_id, change)


# -- suggestions ----------------------------------------------------------------------------------


class SuggestionWriter:
    """Writes one suggestion's fields into the shared doc from a worker thread, and tells when
    someone has closed it meanwhile (a reject while it streams stops the stream)."""

    def __init__(self, rooms: Rooms, project_id: str, sid: str) -> None:
        self.rooms, self.project_id, self.sid = rooms, project_id, sid

    def update(self, **fields: Any) -> bool:
        def change(doc: Doc[Any]) -> bool:
            suggestions = shared_map(doc, "suggestions")
            current = entry_of(suggestions.get(self.sid))
            if current.get("status") != "streaming":
                return False  # rejected (or removed) while streaming: leave it be
            suggestions[self.sid] = {**current, **fields}
            return True

        return _from_thread(self.rooms, self.project_id, change, False)

    def stream(self, deltas: Iterator[Delta], lead: str = "") -> str | None:
        """Stream text into the entry, at most every FLUSH_SECONDS; the whole text, or None
        when the suggestion was closed before the end."""
        parts: list[str] = []
        last = float("-inf")  # the first piece shows at once
        for delta in deltas:
            if not delta.text:
                continue
            parts.append(delta.text)
            if time.monotonic() - last >= FLUSH_SECONDS:
                if not self.update(text=lead + "".join(parts)):
                    return None
                last = time.monotonic()
        return "".join(parts)


def new_suggestion(
    sid: str, author: str, kind: str, start: str, end: str, original: str = "", **extra: Any
) -> dict[str, Any]:
    return {
        "id": sid,
        "author": author,
        "kind": kind,
        "start": start,
        "end": end,
        "original": original,
        "text": "",
        "instruction": "",
        "status": "streaming",
        "created": stamp(),
        **extra,
    }


Produce = Callable[[Backend, Callable[[Iterator[Delta]], str | None]], str | None]


def run_suggestion(
    rooms: Rooms,
    project_id: str,
    sid: str,
    backend: Backend,
    produce: Produce,
    frame: tuple[str, str] = ("", ""),
) -> None:
    """The job behind continue / rewrite / dialogue (on a worker thread). `produce(backend,
    stream)` makes the text, passing model deltas through `stream` so they appear as they come;
    `frame` is the (lead, trail) put around the text so it stands as its own paragraphs."""
    writer = SuggestionWriter(rooms, project_id, sid)
    lead, trail = frame
    try:
        text = produce(backend, lambda deltas: writer.stream(deltas, lead))
        if text is None:
            return
        if not text.strip():
            writer.update(status="failed", text="", error="the model wrote nothing; try again")
            return
        writer.update(text=lead + text.strip("\n") + trail, status="pending")
    except Exception as exc:
        writer.update(status="failed", error=_error_text(exc))


def streamed(request: Request) -> Produce:
    """Produce: the model's answer to one request, as is."""

    def produce(backend: Backend, stream: Callable[[Iterator[Delta]], str | None]) -> str | None:
        return stream(backend.stream(request))

    return produce


class _Tap:
    """A backend that passes the deltas of its calls to `stream` (used by the voice module,
    whose exchange is one call); only `stream`, so complete_many goes through it."""

    def __init__(self, backend: Backend, sink: Callable[[Iterator[Delta]], str | None]) -> None:
        self.backend, self.sink, self.name = backend, sink, backend.name
        self.closed = False

    def stream(self, request: Request) -> Iterator[Delta]:
        seen: list[Delta] = []

        def tee() -> Iterator[Delta]:
            for delta in self.backend.stream(request):
                seen.append(delta)
                yield delta

        if self.sink(tee()) is None:
            self.closed = True
        yield from seen


def voiced_dialogue(
    script: str, characters: list[str], situation: str, lines: int, scene_before: str
) -> Produce:
    """Produce: an exchange in the characters' voices learnt from the script (writersroom.voice),
    one grammar-constrained call after the last speeches of the scene; the exchange's Fountain
    text is the suggestion."""
    from writersroom.screenplay import fountain
    from writersroom.screenplay.model import Dialogue
    from writersroom.voice.cast import voices_of_script
    from writersroom.voice.dialogue import Spec, Turn, write_dialogue

    cast = voices_of_script(fountain.parse(script))
    before = [
        Turn(e.speaker.upper(), " ".join(x for x in e.lines if isinstance(x, str)))
        for e in fountain.parse(scene_before).elements
        if isinstance(e, Dialogue)
    ][-6:]
    spec = Spec.make(cast, characters, situation, lines=lines, before=tuple(before))

    def produce(backend: Backend, stream: Callable[[Iterator[Delta]], str | None]) -> str | None:
        tap = _Tap(backend, stream)
        exchange = write_dialogue(spec, tap)
        return None if tap.closed else exchange.fountain()

    return produce


# -- story drafts ---------------------------------------------------------------------------------


def story_dir(home: Path, project_id: str) -> Path:
    """Where a project's story engine works: $WRITERSROOM_HOME/web/projects/<id>/story."""
    return home / "web" / "projects" / project_id / "story"


class JobWriter:
    """A job's entry in Y.Map "jobs" and the story bible mirrored into Y.Map "bible"."""

    def __init__(self, rooms: Rooms, project_id: str, jid: str) -> None:
        self.rooms, self.project_id, self.jid = rooms, project_id, jid

    def update(self, **fields: Any) -> None:
        def change(doc: Doc[Any]) -> None:
            jobs = shared_map(doc, "jobs")
            jobs[self.jid] = {**entry_of(jobs.get(self.jid)), **fields}

        _from_thread(self.rooms, self.project_id, change, None)

    def mirror(self, root: Path, levels: tuple[str, ...] = BIBLE_LEVELS) -> None:
        """Copy the story engine's levels (and the items' status: locks, staleness)."""
        from writersroom import story
        from writersroom.story.project import Project

        bible = Project.open(root).bible()
        values = {
            level: json.loads(story.show(root, level, as_json=True))
            for level in levels
            if bible.get(level) is not None
        }
        values["status"] = json.loads(story.show(root, as_json=True))

        def change(doc: Doc[Any]) -> None:
            target = shared_map(doc, "bible")
            for key, value in values.items():
                target[key] = value

        _from_thread(self.rooms, self.project_id, change, None)


@dataclass
class Progress:
    """Turns the story engine's events into the job's progress and the mirrored bible."""

    job: JobWriter
    root: Path
    steps: int  # levels plus scenes
    done: int = 0
    last: float = 0.0

    def __call__(self, event: Any) -> None:
        if event.kind not in ("done", "start", "retry", "issue"):
            return
        level = event.key.split("/")[0]
        if event.kind == "done":
            self.done += 1
            if level in BIBLE_LEVELS:
                self.job.mirror(self.root, (level,))
        message = f"{event.kind} {event.key}" + (f": {event.text[:120]}" if event.text else "")
        now = time.monotonic()
        if event.kind == "done" or now - self.last >= FLUSH_SECONDS:
            self.last = now
            self.job.update(progress=round(min(1.0, self.done / self.steps), 3), message=message)


def offer_screenplay(
    rooms: Rooms, project_id: str, screenplay: str, author: str, instruction: str
) -> str:
    """The whole screenplay as ONE pending suggestion: inserted into an empty script, else
    replacing the whole text. Returns its id."""
    from writersroom.web.aiprompts import encode_position

    sid = uuid.uuid4().hex

    def change(doc: Doc[Any]) -> None:
        current = text_of(doc)
        if current.strip():
            start, end = encode_position(doc, 0), encode_position(doc, len(current), before=True)
            kind, original = "replace", current
        else:
            start = end = encode_position(doc, len(current))
            kind, original = "insert", ""
        entry = new_suggestion(sid, author, kind, start, end, original, instruction=instruction)
        shared_map(doc, "suggestions")[sid] = {**entry, "text": screenplay, "status": "pending"}

    rooms.transact_from_thread(project_id, change)
    return sid


def run_draft(
    rooms: Rooms,
    project_id: str,
    jid: str,
    backend: Backend,
    root: Path,
    logline: str,
    scenes: int,
    author: str,
) -> None:
    """The draft job (on a worker thread): the story engine from a logline in a fresh project
    directory (a previous draft's is replaced), then the screenplay as a suggestion."""
    from writersroom import story

    job = JobWriter(rooms, project_id, jid)
    try:
        if root.exists():
            shutil.rmtree(root)
        root.parent.mkdir(parents=True, exist_ok=True)
        progress = Progress(job, root, steps=len(BIBLE_LEVELS) - 1 + scenes)
        story.new(logline, root, backend=backend, scenes=scenes, listener=progress)
        job.mirror(root)
        screenplay = (root / "screenplay.fountain").read_text(encoding="utf-8")
        sid = offer_screenplay(rooms, project_id, screenplay, author, f"Draft: {logline}")
        job.update(status="done", progress=1.0, message="drafted", suggestion=sid)
    except Exception as exc:
        job.update(status="failed", message=_error_text(exc))


def run_regenerate(
    rooms: Rooms,
    project_id: str,
    jid: str,
    backend: Backend,
    root: Path,
    level: str | None,
    item: str | None,
    stale: bool,
    author: str,
) -> None:
    """Regenerate a level, one item, or what is stale; a screenplay whose scenes changed (and
    are all drafted) arrives as a new suggestion."""
    from writersroom import story

    job = JobWriter(rooms, project_id, jid)
    try:
        progress = Progress(job, root, steps=1)
        changed = story.regenerate(
            root, level, item, backend=backend, stale=stale, listener=progress
        )
        job.mirror(root)
        fields: dict[str, Any] = {"status": "done", "progress": 1.0}
        fields["message"] = "changed: " + (", ".join(changed) or "nothing")
        screenplay = root / "screenplay.fountain"
        if any(k.startswith("drafts") for k in changed) and screenplay.exists():
            text = screenplay.read_text(encoding="utf-8")
            what = f"Regenerated {', '.join(changed)}"
            fields["suggestion"] = offer_screenplay(rooms, project_id, text, author, what)
        job.update(**fields)
    except Exception as exc:
        job.update(status="failed", message=_error_text(exc))


def coverage(ai: AI, spec: str, text: str, title: str, premise: str = "") -> dict[str, Any]:
    """The coverage report of a script as JSON (as `writersroom evaluate --json` prints it);
    the evaluator's tools (embedder, perplexity model, judge) are loaded once per model."""
    from writersroom.errors import FormatError
    from writersroom.evaluate import default_tools, evaluate_screenplay
    from writersroom.screenplay import fountain

    doc = fountain.parse(text)
    if not doc.elements:
        raise FormatError("the script is empty: write or import some pages first")
    with ai.lock:
        tools = ai.tools.get(spec)
    if tools is None:
        tools = default_tools(backend=ai.engines.get(spec))
        with ai.lock:
            tools = ai.tools.setdefault(spec, tools)
    report: dict[str, Any] = evaluate_screenplay(
        doc, premise, tools=tools, title=doc.title or title
    ).to_dict()
    return report
