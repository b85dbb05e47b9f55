"""One writer for the index: the lock every index change is made under, across threads and processes.

    writer_lock(data_dir)   applying archive changes (import, forget, hide, serve's background applier)
    embed_lock(data_dir)    one embedding pass at a time (a second one waits for nothing: it sees the pass running)

Each lock is a small SQLite file (``<data dir>/index/writer.lock``, ``embed.lock``) held with ``BEGIN EXCLUSIVE``
by the owner: SQLite's own file locks, so a killed owner (kill -9 included) releases it at once and nothing needs
expiring, and a thread lock in front of it so threads of one process queue instead of spinning. Readers never take
either lock: searches read the last committed state of the index and never write.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_registry: dict[str, FileLock] = {}
_registry_lock = threading.Lock()


class LockBusy(Exception):
    """Another thread or process holds the lock (only raised when asked not to wait)."""


class FileLock:
    """An exclusive, re-entrant (per thread), crash-safe lock backed by a SQLite file."""

    def __init__(self, path: Path):
        self.path = path
        self._thread_lock = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._conn: sqlite3.Connection | None = None

    def _try_file(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError:
            conn.close()
            return False
        self._conn = conn
        return True

    def acquire(self, timeout: float | None = None) -> bool:
        """Take the lock; ``timeout`` None waits as long as it takes, 0 does not wait. True when taken."""
        me = threading.get_ident()
        if self._owner == me:
            self._depth += 1
            return True
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=-1 if timeout is None else max(0.0, timeout)):
            return False
        try:
            delay = 0.005
            while not self._try_file():
                if deadline is not None and time.monotonic() >= deadline:
                    self._thread_lock.release()
                    return False
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        except BaseException:
            self._thread_lock.release()
            raise
        self._owner, self._depth = me, 1
        return True

    def release(self) -> None:
        if self._owner != threading.get_ident():
            raise RuntimeError("release of a lock this thread does not hold")
        self._depth -= 1
        if self._depth:
            return
        conn, self._conn, self._owner = self._conn, None, None
        try:
            if conn is not None:
                conn.close()  # closing ends the transaction: the file lock is gone
        finally:
            self._thread_lock.release()

    def held_elsewhere(self) -> bool:
        """True when another thread or process holds the lock right now (takes and drops it when free)."""
        if self._owner == threading.get_ident():
            return False
        if not self.acquire(timeout=0):
            return True
        self.release()
        return False

    @contextmanager
    def hold(self, *, wait: bool = True) -> Iterator[None]:
        """``with lock.hold():`` — raises LockBusy at once when ``wait=False`` and the lock is taken."""
        if not self.acquire(None if wait else 0):
            raise LockBusy(str(self.path))
        try:
            yield
        finally:
            self.release()


def _lock(path: Path) -> FileLock:
    key = os.path.abspath(path)
    with _registry_lock:
        lock = _registry.get(key)
        if lock is None:
            lock = _registry[key] = FileLock(Path(key))
        return lock


def writer_lock(data_dir: Path) -> FileLock:
    """The lock for applying archive changes to the index of this data directory."""
    return _lock(Path(data_dir) / "index" / "writer.lock")


def embed_lock(data_dir: Path) -> FileLock:
    """The lock an embedding pass holds from start to end (one pass at a time per data directory)."""
    return _lock(Path(data_dir) / "index" / "embed.lock")


__all__ = ["FileLock", "LockBusy", "embed_lock", "writer_lock"]
