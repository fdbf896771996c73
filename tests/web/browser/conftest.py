"""Browser tests of the writers' room: a real `writersroom serve` on a free 127.0.0.1 port (its
own WRITERSROOM_HOME, users made with `writersroom users add`), Debian's chromium driven by
Playwright, and pycrdt clients speaking the Yjs protocol over real websockets.

Skips with the reason when chromium, Playwright or the server's dependencies are missing; under
CI (the CI variable set) those are failures instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from websupport import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"
WRITERSROOM = Path(sys.executable).with_name("writersroom")


def need(condition: object, reason: str) -> None:
    """Skip for a missing part of the environment; fail under CI, where nothing may be missing."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


@dataclass
class Server:
    """A `writersroom serve` process; restart() keeps its home and port (kill -9 tests)."""

    home: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    sessions: dict[str, str] = field(default_factory=dict)  # email -> wr_session cookie

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {**os.environ, "WRITERSROOM_HOME": str(self.home)}

    def start(self) -> None:
        log = (self.home / "serve.log").open("ab")
        self.process = subprocess.Popen(
            [str(WRITERSROOM), "serve", "--port", str(self.port)],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"writersroom serve exited: {(self.home / 'serve.log').read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/me", timeout=2).status_code == 401:
                    return
            time.sleep(0.2)
        pytest.fail("writersroom serve did not answer within 60 s")

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def add_user(self, email: str, name: str = "") -> None:
        args = [str(WRITERSROOM), "users", "add", email, "--password-stdin"]
        if name:
            args += ["--name", name]
        subprocess.run(args, input=PASSWORD.encode(), env=self.env(), check=True, timeout=120)

    def client(self, email: str) -> httpx.Client:
        """An API client logged in as `email` (same-origin Origin header on every request)."""
        client = httpx.Client(base_url=self.url, headers={"Origin": self.url}, timeout=30)
        r = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        self.sessions[email] = r.cookies["wr_session"]
        return client

    def project(self, owner: str, title: str, members: dict[str, str]) -> str:
        with contextlib.closing(self.client(owner)) as api:
            r = api.post("/api/projects", json={"title": title})
            assert r.status_code == 200, r.text
            pid = str(r.json()["id"])
            for email, role in members.items():
                r = api.post(f"/api/projects/{pid}/members", json={"email": email, "role": role})
                assert r.status_code in (200, 201), r.text
        return pid

    def script(self, pid: str, email: str) -> str:
        with contextlib.closing(self.client(email)) as api:
            r = api.get(f"/api/projects/{pid}/script", params={"format": "fountain"})
            assert r.status_code == 200, r.text
            return r.text


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    for module in ("fastapi", "uvicorn", "pycrdt", "websockets", "argon2", "sqlalchemy"):
        need(importlib.util.find_spec(module), f"the web server needs {module} (pip install it)")
    need(importlib.util.find_spec("writersroom.web.app"), "writersroom.web.app is missing")
    need(WRITERSROOM.exists(), f"{WRITERSROOM} is missing (pip install -e .)")
    home = tmp_path / "home"
    home.mkdir()
    srv = Server(home)
    for email, name in [
        ("ana@example.com", "Ana"),
        ("ben@example.com", "Ben"),
        ("vic@example.com", "Vic"),
    ]:
        srv.add_user(email, name)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Module scope, not session: Playwright's sync API keeps an event loop running on the main
    # thread while it is open, and every later test that calls asyncio.run() would fail.
    need(importlib.util.find_spec("playwright"), "Playwright for Python is not installed")
    found = shutil.which(CHROMIUM) or Path(CHROMIUM).exists()
    need(found, f"{CHROMIUM} is missing (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def open_room(server: Server, browser: Any) -> Iterator[Callable[..., Any]]:
    """open_room(email, pid) -> a Page showing the project, logged in as email, synced."""
    contexts: list[Any] = []
    errors: list[str] = []

    def open_(email: str, pid: str, *, login_form: bool = False) -> Any:
        context = browser.new_context(viewport={"width": 1500, "height": 950})
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{email}: {error}"))
        if login_form:
            page.goto(server.url + "/")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("ul.projects li a")
        else:
            r = context.request.post(
                server.url + "/api/auth/login",
                data={"email": email, "password": PASSWORD},
                headers={"Origin": server.url},
            )
            assert r.ok, r.text()
        page.goto(f"{server.url}/projects/{pid}")
        wait_synced(page)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, f"errors in the page: {errors}"


def wait_synced(page: Any, timeout: float = 15_000) -> None:
    page.wait_for_selector(".cm-content")
    synced = "() => window.writersroom && window.writersroom.provider.synced"
    page.wait_for_function(synced, timeout=timeout)


def editor_text(page: Any) -> str:
    return str(page.evaluate("window.writersroom.view.state.doc.toString()"))


def type_at_end(page: Any, text: str) -> None:
    """Type `text` at the end of the script, as the user would."""
    page.evaluate(
        "() => { const v = window.writersroom.view;"
        " v.dispatch({selection: {anchor: v.state.doc.length}}); v.focus(); }"
    )
    page.keyboard.type(text, delay=5)


def wait_text(page: Any, needle: str, timeout: float = 10_000) -> None:
    page.wait_for_function(
        "needle => window.writersroom.view.state.doc.toString().includes(needle)",
        arg=needle,
        timeout=timeout,
    )


# --- a pycrdt client over a real websocket -------------------------------------------------


class YClient:
    """writersroom.web.yclient.YClient (pycrdt over a real websocket) driven from sync code:
    each sync() connects as the user, makes one change, waits until the server has handled it
    (flush), and disconnects; the document stays, so the next sync() starts from it."""

    def __init__(self, server: Server, email: str, pid: str) -> None:
        from writersroom.web.yclient import YClient as Client

        server.client(email).close()  # logs in: the session cookie
        self.client = Client(
            f"ws://127.0.0.1:{server.port}/ws/projects/{pid}",
            cookie=f"wr_session={server.sessions[email]}",
            origin=server.url,
        )
        self.doc = self.client.doc
        # one event loop for the client's life, in a thread: Playwright's sync API owns this one
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    async def _session(self, change: Callable[[Any], None] | None) -> None:
        await self.client.connect()
        try:
            if change is not None:
                self.client.edit(change)
            await self.client.flush()
        finally:
            await self.client.close()

    def sync(self, change: Callable[[Any], None] | None = None) -> None:
        asyncio.run_coroutine_threadsafe(self._session(change), self.loop).result(30)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def text(self) -> str:
        from pycrdt import Text

        return str(self.doc.get("fountain", type=Text))

    def maps(self, name: str) -> dict[str, Any]:
        from pycrdt import Map

        return {k: _plain(v) for k, v in self.doc.get(name, type=Map).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value.to_py() if hasattr(value, "to_py") else value


@pytest.fixture
def yclient(server: Server) -> Iterator[Callable[[str, str], YClient]]:
    clients: list[YClient] = []

    def make(email: str, pid: str) -> YClient:
        clients.append(YClient(server, email, pid))
        return clients[-1]

    yield make
    for client in clients:
        client.stop()
