"""Fixtures of the web tests: an app on real SQLite (TestClient), a real `writersroom serve`
process on a free 127.0.0.1 port, users and their logged-in clients (helpers in websupport.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip(
    "fastapi", reason="the web extra is not installed: pip install 'writersroom[web]'"
)

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from websupport import ORIGIN, PASSWORD, Server, free_port, make_user, server_for

from writersroom.config import load_settings
from writersroom.web.app import create_app
from writersroom.web.settings import WebSettings, web_settings


@pytest.fixture
def web(writersroom_home: Path) -> WebSettings:
    return web_settings(load_settings(), login_attempts=5)


@pytest.fixture
def app_client(web: WebSettings) -> Iterator[TestClient]:
    with TestClient(create_app(web), headers={"Origin": ORIGIN}) as client:
        yield client


@pytest.fixture
def login(app_client: TestClient, web: WebSettings):
    """login(email) -> a TestClient logged in as a (new) user sharing the app."""
    made: set[str] = set()
    clients: list[TestClient] = []

    def _login(email: str) -> TestClient:
        if email not in made:
            make_user(web.db_url, email)
            made.add(email)
        client = TestClient(app_client.app, headers={"Origin": ORIGIN})
        clients.append(client)
        response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return client

    yield _login
    for client in clients:
        client.close()


@pytest.fixture
def server(web: WebSettings) -> Iterator[Server]:
    live = server_for(web.settings.home, web.db_url).start()
    yield live
    live.stop()


@pytest.fixture
def serve_app():
    """serve_app(web) -> (url, app): the app served by uvicorn in a thread (app.state in reach)."""
    servers = []

    def _serve(web: WebSettings) -> tuple[str, FastAPI]:
        app = create_app(web)
        port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        while not server.started:
            time.sleep(0.05)
        return f"http://127.0.0.1:{port}", app

    yield _serve
    for server, thread in servers:
        server.should_exit = True
        thread.join(10)
