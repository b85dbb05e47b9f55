"""Posts and search results as JSON records: the ONE serializer every face uses (CLI --json, web API, MCP).

URL policy (the same everywhere): only ``http(s)`` links are kept, anything else (``javascript:``, ``file:``,
platform-internal schemes) becomes ``None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..localtime import to_local
from ..models import Post

if TYPE_CHECKING:
    from ..retrieve.types import Hit, SearchResult


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) link, else None."""
    return url if url and url.strip().lower().startswith(("http://", "https://")) else None


def post_record(post: Post, *, full: bool = False) -> dict[str, Any]:
    """A post: id, date, platform, account, kind, url, text, author, what it quotes, counts.

    ``full`` adds where/how it was written and its place in a thread or chat."""
    d: dict[str, Any] = {
        "id": post.id,
        "date": to_local(post.created_at).isoformat(),  # the instant, shown in the user's zone (localtime)
        "platform": post.platform,
        "account": post.account,
        "kind": str(post.kind),
        "url": safe_url(post.url),
        "text": post.text,
        "author": post.author,
        "ref_text": post.ref_text,
        "ref_author": post.ref_author,
        "likes": post.likes,
        "reposts": post.reposts,
        "comments": post.comments,
    }
    if full:
        d.update(
            location=post.location,
            media=list(post.media),
            source_tool=post.source_tool,
            reply_to=post.reply_to,
            conversation=post.conversation,
        )
    return d


def hit_record(hit: Hit) -> dict[str, Any]:
    """One search hit: its post's record plus the matched unit, the snippet (matches in 【】) and why it matched."""
    d = post_record(hit.post)
    d.update(
        unit_text=hit.text,
        snippet=hit.snippet,
        score=round(hit.score, 6),
        why=list(hit.why),
        keyword_rank=hit.keyword_rank,
        dense_rank=hit.dense_rank,
        duplicates=list(hit.duplicates),
        context_post_ids=list(hit.context_post_ids),
        weak=hit.weak,
    )
    return d


def search_record(result: SearchResult) -> dict[str, Any]:
    """A whole search: what was searched (after a time phrase became a date range) and the hits."""
    return {
        "query": result.query,
        "text_query": result.text_query,
        "time_expression": result.time_expression,
        "since": result.since.isoformat() if result.since else None,
        "until": result.until.isoformat() if result.until else None,
        "mode": result.mode,
        "notes": list(result.notes),
        **result.relevance_json(),
        "hits": [hit_record(h) for h in result.hits],
    }
