"""Helpers of the web tests: users, a real `writersroom serve` process on a free port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from writersroom.web.accounts import add_user
from writersroom.web.db import open_engine, session_factory

PASSWORD = "correct horse battery"
ORIGIN = "http://testserver"


def make_user(db_url: str, email: str, *, admin: bool = False) -> None:
    engine = open_engine(db_url)
    with session_factory(engine)() as db:
        add_user(db, email, PASSWORD, admin=admin)
        db.commit()
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A `writersroom serve` process."""

    url: str
    db_url: str
    args: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def ws(self) -> str:
        return self.url.replace("http", "ws", 1) + "/ws/projects/"

    def start(self, timeout: float = 30.0) -> Server:
        self.process = subprocess.Popen(self.args, env=self.env, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                httpx.get(self.url + "/api/me", timeout=1.0)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process and self.process.stderr:
            self.process.stderr.close()

    @contextlib.contextmanager
    def session(self, email: str) -> Iterator[httpx.Client]:
        """An HTTP client logged in as email (the user must exist)."""
        with httpx.Client(base_url=self.url, headers={"Origin": self.url}) as client:
            response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
            assert response.status_code == 200, response.text
            yield client


def server_for(home: Path, db_url: str, redis_url: str | None = None) -> Server:
    port = free_port()
    args = [sys.executable, "-m", "writersroom", "serve", "--port", str(port), "--db", db_url]
    if redis_url:
        args += ["--redis", redis_url]
    env = {**os.environ, "WRITERSROOM_HOME": str(home)}
    return Server(f"http://127.0.0.1:{port}", db_url, args, env)
