"""The websocket /ws/projects/{id}: the y-websocket sync and awareness protocol.

Before the socket is accepted: the Origin must be this server's, the session cookie valid and the
user a member (else the handshake is refused with HTTP 403 or 401; no socket opens). After:
    server -> client   sync step 1 (the server's state vector), everyone's presence
    client -> server   step 1 -> answered with step 2; step 2 / update -> applied, committed,
                       relayed (editor and owner only; a viewer's or commenter's are dropped);
                       awareness -> relayed; query awareness -> answered
Each client's messages are handled one at a time, in order: an update is committed to the store
before it is relayed and before the next message of that client is read. A write more than
`recheck_seconds` after the last check re-reads the session and the role first, and a watcher
re-reads them every `recheck_seconds` for sockets that only read (a logout or a role change
reaches every open socket); a revoked socket is closed with 4401 or 4403.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from writersroom.web import protocol
from writersroom.web.accounts import at_least, role_of, session_user
from writersroom.web.deps import COOKIE
from writersroom.web.rooms import Room, Rooms
from writersroom.web.security import origin_allowed
from writersroom.web.settings import WebSettings

router = APIRouter(tags=["collab"])
log = logging.getLogger("writersroom.web")
QUEUE = 2048  # messages waiting for a slow client before it is disconnected


class Client:
    """One websocket: its role and a queue drained by its own sender task."""

    def __init__(self, ws: WebSocket, email: str, role: str) -> None:
        self.ws = ws
        self.email = email
        self.role = role
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(QUEUE)
        self.closing: tuple[int, str] | None = None

    def push(self, message: bytes) -> None:
        if self.closing:
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            log.warning("disconnecting %s: it reads too slowly", self.email)
            self.kick(1013, "too slow: reconnect")

    def kick(self, code: int, reason: str) -> None:
        """Close the socket after the message being sent (the client reconnects and resyncs)."""
        self.closing = (code, reason)
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(b"")  # wakes the pump when it waits on an empty queue

    async def pump(self) -> None:
        while self.closing is None:
            message = await self.queue.get()
            if self.closing is None:
                await self.ws.send_bytes(message)
        await self.ws.close(*self.closing)


def _who(ws: WebSocket, project_id: str) -> tuple[str, str | None] | None:
    with ws.app.state.sessions() as db:
        user = session_user(db, ws.cookies.get(COOKIE))
        if user is None:
            return None
        return user.email, role_of(db, project_id, user)


async def _refuse(ws: WebSocket, status: int) -> None:
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        await ws.send_denial_response(Response(status_code=status))
    else:
        await ws.close(4000 + status)


@router.websocket("/ws/projects/{project_id}")
async def collab(ws: WebSocket, project_id: str) -> None:
    web: WebSettings = ws.app.state.web
    if not origin_allowed(ws.scope, web.origins):
        await _refuse(ws, 403)
        return
    who = await run_in_threadpool(_who, ws, project_id)
    if who is None or who[1] is None:
        await _refuse(ws, 401 if who is None else 403)
        return
    await ws.accept()
    client = Client(ws, who[0], who[1])
    rooms: Rooms = ws.app.state.rooms
    room = await rooms.open(project_id, client)
    sender = asyncio.create_task(client.pump())
    watcher = asyncio.create_task(_watch(ws, client, project_id, web.recheck_seconds))
    try:
        client.push(protocol.step1(room.doc.get_state()))
        if (presence := room.awareness_message()) is not None:
            client.push(presence)
        await _serve(ws, client, room, rooms, web)
    except _Revoked as exc:
        await ws.close(exc.code, "session ended or membership removed")
    except (WebSocketDisconnect, protocol.ProtocolError) as exc:  # before Exception: both are
        if isinstance(exc, protocol.ProtocolError):
            log.info("closing %s: %s", client.email, exc)
            with contextlib.suppress(Exception):
                await ws.close(1002, str(exc)[:100])
    except Exception:  # the store failed (Rooms._break closed the room): tell the client
        log.exception("websocket of %s in %s failed", client.email, project_id)
        with contextlib.suppress(Exception):
            await ws.close(1011, "server error: reconnect")
    finally:
        for task in (watcher, sender):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await rooms.close(room, client)


class _Revoked(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


async def _recheck(ws: WebSocket, client: Client, project_id: str) -> None:
    """Follow a logout or a role change made while the socket is open."""
    who = await run_in_threadpool(_who, ws, project_id)
    if who is None or who[1] is None:
        raise _Revoked(4401 if who is None else 4403)
    client.role = who[1]


async def _watch(ws: WebSocket, client: Client, project_id: str, every: float) -> None:
    """Close a socket that only reads once its session ends or its membership goes: writes are
    re-checked in `_serve`, this covers a client that never writes."""
    while client.closing is None:
        await asyncio.sleep(max(every, 0.1))
        who = await run_in_threadpool(_who, ws, project_id)
        if who is None or who[1] is None:
            client.kick(4401 if who is None else 4403, "session ended or membership removed")
            return
        client.role = who[1]


async def _serve(ws: WebSocket, client: Client, room: Room, rooms: Rooms, web: WebSettings) -> None:
    checked = time.monotonic()
    while True:
        message = await ws.receive_bytes()
        if len(message) > web.message_limit:
            await ws.close(1009, "message too big")
            return
        frame = protocol.parse(message)
        if frame.kind == "step1":
            client.push(protocol.step2(room.doc.get_update(frame.payload)))
        elif frame.kind in ("step2", "update"):
            if (
                time.monotonic() - checked > web.recheck_seconds
                and frame.payload != protocol.EMPTY_UPDATE
            ):
                await _recheck(ws, client, room.project_id)
                checked = time.monotonic()
            if not at_least(client.role, "editor"):
                if frame.payload != protocol.EMPTY_UPDATE:
                    log.info("refused an update from %s (%s)", client.email, client.role)
                continue
            try:
                await rooms.apply(room, frame.payload, origin=client)
            except (ValueError, RuntimeError) as exc:
                raise protocol.ProtocolError(f"bad update: {exc}") from exc
        elif frame.kind == "awareness":
            await rooms.presence(room, frame.payload, client)
        elif frame.kind == "query" and (presence := room.awareness_message()) is not None:
            client.push(presence)
