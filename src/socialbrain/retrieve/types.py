"""What a search returns: every face renders these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..models import Post


@dataclass
class Hit:
    post: Post
    score: float
    text: str  # the unit's text (a post, a piece of a long post, or a chat window)
    snippet: str  # text around the matched words, matched words wrapped in 【】
    why: list[str] = field(default_factory=list)  # e.g. ["关键词: 跑步, 马拉松", "语义相近 0.82"]
    keyword_rank: int | None = None
    dense_rank: int | None = None
    duplicates: list[int] = field(default_factory=list)  # ids of near-identical posts collapsed into this one
    context_post_ids: list[int] = field(default_factory=list)  # other posts in the same unit (chat windows)
    coverage: float = 0.0  # IDF-weighted share of the query's words in the text (retrieve/terms.py)
    cosine: float | None = None  # the dense side's similarity, when it saw this unit
    weak: bool = (
        False  # below the relevance floor: at most a few shown, in their ranked place, labelled 弱相关
    )


@dataclass
class SearchResult:
    query: str  # as typed
    text_query: str  # what was searched after time expressions were taken out
    since: datetime | None
    until: datetime | None
    time_expression: str | None  # the phrase that became the date filter, e.g. "2016年"
    mode: str  # "hybrid" / "keyword" / "dense"
    hits: list[Hit]
    notes: list[str] = field(default_factory=list)  # e.g. "dense search off: no embedder (keyword only)"
    total_candidates: int = 0
    relevant: bool = (
        True  # False: nothing cleared the relevance floor ("没有找到相关的帖子"); hits are weak ones
    )
    floor: dict[str, float] = field(
        default_factory=dict
    )  # the thresholds applied: {"coverage": .., "cosine": ..}
    time_filter: str | None = (
        None  # "applied" (a date filter), "subject" (a dated subject, not a filter), "off"
    )
    range_label: str | None = None  # the applied range in words: "2016年", "2019-06-01 – 2019-09-01"
    outside_range: int | None = (
        None  # a filtered search found nothing: relevant posts found without the range
    )

    def relevance_json(self) -> dict[str, Any]:
        """The relevance and time-range fields every face shows (JSON-ready): whether anything cleared the
        floor, the message for the empty state, the thresholds, and the time filter as applied."""
        return {
            "relevant": self.relevant,
            "empty_message": self.empty_message,
            "floor": dict(self.floor),
            "time_filter": self.time_filter,
            "range_label": self.range_label,
            "outside_range": self.outside_range,
        }

    @property
    def empty_message(self) -> str | None:
        """What to show instead of a list when nothing relevant was found (None when something was)."""
        if self.relevant and self.hits:
            return None
        if self.time_filter == "applied" and self.range_label:
            more = (
                f"；不限时间有 {self.outside_range}{'+' if self.outside_range >= 50 else ''} 条相关的（--all-years）"
                if self.outside_range
                else "；不限时间也没有"
            )
            return f"{self.range_label}没有找到相关的帖子{more}"
        return "没有找到相关的帖子"
