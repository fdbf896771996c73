"""SQLite files in the writersroom home (the call log, the response cache): short connections in
WAL mode, so threads and processes can share one file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    return db


def create(path: Path, schema: str) -> Path:
    """Make sure the file and its schema exist; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(connect(path)) as db, db:
        db.execute(schema)
    return path
