"""Locks on a project directory, so several commands (or web requests) can work on one project
at once without losing each other's work.

    with project_lock(root):             # every read-modify-write of state.json, history/, items:
        ...                              # held for milliseconds, waited for
    with claim(root, ["drafts/3"]):      # held while an item is being made (minutes): a second
        ...                              # command making the same item is told at once

Both are advisory locks on files inside the directory (`DIR/.lock`, `DIR/.busy/KEY.lock`):
`fcntl.flock` on Linux and macOS, `msvcrt.locking` on Windows. The operating system drops them
when their process dies (kill -9 included), so a crash leaves nothing stale behind. They hold
between processes and between threads of one process; both are re-entrant within one thread.
They rely on the file system honouring locks: local disks do; on a network share (NFS, SMB)
use one machine per project.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from writersroom.errors import ProjectError

WAIT_SECONDS = 60.0  # longest wait for the project lock (commits hold it for milliseconds)

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@dataclass
class _Held:
    """One lock file as this process holds it: the owning thread counts its nested uses."""

    fd: int
    owner: int
    depth: int = 1


_held: dict[str, _Held] = {}
_registry = threading.Condition()


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ProjectError(
            f"cannot lock {path} ({exc.strerror}): is the directory writable?"
        ) from exc


def _enter(path: Path, *, wait: float, busy: str) -> None:
    """Take the lock file `path` for this thread: wait up to `wait` seconds, then raise
    ProjectError(busy). Nested calls from the owning thread only count."""
    name = os.path.realpath(path)
    me = threading.get_ident()
    deadline = time.monotonic() + wait
    with _registry:
        while (held := _held.get(name)) is not None and held.owner != me:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProjectError(busy)
            _registry.wait(left)  # another thread of this process has it
        if held is not None:
            held.depth += 1
            return
        mine = _held[name] = _Held(fd=-1, owner=me, depth=0)  # reserved; other threads wait
    fd = -1
    try:
        fd = _open(path)
        pause = 0.002
        while not _try_lock(fd):  # another process has it
            if time.monotonic() >= deadline:
                raise ProjectError(busy)
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with _registry:
            del _held[name]
            _registry.notify_all()
        raise
    mine.fd, mine.depth = fd, 1


def _leave(path: Path) -> None:
    name = os.path.realpath(path)
    with _registry:
        held = _held[name]
        held.depth -= 1
        if held.depth == 0:
            del _held[name]
            _unlock(held.fd)
            os.close(held.fd)
            _registry.notify_all()


@contextmanager
def project_lock(root: Path, *, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the project's lock: no other command reads or writes its state meanwhile."""
    path = root / ".lock"
    _enter(
        path,
        wait=wait,
        busy=f"{root} is locked by another writersroom command (over {wait:.0f} s): "
        "wait for it, or stop it",
    )
    try:
        yield
    finally:
        _leave(path)


@contextmanager
def reading(root: Path) -> Iterator[None]:
    """The project lock, for reading several files as one snapshot; in a directory this user
    cannot write (a read-only copy of a project) no command can change anything, so there the
    files are read without it."""
    if os.access(root, os.W_OK) or not root.is_dir():
        with project_lock(root):
            yield
    else:
        yield


def claim_path(root: Path, key: str) -> Path:
    return root / ".busy" / (key.replace("/", "-") + ".lock")


@contextmanager
def claim(root: Path, keys: Sequence[str]) -> Iterator[None]:
    """Mark items as being made by this command. ProjectError, at once, when another command
    (or thread) is making one of them."""
    with ExitStack() as stack:
        for key in keys:
            path = claim_path(root, key)
            _enter(path, wait=0.0, busy=_busy_message(root, key, path))
            stack.callback(_leave, path)
            _write_pid(path)
        yield


def _write_pid(path: Path) -> None:
    # Only for the message another command shows; unreadable while locked on Windows.
    fd = _held[os.path.realpath(path)].fd
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode())
    except OSError:
        pass


def _busy_message(root: Path, key: str, path: Path) -> str:
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        pid = ""
    who = f" (process {pid})" if pid.isdigit() and int(pid) != os.getpid() else ""
    return (
        f"{key} is being made by another command{who}: wait for it to finish, "
        f"then run this again ('writersroom show {root}' shows the result)"
    )
