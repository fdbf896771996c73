"""Servers for the OpenAI-compatible backend tests: llama-cpp-python's real server on the bundled
model, and a scripted HTTP server for the fault paths."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def llama_cpp_server(model: Path, log: Path) -> Iterator[str]:
    """Start `python -m llama_cpp.server` on a free port; yield its /v1 base URL."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--n_threads",
        "1",
        "--verbose",
        "False",
        "--interrupt_requests",
        "False",  # else a new request cuts off a running stream
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(base + "/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama_cpp.server did not start in 90 s")
            time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


Action = Callable[[BaseHTTPRequestHandler], None]


def sse(*texts: str, finish: str = "stop", usage: bool = True) -> Action:
    """A well-formed chat stream of `texts`."""

    def act(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.end_headers()
        for text in texts:
            chunk = {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
            h.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        last = {"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}
        h.wfile.write(f"data: {json.dumps(last)}\n\n".encode())
        if usage:
            counts = {"prompt_tokens": 7, "completion_tokens": len(texts)}
            h.wfile.write(f"data: {json.dumps({'choices': [], 'usage': counts})}\n\n".encode())
        h.wfile.write(b"data: [DONE]\n\n")

    return act


def dropped(*texts: str) -> Action:
    """A stream that sends `texts` and then closes the connection mid-way."""

    def act(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Content-Length", "100000")  # promises more than it sends
        h.end_headers()
        for text in texts:
            chunk = {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
            h.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        h.wfile.flush()
        h.close_connection = True

    return act


def status(
    code: int, body: str | dict[str, object], headers: dict[str, str] | None = None
) -> Action:
    def act(h: BaseHTTPRequestHandler) -> None:
        data = body if isinstance(body, str) else json.dumps(body)
        h.send_response(code)
        h.send_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(data.encode())))
        h.end_headers()
        h.wfile.write(data.encode())

    return act


def stall(seconds: float) -> Action:
    def act(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        sse("late")(h)

    return act


class ScriptedServer:
    """Answers each POST with the next scripted action; records request bodies."""

    def __init__(self, *actions: Action) -> None:
        self.actions = list(actions)
        self.bodies: list[dict[str, object]] = []
        self.headers: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                outer.bodies.append(json.loads(self.rfile.read(length)))
                outer.headers.append(dict(self.headers))
                action = outer.actions.pop(0) if outer.actions else status(500, "no script")
                action(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
