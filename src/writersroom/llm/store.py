"""SQLite files in the writersroom home (the call log, the response cache): short connections in
WAL mode, so threads and processes can share one file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from writersroom.errors import ConfigError, one_line


def connect(path: Path) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError as exc:  # not a database, or a folder that cannot hold one
        raise _unusable(path, exc) from exc
    return db


def create(path: Path, schema: str) -> Path:
    """Make sure the file and its schema exist; returns the path."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(connect(path)) as db, db:
            db.execute(schema)
    except (OSError, sqlite3.DatabaseError) as exc:
        raise _unusable(path, exc) from exc
    return path


def _unusable(path: Path, exc: BaseException) -> ConfigError:
    return ConfigError(
        f"{path}: cannot use it as a SQLite database ({one_line(exc)}); move it aside "
        "(a new one is made) or check the folder is writable"
    )
