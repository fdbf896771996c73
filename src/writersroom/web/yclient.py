"""A small Yjs client over the y-websocket protocol (pycrdt + websockets), for tests, benchmarks
and scripts: any program can join a project's room the way the browser does.

    client = YClient(f"ws://127.0.0.1:8000/ws/projects/{pid}", cookie="wr_session=...",
                     origin="http://127.0.0.1:8000")
    await client.connect()
    client.edit(lambda doc: fountain(doc).insert(0, "INT. HOUSE - DAY\\n\\n"))
    await client.flush()     # returns once the server has committed every edit sent before it
    await client.close()

Local edits are sent as they happen while connected; edits made while disconnected reach the
server on the next `connect()` through the sync exchange (offline editing), which returns once
the server has sent its state and stored ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

import websockets
from pycrdt import Decoder, Doc, Encoder, TransactionEvent

from writersroom.web import protocol

T = TypeVar("T")


class YClient:
    def __init__(
        self, url: str, *, cookie: str = "", origin: str = "", doc: Doc[Any] | None = None
    ) -> None:
        self.url = url
        self.headers = {k: v for k, v in (("Cookie", cookie), ("Origin", origin)) if v}
        self.doc = doc or Doc()
        self.presence: dict[int, Any] = {}  # client id -> awareness state of everyone else
        self.received = asyncio.Event()  # set whenever a message arrives
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._out: asyncio.Queue[bytes] = asyncio.Queue()
        self._applying = False
        self._replies = 0  # sync step 2 messages received (each answers one step 1 we sent)
        self._clock = 0
        self._subscription = self.doc.observe(self._local)

    @property
    def connected(self) -> bool:
        return self._ws is not None

    async def connect(self, *, timeout: float = 10.0) -> None:
        self._ws = await websockets.connect(
            self.url, additional_headers=self.headers, max_size=None, open_timeout=timeout
        )
        self._out = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())
        self._writer = asyncio.create_task(self._write(self._ws, self._out))
        # The first answer brings the server's state; by then our reply to the server's step 1
        # (our offline edits) is queued, so the second answer means the server has stored it.
        await self.flush(timeout=timeout)
        await self.flush(timeout=timeout)

    async def close(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close()
        for task in (self._reader, self._writer):
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    def edit(self, change: Callable[[Doc[Any]], T]) -> T:
        """Change the local document in one transaction (sent at once when connected)."""
        with self.doc.transaction():
            return change(self.doc)

    async def flush(self, *, timeout: float = 10.0) -> None:
        """Wait until the server has committed everything this client sent so far: the server
        answers our sync step 1 only after handling (and storing) every earlier message."""
        want = self._replies + 1
        self._send(protocol.step1(self.doc.get_state()))
        async with asyncio.timeout(timeout):
            while self._replies < want:
                if self._ws is None:
                    raise ConnectionError("the server closed the connection")
                self.received.clear()
                if self._replies >= want:
                    break
                await self.received.wait()

    async def set_presence(self, state: dict[str, Any] | None) -> None:
        self._clock += 1
        encoder = Encoder()
        encoder.write_var_uint(1)
        encoder.write_var_uint(self.doc.client_id)
        encoder.write_var_uint(self._clock)
        encoder.write_var_string(json.dumps(state))
        self._send(protocol.awareness(encoder.to_bytes()))

    def send_raw(self, message: bytes) -> None:
        self._send(message)

    def _send(self, message: bytes) -> None:
        """Queue a message; one writer task sends them in order."""
        if self._ws is None:
            raise ConnectionError("not connected: call connect() first")
        self._out.put_nowait(message)

    @staticmethod
    async def _write(ws: Any, out: asyncio.Queue[bytes]) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                await ws.send(await out.get())

    def _local(self, event: TransactionEvent) -> None:
        if self._applying or self._ws is None:
            return
        update = event.update
        if update != protocol.EMPTY_UPDATE:
            self._send(protocol.update(update))

    def _apply(self, update: bytes) -> None:
        self._applying = True
        try:
            self.doc.apply_update(update)
        finally:
            self._applying = False

    async def _read(self) -> None:
        try:
            async for message in self._ws:
                self._handle(message)
                self.received.set()
        except websockets.ConnectionClosed:
            pass
        finally:
            self._ws = None
            self.received.set()

    def _handle(self, message: bytes) -> None:
        frame = protocol.parse(message)
        if frame.kind == "step1":
            self._send(protocol.step2(self.doc.get_update(frame.payload)))
        elif frame.kind in ("step2", "update"):
            self._apply(frame.payload)
            if frame.kind == "step2":
                self._replies += 1
        elif frame.kind == "awareness":
            decoder = Decoder(frame.payload)
            for _ in range(decoder.read_var_uint()):
                client, _clock, state = (
                    decoder.read_var_uint(),
                    decoder.read_var_uint(),
                    decoder.read_var_string(),
                )
                if state in ("", "null"):
                    self.presence.pop(client, None)
                else:
                    self.presence[client] = json.loads(state)
