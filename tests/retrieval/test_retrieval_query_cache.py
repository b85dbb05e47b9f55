"""The persistent query-vector cache: a question asked before never reaches the encoder, and a hit does not write."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import numpy as np

from socialbrain.index.embedders.query_cache import MEMORY_ROWS, TOUCH_SECONDS, with_query_cache


class CountingEmbedder:
    """A real (tiny) embedder: hashes characters into 8 dims; counts the queries it had to embed."""

    name = "test:chars-8"
    dim = 8

    def __init__(self) -> None:
        self.queries: list[str] = []

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(8, dtype=np.float32)
        for ch in text:
            v[ord(ch) % 8] += 1.0
        return v / max(float(np.linalg.norm(v)), 1e-9)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return self._vec(text)


def _used(path: Path, text: str) -> float:
    with sqlite3.connect(path) as c:
        return float(c.execute("SELECT used FROM queries WHERE text=?", (text,)).fetchone()[0])


def test_a_cached_question_skips_the_encoder_across_processes_and_does_not_write(tmp_path: Path) -> None:
    path = tmp_path / "query_cache.db"
    inner = CountingEmbedder()
    cached = with_query_cache(inner, path)
    assert cached is not None
    first = cached.embed_query("去年跑了几次马拉松")
    assert inner.queries == ["去年跑了几次马拉松"]
    first[:] = 0  # the caller owns the array it got: the cache keeps its own copy
    again = cached.embed_query("去年跑了几次马拉松")
    assert inner.queries == ["去年跑了几次马拉松"]
    assert np.allclose(again, inner._vec("去年跑了几次马拉松"))

    # a second "process" (a fresh wrapper: empty memory) reads the file; a recent row is not written again
    stamp = _used(path, "去年跑了几次马拉松")
    inner2 = CountingEmbedder()
    other = with_query_cache(inner2, path)
    assert other is not None
    assert np.allclose(other.embed_query("去年跑了几次马拉松"), again)
    assert inner2.queries == []
    assert _used(path, "去年跑了几次马拉松") == stamp

    # a row last used over TOUCH_SECONDS ago is touched (the least recently used are the ones trimmed)
    with sqlite3.connect(path) as c:
        c.execute("UPDATE queries SET used=?", (time.time() - TOUCH_SECONDS - 60,))
    third = with_query_cache(CountingEmbedder(), path)
    assert third is not None
    third.embed_query("去年跑了几次马拉松")
    assert _used(path, "去年跑了几次马拉松") > time.time() - 60


def test_the_in_memory_part_stays_bounded(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    cached = with_query_cache(inner, tmp_path / "q.db")
    assert cached is not None
    for i in range(MEMORY_ROWS + 10):
        cached.embed_query(f"问题{i}")
    assert len(cached._memory) == MEMORY_ROWS  # type: ignore[attr-defined]
    cached.embed_query("问题0")  # fell out of memory, still in the file
    assert inner.queries.count("问题0") == 1
