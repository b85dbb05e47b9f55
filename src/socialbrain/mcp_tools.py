"""What the MCP tools do, as plain functions over a Brain: JSON-ready dicts, read-only, never a hidden post.

`mcp_server.py` only adapts these to the protocol (schemas, errors, redaction). Every post in a result carries
``id, date, platform, url, text``; user mistakes raise `socialbrain.errors` subclasses with one clear line.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .errors import ConfigError
from .services import build_filter as _build_filter
from .services import check_k, check_platforms, post_record, require_archive, thread, visible_post
from .services import search as _search

if TYPE_CHECKING:
    from .brain import Brain
    from .models import PostFilter

MAX_K = 50
MAX_PAGE = 200

__all__ = ["require_archive", "visible_post"]


def build_filter(
    brain: Brain, since: str | None = None, until: str | None = None, platform: str | None = None
) -> PostFilter:
    """A PostFilter from tool arguments (the service layer's parser), platforms checked against the archive."""
    flt = _build_filter(since=since, until=until, platforms=platform)
    check_platforms(brain, flt)
    return flt


# -- search ------------------------------------------------------------------------------------------
def search_posts(
    brain: Brain,
    query: str,
    *,
    since: str | None = None,
    until: str | None = None,
    platform: str | None = None,
    kb: str | None = None,
    k: int = 10,
    own_only: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Hybrid, time-aware search (a time phrase in the query becomes a date filter, as in the CLI).

    The tool's result is the service layer's search record with the hits under ``posts``."""
    check_k(k, "k", MAX_K)
    record = _search(
        brain, query, since=since, until=until, platforms=platform, kb=kb, k=k, own_only=own_only, now=now
    )
    record["posts"] = record.pop("hits")
    return record


# -- one post with its context --------------------------------------------------------------------------
def get_post(brain: Brain, post_id: int) -> dict[str, Any]:
    """One post with its context: the reply chain above it, its replies, chat neighbours."""
    return thread(brain, post_id)


# -- timeline --------------------------------------------------------------------------------------------
def _offset(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    if not cursor.startswith("o") or not cursor[1:].isdigit():
        raise ConfigError(f"cursor={cursor!r}: pass the next_cursor of the previous page (or leave it out)")
    return int(cursor[1:])


def timeline(
    brain: Brain,
    since: str,
    until: str,
    *,
    platform: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    kb: str | None = None,
) -> dict[str, Any]:
    """Posts in a date range, oldest first, ``limit`` per page; ``next_cursor`` fetches the next page."""
    require_archive(brain)
    check_k(limit, "limit", MAX_PAGE)
    if not since or not until:
        raise ConfigError("timeline needs since and until, e.g. since=2019-01 until=2019-12")
    flt = build_filter(brain, since, until, platform)
    if kb:
        from dataclasses import replace

        from .retrieve.filters import resolve_kb

        flt = resolve_kb(brain, replace(flt, kb=kb))
    offset = _offset(cursor)
    total = brain.archive.count(flt)
    posts = [post_record(p) for p in brain.archive.iter_posts(flt, order="asc", limit=limit, offset=offset)]
    nxt = offset + len(posts)
    return {
        "since": flt.since.isoformat() if flt.since else None,
        "until": flt.until.isoformat() if flt.until else None,
        "total": total,
        "offset": offset,
        "posts": posts,
        "next_cursor": f"o{nxt}" if nxt < total and posts else None,
    }


# -- answers, reports, knowledge bases ---------------------------------------------------------------------
NO_LLM_NOTE = (
    "socialbrain 未配置 LLM：以下是检索到的帖子，请你据此回答，并用 [帖子id] 注明出处。"
    " / No LLM is configured in socialbrain: these are the retrieved posts. Answer from them yourself and cite "
    "post ids like [123]."
)


def ask(
    brain: Brain, question: str, *, kb: str | None = None, k: int = 8, now: datetime | None = None
) -> dict[str, Any]:
    """A cited answer when an LLM is configured; otherwise the retrieved posts with a note for the calling assistant."""
    from .answer.ask import ask as ask_archive

    require_archive(brain)
    if not question or not question.strip():
        raise ConfigError("question is empty: ask something, e.g. 我哪一年最开心？")
    llm = brain.llm
    if llm is None:
        ans = ask_archive(brain, question, kb=kb or None, mode="retrieval", k=k, now=now)
        return {
            "mode": "retrieval",
            "note": NO_LLM_NOTE,
            "answer": ans.text,
            "posts": ans.sources,
            "scope": ans.scope,
        }
    ans = ask_archive(brain, question, kb=kb or None, mode="llm", scope="topk", k=k, now=now)
    return {
        "mode": ans.mode,  # "retrieval" when the endpoint was down (llm_error says why)
        "answer": ans.text,
        "citations": ans.citations,
        "dropped_citations": ans.dropped_citations,
        "unsupported_claims": ans.unsupported_claims,
        "llm_error": ans.llm_error,
        "posts": ans.sources,
        "scope": ans.scope,
    }


def year_review(brain: Brain, year: int | None = None, *, public: bool = False) -> dict[str, Any]:
    """The data behind the yearly review (statistics only, the same keys as `socialbrain report year --json`)."""
    from .insights.yearly import year_review as review

    require_archive(brain)
    report = review(brain, year, public=public, use_llm=False)
    return {k: v for k, v in report.items() if not str(k).startswith("_")}


def list_knowledge_bases(brain: Brain) -> list[dict[str, Any]]:
    from .index.kb import list_kbs

    require_archive(brain)
    return [
        {"name": kb.name, "description": kb.description, "posts": kb.posts, "filter": kb.filter}
        for kb in list_kbs(brain)
    ]


def index_status(brain: Brain) -> dict[str, Any]:
    """How far the index is (units, vectors, percent, ``line`` like 向量索引 62%：6,200 / 10,000)."""
    from .index.status import index_status as status

    return status(brain).to_json()
