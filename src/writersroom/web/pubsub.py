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
from collections.abc import Callable

import redis.asyncio as aioredis

PREFIX = "writersroom:room:"
log = logging.getLogger("writersroom.web")


class RedisRelay:
    def __init__(self, url: str) -> None:
        self.url = url
        self.node = uuid.uuid4().bytes
        self._redis = aioredis.from_url(url)
        self._task: asyncio.Task[None] | None = None

    async def start(self, deliver: Callable[[str, int, bytes], None]) -> None:
        pubsub = self._redis.pubsub()
        await pubsub.psubscribe(PREFIX + "*")
        # Wait for the subscription's confirmation, so nothing published after start() is missed.
        while (await pubsub.get_message(timeout=5.0)) is None:
            pass
        self._task = asyncio.create_task(self._listen(pubsub, deliver))

    async def _listen(
        self, pubsub: aioredis.client.PubSub, deliver: Callable[[str, int, bytes], None]
    ) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "pmessage":
                    continue
                data: bytes = message["data"]
                if data[:16] == self.node:
                    continue
                channel = message["channel"].decode()
                deliver(channel[len(PREFIX) :], data[16], data[17:])
        finally:
            await pubsub.aclose()

    async def publish(self, project_id: str, kind: int, data: bytes) -> None:
        await self._redis.publish(PREFIX + project_id, self.node + bytes([kind]) + data)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self._redis.aclose()
