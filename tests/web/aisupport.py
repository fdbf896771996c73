"""Helpers of the AI route tests: scripted backends, reading the shared doc from the test thread,
waiting for a suggestion or a job to settle."""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from writersroom.llm.base import Delta, Request, Usage
from writersroom.web.ai import AI, entry_of
from writersroom.web.aiprompts import encode_position
from writersroom.web.engines import Engines
from writersroom.web.ydoc import shared_map, text_of

SCENE = (
    "Title: Harbour\n\n"
    "INT. HARBOUR OFFICE - NIGHT\n\n"
    "Rain on the glass. MAYA counts coins.\n\n"
    "MAYA\nWe close at ten.\n\n"
    "ELIAS\nThen I am early.\n\n"
    "EXT. PIER - NIGHT\n\n"
    "Fog rolls in.\n"
)


def load_story_fake() -> Any:
    """tests/story/fakestory.py, which answers the story engine's prompts in form."""
    path = Path(__file__).parents[1] / "story" / "fakestory.py"
    spec = importlib.util.spec_from_file_location("fakestory", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Gate:
    """A backend that streams `first`, then waits for `open()` before the rest (or an error)."""

    name = "gate"

    def __init__(
        self, first: str = "Rain ", rest: str = "keeps falling.", error: Exception | None = None
    ):
        self.first, self.rest, self.error = first, rest, error
        self.opened = threading.Event()
        self.requests: list[Request] = []
        self.finished = threading.Event()

    def open(self) -> None:
        self.opened.set()

    def stream(self, request: Request) -> Iterator[Delta]:
        self.requests.append(request)
        try:
            yield Delta(self.first)
            assert self.opened.wait(30), "the test never opened the gate"
            if self.error is not None:
                raise self.error
            yield Delta(self.rest)
            yield Delta(usage=Usage(0, 2), finish_reason="stop")
        finally:
            self.finished.set()


def use_backends(app: Any, web: Any, **backends: Any) -> AI:
    """Make the app's AI routes use these backends (model spec -> backend)."""
    state = AI(Engines(web.settings, preset=backends))
    app.state.ai = state
    return state


def read(app: Any, pid: str, fn: Callable[[Any], Any]) -> Any:
    return app.state.rooms.read_from_thread(pid, fn)


def position(app: Any, pid: str, index: int, *, before: bool = False) -> str:
    return app.state.rooms.read_from_thread(
        pid, lambda doc: encode_position(doc, index, before=before)
    )


def suggestion(app: Any, pid: str, sid: str) -> dict[str, Any]:
    return read(app, pid, lambda doc: entry_of(shared_map(doc, "suggestions").get(sid)))


def job(app: Any, pid: str, jid: str) -> dict[str, Any]:
    return read(app, pid, lambda doc: entry_of(shared_map(doc, "jobs").get(jid)))


def script(app: Any, pid: str) -> str:
    return read(app, pid, text_of)


def wait_until(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Poll until check() is truthy (its value), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting for the condition")


def settled(app: Any, pid: str, sid: str, timeout: float = 60.0) -> dict[str, Any]:
    """The suggestion once it is no longer streaming."""
    return wait_until(
        lambda: (s := suggestion(app, pid, sid)).get("status") not in (None, "streaming") and s,
        timeout,
    )


def finished(app: Any, pid: str, jid: str, timeout: float = 60.0) -> dict[str, Any]:
    return wait_until(
        lambda: (j := job(app, pid, jid)).get("status") in ("done", "failed") and j, timeout
    )
