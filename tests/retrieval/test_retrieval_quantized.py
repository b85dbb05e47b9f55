"""Large embedded indexes keep vectors as int8 in memory (a per-row scale): the same neighbours, filters intact."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from socialbrain.index.stores.base import IndexFilter, Unit
from socialbrain.index.stores.embedded import EmbeddedIndex


def _store(path: Path, n: int, quantize_above: int) -> EmbeddedIndex:
    rng = np.random.default_rng(5)
    store = EmbeddedIndex(path)
    store.quantize_above = quantize_above
    units = [
        Unit(f"p{i}", [i], f"第{i}条", 1.5e9 + i * 3600.0, "weibo" if i % 3 else "twitter", "me", "original")
        for i in range(n)
    ]
    store.add_units(units)
    # clustered vectors, as real embeddings are: neighbours are close, not random
    centres = rng.standard_normal((20, 384)).astype(np.float32)
    vec = centres[np.arange(n) % 20] + 0.35 * rng.standard_normal((n, 384)).astype(np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    store.set_vectors([u.unit_id for u in units], vec, "test:model")
    return store


def test_int8_matrix_finds_the_same_neighbours_and_honours_filters(tmp_path: Path) -> None:
    exact = _store(tmp_path / "f32", 3000, quantize_above=10**9)
    small = _store(tmp_path / "i8", 3000, quantize_above=0)
    rng = np.random.default_rng(9)
    overlap = []
    for _ in range(20):
        q = rng.standard_normal(384).astype(np.float32)
        q /= np.linalg.norm(q)
        a = [s.unit_id for s in exact.vector_search(q, IndexFilter(), 10)]
        b = [s.unit_id for s in small.vector_search(q, IndexFilter(), 10)]
        overlap.append(len(set(a) & set(b)) / 10)
        flt = IndexFilter(platforms=["twitter"], since_ts=1.5e9 + 1000 * 3600.0)
        hits = small.vector_search(q, flt, 10)
        ids = [int(h.unit_id[1:]) for h in hits]
        assert ids and all(i % 3 == 0 and i >= 1000 for i in ids)
    assert small._cache is not None and small._cache.q8 is not None and small._cache.matrix_t is None
    assert exact._cache is not None and exact._cache.matrix_t is not None
    assert np.mean(overlap) >= 0.9
    exact.close()
    small.close()
