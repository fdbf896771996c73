"""RedisRelay: carries document updates and presence between server processes.

Every process subscribes to the pattern `writersroom:room:*` at start (so a room that opens later
never misses a message published while it loads). A message is the sender's 16-byte node id,
one kind byte (0 update, 1 awareness), then the payload; a process ignores its own messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis

PREFIX = "writersroom:room:"
log = logging.getLogger("writersroom.web")


class RedisRelay:
    def __init__(self, url: str) -> None:
        self.url = url
        self.node = uuid.uuid4().bytes
        # Publishing gives up quickly when Redis is away (the store has the update; peers resync
        # later); the subscriber waits on its socket without a read timeout.
        self._redis = aioredis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self._sub = aioredis.from_url(url, socket_connect_timeout=2)
        self._task: asyncio.Task[None] | None = None

    async def start(
        self,
        deliver: Callable[[str, int, bytes], None],
        resync: Callable[[], Awaitable[None]],
    ) -> None:
        """Subscribe, then keep listening; after a lost connection, subscribe again and call
        `resync` (messages published meanwhile were missed; the database has them)."""
        pubsub = await self._subscribe()
        self._task = asyncio.create_task(self._listen(pubsub, deliver, resync))

    async def _subscribe(self) -> aioredis.client.PubSub:
        pubsub = self._sub.pubsub()
        await pubsub.psubscribe(PREFIX + "*")
        # Wait for the subscription's confirmation, so nothing published after it is missed.
        while (await pubsub.get_message(timeout=5.0)) is None:
            pass
        return pubsub

    async def _listen(
        self,
        pubsub: aioredis.client.PubSub,
        deliver: Callable[[str, int, bytes], None],
        resync: Callable[[], Awaitable[None]],
    ) -> None:
        while True:
            try:
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    data: bytes = message["data"]
                    if data[:16] != self.node:
                        deliver(message["channel"].decode()[len(PREFIX) :], data[16], data[17:])
            except (aioredis.ConnectionError, aioredis.TimeoutError, OSError):
                log.warning("lost the Redis connection; reconnecting")
            with contextlib.suppress(Exception):
                await pubsub.aclose()
            while True:
                await asyncio.sleep(1.0)
                try:
                    pubsub = await self._subscribe()
                    break
                except (aioredis.ConnectionError, aioredis.TimeoutError, OSError):
                    continue
            await resync()

    async def publish(self, project_id: str, kind: int, data: bytes) -> None:
        await self._redis.publish(PREFIX + project_id, self.node + bytes([kind]) + data)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self._redis.aclose()
        await self._sub.aclose()
