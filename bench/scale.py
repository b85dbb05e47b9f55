"""Index scale: ingest posts/s, query p50/p95 and peak RSS at 100k and 1M posts, embedded vs Milvus Lite.

    .venv/bin/python -m bench.scale [--sizes 100000,1000000] [--backends embedded,milvus] [--milvus-max 300000]

Posts: the ~770k real reposts of ../shared/datasets/weibo-ced/reposts.jsonl.gz, repeated (with new ids) past 770k;
generated text when the data set is absent. Tokens come from socialbrain.index.segment.tokenize, computed once and
cached in ~/.cache/socialbrain-bench/scale_tokens.txt (not timed) for the first 200k reposts, which are then repeated
(with new ids) up to the size asked. Vectors: random unit vectors, 384 dims, seeded
(no encoder in the loop; random vectors are the worst case for approximate indexes, irrelevant for exact FLAT).
Ingest = the index store's own writes (units + BM25 data + vectors, committed), through the IndexStore API.
Queries: 50 keyword (2-3 tokens of a random post), 50 dense (random vector), 50 dense with a one-year date filter;
k=10, after the ingest. Each (backend, size) runs in a fresh subprocess; peak RSS counts it and its children (the
Milvus Lite server).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPOSTS = ROOT.parent / "shared" / "datasets" / "weibo-ced" / "reposts.jsonl.gz"
CACHE = Path(os.environ.get("SOCIALBRAIN_BENCH_CACHE") or Path.home() / ".cache" / "socialbrain-bench")
TOKENS = CACHE / "scale_tokens.txt"
DIM = 384
BATCH = 2000


DISTINCT = 200_000  # real reposts tokenized once (jieba on this 2-core machine: ~700/s); repeated past that


def build_token_cache(limit: int = DISTINCT) -> int:
    """One line per repost: created_ts \\t text \\t tokens (space-joined). Returns the number of posts."""
    if TOKENS.exists():
        with TOKENS.open(encoding="utf-8") as f:
            return sum(1 for _ in f)
    from socialbrain.index.segment import tokenize

    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = TOKENS.with_suffix(".tmp")
    n = 0
    with gzip.open(REPOSTS, "rt", encoding="utf-8") as src, tmp.open("w", encoding="utf-8") as out:
        for line in src:
            d = json.loads(line)
            text = " ".join((d.get("text") or "").split())
            if not text:
                continue
            ts = datetime.fromisoformat(d["created_at"]).timestamp()
            out.write(f"{ts}\t{text}\t{' '.join(tokenize(text))}\n")
            n += 1
            if n >= limit:
                break
            if n % 50000 == 0:
                print(f"  tokenized {n}", file=sys.stderr, flush=True)
    tmp.rename(TOKENS)
    return n


def _generated(n: int) -> Iterator[tuple[float, str, list[str]]]:
    rng = random.Random(7)
    words = [
        "跑步",
        "马拉松",
        "火锅",
        "北京",
        "上海",
        "工作",
        "加班",
        "电影",
        "读书",
        "旅行",
        "猫",
        "咖啡",
        "天气",
        "朋友",
    ]
    for i in range(n):
        toks = rng.choices(words, k=12)
        yield 1.3e9 + i * 60.0, "".join(toks), toks


def posts(n: int) -> Iterator[tuple[float, str, list[str]]]:
    """``n`` posts: the cached reposts, repeated as often as needed."""
    if not TOKENS.exists():
        yield from _generated(n)
        return
    done = 0
    while done < n:
        with TOKENS.open(encoding="utf-8") as f:
            for line in f:
                ts, text, toks = line.rstrip("\n").split("\t")
                yield float(ts), text, toks.split(" ") if toks else []
                done += 1
                if done >= n:
                    return


# -- child: one backend, one size -----------------------------------------------------------------
def _rss_tree(pid: int) -> int:
    import psutil

    try:
        p = psutil.Process(pid)
        return sum(c.memory_info().rss for c in [p, *p.children(recursive=True)])
    except psutil.Error:
        return 0


def child(backend: str, size: int, work: Path) -> dict:
    import numpy as np

    from socialbrain.index.stores.base import IndexFilter, Unit

    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_tree(os.getpid()))
            time.sleep(0.25)

    threading.Thread(target=sample, daemon=True).start()
    if backend == "embedded":
        from socialbrain.index.stores.embedded import EmbeddedIndex

        store = EmbeddedIndex(work / "index")
    else:
        from socialbrain.index.stores.milvus import MilvusIndex

        store = MilvusIndex(str(work / "milvus.db"), user="bench")
    rng = np.random.default_rng(1)
    model = "bench:random-384"
    ingest_s = 0.0
    batch: list[Unit] = []
    samples: list[list[str]] = []
    ts_all: list[float] = []

    def flush() -> None:
        nonlocal ingest_s
        vec = rng.standard_normal((len(batch), DIM), dtype=np.float32)
        vec /= np.linalg.norm(vec, axis=1, keepdims=True)
        t = time.perf_counter()
        if backend == "embedded":
            store.add_units(batch)
            store.set_vectors([u.unit_id for u in batch], vec, model)
        else:
            store.add_units_with_vectors(batch, vec, model)
        ingest_s += time.perf_counter() - t
        batch.clear()

    for i, (ts, text, toks) in enumerate(posts(size), start=1):
        batch.append(Unit(f"p{i}", [i], text, ts, "weibo", "me", "repost", i % 50, toks))
        if i % 997 == 0 and len(toks) >= 3:
            samples.append(toks)
            ts_all.append(ts)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    if (
        backend == "milvus"
    ):  # Milvus builds its indexes on sealed segments: flush, then reopen (see storage.md)
        t = time.perf_counter()
        name = store.collection
        store.client.flush(name)
        store.client.release_collection(name)
        store.client.load_collection(name)
        ingest_s += time.perf_counter() - t
    counts = store.counts()
    qrng = random.Random(3)

    def timed(fn, n: int = 50) -> tuple[float, float]:  # noqa: ANN001
        fn(0)  # warm-up (loads caches)
        out = []
        for j in range(n):
            t = time.perf_counter()
            fn(j)
            out.append((time.perf_counter() - t) * 1000)
        out.sort()
        return out[len(out) // 2], out[int(len(out) * 0.95) - 1]

    kw = timed(lambda j: store.keyword_search(qrng.sample(samples[j % len(samples)], 2), IndexFilter(), 10))
    qv = rng.standard_normal((60, DIM), dtype=np.float32)
    qv /= np.linalg.norm(qv, axis=1, keepdims=True)
    dense = timed(lambda j: store.vector_search(qv[j], IndexFilter(), 10))
    year = 365 * 86400.0

    def dated(j: int) -> None:
        since = ts_all[j % len(ts_all)]
        store.vector_search(qv[j], IndexFilter(since_ts=since, until_ts=since + year), 10)

    dated_ms = timed(dated)
    stop.set()
    return {
        "backend": backend,
        "size": size,
        "units": counts.get("units"),
        "vectors": counts.get("vectors"),
        "ingest_s": ingest_s,
        "ingest_per_s": size / ingest_s if ingest_s else 0,
        "kw": kw,
        "dense": dense,
        "dated": dated_ms,
        "rss_mb": peak[0] / 1e6,
    }


# -- parent ---------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--backends", default="embedded,milvus")
    ap.add_argument("--milvus-max", type=int, default=300000, help="largest size run on Milvus Lite")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        backend, size, work = args.child
        print(json.dumps(child(backend, int(size), Path(work))))
        return

    if REPOSTS.exists():
        n = build_token_cache()
        print(
            f"posts: weibo-ced reposts (the first {n:,}, repeated past that); vectors: random unit, {DIM} dims"
        )
    else:
        print(f"weibo-ced not found at {REPOSTS}: generated posts; vectors: random unit, {DIM} dims")
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for backend in args.backends.split(","):
        for size in sizes:
            if backend == "milvus" and size > args.milvus_max:
                size = args.milvus_max
                if any(r["backend"] == backend and r["size"] == size for r in rows):
                    continue
            with tempfile.TemporaryDirectory(prefix="sb-scale-") as work:
                out = subprocess.run(
                    [sys.executable, "-m", "bench.scale", "--child", backend, str(size), work],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
            if out.returncode != 0:
                print(f"{backend} {size}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
                continue
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
            r = rows[-1]
            print(f"  done {backend} {size:,}: {r['ingest_s']:.0f}s", file=sys.stderr, flush=True)

    print(
        "\n| backend | posts | ingest posts/s | keyword p50/p95 ms | dense p50/p95 ms | dense+1y filter p50/p95 ms "
        "| peak RSS MB |\n|---|---|---|---|---|---|---|"
    )
    for r in rows:
        print(
            f"| {r['backend']} | {r['size']:,} | {r['ingest_per_s']:,.0f} | {r['kw'][0]:.1f} / {r['kw'][1]:.1f} "
            f"| {r['dense'][0]:.1f} / {r['dense'][1]:.1f} | {r['dated'][0]:.1f} / {r['dated'][1]:.1f} "
            f"| {r['rss_mb']:,.0f} |"
        )
    for backend in {r["backend"] for r in rows}:
        mine = sorted((r for r in rows if r["backend"] == backend), key=lambda r: r["size"])
        if len(mine) >= 2:
            a, b = mine[0], mine[-1]
            f = b["size"] / a["size"]
            print(
                f"{backend} growth {a['size']:,}→{b['size']:,} (×{f:.0f} posts): ingest rate ×"
                f"{b['ingest_per_s'] / a['ingest_per_s']:.2f}, keyword p50 ×{b['kw'][0] / a['kw'][0]:.1f}, "
                f"dense p50 ×{b['dense'][0] / a['dense'][0]:.1f}, RSS ×{b['rss_mb'] / a['rss_mb']:.1f}"
            )


if __name__ == "__main__":
    main()
