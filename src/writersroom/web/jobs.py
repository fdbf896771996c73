"""Blocking work (model calls, PDF rendering) on worker threads, off the event loop.

    result = await app.state.jobs.run(backend_call, request)

A job that streams into the shared document calls `rooms.transact_from_thread(...)` from its
thread for each piece; the change runs on the event loop like any other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Jobs:
    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="writersroom-job")

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """Run fn(*args) on a worker thread and wait for it without blocking the loop."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def submit(self, fn: Callable[..., T], *args: object) -> asyncio.Future[T]:
        """Start fn(*args) on a worker thread; the caller may await the future or not."""
        return asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
