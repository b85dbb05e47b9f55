"""jieba's IDF table as a lookup that costs nothing to open: a SQLite copy in the user cache, read word by word.

The table ships with socialbrain (``data/idf_zh.txt.xz``: jieba 0.42.1's 270k-word ``idf.txt``, same words and
values, 1.0 MB; made by ``scripts/make_idf_table.py``, MIT licence in ``data/idf_zh.LICENSE``), so jieba itself is
not a dependency. Reading it takes ~0.3 s of CPU, and every CLI search weighs its query words with it: the first
use builds ``$XDG_CACHE_HOME/socialbrain/idf-zh-<content hash>.db`` (~1 s, once per table version); after that a lookup
is one indexed read, memoised in-process.
"""

from __future__ import annotations

import contextlib
import hashlib
import lzma
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TypeVar, overload


def read_table(source: Path) -> dict[str, float]:
    """word → IDF from the shipped file: xz-compressed lines ``value<TAB>word word …`` (scripts/make_idf_table.py)."""
    table: dict[str, float] = {}
    for line in lzma.decompress(source.read_bytes()).decode("utf-8").splitlines():
        value, _, words = line.partition("\t")
        v = float(value)
        for w in words.split(" "):
            table[w] = v
    return table


_T = TypeVar("_T")


class IdfTable(Mapping[str, float]):
    """word → IDF, read lazily from the cache database (``median`` for words it does not know)."""

    def __init__(self, source: Path, cache_dir: Path):
        # keyed by content (reading + hashing the 1 MB file: ~2 ms), not mtime: a reinstall or a git checkout
        # rewrites the file but not the table, and must neither rebuild it nor leave a 6.6 MB copy behind
        digest = hashlib.sha1(source.read_bytes()).hexdigest()[:12]
        self.path = cache_dir / f"idf-zh-{digest}.db"
        self._source = source
        self._lock = threading.Lock()
        self._memo: dict[str, float | None] = {}
        self._conn = self._open()
        row = self._conn.execute("SELECT value FROM meta WHERE key='median'").fetchone()
        self.median = float(row[0]) if row else 10.0

    def _open(self) -> sqlite3.Connection:
        try:
            if self.path.exists():
                return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.Error:
            pass
        table = read_table(self._source)
        values = sorted(table.values())
        median = values[len(values) // 2] if values else 10.0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.unlink(missing_ok=True)
            conn = sqlite3.connect(tmp)
            conn.execute("CREATE TABLE idf (word TEXT PRIMARY KEY, value REAL NOT NULL) WITHOUT ROWID")
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.executemany("INSERT OR REPLACE INTO idf VALUES (?, ?)", table.items())
            conn.execute("INSERT INTO meta VALUES ('median', ?)", (str(median),))
            conn.commit()
            conn.close()
            tmp.replace(self.path)
            self._prune()
            return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        except (OSError, sqlite3.Error):  # no writable cache: an in-memory copy, built each run
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            conn.execute("CREATE TABLE idf (word TEXT PRIMARY KEY, value REAL NOT NULL) WITHOUT ROWID")
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.executemany("INSERT OR REPLACE INTO idf VALUES (?, ?)", table.items())
            conn.execute("INSERT INTO meta VALUES ('median', ?)", (str(median),))
            return conn

    def _prune(self) -> None:
        """Delete earlier cached tables (jieba's, older versions of ours): each is 6.6 MB."""
        for stale in self.path.parent.glob("idf-*.db"):
            if stale != self.path:
                with contextlib.suppress(OSError):
                    stale.unlink()

    def _lookup(self, word: str) -> float | None:
        if word in self._memo:
            return self._memo[word]
        with self._lock:
            row = self._conn.execute("SELECT value FROM idf WHERE word=?", (word,)).fetchone()
        value = float(row[0]) if row else None
        if len(self._memo) < 200_000:
            self._memo[word] = value
        return value

    def __getitem__(self, word: str) -> float:
        value = self._lookup(word)
        if value is None:
            raise KeyError(word)
        return value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    @overload
    def get(self, word: str, /) -> float | None: ...
    @overload
    def get(self, word: str, default: float, /) -> float: ...
    @overload
    def get(self, word: str, default: _T, /) -> float | _T: ...
    def get(self, word: str, default: object = None, /) -> object:
        """Mapping.get without the KeyError round trip (a lookup that misses is cached too)."""
        value = self._lookup(word)
        return default if value is None else value

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            words = [r[0] for r in self._conn.execute("SELECT word FROM idf")]
        return iter(words)

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM idf").fetchone()[0])


__all__ = ["IdfTable", "read_table"]
