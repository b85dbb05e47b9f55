"""The embedded index store: one SQLite file (``<data dir>/index/index.db``), no server.

    units       one row per unit: metadata for filters, the text, and its vector (float16 blob, NULL until embedded)
    unit_posts  post id → units (deleting a post drops its units; knowledge-base allow-lists)
    units_fts   FTS5 over the unit's jieba tokens, space-joined; ranked with bm25()
    meta        model, dim, applied_seq, generation

Keyword search is SQL (filters in the WHERE clause). Vector search is exact cosine over a numpy matrix loaded from
the blobs, cached in-process and reloaded when ``generation`` changes (any write, from any process); filters are a
boolean mask over the same rows.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ...errors import ArchiveError, IndexMismatchError
from ...sqlite_tx import NestedTransactions
from ..embedders.base import Vectors
from .base import IndexFilter, ModelMeta, Page, ScoredUnit, Unit

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    unit_id TEXT NOT NULL UNIQUE,
    post_ids TEXT NOT NULL,
    text TEXT NOT NULL,
    created_ts REAL NOT NULL,
    platform TEXT NOT NULL,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    likes INTEGER NOT NULL DEFAULT 0,
    vector BLOB
);
CREATE INDEX IF NOT EXISTS units_pending ON units(id) WHERE vector IS NULL;
CREATE TABLE IF NOT EXISTS unit_posts (
    post_id INTEGER NOT NULL,
    unit INTEGER NOT NULL,
    PRIMARY KEY (post_id, unit)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS unit_posts_unit ON unit_posts(unit);
CREATE VIRTUAL TABLE IF NOT EXISTS units_fts USING fts5(tokens);
"""

#: above this many vectors the in-memory matrix is int8 with a per-row scale (1M x 384: 0.4 GB instead of 1.5 GB).
#: Below it, float32 (transposed) for BLAS: at 100k x 384 its mat-vec costs ~12 ms CPU, the int8 scan ~17 ms.
#: float16 is not used: numpy has no float16 BLAS, and its float16 -> float32 cast alone costs more than the int8
#: scan (bench/scale.py --kernels measures all three).
QUANTIZE_ABOVE = 200_000
_CHUNK_ROWS = 65_536
#: int8 matrices of at least this many rows are scored on two threads (numpy's einsum releases the GIL)
PARALLEL_ROWS = 2 * _CHUNK_ROWS
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _score_pool() -> ThreadPoolExecutor | None:
    """Two scoring threads when the machine has two cores or more (an int8 scan is compute-bound)."""
    global _pool
    if (os.cpu_count() or 1) < 2:
        return None
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="socialbrain-score")
    return _pool


def int8_scores(q8: npt.NDArray[np.int8], scale: Vectors, v: Vectors) -> Vectors:
    """``(q8 @ v) * scale`` without a float copy of the matrix: einsum reads int8 and accumulates in float32
    (~2x faster than converting 32k-row chunks to float32 for BLAS, no scratch matrix). Large matrices are split
    across two threads; the result is the same either way (each row is one dot product)."""
    n = len(q8)
    out = np.empty(n, dtype=np.float32)

    def part(a: int, b: int) -> None:
        for i in range(a, b, _CHUNK_ROWS):
            j = min(i + _CHUNK_ROWS, b)
            np.einsum("ij,j->i", q8[i:j], v, out=out[i:j], dtype=np.float32)

    pool = _score_pool() if n >= PARALLEL_ROWS else None
    if pool is None:
        part(0, n)
    else:
        half = (n // 2 + _CHUNK_ROWS - 1) // _CHUNK_ROWS * _CHUNK_ROWS
        later = pool.submit(part, half, n)
        part(0, half)
        later.result()
    np.multiply(out, scale, out=out)
    return out
#: a matrix of at least this many rows is reloaded at most every RELOAD_SECONDS while vectors keep arriving
RELOAD_THROTTLE_ROWS = 50_000
RELOAD_SECONDS = 10.0

_UNIT_COLUMNS = "id, unit_id, post_ids, text, created_ts, platform, account, kind, likes"


def _ids_json(ids: list[int]) -> str:
    """``json.dumps(ids)``; a one-post unit (nearly all of them) without the encoder's call overhead."""
    return f"[{ids[0]}]" if len(ids) == 1 and type(ids[0]) is int else json.dumps(ids)


def fts_query(tokens: list[str]) -> str:
    """An FTS5 OR-query of quoted tokens (each token a phrase, so punctuation inside it cannot break the syntax)."""
    seen: dict[str, None] = {}
    for t in tokens:
        t = t.strip()
        if t:
            seen.setdefault(t, None)
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in seen)


_blas: Any = None


def _one_blas_thread() -> Any:
    """A matrix-vector product is memory-bound: one BLAS thread is faster than several fighting for 2 cores
    (measured: 7 ms vs 12-18 ms p50 at 100k x 384). No-op without threadpoolctl."""
    global _blas
    if _blas is None:
        try:
            from threadpoolctl import ThreadpoolController

            _blas = ThreadpoolController()
        except ImportError:  # pragma: no cover
            _blas = False
    if _blas is False:
        return nullcontext()
    return _blas.limit(limits=1, user_api="blas")


def _filter_sql(flt: IndexFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if flt.since_ts is not None:
        clauses.append("u.created_ts >= ?")
        params.append(flt.since_ts)
    if flt.until_ts is not None:
        clauses.append("u.created_ts < ?")
        params.append(flt.until_ts)
    for col, values in (("platform", flt.platforms), ("account", flt.accounts), ("kind", flt.kinds)):
        if values:
            clauses.append(f"u.{col} IN ({','.join('?' * len(values))})")
            params.extend(values)
    if flt.min_likes is not None:
        clauses.append("u.likes >= ?")
        params.append(flt.min_likes)
    if flt.post_ids is not None:
        clauses.append(
            "u.id IN (SELECT unit FROM unit_posts WHERE post_id IN (SELECT value FROM json_each(?)))"
        )
        params.append(json.dumps([int(i) for i in flt.post_ids]))
    return (" AND ".join(clauses) or "1"), params


@dataclass
class _VectorCache:
    generation: int
    rows: npt.NDArray[np.int64]  # units.id per matrix row
    unit_ids: list[str]
    matrix_t: Vectors | None  # (dim, n) float32: v @ matrix_t reads memory in order, ~2x faster than matrix @ v
    q8: npt.NDArray[np.int8] | None  # (n, dim) int8, per-row scale: large indexes (QUANTIZE_ABOVE) keep a quarter of the RAM
    scale: Vectors | None  # (n,) float32: row i ≈ q8[i] * scale[i]
    dim: int
    loaded_at: float
    created_ts: npt.NDArray[np.float64]
    likes: npt.NDArray[np.int64]
    codes: dict[str, tuple[npt.NDArray[np.int32], dict[str, int]]]  # column → (per-row code, value → code)
    pair_rows: npt.NDArray[np.intp]  # matrix row index per (unit, post) pair
    pair_posts: npt.NDArray[np.int64]  # post id per pair

    def scores(self, v: Vectors, candidates: npt.NDArray[np.intp] | None) -> Vectors:
        """Cosine of ``v`` with every row (or the ``candidates`` rows)."""
        if self.matrix_t is not None:
            if candidates is None:
                return v @ self.matrix_t
            if len(candidates) < self.matrix_t.shape[1] // 8:
                return v @ self.matrix_t[:, candidates]
            return (v @ self.matrix_t)[candidates]
        assert self.q8 is not None and self.scale is not None
        if candidates is None:
            return int8_scores(self.q8, self.scale, v)
        if len(candidates) < len(self.q8) // 8:
            return int8_scores(self.q8[candidates], self.scale[candidates], v)
        return int8_scores(self.q8, self.scale, v)[candidates]

    def mask(self, flt: IndexFilter) -> np.ndarray | None:
        m: np.ndarray | None = None

        def both(x: np.ndarray) -> None:
            nonlocal m
            m = x if m is None else (m & x)

        if flt.since_ts is not None:
            both(self.created_ts >= flt.since_ts)
        if flt.until_ts is not None:
            both(self.created_ts < flt.until_ts)
        for col, values in (("platform", flt.platforms), ("account", flt.accounts), ("kind", flt.kinds)):
            if values:
                codes, table = self.codes[col]
                wanted = [table[v] for v in values if v in table]
                both(np.isin(codes, wanted) if wanted else np.zeros(len(codes), bool))
        if flt.min_likes is not None:
            both(self.likes >= flt.min_likes)
        if flt.post_ids is not None:
            allowed = np.zeros(len(self.rows), bool)
            hit = np.isin(self.pair_posts, np.asarray(list(flt.post_ids), dtype=np.int64))
            allowed[self.pair_rows[hit]] = True
            both(allowed)
        return m


class EmbeddedIndex(ModelMeta, NestedTransactions):
    """SQLite + FTS5 + numpy. Safe to share across threads (one connection behind a lock)."""

    backend = "embedded"
    quantize_above = QUANTIZE_ABOVE

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "index.db"
        self._lock = threading.RLock()
        try:
            self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA cache_size=-65536")
            self.conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as e:
            raise ArchiveError(
                f"{self.path}: cannot open the index ({e}); delete the folder and run `socialbrain index rebuild`"
            ) from e
        self._depth = 0
        self._cache: _VectorCache | None = None

    # -- plumbing -------------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        with self._lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str | None) -> None:
        with self.transaction() as c:
            if value is None:
                c.execute("DELETE FROM meta WHERE key=?", (key,))
            else:
                c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _bump(self, c: sqlite3.Connection) -> None:
        c.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def _generation(self) -> int:
        return int(self._meta("generation") or 0)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def set_segmenter(self, signature: str) -> None:
        self._set_meta("segmenter", signature)

    # -- where it lives -------------------------------------------------------------------------
    def identity(self) -> str:
        return f"embedded {self.path}"

    def describe(self) -> dict[str, Any]:
        return {"path": str(self.path)}

    def add_units_with_vectors(self, units: list[Unit], vectors: np.ndarray, model: str) -> None:
        with self.transaction():
            self.add_units(units)
            self.set_vectors([u.unit_id for u in units], vectors, model)

    def pages(self, after: Any = None, page: int = 1000) -> Iterator[Page]:
        """Every unit with its vector (None when it has none), ``page`` at a time in rowid order."""
        cursor = int(after or 0)
        dim = self.dim
        while True:
            with self._lock:
                rows = self.conn.execute(
                    "SELECT u.id, u.unit_id, u.post_ids, u.text, u.created_ts, u.platform, u.account, u.kind, "
                    "u.likes, u.vector, f.tokens FROM units u LEFT JOIN units_fts f ON f.rowid = u.id "
                    "WHERE u.id > ? ORDER BY u.id LIMIT ?",
                    (cursor, page),
                ).fetchall()
            if not rows:
                return
            units = [
                Unit(
                    unit_id=r[1], post_ids=json.loads(r[2]), text=r[3], created_ts=r[4], platform=r[5],
                    account=r[6], kind=r[7], likes=r[8], tokens=(r[10] or "").split(" ") if r[10] else [],
                )
                for r in rows
            ]
            vectors = [
                np.frombuffer(r[9], dtype=np.float16).astype(np.float32) if r[9] is not None and dim else None
                for r in rows
            ]
            cursor = rows[-1][0]
            yield cursor, units, vectors

    # -- writing --------------------------------------------------------------------------------
    def add_units(self, units: list[Unit]) -> None:
        """Insert or replace units (a replaced unit loses its vector). One transaction, bulk statements."""
        if not units:
            return
        with self.transaction() as c:
            self._insert_units(c, units)
            self._bump(c)

    def add_units_pipelined(self, chunks: Iterable[list[Unit]]) -> int:
        """``add_units`` for units made as they are consumed (segmentation), in ONE transaction: a writer thread
        inserts chunk n (SQLite works without the GIL) while this thread makes chunk n+1. Returns units added.

        The connection is handed to the writer while this thread holds the store's lock, so nobody else uses it."""
        added = 0
        with self.transaction() as c:
            todo: queue.Queue[list[Unit] | None] = queue.Queue(maxsize=4)
            failed: list[BaseException] = []

            def writer() -> None:
                while (chunk := todo.get()) is not None:
                    if not failed:
                        try:
                            self._insert_units(c, chunk)
                        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
                            failed.append(e)

            thread = threading.Thread(target=writer, name="socialbrain-index-writer", daemon=True)
            thread.start()
            try:
                for chunk in chunks:
                    if failed:
                        break
                    if chunk:
                        todo.put(chunk)
                        added += len(chunk)
            finally:
                todo.put(None)
                thread.join()
            if failed:
                raise failed[0]
            self._bump(c)
        return added

    def _insert_units(self, c: sqlite3.Connection, units: list[Unit]) -> None:
        last: dict[str, Unit] = {}
        for u in units:  # the same unit twice: the later one wins, as one-by-one replacing would
            last.pop(u.unit_id, None)
            last[u.unit_id] = u
        fresh = list(last.values())
        old = [
            r[0]
            for r in c.execute(
                "SELECT id FROM units WHERE unit_id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(last)),),
            )
        ]
        self._delete_rows(c, old)
        base = c.execute("SELECT COALESCE(MAX(id), 0) FROM units").fetchone()[0] + 1
        c.executemany(
            "INSERT INTO units (id, unit_id, post_ids, text, created_ts, platform, account, kind, likes)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    base + i,
                    u.unit_id,
                    _ids_json(u.post_ids),
                    u.text,
                    u.created_ts,
                    u.platform,
                    u.account,
                    u.kind,
                    int(u.likes or 0),
                )
                for i, u in enumerate(fresh)
            ],
        )
        c.executemany(
            "INSERT OR IGNORE INTO unit_posts (post_id, unit) VALUES (?, ?)",
            [(p, base + i) for i, u in enumerate(fresh) for p in u.post_ids],
        )
        c.executemany(
            "INSERT INTO units_fts (rowid, tokens) VALUES (?, ?)",
            [(base + i, u.token_string()) for i, u in enumerate(fresh)],
        )

    def _delete_rows(self, c: sqlite3.Connection, rows: list[int]) -> None:
        if not rows:
            return
        j = json.dumps(rows)
        c.execute("DELETE FROM units_fts WHERE rowid IN (SELECT value FROM json_each(?))", (j,))
        c.execute("DELETE FROM unit_posts WHERE unit IN (SELECT value FROM json_each(?))", (j,))
        c.execute("DELETE FROM units WHERE id IN (SELECT value FROM json_each(?))", (j,))

    def delete_posts(self, post_ids: list[int]) -> None:
        """Remove every unit that holds any of these posts."""
        if not post_ids:
            return
        with self.transaction() as c:
            rows = [
                r[0]
                for r in c.execute(
                    "SELECT DISTINCT unit FROM unit_posts WHERE post_id IN (SELECT value FROM json_each(?))",
                    (json.dumps([int(p) for p in post_ids]),),
                )
            ]
            if rows:
                self._delete_rows(c, rows)
                self._bump(c)

    def set_vectors(self, unit_ids: list[str], vectors: np.ndarray, model: str) -> None:
        self._store_vectors(unit_ids, vectors, model, None)

    def set_vectors_if_unchanged(
        self, unit_ids: list[str], vectors: np.ndarray, model: str, texts: list[str]
    ) -> int:
        """Store each vector only if its unit still has the text it was made from; returns how many were stored.

        (An embedding pass runs for minutes: a re-import may replace a unit's text in between.)"""
        return self._store_vectors(unit_ids, vectors, model, texts)

    def _store_vectors(
        self, unit_ids: list[str], vectors: np.ndarray, model: str, texts: list[str] | None
    ) -> int:
        if len(unit_ids) != len(vectors) or (texts is not None and len(texts) != len(unit_ids)):
            raise ValueError("one vector per unit id")
        if not unit_ids:
            return 0
        with self.transaction() as c:
            self.check_model(model)
            dim = int(vectors.shape[1])
            known_dim = self.dim
            if known_dim is not None and known_dim != dim:
                raise IndexMismatchError(
                    f"index holds {known_dim}-dim vectors, {model} gives {dim}: run `socialbrain index rebuild`"
                )
            c.execute("INSERT OR REPLACE INTO meta VALUES ('model', ?)", (model,))
            c.execute("INSERT OR REPLACE INTO meta VALUES ('dim', ?)", (str(dim),))
            v16 = np.ascontiguousarray(vectors, dtype=np.float16)
            before = c.total_changes
            if texts is None:
                c.executemany(
                    "UPDATE units SET vector=? WHERE unit_id=?",
                    [(v16[i].tobytes(), uid) for i, uid in enumerate(unit_ids)],
                )
            else:
                c.executemany(
                    "UPDATE units SET vector=? WHERE unit_id=? AND text=?",
                    [(v16[i].tobytes(), uid, texts[i]) for i, uid in enumerate(unit_ids)],
                )
            stored = c.total_changes - before
            self._bump(c)
        return stored

    def clear(self) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM units_fts")
            c.execute("DELETE FROM unit_posts")
            c.execute("DELETE FROM units")
            c.execute("DELETE FROM meta WHERE key IN ('model', 'dim', 'applied_seq', 'segmenter')")
            self._bump(c)
        self._cache = None

    def applied_seq(self) -> int:
        return int(self._meta("applied_seq") or 0)

    def set_applied_seq(self, seq: int) -> None:
        """Move ``applied_seq`` forward (never back: a late writer cannot undo a later one's progress)."""
        with self.transaction() as c:
            c.execute(
                "INSERT INTO meta (key, value) VALUES ('applied_seq', ?) ON CONFLICT(key) DO UPDATE SET "
                "value = CAST(MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
                (str(int(seq)),),
            )

    # -- reading --------------------------------------------------------------------------------
    def _row_to_unit(self, r: tuple[Any, ...]) -> Unit:
        return Unit(
            unit_id=r[1],
            post_ids=json.loads(r[2]),
            text=r[3],
            created_ts=r[4],
            platform=r[5],
            account=r[6],
            kind=r[7],
            likes=r[8],
        )

    def units_without_vectors(self, limit: int) -> list[Unit]:
        with self._lock:
            rows = self.conn.execute(
                f"SELECT {_UNIT_COLUMNS} FROM units WHERE vector IS NULL ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [self._row_to_unit(r) for r in rows]

    def get_units(self, unit_ids: list[str]) -> list[Unit]:
        if not unit_ids:
            return []
        with self._lock:
            rows = self.conn.execute(
                f"SELECT {_UNIT_COLUMNS} FROM units WHERE unit_id IN (SELECT value FROM json_each(?))",
                (json.dumps(unit_ids),),
            ).fetchall()
        by_id = {r[1]: self._row_to_unit(r) for r in rows}
        return [by_id[u] for u in unit_ids if u in by_id]

    def units_without_vector_among(self, unit_ids: list[str]) -> list[str]:
        """Those of ``unit_ids`` that have no vector yet."""
        if not unit_ids:
            return []
        with self._lock:
            return [
                r[0]
                for r in self.conn.execute(
                    "SELECT unit_id FROM units WHERE vector IS NULL AND unit_id IN (SELECT value FROM json_each(?))",
                    (json.dumps(unit_ids),),
                )
            ]

    def unit_ids_for_posts(self, post_ids: list[int]) -> list[str]:
        with self._lock:
            return [
                r[0]
                for r in self.conn.execute(
                    "SELECT DISTINCT u.unit_id FROM unit_posts p JOIN units u ON u.id = p.unit "
                    "WHERE p.post_id IN (SELECT value FROM json_each(?))",
                    (json.dumps(post_ids),),
                )
            ]

    def pending(self) -> int:
        """Units without a vector (cheap: a partial index)."""
        with self._lock:
            return int(self.conn.execute("SELECT COUNT(*) FROM units WHERE vector IS NULL").fetchone()[0])

    def counts(self) -> dict[str, int]:
        with self._lock:
            units, vectors = self.conn.execute("SELECT COUNT(*), COUNT(vector) FROM units").fetchone()
            posts = self.conn.execute("SELECT COUNT(DISTINCT post_id) FROM unit_posts").fetchone()[0]
        return {"units": units, "vectors": vectors, "posts": posts, "pending": units - vectors}

    def keyword_search(self, tokens: list[str], flt: IndexFilter, k: int) -> list[ScoredUnit]:
        """BM25 (FTS5) over the units matching ``flt``; score = -bm25 (higher is better)."""
        q = fts_query(tokens)
        if not q or k <= 0:
            return []
        where, params = _filter_sql(flt)
        sql = (
            "SELECT u.unit_id, bm25(units_fts) AS s FROM units_fts JOIN units u ON u.id = units_fts.rowid "
            f"WHERE units_fts MATCH ? AND {where} ORDER BY s LIMIT ?"
        )
        with self._lock:
            rows = self.conn.execute(sql, [q, *params, k]).fetchall()
        return [ScoredUnit(r[0], -float(r[1])) for r in rows]

    def _vector_cache(self) -> _VectorCache | None:
        gen = self._generation()
        cache = self._cache
        if cache is not None and cache.generation == gen:
            return cache
        if (
            cache is not None
            and len(cache.rows) >= RELOAD_THROTTLE_ROWS
            and time.monotonic() - cache.loaded_at < RELOAD_SECONDS
        ):
            return cache  # an embedding pass commits every few seconds: a big matrix is reloaded at most every 10 s
        dim = self.dim
        if dim is None:
            self._cache = None
            return None
        with self._lock:
            n = self.conn.execute("SELECT COUNT(vector) FROM units").fetchone()[0]
            quantize = n > self.quantize_above
            ids = np.empty(n, dtype=np.int64)
            created = np.empty(n, dtype=np.float64)
            likes = np.empty(n, dtype=np.int64)
            unit_ids: list[str] = []
            tables: dict[str, dict[str, int]] = {"platform": {}, "account": {}, "kind": {}}
            codes_arr = {col: np.empty(n, dtype=np.int32) for col in tables}
            if quantize:
                q8: npt.NDArray[np.int8] | None = np.empty((n, dim), dtype=np.int8)
                scale: Vectors | None = np.empty(n, dtype=np.float32)
                matrix: Vectors | None = None
            else:
                q8 = scale = None
                matrix = np.empty((n, dim), dtype=np.float32)
            cur = self.conn.execute(
                "SELECT id, unit_id, vector, created_ts, likes, platform, account, kind FROM units "
                "WHERE vector IS NOT NULL ORDER BY id"
            )
            i = 0
            while i < n and (chunk := cur.fetchmany(8192)):
                chunk = chunk[: n - i]
                j = i + len(chunk)
                block = np.frombuffer(b"".join(r[2] for r in chunk), dtype=np.float16).reshape(-1, dim)
                if quantize:
                    assert q8 is not None and scale is not None
                    b32 = block.astype(np.float32)
                    peak = np.maximum(np.abs(b32).max(axis=1), 1e-12)
                    q8[i:j] = np.rint(b32 * (127.0 / peak)[:, None]).astype(np.int8)
                    scale[i:j] = peak / 127.0
                else:
                    assert matrix is not None
                    matrix[i:j] = block
                for k, r in enumerate(chunk, start=i):
                    ids[k] = r[0]
                    unit_ids.append(r[1])
                    created[k] = r[3]
                    likes[k] = r[4]
                    for col, pos in (("platform", 5), ("account", 6), ("kind", 7)):
                        table = tables[col]
                        codes_arr[col][k] = table.setdefault(r[pos], len(table))
                i = j
            n = i  # rows embedded between the count and the read are picked up next time
            pairs = self.conn.execute(
                "SELECT p.unit, p.post_id FROM unit_posts p JOIN units u ON u.id = p.unit "
                "WHERE u.vector IS NOT NULL"
            ).fetchall()
        pair_units = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        pair_posts = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
        ids = ids[:n]
        keep = np.isin(pair_units, ids)
        self._cache = _VectorCache(
            generation=gen,
            rows=ids,
            unit_ids=unit_ids[:n],
            matrix_t=None if matrix is None else np.ascontiguousarray(matrix[:n].T),
            q8=None if q8 is None else q8[:n],
            scale=None if scale is None else scale[:n],
            dim=dim,
            loaded_at=time.monotonic(),
            created_ts=created[:n],
            likes=likes[:n],
            codes={col: (codes_arr[col][:n], tables[col]) for col in tables},
            pair_rows=np.searchsorted(ids, pair_units[keep]),
            pair_posts=pair_posts[keep],
        )
        return self._cache

    def vector_search(self, vector: Vectors, flt: IndexFilter, k: int) -> list[ScoredUnit]:
        """Exact cosine (vectors are L2-normalised) over the units matching ``flt``."""
        cache = self._vector_cache()
        if cache is None or len(cache.rows) == 0 or k <= 0:
            return []
        v = np.asarray(vector, dtype=np.float32).reshape(-1)
        if v.shape[0] != cache.dim:
            raise IndexMismatchError(
                f"query vector has {v.shape[0]} dims, the index {cache.dim}: run `socialbrain index rebuild`"
            )
        mask = cache.mask(flt)
        candidates = None
        if mask is not None:
            candidates = np.flatnonzero(mask)
            if len(candidates) == 0:
                return []
        with _one_blas_thread():
            scores = cache.scores(v, candidates)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        rows = top if candidates is None else candidates[top]
        return [
            ScoredUnit(cache.unit_ids[int(r)], float(scores[int(t)])) for r, t in zip(rows, top, strict=True)
        ]
