"""Which tokenisation gives BM25 the best recall on real Weibo text?

    .venv/bin/python -m bench.segmentation [--queries N]

Haystack: the 24,016 posts of lcsts + weibo-ced + weibo-ncov-2020; queries: lcsts/pairs.dev.jsonl summaries (the
right answer is the summarised post). Same BM25 (bm25s, lucene, k1=1.5, b=0.75) for every variant; only the
tokens change. Prints one table: recall@1/5/10, MRR, tokenisation time of the haystack.
"""

from __future__ import annotations

import argparse
import logging
import re
import time
from collections.abc import Callable

import numpy as np

from bench.embed_cache import DATASETS, _read_jsonl, haystack

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _variants() -> dict[str, tuple[Callable[[str], list[str]], Callable[[str], list[str]]]]:
    import jieba

    from socialbrain.index import segment

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" noise
    tok = segment._get_tokenizer()
    raw = jieba.Tokenizer()
    raw.initialize()
    stop = segment.stopwords()

    def raw_search(t: str) -> list[str]:
        return [w for w in raw.lcut_for_search(t) if w.strip()]

    def norm_precise(t: str) -> list[str]:
        return segment._keep(tok.lcut(segment.normalize(t)))

    def norm_search_keepstop(t: str) -> list[str]:
        return [
            w for w in tok.lcut_for_search(segment.normalize(t)) if w.strip() and segment._HAS_WORD.search(w)
        ]

    def bigrams(t: str) -> list[str]:
        out = []
        for run in _CJK_RUN.findall(segment.normalize(t)):
            out += [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        return [w for w in out if w not in stop]

    def search_plus_bigrams(t: str) -> list[str]:
        return segment.tokenize(t, bigrams=False) + bigrams(t)

    def search_plus_chars(t: str) -> list[str]:
        words = segment.tokenize(t, bigrams=False)
        return words + [
            c for w in words if len(w) > 2 for c in w if "\u4e00" <= c <= "\u9fff" and c not in stop
        ]

    def oov_bigrams(t: str) -> list[str]:
        # bigrams over runs of single-character CJK tokens (what jieba could not group into words)
        out: list[str] = []
        run: list[str] = []
        for w in [*tok.lcut(segment.normalize(t)), ""]:
            if len(w) == 1 and "\u4e00" <= w <= "\u9fff":
                run.append(w)
                continue
            if len(run) >= 2:
                out += [run[i] + run[i + 1] for i in range(len(run) - 1)]
            run = []
        return [w for w in out if w not in stop]

    def search_plus_oov(t: str) -> list[str]:
        return segment.tokenize(t, bigrams=False) + oov_bigrams(t)

    def words(t: str) -> list[str]:
        return segment.tokenize(t, bigrams=False)

    return {
        "jieba search mode, raw (notes baseline)": (raw_search, raw_search),
        "normalised + search mode, stop words kept": (norm_search_keepstop, norm_search_keepstop),
        "normalised + search mode, stop words out": (words, words),
        "normalised + precise mode, stop words out": (norm_precise, norm_precise),
        "docs search mode, queries precise": (words, norm_precise),
        "CJK bigrams only": (bigrams, bigrams),
        "search mode + bigrams of single-char runs (OOV)": (search_plus_oov, search_plus_oov),
        "search mode + single chars of long words": (search_plus_chars, search_plus_chars),
        "search mode + CJK bigrams, both sides": (search_plus_bigrams, search_plus_bigrams),
        "**shipped**: docs tokenize(), queries tokenize_query()": (segment.tokenize, segment.tokenize_query),
    }


def _evaluate(
    doc_tokens: list[list[str]], query_tokens: list[list[str]], answers: list[int]
) -> tuple[float, ...]:
    import bm25s

    model = bm25s.BM25()
    model.index(doc_tokens, show_progress=False)
    vocab = model.vocab_dict
    ranks = []
    for q, ans in zip(query_tokens, answers, strict=True):
        ids = [vocab[w] for w in q if w in vocab]
        if not ids:
            ranks.append(None)
            continue
        scores = model.get_scores(ids)
        top = np.argpartition(-scores, 10)[:10]
        top = top[np.argsort(-scores[top])]
        hit = np.where(top == ans)[0]
        ranks.append(int(hit[0]) + 1 if len(hit) else None)
    n = len(ranks)
    r = [sum(1 for x in ranks if x is not None and x <= k) / n for k in (1, 5, 10)]
    mrr = sum(1 / x for x in ranks if x is not None) / n
    return (*r, mrr)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--queries", type=int, default=2000, help="how many lcsts dev pairs to query (default 2000)"
    )
    args = ap.parse_args()
    if not DATASETS.is_dir():
        print(f"datasets absent ({DATASETS}): nothing to measure")
        return 0
    ids, texts = haystack()
    position = {pid: i for i, pid in enumerate(ids)}
    pairs = _read_jsonl(DATASETS / "lcsts/pairs.dev.jsonl")[: args.queries]
    answers = [position["lcsts:" + p["id"]] for p in pairs]
    print(f"haystack {len(texts)} posts, {len(pairs)} queries")
    print("| tokenisation | R@1 | R@5 | R@10 | MRR | tokenise 24k posts |")
    print("|---|---|---|---|---|---|")
    for name, (doc_fn, query_fn) in _variants().items():
        t0 = time.perf_counter()
        docs = [doc_fn(t) for t in texts]
        took = time.perf_counter() - t0
        queries = [query_fn(p["summary"]) for p in pairs]
        r1, r5, r10, mrr = _evaluate(docs, queries, answers)
        print(f"| {name} | {r1:.3f} | {r5:.3f} | {r10:.3f} | {mrr:.3f} | {took:.1f} s |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
