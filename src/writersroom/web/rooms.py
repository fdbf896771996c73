"""Live shared documents: one Room per open project, its connections, and the one seam that
changes a document (`Rooms.transact`), used by the websocket, the HTTP routes and the AI jobs.

Order of every change, from a client or from the server:
    apply to the in-memory Y.Doc  ->  commit to the store  ->  relay to local connections
    ->  publish to the other processes (Redis)
Remote changes (from Redis) were committed by the process that received them; they are applied
and relayed, never stored twice. All document access happens on the event loop thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pycrdt import Awareness, Doc

from writersroom.web import protocol
from writersroom.web.store import DocStore

T = TypeVar("T")
log = logging.getLogger("writersroom.web")

UPDATE, AWARENESS = 0, 1  # kinds of relayed messages between processes
THREAD_WAIT = 120.0  # seconds a worker thread waits for the event loop to run its change


class Peer(Protocol):
    """A connected client, as a room sees it."""

    def push(self, message: bytes) -> None: ...

    def kick(self, code: int, reason: str) -> None: ...


class Relay(Protocol):
    """Carries changes between server processes (RedisRelay); absent for one process."""

    async def publish(self, project_id: str, kind: int, data: bytes) -> None: ...


@dataclass(eq=False)
class Room:
    project_id: str
    doc: Doc[Any] = field(default_factory=Doc)
    peers: dict[Peer, set[int]] = field(default_factory=dict)  # peer -> its awareness client ids
    holds: int = 0  # peers plus server changes in progress; the room is dropped at zero
    pending: int = 0  # updates stored since the last compaction
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    early: list[tuple[int, bytes]] = field(default_factory=list)  # remote messages during load

    def __post_init__(self) -> None:
        self.awareness = Awareness(self.doc)
        self.awareness.set_local_state(None)  # the server itself is nobody's collaborator

    def broadcast(self, message: bytes, exclude: Peer | None = None) -> None:
        for peer in list(self.peers):
            if peer is not exclude:
                peer.push(message)

    def awareness_message(self) -> bytes | None:
        ids = list(self.awareness.states)
        return protocol.awareness(self.awareness.encode_awareness_update(ids)) if ids else None


class Rooms:
    """The open rooms of this process."""

    def __init__(self, store: DocStore, compact_every: int = 200) -> None:
        self.store = store
        self.compact_every = compact_every
        self.relay: Relay | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stopping = False
        self._rooms: dict[str, Room] = {}
        self._tasks: set[asyncio.Task[object]] = set()

    def start(self, relay: Relay | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        self.relay = relay

    async def open(self, project_id: str, peer: Peer | None = None) -> Room:
        """The project's room, loaded from the store when not in memory; holds it open."""
        room = self._rooms.get(project_id)
        if room is None:
            room = self._rooms[project_id] = Room(project_id)
            try:
                stored = await self.store.call(self.store.load, project_id)
            except BaseException:
                del self._rooms[project_id]
                room.ready.set()
                raise
            room.doc.apply_update(stored.get_update())
            for kind, data in room.early:
                self._apply_remote(room, kind, data)
            room.early.clear()
            room.ready.set()
        else:
            await room.ready.wait()
            if self._rooms.get(project_id) is not room:
                return await self.open(project_id, peer)
        room.holds += 1
        if peer is not None:
            room.peers[peer] = set()
        return room

    async def close(self, room: Room, peer: Peer | None = None) -> None:
        """Release a hold; the last one compacts and drops the room."""
        if peer is not None and peer in room.peers:
            gone = list(room.peers.pop(peer))
            if gone:
                room.awareness.remove_awareness_states(gone, "gone")
                data = room.awareness.encode_awareness_update(gone)
                room.broadcast(protocol.awareness(data))
                await self._publish(room.project_id, AWARENESS, data)
        room.holds -= 1
        if room.holds == 0:
            if self._rooms.get(room.project_id) is room:
                del self._rooms[room.project_id]
            if room.pending:
                await self.store.call(self.store.compact, room.project_id)

    async def apply(self, room: Room, update: bytes, origin: Peer | None = None) -> None:
        """Apply, store, relay: the path of every change to a document."""
        if update == protocol.EMPTY_UPDATE:
            return
        room.doc.apply_update(update)  # raises on a malformed update, before anything is stored
        await self._commit(room, update, origin)

    async def _commit(self, room: Room, update: bytes, origin: Peer | None = None) -> None:
        """Store an update already applied to room.doc, then relay it."""
        try:
            await self.store.call(self.store.append, room.project_id, update)
        except Exception:
            self._break(room)
            raise
        room.broadcast(protocol.update(update), exclude=origin)
        await self._publish(room.project_id, UPDATE, update)
        room.pending += 1
        if room.pending >= self.compact_every:
            room.pending = 0
            self._spawn(self.store.call(self.store.compact, room.project_id))

    async def presence(self, room: Room, data: bytes, origin: Peer) -> None:
        """Apply a client's awareness update and relay it (not stored)."""
        ids = protocol.awareness_clients(data)
        taken = {i for peer, mine in room.peers.items() if peer is not origin for i in mine}
        if taken.intersection(ids):
            log.info("dropped a presence update speaking for another connection's client")
            return
        if origin in room.peers:
            room.peers[origin].update(ids)
        room.awareness.apply_awareness_update(data, origin)
        room.broadcast(protocol.awareness(data), exclude=origin)
        await self._publish(room.project_id, AWARENESS, data)

    async def _publish(self, project_id: str, kind: int, data: bytes) -> None:
        """Tell the other processes; when Redis is away, they catch up from the store later."""
        if self.relay is None:
            return
        try:
            await self.relay.publish(project_id, kind, data)
        except Exception as exc:  # redis errors, timeouts: never fail a client's stored edit
            log.warning("could not relay to the other processes: %s", exc)

    async def transact(self, project_id: str, change: Callable[[Doc[Any]], T]) -> T:
        """THE SEAM for server-side edits (comments, import, restore, AI suggestions):
        run `change(doc)` in one Yjs transaction on the project's live document; the resulting
        update is stored and broadcast to every client exactly like a client's update."""
        room = await self.open(project_id)
        try:
            before = room.doc.get_state()
            with room.doc.transaction(origin="server"):
                result = change(room.doc)
            update = room.doc.get_update(before)
            if update != protocol.EMPTY_UPDATE:
                await self._commit(room, update)
            return result
        finally:
            await self.close(room)

    def transact_from_thread(self, project_id: str, change: Callable[[Doc[Any]], T]) -> T:
        """`transact` for code running in a worker thread (blocking model jobs, sync routes).
        Raises RuntimeError once the server is shutting down (so no job thread waits forever)."""
        return self._from_thread(self.transact(project_id, change))

    def _from_thread(self, coro: Coroutine[Any, Any, T]) -> T:
        if self.loop is None or self.stopping:
            coro.close()
            raise RuntimeError("the server is shutting down")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout=THREAD_WAIT)
        except TimeoutError:
            future.cancel()
            raise RuntimeError("the server did not answer in time (shutting down?)") from None

    async def read(self, project_id: str, read: Callable[[Doc[Any]], T]) -> T:
        """Read the live document (the stored one when nobody has it open)."""
        room = await self.open(project_id)
        try:
            return read(room.doc)
        finally:
            await self.close(room)

    def read_from_thread(self, project_id: str, read: Callable[[Doc[Any]], T]) -> T:
        return self._from_thread(self.read(project_id, read))

    def remote(self, project_id: str, kind: int, data: bytes) -> None:
        """A change relayed from another process (already stored there)."""
        room = self._rooms.get(project_id)
        if room is None:
            return  # nobody here has it open; it is in the store
        if not room.ready.is_set():
            room.early.append((kind, data))
            return
        self._apply_remote(room, kind, data)

    def _break(self, room: Room) -> None:
        """The store refused an update the room's document already holds: forget the room (the
        next connection loads it from the store) and close its sockets. Every client still has
        its edits and sends them again in the sync exchange when it reconnects."""
        log.error("could not store an update of %s; closing its connections", room.project_id)
        if self._rooms.get(room.project_id) is room:
            del self._rooms[room.project_id]
        room.pending = 0
        for peer in list(room.peers):
            peer.kick(1011, "could not store the last edit: reconnect")

    async def resync(self) -> None:
        """Bring every open room up to the store (after the relay missed messages)."""
        for room in list(self._rooms.values()):
            if not room.ready.is_set():
                continue
            stored = await self.store.call(self.store.load, room.project_id)
            missing = stored.get_update(room.doc.get_state())
            if missing != protocol.EMPTY_UPDATE:
                room.doc.apply_update(missing)
                room.broadcast(protocol.update(missing))

    def _apply_remote(self, room: Room, kind: int, data: bytes) -> None:
        try:
            if kind == UPDATE:
                room.doc.apply_update(data)
                room.broadcast(protocol.update(data))
            else:
                room.awareness.apply_awareness_update(data, "remote")
                room.broadcast(protocol.awareness(data))
        except Exception:  # a bad message from another process must not stop this one
            log.exception("could not apply a relayed message for %s", room.project_id)

    def _spawn(self, coro: Coroutine[Any, Any, object]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """At shutdown: refuse new changes from threads, wait for background compactions."""
        self.stopping = True
        with contextlib.suppress(Exception):
            await asyncio.gather(*self._tasks)
