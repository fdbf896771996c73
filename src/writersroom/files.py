"""Safe file writing: every output is written atomically and user files keep a backup."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8"
) -> Path:
    """Write `data` to `path` through a temporary file and a rename, so a crash never
    leaves a half-written file. Returns the path.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = write_atomic(p, "hello")
    >>> p.read_text()
    'hello'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_dir(target.parent)
    return target


def _sync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX: the directory entry is data of its own). Not
    possible on Windows, where opening a directory fails; there the rename is left as it is."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def backup(path: str | os.PathLike[str]) -> Path | None:
    """Keep the current contents of `path` as `path.~N~` (the next free N) before it is
    overwritten. Returns the backup's path, or None when there was nothing to keep."""
    source = Path(path)
    if not source.exists():
        return None
    n = 1
    while (candidate := source.with_name(f"{source.name}.~{n}~")).exists():
        n += 1
    shutil.copy2(source, candidate)
    return candidate
