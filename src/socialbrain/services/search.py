"""Search for every face: the same checks, the same filter, the same records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from ..errors import ConfigError
from .archive import check_platforms, require_archive
from .filters import build_filter
from .records import search_record

if TYPE_CHECKING:
    from ..brain import Brain
    from ..retrieve.types import SearchResult

MAX_K = 100
MODES = ("hybrid", "keyword", "dense")


def check_k(k: int, name: str = "k", top: int = MAX_K) -> int:
    if not 1 <= k <= top:
        raise ConfigError(f"{name}={k}: ask for 1 to {top}")
    return k


class SearchOptions(TypedDict, total=False):
    """What a search can be narrowed by (every face and the public API take these keywords)."""

    since: str | None  # dates as typed: 2016, 2016-05, 2016-05-04 (until is inclusive)
    until: str | None
    platforms: str | Iterable[str] | None  # a list, or comma-separated
    kinds: str | Iterable[str] | None
    min_likes: int | None
    kb: str | None  # a knowledge base ("all" or None: the whole archive)
    own_only: bool  # only what the archive's owner wrote (others' messages in chats left out)
    k: int
    mode: str  # hybrid, keyword or dense
    rerank: bool
    now: datetime | None  # what "去年" is relative to (tests)
    all_years: bool  # ignore time phrases in the query


def run(brain: Brain, query: str, **opts: Unpack[SearchOptions]) -> SearchResult:
    """Hybrid, time-aware search (a time phrase in the query becomes a date range), with the checks every face
    shares: a query, 1 ≤ k ≤ 100, a known mode, an archive, platforms the archive has. The result says whether
    anything cleared the relevance floor and how the time range was applied (see retrieve/types.py)."""
    from ..retrieve.search import search as run_search

    if not query or not query.strip():
        raise ConfigError("query is empty: say what to look for, e.g. 跑步 or 'remote work 2019'")
    k = check_k(opts.get("k", 10))
    mode = opts.get("mode", "hybrid")
    if mode not in MODES:
        raise ConfigError(f"mode={mode!r}: use one of {', '.join(MODES)}")
    flt = build_filter(
        since=opts.get("since"),
        until=opts.get("until"),
        platforms=opts.get("platforms"),
        kinds=opts.get("kinds"),
        min_likes=opts.get("min_likes"),
        own_only=opts.get("own_only", False),
    )
    require_archive(brain)
    check_platforms(brain, flt)
    kb = opts.get("kb")
    return run_search(
        brain, query, kb=kb if kb and kb != "all" else None, flt=flt, k=k, mode=mode,
        rerank=opts.get("rerank", False), now=opts.get("now"), all_years=opts.get("all_years", False),
    )


def search(brain: Brain, query: str, **opts: Unpack[SearchOptions]) -> dict[str, Any]:
    """:func:`run` as the search record every face returns."""
    return search_record(run(brain, query, **opts))
