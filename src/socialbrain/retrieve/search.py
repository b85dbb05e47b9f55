"""Hybrid, time-aware search over one's own posts.

    query ─ time phrase → date filter (+ --since/--until, KB, platform, kind, min likes)
          ├ tokenize_query → BM25 top-N (index.keyword_search)
          └ embed_query    → cosine top-N (index.vector_search)
          → weighted reciprocal-rank fusion → one hit per post → hydrate from the archive (hidden/forgotten never
            come back) → near-duplicate collapse → optional rerank → snippets with 【matched words】 and why

No embedder → keyword only (``SearchResult.notes`` says so); units not embedded yet are found by keyword only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import ConfigError, EmbedderUnavailable
from ..index.segment import tokenize_query
from ..index.stores.base import ScoredUnit, Unit
from ..models import Post, PostFilter
from .filters import combine, resolve_kb, to_index_filter
from .timeexpr import parse_time_expression
from .types import Hit, SearchResult

if TYPE_CHECKING:
    from ..brain import Brain
    from .rerank import Reranker

MODES = ("hybrid", "keyword", "dense")


@dataclass
class FusionParams:
    """Tuned on half of the lcsts dev pairs (bench/retrieval.py); reported on the other half."""

    method: str = "score"  # "rrf" (reciprocal ranks) or "score" (min-max normalised scores, convex mix)
    rrf_k: float = 60.0
    keyword_weight: float = 1.0
    dense_weight: float = 1.0
    score_alpha: float = 0.45  # "score": keyword share of the mix
    depth: int = 100  # candidates taken from each retriever
    rerank_depth: int = 30
    dedupe_jaccard: float = 0.7


DEFAULT_FUSION = FusionParams()


def rrf(
    ranked_lists: list[list[str]], weights: list[float] | None = None, k: float = 60.0
) -> list[tuple[str, float]]:
    """Weighted reciprocal-rank fusion: score(d) = Σ w_i / (k + rank_i(d)), ranks from 1. Ties keep first-seen order."""
    weights = weights or [1.0] * len(ranked_lists)
    scores: dict[str, float] = {}
    for items, w in zip(ranked_lists, weights, strict=True):
        for rank, item in enumerate(items, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _minmax(scored: list[ScoredUnit]) -> dict[str, float]:
    if not scored:
        return {}
    hi = max(s.score for s in scored)
    lo = min(s.score for s in scored)
    span = hi - lo
    return {s.unit_id: ((s.score - lo) / span if span > 0 else 1.0) for s in scored}


def fuse(
    keyword: list[ScoredUnit],
    dense: list[ScoredUnit],
    params: FusionParams,
    no_vector: set[str] | None = None,
) -> list[tuple[str, float]]:
    """One ranked list from the keyword and dense lists (either may be empty), by ``params.method``.

    ``no_vector``: keyword hits that have no vector yet and so could not be in the dense list; they are fused as if
    the dense side agreed with the keyword side, instead of being pushed down for a vector they lack."""
    no_vector = no_vector or set()
    if params.method == "score":
        kw, dn = _minmax(keyword), _minmax(dense)
        if not dn or not kw:  # one retriever only: its own order
            only = kw or dn
            return sorted(only.items(), key=lambda kv: -kv[1])
        a = params.score_alpha
        mixed = {
            u: a * kw.get(u, 0.0) + (1 - a) * (kw.get(u, 0.0) if u in no_vector else dn.get(u, 0.0))
            for u in {**kw, **dn}
        }
        return sorted(mixed.items(), key=lambda kv: -kv[1])
    weights = [params.keyword_weight, params.dense_weight]
    fused = dict(rrf([[s.unit_id for s in keyword], [s.unit_id for s in dense]], weights, k=params.rrf_k))
    for rank, s in enumerate(keyword, start=1):
        if s.unit_id in no_vector:
            fused[s.unit_id] += params.dense_weight / (params.rrf_k + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])


# -- near duplicates ---------------------------------------------------------------------------------
_NOISE = re.compile(r"https?://\S+|[\s\W_]+", re.UNICODE)
_REPOST_PREFIX = re.compile(r"^(转发微博|轉發微博|repost|rt)\s*", re.IGNORECASE)


def normalized(text: str) -> str:
    return _NOISE.sub("", _REPOST_PREFIX.sub("", text.strip())).lower()


def shingles(text: str, n: int = 3) -> set[str]:
    t = normalized(text)
    if len(t) <= n:
        return {t} if t else set()
    return {t[i : i + n] for i in range(len(t) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 1.0 if a == b else 0.0
    return len(a & b) / len(a | b)


def collapse_duplicates(hits: list[Hit], threshold: float = 0.7) -> list[Hit]:
    """Keep the best-ranked of near-identical texts; the others' post ids go into ``Hit.duplicates``."""
    kept: list[tuple[Hit, str, set[str]]] = []
    for hit in hits:
        norm = normalized(hit.text)
        sh = shingles(hit.text)
        for other, other_norm, other_sh in kept:
            if norm == other_norm or jaccard(sh, other_sh) >= threshold:
                if hit.post.id is not None:
                    other.duplicates.append(hit.post.id)
                    other.duplicates.extend(hit.duplicates)
                break
        else:
            kept.append((hit, norm, sh))
    return [h for h, _, _ in kept]


# -- snippets ----------------------------------------------------------------------------------------
@lru_cache(maxsize=2048)
def _fold(text: str) -> str:
    """Lowercased, traditional → simplified, same length as ``text`` (so positions carry over)."""
    low = text.lower()
    if not any("\u4e00" <= ch <= "\u9fff" for ch in low):
        return low
    from zhconv import convert

    whole = convert(low, "zh-hans")
    if len(whole) == len(low):
        return whole
    folded = "".join(c if len(c := convert(ch, "zh-hans")) == 1 else ch for ch in low)
    return folded if len(folded) == len(low) else low


def matched_words(text: str, tokens: list[str]) -> list[str]:
    folded = _fold(text)
    out: list[str] = []
    for t in dict.fromkeys(tokens):
        if t and t in folded:
            out.append(t)
    # "马拉松" says it all: drop the sub-words search-mode segmentation adds ("马拉")
    return [w for w in out if not any(w != o and w in o for o in out)]


def snippet(text: str, tokens: list[str], width: int = 140) -> str:
    """About ``width`` characters around the first matched word, every matched word wrapped in 【】."""
    folded = _fold(text)
    spans: list[tuple[int, int]] = []
    for t in sorted(set(tokens), key=len, reverse=True):
        if not t:
            continue
        start = 0
        while (i := folded.find(t, start)) >= 0:
            if not any(a < i + len(t) and i < b for a, b in spans):
                spans.append((i, i + len(t)))
            start = i + len(t)
    spans.sort()
    flat = text.replace("\n", " ")
    if not spans:
        return flat[:width] + ("…" if len(flat) > width else "")
    lo = max(0, spans[0][0] - width // 4)
    hi = min(len(text), lo + width)
    out: list[str] = ["…" if lo > 0 else ""]
    pos = lo
    for a, b in spans:
        if a < lo or b > hi:
            continue
        out.append(flat[pos:a])
        out.append(f"【{flat[a:b]}】")
        pos = b
    out.append(flat[pos:hi])
    if hi < len(text):
        out.append("…")
    return "".join(out)


# -- the search ----------------------------------------------------------------------------------------
@dataclass
class _Candidate:
    unit: Unit
    score: float
    keyword_rank: int | None
    dense_rank: int | None
    cosine: float | None


def _pick_post(unit: Unit, posts: dict[int, Post], tokens: list[str]) -> Post | None:
    live = [posts[i] for i in unit.post_ids if i in posts and not posts[i].hidden]
    if not live:
        return None
    if len(live) > 1 and tokens:
        for p in live:
            if matched_words(p.full_text, tokens):
                return p
    return live[0]


def _year_phrase(since: datetime | None, until: datetime | None) -> str:
    if (
        since
        and until
        and since.month == 1
        and since.day == 1
        and until.year == since.year + 1
        and until.month == 1
        and until.day == 1
    ):
        return f"{since.year}年"
    parts = [since.date().isoformat() if since else "…", until.date().isoformat() if until else "…"]
    return " – ".join(parts)


def _behind(brain: Brain) -> int:
    """Archive changes the index has not applied yet. Searches never apply them (one writer: index/writer.py);
    they read the last committed state, and the note says what is missing."""
    return max(0, brain.archive.last_change_seq() - brain.index.applied_seq())


def search(
    brain: Brain,
    query: str,
    *,
    kb: str | None = None,
    flt: PostFilter | None = None,
    k: int = 10,
    mode: str = "hybrid",
    rerank: bool = False,
    now: datetime | None = None,
    fusion: FusionParams | None = None,
    reranker: Reranker | None = None,
) -> SearchResult:
    """Ranked posts for ``query`` (see the module doc). Never returns hidden or forgotten posts."""
    if mode not in MODES:
        raise ConfigError(f"search mode {mode!r}: use one of {', '.join(MODES)}")
    if k <= 0:
        raise ConfigError(f"-k {k}: ask for at least one result")
    params = fusion or DEFAULT_FUSION
    notes: list[str] = []
    tq = parse_time_expression(query, now=now)
    text = tq.text.strip()
    base = combine(flt, PostFilter(kb=kb) if kb else None)
    if tq.since or tq.until:
        base = combine(base, PostFilter(since=tq.since, until=tq.until))
    resolved = resolve_kb(brain, base)
    index_filter = to_index_filter(resolved)
    index = brain.index
    behind = _behind(brain)
    if behind:
        notes.append(
            f"{behind} 条改动尚未进入索引 ({behind} archive changes not indexed yet: "
            "`socialbrain index embed` or a running `serve` applies them)"
        )

    result = SearchResult(
        query=query,
        text_query=text,
        since=resolved.since,
        until=resolved.until,
        time_expression=tq.expression,
        mode=mode,
        hits=[],
        notes=notes,
    )
    time_why = f"时间: {tq.expression}" if tq.expression else None
    if not text:
        # only a time phrase (or nothing): the most recent posts in range
        posts = list(brain.archive.iter_posts(resolved, order="desc", limit=k))
        result.hits = [
            Hit(
                post=p,
                score=0.0,
                text=p.full_text,
                snippet=snippet(p.full_text, []),
                why=[w for w in (time_why,) if w],
            )
            for p in posts
        ]
        result.total_candidates = len(posts)
        notes.append("查询只有时间，按时间倒序列出 (only a time phrase: newest first)")
        return result

    tokens = tokenize_query(text)
    keyword: list[ScoredUnit] = []
    dense: list[ScoredUnit] = []
    no_vector: set[str] = set()
    if mode in ("hybrid", "keyword"):
        keyword = index.keyword_search(tokens, index_filter, params.depth)
    if mode in ("hybrid", "dense"):
        embedder = None
        try:
            embedder = brain.embedder
        except EmbedderUnavailable as e:
            if mode == "dense":
                raise
            notes.append(f"向量检索关闭: {e} (keyword only)")
        if embedder is None:
            if mode == "dense":
                raise ConfigError(
                    "dense search needs an embedder: set --embedder / SOCIALBRAIN_EMBEDDER (not 'none')"
                )
            if not any(n.startswith("向量检索关闭") for n in notes):
                notes.append("未配置向量模型，仅关键词检索 (dense search off: no embedder, keyword only)")
        else:
            index.check_model(embedder.name)
            pending, has_vectors = index.pending(), index.model is not None  # no full count per query
            if has_vectors:
                dense = index.vector_search(embedder.embed_query(text), index_filter, params.depth)
            if pending and dense:
                no_vector = set(index.units_without_vector_among([s.unit_id for s in keyword]))
            if pending:
                notes.append(
                    f"{pending} 个单元尚未向量化，只能按关键词找到 ({pending} units not embedded yet: "
                    "run `socialbrain index embed`)"
                )

    lists = [[s.unit_id for s in keyword], [s.unit_id for s in dense]]
    fused = fuse(keyword, dense, params, no_vector)
    result.total_candidates = len(fused)
    kw_rank = {u: i for i, u in enumerate(lists[0], start=1)}
    dn_rank = {u: i for i, u in enumerate(lists[1], start=1)}
    cosine = {s.unit_id: s.score for s in dense}

    # walk the fused list until k distinct, live, non-duplicate posts are found (hydrating in pages)
    hits: list[Hit] = []
    seen_posts: set[int] = set()
    page = max(k * 3, 30)
    for start in range(0, len(fused), page):
        chunk = fused[start : start + page]
        units = {u.unit_id: u for u in index.get_units([uid for uid, _ in chunk])}
        posts = brain.archive.get_many({pid for u in units.values() for pid in u.post_ids})
        for uid, score in chunk:
            unit = units.get(uid)
            if unit is None:
                continue
            post = _pick_post(unit, posts, tokens)
            if post is None or post.id in seen_posts:
                continue
            seen_posts.update(unit.post_ids)
            words = matched_words(unit.text, tokens)
            why = []
            if words and uid in kw_rank:
                why.append("关键词: " + ", ".join(words[:6]))
            if uid in cosine:
                why.append(f"语义相近 {cosine[uid]:.2f}")
            if time_why:
                why.append(time_why)
            hits.append(
                Hit(
                    post=post,
                    score=score,
                    text=unit.text,
                    snippet=snippet(unit.text, tokens),
                    why=why,
                    keyword_rank=kw_rank.get(uid),
                    dense_rank=dn_rank.get(uid),
                    context_post_ids=[i for i in unit.post_ids if i != post.id],
                )
            )
        hits = collapse_duplicates(hits, params.dedupe_jaccard)
        if len(hits) >= max(k, params.rerank_depth if rerank else 0):
            break

    if rerank:
        hits = _rerank(brain, text, hits, params, notes, reranker)
    result.hits = hits[:k]
    return result


def _rerank(
    brain: Brain,
    text: str,
    hits: list[Hit],
    params: FusionParams,
    notes: list[str],
    reranker: Reranker | None,
) -> list[Hit]:
    if reranker is None:
        from .rerank import load_reranker

        reranker = load_reranker(brain.settings, brain.overrides.get("reranker"))
    if reranker is None:
        notes.append("未配置重排模型，跳过重排 (no reranker configured: set [rerank] spec)")
        return hits
    head, tail = hits[: params.rerank_depth], hits[params.rerank_depth :]
    scores = reranker.rerank(text, [h.text for h in head])
    order = sorted(range(len(head)), key=lambda i: -scores[i])
    reranked = []
    for i in order:
        reranked.append(replace(head[i], score=scores[i], why=[*head[i].why, f"重排 {scores[i]:.2f}"]))
    return reranked + tail
