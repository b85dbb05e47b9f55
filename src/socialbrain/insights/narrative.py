"""LLM narrative for reports: map-reduce over every post of the period (never only the top-k) through
``socialbrain.answer.mapreduce.period_summaries``, whose summaries cite only posts they were given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..answer.mapreduce import period_summaries
from ..localtime import local_zone
from ..models import PostFilter
from .common import Progress, Row, ShouldStop, check_stop

if TYPE_CHECKING:
    from ..answer.llm import LLM
    from ..brain import Brain


def _year_filter(base: PostFilter, year: int) -> PostFilter:
    """The user's local ``year`` (socialbrain.localtime), as reports count it."""
    zone = local_zone()
    return replace(base, since=datetime(year, 1, 1, tzinfo=zone), until=datetime(year + 1, 1, 1, tzinfo=zone))


YEAR_QUESTION = "这一年的生活、想法和心情：写一段简短的年度回顾，每句都标注出处"


def year_narrative(
    brain: Brain,
    year: int,
    base: PostFilter,
    llm: LLM | None,
    *,
    progress: Progress = None,
    should_stop: ShouldStop = None,
    public: bool = False,
    ids: list[int] | None = None,
) -> list[dict[str, Any]]:
    """The year's story (reduce over the monthly summaries) followed by one part per month, each
    ``{id, title, text, cited_ids}`` with citations written ``[#post_id]`` and checked against the posts given;
    [] without an LLM."""
    if llm is None:
        return []
    check_stop(should_stop)
    # the year's posts by id when the caller has them (the very rows its statistics counted), else the local year
    flt = replace(base, ids=ids) if ids is not None else _year_filter(base, year)
    summaries = [
        s
        for s in period_summaries(brain, flt, granularity="month", llm=llm, progress=progress)
        if getattr(s, "text", "").strip()
    ]
    if not summaries:
        return []
    check_stop(should_stop)
    parts: list[dict[str, Any]] = []
    from ..answer import mapreduce

    text, cited, dropped = mapreduce.reduce_to_post_ids(brain, YEAR_QUESTION, summaries, llm)
    if text.strip() and cited:
        parts.append(
            {
                "id": "story",
                "title": f"{year} 年的故事 / The story",
                "text": text.strip(),
                "cited_ids": cited,
                "dropped_citations": dropped,
            }
        )
    for s in summaries:
        parts.append(
            {
                "id": f"month-{s.period}",
                "title": str(s.period),
                "text": s.text,
                "cited_ids": list(getattr(s, "cited_ids", []) or []),
            }
        )
    return parts


def theme_narratives(
    brain: Brain,
    base: PostFilter,
    llm: LLM | None,
    themes: list[str],
    rows: Sequence[Row],
    tokens: Sequence[Sequence[str | None]],
    *,
    progress: Progress = None,
    should_stop: ShouldStop = None,
) -> list[dict[str, Any]]:
    """One part per theme: map-reduce's per-period summary over EVERY post of the year that uses the theme word
    (a few calls each: only those posts are sent), citations ``[#post_id]`` checked by map-reduce."""
    if llm is None:
        return []
    parts = []
    for word in themes:
        check_stop(should_stop)
        ids = [r.id for r, toks in zip(rows, tokens, strict=True) if word in toks]
        if len(ids) < 2:
            continue
        summaries = period_summaries(
            brain, replace(base, ids=ids), granularity="year", llm=llm, progress=progress, theme=word
        )
        text = "\n".join(s.text for s in summaries if s.text.strip())
        cited = [i for s in summaries for i in s.cited_ids]
        if text and cited:
            parts.append(
                {"id": f"theme-{word}", "title": f"主题：{word} / Theme", "text": text, "cited_ids": cited}
            )
    return parts


def year_llm_cost(
    brain: Brain, base: PostFilter, years: list[int], llm: LLM | None
) -> tuple[int, int, int]:
    """(posts, LLM calls, estimated prompt tokens) the narrative of ``years`` will cost (cached summaries are free)."""
    from ..answer import mapreduce
    from .common import iter_rows

    posts = calls = tokens = 0
    for y in years:
        ids = [r.id for r in iter_rows(brain, base, years=[y])]
        est = mapreduce.plan_map(brain, replace(base, ids=ids), granularity="month", llm=llm).estimate()
        posts += est.posts
        calls += est.calls + 3  # plus about one call per theme (insights.yearly.THEMES_PER_YEAR)
        tokens += est.prompt_tokens
    return posts, calls, tokens
