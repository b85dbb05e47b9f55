"""Whole-life and period questions: map-reduce over EVERY post in range, not the top-k.

1. plan: the posts in range are cut into periods (years, or months for ranges up to 18 months) and each period
   into chunks that fit a small model's context (:data:`MAP_BUDGET` estimated tokens of posts);
2. map: one LLM call per chunk summarises what its posts say about the question's theme, citing ``[n]``; the
   citations are checked and stored as post ids (``[#123]``) in the archive's ``summaries`` table, keyed by
   (period, scope, model, prompt version, content hash of the posts), so the same question later costs 0 map calls
   and a new post only re-runs its own chunk;
3. reduce: the summaries plus the posts they cite, renumbered ``[1..m]``, answer the question; the answer's
   citations are checked against those posts.

Token figures are estimates: CJK ≈ 1 token per character, other text ≈ 4 characters per token.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import LLMUnavailable
from ..localtime import to_local
from ..models import Post, PostFilter
from .citations import ClaimStreamFilter, check_claims
from .prompts import PROMPT_VERSION, NumberedPost, map_messages, post_line, reduce_messages
from .tokens import estimate_messages_tokens, estimate_tokens

if TYPE_CHECKING:
    from ..brain import Brain
    from .llm import LLM

MAP_BUDGET = 3000  # estimated tokens of posts per map call (fits 8k-context local models with room to answer)
REDUCE_MAX_POSTS = 60  # cited posts passed to the reduce step
_NOTHING = ("无相关内容", "nothing relevant")
_POST_REF = re.compile(r"\[#(\d+)\]")

Progress = Callable[[str, int, int], None]

_MARKERS_ZH = (
    "人生",
    "这些年",
    "这几年",
    "多年来",
    "这么多年",
    "这辈子",
    "一生",
    "总结",
    "性格",
    "最好的事",
    "最开心的事",
    "最难过的事",
    "所有",
    "一直",
    "从来",
    "迄今",
    "至今",
    "历年",
    "一路",
    "变化",
    "成长",
    "回顾",
    "整体",
)
_MARKERS_EN = (
    "whole life",
    "my life",
    "over the years",
    "all these years",
    "all my",
    "ever",
    "always",
    "summarize",
    "summarise",
    "summary of",
    "personality",
    "so far",
    "throughout",
    "looking back",
    "how have i changed",
    "best thing",
    "worst thing",
)


def is_whole_history_question(question: str) -> bool:
    """True for questions about the whole history or a long period ("人生", "这些年", "总结", "over the years"…)."""
    q = question.lower()
    if any(m in question for m in _MARKERS_ZH):
        return True
    return any(re.search(r"(?<![a-z])" + re.escape(m) + r"(?![a-z])", q) for m in _MARKERS_EN)


@dataclass
class PeriodSummary:
    period: str  # "2016" or "2016-05"
    text: str  # bullet points; citations written as [#post_id]
    cited_ids: list[int] = field(default_factory=list)


@dataclass
class Chunk:
    period: str
    index: int
    posts: list[Post]
    key: str = ""
    cached: bool = False


@dataclass
class CostEstimate:
    posts: int
    periods: int
    calls: int  # LLM calls still to make (map calls not cached + 1 reduce)
    cached_calls: int  # map calls answered from the cache
    prompt_tokens: int  # estimated prompt tokens of the calls still to make
    granularity: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def choose_granularity(posts: list[Post]) -> str:
    """ "month" when the posts span at most ~18 months, else "year"."""
    if not posts:
        return "year"
    span = posts[-1].created_at - posts[0].created_at
    return "month" if span.days <= 550 else "year"


def _period_of(post: Post, granularity: str) -> str:
    """The post's local month or year (socialbrain.localtime: the periods the timeline and reports show)."""
    return to_local(post.created_at).strftime("%Y-%m" if granularity == "month" else "%Y")


def _posts_hash(posts: list[Post]) -> str:
    h = hashlib.sha256()
    for p in posts:
        h.update(f"{p.id}\x00{p.created_at.isoformat()}\x00{p.full_text}\x00".encode())
    return h.hexdigest()[:32]


def _scope_label(theme: str | None, lang: str) -> str:
    return f"{lang}:{theme or '*'}"


def plan_chunks(
    posts: list[Post], granularity: str, *, theme: str | None, model: str, lang: str, budget: int = MAP_BUDGET
) -> list[Chunk]:
    """Periods cut into chunks of at most ``budget`` estimated tokens; each with its cache key."""
    by_period: dict[str, list[Post]] = {}
    for p in posts:
        by_period.setdefault(_period_of(p, granularity), []).append(p)
    chunks: list[Chunk] = []
    scope = _scope_label(theme, lang)
    for period in sorted(by_period):
        current: list[Post] = []
        used = 0
        index = 0
        for p in by_period[period]:
            cost = estimate_tokens(post_line(len(current) + 1, p)) + 1
            if current and used + cost > budget:
                chunks.append(Chunk(period, index, current))
                index += 1
                current, used = [], 0
            current.append(p)
            used += cost
        if current:
            chunks.append(Chunk(period, index, current))
    for c in chunks:
        raw = json.dumps([c.period, scope, model, PROMPT_VERSION, _posts_hash(c.posts)], ensure_ascii=False)
        c.key = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return chunks


def _cached(brain: Brain, key: str) -> tuple[str, list[int]] | None:
    return brain.archive.summary(key)


def _store(
    brain: Brain, chunk: Chunk, scope: str, model: str, text: str, cited: list[int], usage: dict[str, Any]
) -> None:
    brain.archive.save_summary(
        chunk.key,
        period=f"{chunk.period}#{chunk.index}" if chunk.index else chunk.period,
        scope=scope,
        model=model,
        text=text,
        cited=cited,
        usage=usage,
    )


def _posts_in_scope(brain: Brain, flt: PostFilter | None) -> list[Post]:
    return list(brain.archive.iter_posts(flt))


def _llm_or_fail(brain: Brain, llm: LLM | None) -> LLM:
    llm = llm or brain.llm
    if llm is None:
        raise LLMUnavailable(
            "period summaries need an LLM and none is configured: set SOCIALBRAIN_LLM_URL or --llm-url"
        )
    return llm


def _model_name(llm: LLM) -> str:
    resolve = getattr(llm, "resolve_model", None)
    if resolve is not None:
        resolve()
    return llm.name


@dataclass
class MapPlan:
    """A map step over every post in a scope, planned once: the LLM and its model, the posts, the chunks (each
    with its cache key). :meth:`estimate` says what it will cost, :meth:`run` does it (``ask`` shows the estimate,
    asks, then runs the same plan)."""

    brain: Brain
    llm: LLM
    model: str
    theme: str | None
    lang: str
    posts: list[Post]
    granularity: str
    chunks: list[Chunk]

    def estimate(self) -> CostEstimate:
        """LLM calls still to make and their estimated prompt tokens (cached summaries are free)."""
        tokens = 0
        cached = 0
        for c in self.chunks:
            if _cached(self.brain, c.key) is not None:
                cached += 1
                continue
            items = [NumberedPost(i, p, p.full_text) for i, p in enumerate(c.posts, start=1)]
            tokens += estimate_messages_tokens(map_messages(self.theme, c.period, items, lang=self.lang))
        periods = len({c.period for c in self.chunks})
        reduce_tokens = 600 + 250 * periods + 80 * min(REDUCE_MAX_POSTS, len(self.posts))
        calls = len(self.chunks) - cached + 1
        return CostEstimate(len(self.posts), periods, calls, cached, tokens + reduce_tokens, self.granularity)

    def run(self, progress: Progress | None = None) -> MapRun:
        """Per-period summaries for the theme, from the cache where possible."""
        by_period: dict[str, PeriodSummary] = {}
        calls = cached = 0
        usage = {"prompt_tokens": 0, "completion_tokens": 0}
        chunks = self.chunks
        for i, c in enumerate(chunks):
            if progress:
                progress(f"map {c.period}", i, len(chunks))
            hit = _cached(self.brain, c.key)
            if hit is not None:
                text, cited = hit
                cached += 1
            else:
                text, cited = _map_chunk(self.brain, self.llm, c, self.theme, self.lang, self.model)
                calls += 1
                u = getattr(self.llm, "last_usage", {}) or {}
                usage["prompt_tokens"] += int(u.get("prompt_tokens") or 0)
                usage["completion_tokens"] += int(u.get("completion_tokens") or 0)
            s = by_period.setdefault(c.period, PeriodSummary(c.period, "", []))
            if text in _NOTHING:
                continue
            s.text = (s.text + "\n" + text).strip()
            s.cited_ids.extend(x for x in cited if x not in s.cited_ids)
        if progress:
            progress("map", len(chunks), len(chunks))
        summaries = [s for s in by_period.values() if s.text]
        return MapRun(summaries, calls, cached, usage)


def plan_map(
    brain: Brain,
    flt: PostFilter | None,
    *,
    theme: str | None = None,
    granularity: str = "auto",
    llm: LLM | None = None,
    lang: str = "zh",
) -> MapPlan:
    """The map step over every post in ``flt`` (``granularity`` auto: months for up to ~18 months, else years)."""
    llm = _llm_or_fail(brain, llm)
    model = _model_name(llm)
    posts = _posts_in_scope(brain, flt)
    gran = choose_granularity(posts) if granularity == "auto" else granularity
    chunks = plan_chunks(posts, gran, theme=theme, model=model, lang=lang)
    return MapPlan(brain, llm, model, theme, lang, posts, gran, chunks)


def _map_chunk(
    brain: Brain, llm: LLM, chunk: Chunk, theme: str | None, lang: str, model: str
) -> tuple[str, list[int]]:
    items = [NumberedPost(i, p, p.full_text) for i, p in enumerate(chunk.posts, start=1)]
    text = "".join(llm.complete(map_messages(theme, chunk.period, items, lang=lang), stream=False))
    check = check_claims(text.strip(), range(1, len(items) + 1), lang=lang)
    id_of = {i.n: i.post.id for i in items if i.post.id is not None}
    as_ids = re.sub(r"\[(\d+)\]", lambda m: f"[#{id_of[int(m.group(1))]}]", check.text)
    cited = [id_of[n] for n in check.cited if n in id_of]
    if not cited and any(as_ids.strip().startswith(x) for x in _NOTHING):
        as_ids = _NOTHING[0] if lang == "zh" else _NOTHING[1]
    _store(
        brain, chunk, _scope_label(theme, lang), model, as_ids, cited, getattr(llm, "last_usage", {}) or {}
    )
    return as_ids, cited


@dataclass
class MapRun:
    summaries: list[PeriodSummary]
    map_calls: int
    cached_calls: int
    usage: dict[str, int]


def period_summaries(
    brain: Brain,
    flt: PostFilter | None,
    granularity: str = "year",
    llm: LLM | None = None,
    progress: Progress | None = None,
    *,
    theme: str | None = None,
    lang: str = "zh",
) -> list[PeriodSummary]:
    """Cached per-period summaries over every post in ``flt`` (periods with nothing relevant are left out).

    ``theme`` None summarises life, thoughts and moods; citations in ``text`` are ``[#post_id]``.
    """
    plan = plan_map(brain, flt, theme=theme, granularity=granularity, llm=llm, lang=lang)
    return plan.run(progress).summaries


def reduce_inputs(
    brain: Brain, summaries: list[PeriodSummary], *, max_posts: int = REDUCE_MAX_POSTS
) -> tuple[list[tuple[str, str]], list[NumberedPost]]:
    """Summaries renumbered to ``[1..m]`` and the m posts they cite (spread evenly over periods)."""
    per_period = max(2, max_posts // max(1, len(summaries)))
    chosen: list[int] = []
    for s in summaries:
        for pid in s.cited_ids[:per_period]:
            if pid not in chosen and len(chosen) < max_posts:
                chosen.append(pid)
    posts = brain.archive.get_many(chosen)
    chosen = [pid for pid in chosen if pid in posts and not posts[pid].hidden]
    number = {pid: n for n, pid in enumerate(chosen, start=1)}

    def renumber(text: str) -> str:
        return _POST_REF.sub(
            lambda m: f"[{number[int(m.group(1))]}]" if int(m.group(1)) in number else "", text
        )

    period_texts = [(s.period, renumber(s.text)) for s in summaries]
    items = [NumberedPost(number[pid], posts[pid], posts[pid].full_text) for pid in chosen]
    return period_texts, items


def reduce_stream(
    brain: Brain, question: str, summaries: list[PeriodSummary], llm: LLM, *, lang: str
) -> tuple[list[NumberedPost], Iterator[str], ClaimStreamFilter]:
    """The reduce step's numbered posts, its streamed text checked claim by claim, and the filter
    (cited/dropped/unsupported)."""
    period_texts, items = reduce_inputs(brain, summaries)
    flt = ClaimStreamFilter(range(1, len(items) + 1), lang=lang)

    def gen() -> Iterator[str]:
        for delta in llm.complete(reduce_messages(question, period_texts, items, lang=lang), stream=True):
            out = flt.feed(delta)
            if out:
                yield out
        tail = flt.flush()
        if tail:
            yield tail

    return items, gen(), flt


class Reduced(NamedTuple):
    text: str  # every checked [n] turned into [#post id]
    cited: list[int]  # post ids
    dropped: list[int]  # numbers the LLM cited that were not given


def reduce_to_post_ids(
    brain: Brain, question: str, summaries: list[PeriodSummary], llm: LLM, *, lang: str = "zh"
) -> Reduced:
    """The reduce step written out for a report: its text with every checked ``[n]`` turned into ``[#post id]``
    (unknown numbers dropped), the cited post ids, and the dropped citation numbers."""
    items, stream, checker = reduce_stream(brain, question, summaries, llm, lang=lang)
    by_number = {item.n: item.post.id for item in items if item.post.id is not None}
    text = re.sub(
        r"\[(\d+)\]",
        lambda m: f"[#{by_number[int(m.group(1))]}]" if int(m.group(1)) in by_number else "",
        "".join(stream),
    )
    return Reduced(text, [by_number[n] for n in checker.cited if n in by_number], list(checker.dropped))
