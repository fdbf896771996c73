"""Durable storage of shared documents: every update is committed before anyone sees it.

A project's document is its snapshot plus the updates stored after it. `append` commits one
update (SQLite: WAL with synchronous=FULL, so it is on disk when commit returns; PostgreSQL:
a committed transaction). `compact` folds the updates into the snapshot inside one transaction
that holds the snapshot row's lock, so two processes never fold the same rows twice.

All database work runs on one thread per process (`call`), off the event loop and in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from pycrdt import Doc
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from writersroom.web.tables import DocSnapshot, DocUpdate, now

T = TypeVar("T")


@dataclass(frozen=True)
class StoreSize:
    updates: int  # stored update rows
    update_bytes: int
    snapshot_bytes: int


class DocStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="writersroom-store")

    async def call(self, fn: Callable[..., T], *args: object) -> T:
        """Run a store method on the store thread."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    def close(self) -> None:
        self._thread.shutdown(wait=True)

    def load(self, project_id: str) -> Doc[Any]:
        """The document as stored. Updates are read before the snapshot: a compaction that
        commits in between has put them in the snapshot, so nothing can be missed."""
        with self.sessions() as db:
            updates = db.scalars(
                select(DocUpdate.data)
                .where(DocUpdate.project_id == project_id)
                .order_by(DocUpdate.seq)
            ).all()
            db.commit()
            snapshot = db.scalar(
                select(DocSnapshot.data).where(DocSnapshot.project_id == project_id)
            )
        doc: Doc[Any] = Doc()
        for data in [snapshot or b"", *updates]:
            if data:
                doc.apply_update(data)
        return doc

    def append(self, project_id: str, update: bytes) -> int:
        """Commit one update; returns its sequence number."""
        with self.sessions() as db:
            row = DocUpdate(project_id=project_id, data=update)
            db.add(row)
            db.commit()
            return row.seq

    def compact(self, project_id: str) -> int:
        """Fold the stored updates into the snapshot; returns how many were folded."""
        with self.sessions() as db:
            snap = db.scalar(
                select(DocSnapshot).where(DocSnapshot.project_id == project_id).with_for_update()
            )
            if snap is None:
                return 0
            rows = db.execute(
                select(DocUpdate.seq, DocUpdate.data)
                .where(DocUpdate.project_id == project_id)
                .order_by(DocUpdate.seq)
            ).all()
            if not rows:
                return 0
            doc: Doc[Any] = Doc()
            for data in [snap.data, *(r.data for r in rows)]:
                if data:
                    doc.apply_update(data)
            snap.data = doc.get_update()
            snap.updated = now()
            last = rows[-1].seq
            db.execute(
                delete(DocUpdate).where(DocUpdate.project_id == project_id, DocUpdate.seq <= last)
            )
            db.commit()
            return len(rows)

    def size(self, project_id: str) -> StoreSize:
        with self.sessions() as db:
            count, total = db.execute(
                select(func.count(), func.coalesce(func.sum(func.length(DocUpdate.data)), 0)).where(
                    DocUpdate.project_id == project_id
                )
            ).one()
            snap = db.scalar(
                select(func.length(DocSnapshot.data)).where(DocSnapshot.project_id == project_id)
            )
        return StoreSize(int(count), int(total), int(snap or 0))
