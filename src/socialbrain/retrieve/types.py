"""What a search returns: every face renders these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
