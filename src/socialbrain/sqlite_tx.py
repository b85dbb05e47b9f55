"""Nested all-or-nothing transactions over one SQLite connection, shared by the archive and the embedded index."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class NestedTransactions:
    """Mixin: ``with self.transaction():`` begins IMMEDIATE at the outermost level; inner calls join it.

    The class sets ``self.conn`` (autocommit connection, ``isolation_level=None``), ``self._lock`` (an RLock)
    and ``self._depth = 0``.
    """

    conn: sqlite3.Connection
    _lock: threading.RLock
    _depth: int

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._depth == 0:
                self.conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self._depth -= 1
                if self._depth == 0:
                    self.conn.execute("COMMIT")
