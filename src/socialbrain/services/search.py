"""Search for every face: the same checks, the same filter, the same records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .archive import check_platforms, require_archive
from .filters import build_filter
from .records import search_record

if TYPE_CHECKING:
    from ..brain import Brain

MAX_K = 100
MODES = ("hybrid", "keyword", "dense")


def check_k(k: int, name: str = "k", top: int = MAX_K) -> int:
    if not 1 <= k <= top:
        raise ConfigError(f"{name}={k}: ask for 1 to {top}")
    return k


def search(
    brain: Brain,
    query: str,
    *,
    since: str | None = None,
    until: str | None = None,
    platforms: str | Iterable[str] | None = None,
    kinds: str | Iterable[str] | None = None,
    min_likes: int | None = None,
    kb: str | None = None,
    k: int = 10,
    mode: str = "hybrid",
    rerank: bool = False,
    now: datetime | None = None,
    all_years: bool = False,
) -> dict[str, Any]:
    """Hybrid, time-aware search (a time phrase in the query becomes a date range) → a search record.

    ``all_years`` ignores time phrases; the record says whether anything cleared the relevance floor
    (``relevant``, ``empty_message``) and how the time range was applied (see retrieve/types.py)."""
    from ..retrieve.search import search as run_search

    if not query or not query.strip():
        raise ConfigError("query is empty: say what to look for, e.g. 跑步 or 'remote work 2019'")
    check_k(k)
    if mode not in MODES:
        raise ConfigError(f"mode={mode!r}: use one of {', '.join(MODES)}")
    flt = build_filter(since=since, until=until, platforms=platforms, kinds=kinds, min_likes=min_likes)
    require_archive(brain)
    check_platforms(brain, flt)
    kb = kb if kb and kb != "all" else None
    result = run_search(
        brain, query, kb=kb, flt=flt, k=k, mode=mode, rerank=rerank, now=now, all_years=all_years
    )
    return search_record(result)
