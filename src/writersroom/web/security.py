"""Passwords (argon2id), session tokens, login rate limiting, the Origin check, security headers."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps instead of a cookie or invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


class LoginLimiter:
    """At most `attempts` failed logins per key (email, client address) in `window` seconds.

    Per process; behind several processes each keeps its own count (documented in docs/web.md).
    """

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            blocked = any(len(self._recent(k, now)) >= self.attempts for k in keys)
            for key in keys:
                if not self._failures[key]:
                    del self._failures[key]  # keep only keys with recent failures
            return blocked

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)


def own_origin(scope: Scope) -> str:
    """The origin the browser used to reach us: scheme and the Host header."""
    headers = dict(scope["headers"])
    host = headers.get(b"host", b"").decode("latin-1")
    scheme = {"ws": "http", "wss": "https"}.get(scope["scheme"], scope["scheme"])
    return f"{scheme}://{host}"


def origin_allowed(scope: Scope, allowed: tuple[str, ...]) -> bool:
    headers: Mapping[bytes, bytes] = dict(scope["headers"])
    origin = headers.get(b"origin", b"").decode("latin-1")
    return bool(origin) and (origin == own_origin(scope) or origin in allowed)


class _TooLarge(Exception):
    pass


class SecurityMiddleware:
    """Security headers on every response; 403 for a state-changing request from another origin;
    413 for a request body over `body_limit` bytes (declared or streamed)."""

    def __init__(
        self, app: ASGIApp, allowed_origins: tuple[str, ...] = (), body_limit: int = 2**25
    ) -> None:
        self.app = app
        self.allowed = allowed_origins
        self.limit = body_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS and not origin_allowed(scope, self.allowed):
            await _refuse(
                send, 403, "cross-origin request refused: send an Origin header naming this server"
            )
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.limit:
            await _refuse(send, 413, "the request body is too large")
            return
        started = False
        headed = _with_headers(send)

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = True
            await headed(message)

        try:
            await self.app(scope, self._counting(receive), tracking_send)
        except _TooLarge:
            if not started:
                await _refuse(send, 413, "the request body is too large")

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        return counted


def _with_headers(send: Send) -> Callable[[Message], Awaitable[None]]:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            extra = [
                (k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in present
            ]
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return wrapped


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        *[(k.encode(), v.encode()) for k, v in HEADERS.items()],
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
