"""What the MCP tools do, as plain functions over a Brain: JSON-ready dicts, read-only, never a hidden post.

`mcp_server.py` only adapts these to the protocol (schemas, errors, redaction). Every post in a result carries
``id, date, platform, url, text``; user mistakes raise `socialbrain.errors` subclasses with one clear line.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .errors import ArchiveError, ConfigError, NotFoundError
from .models import Post, PostFilter
from .timeparse import parse_user_date

if TYPE_CHECKING:
    from .brain import Brain

MAX_K = 50
MAX_PAGE = 200
THREAD_DEPTH = 10  # ancestors followed up a reply chain
CONVERSATION_SPAN = 3  # chat messages shown before and after one message
MAX_REPLIES = 20


def require_archive(brain: Brain) -> None:
    """Raise (without creating anything) when the data directory holds no archive yet."""
    path = brain.settings.archive_path
    if not path.exists():
        raise ArchiveError(
            f"no archive at {path} yet: run `socialbrain import PATH` first (or set SOCIALBRAIN_HOME)"
        )


def post_json(post: Post) -> dict[str, Any]:
    """A post as the tools return it. Only http(s) URLs are kept."""
    url = post.url if post.url and post.url.lower().startswith(("http://", "https://")) else None
    d: dict[str, Any] = {
        "id": post.id,
        "date": post.created_at.isoformat(),
        "platform": post.platform,
        "account": post.account,
        "kind": str(post.kind),
        "url": url,
        "text": post.text,
    }
    if post.ref_text:
        d["quoted"] = {"author": post.ref_author, "text": post.ref_text}
    if post.author:
        d["author"] = post.author
    for key in ("likes", "reposts", "comments"):
        value = getattr(post, key)
        if value:
            d[key] = value
    return d


def parse_date(value: str | None, field: str, *, end: bool) -> datetime | None:
    if value is None or not str(value).strip():
        return None
    try:
        return parse_user_date(str(value), end=end)
    except ValueError as e:
        raise ConfigError(f"{field}={value!r}: {e}") from None


def known_platforms(brain: Brain) -> list[str]:
    return [r[0] for r in brain.archive.execute("SELECT DISTINCT platform FROM posts ORDER BY platform")]


def build_filter(
    brain: Brain, since: str | None = None, until: str | None = None, platform: str | None = None
) -> PostFilter:
    """A PostFilter from tool arguments: ISO/partial dates (an ``until`` day or month is inclusive) and platforms."""
    flt = PostFilter(since=parse_date(since, "since", end=False), until=parse_date(until, "until", end=True))
    if flt.since and flt.until and flt.since >= flt.until:
        raise ConfigError(f"since={since!r} is not before until={until!r}: swap them")
    if platform:
        wanted = [p.strip().lower() for p in platform.split(",") if p.strip()]
        have = known_platforms(brain)
        unknown = [p for p in wanted if p not in have]
        if unknown:
            raise ConfigError(f"platform={unknown[0]!r}: the archive has {', '.join(have) or 'no posts yet'}")
        flt.platforms = wanted
    return flt


def _check_k(k: int, name: str, top: int) -> int:
    if not 1 <= k <= top:
        raise ConfigError(f"{name}={k}: ask for 1 to {top}")
    return k


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
    now: datetime | None = None,
) -> dict[str, Any]:
    """Hybrid, time-aware search (a time phrase in the query becomes a date filter, as in the CLI)."""
    from .retrieve.search import search

    require_archive(brain)
    if not query or not query.strip():
        raise ConfigError("query is empty: say what to look for, e.g. 跑步 or 'remote work 2019'")
    _check_k(k, "k", MAX_K)
    flt = build_filter(brain, since, until, platform)
    result = search(brain, query, kb=kb or None, flt=flt, k=k, now=now)
    posts = []
    for hit in result.hits:
        d = post_json(hit.post)
        d["score"] = round(hit.score, 5)
        d["snippet"] = hit.snippet
        d["why"] = hit.why
        if hit.context_post_ids:
            d["context_post_ids"] = hit.context_post_ids
        if hit.duplicates:
            d["duplicates"] = hit.duplicates
        posts.append(d)
    return {
        "query": result.query,
        "searched_text": result.text_query,
        "time_expression": result.time_expression,
        "since": result.since.isoformat() if result.since else None,
        "until": result.until.isoformat() if result.until else None,
        "mode": result.mode,
        "notes": result.notes,
        "posts": posts,
    }


# -- one post with its context --------------------------------------------------------------------------
def _visible(brain: Brain, ids: list[int]) -> list[Post]:
    posts = brain.archive.get_many(ids)
    return [posts[i] for i in ids if i in posts and not posts[i].hidden]


def _parent_id(brain: Brain, post: Post) -> int | None:
    row = brain.archive.execute(
        "SELECT id FROM posts WHERE platform=? AND post_id=? AND hidden=0 ORDER BY account=? DESC LIMIT 1",
        (post.platform, post.reply_to, post.account),
    ).fetchone()
    return row[0] if row else None


def visible_post(brain: Brain, post_id: int) -> Post:
    require_archive(brain)
    post = brain.archive.get_many([post_id]).get(post_id)
    if post is None or post.hidden:
        raise NotFoundError(
            f"no post with id {post_id} (never imported, hidden or forgotten): find ids with search_posts or timeline"
        )
    return post


def get_post(brain: Brain, post_id: int) -> dict[str, Any]:
    """One post with its context: the reply chain above it, its replies, what it quotes, chat neighbours."""
    post = visible_post(brain, post_id)
    out = post_json(post)
    out.update(
        location=post.location,
        media=post.media,
        source_tool=post.source_tool,
        reply_to=post.reply_to,
        conversation=post.conversation,
    )
    context: dict[str, Any] = {}
    if post.reply_to:
        chain: list[Post] = []
        current = post
        missing = None
        while current.reply_to and len(chain) < THREAD_DEPTH:
            pid = _parent_id(brain, current)
            if pid is None or any(p.id == pid for p in chain):
                missing = current.reply_to if pid is None else None
                break
            current = brain.archive.get(pid)
            chain.append(current)
        context["replies_to"] = [post_json(p) for p in reversed(chain)]  # the thread's root first
        if missing:
            context["replies_to_missing"] = f"{post.platform} post {missing} is not in the archive"
    if post.post_id:
        ids = [
            r[0]
            for r in brain.archive.execute(
                "SELECT id FROM posts WHERE platform=? AND reply_to=? AND hidden=0 ORDER BY created_ts, id LIMIT ?",
                (post.platform, post.post_id, MAX_REPLIES),
            )
        ]
        if ids:
            context["replies"] = [post_json(p) for p in _visible(brain, ids)]
    if post.conversation:
        ts = post.created_at.timestamp()
        base = "SELECT id FROM posts WHERE platform=? AND conversation=? AND hidden=0 AND id != ? AND "
        before = [
            r[0]
            for r in brain.archive.execute(
                base
                + "(created_ts < ? OR (created_ts = ? AND id < ?)) ORDER BY created_ts DESC, id DESC LIMIT ?",
                (post.platform, post.conversation, post.id, ts, ts, post.id, CONVERSATION_SPAN),
            )
        ]
        after = [
            r[0]
            for r in brain.archive.execute(
                base + "(created_ts > ? OR (created_ts = ? AND id > ?)) ORDER BY created_ts, id LIMIT ?",
                (post.platform, post.conversation, post.id, ts, ts, post.id, CONVERSATION_SPAN),
            )
        ]
        context["conversation_before"] = [post_json(p) for p in _visible(brain, list(reversed(before)))]
        context["conversation_after"] = [post_json(p) for p in _visible(brain, after)]
    out["context"] = context
    return out


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
    _check_k(limit, "limit", MAX_PAGE)
    if not since or not until:
        raise ConfigError("timeline needs since and until, e.g. since=2019-01 until=2019-12")
    flt = build_filter(brain, since, until, platform)
    if kb:
        from .retrieve.filters import resolve_kb

        flt = resolve_kb(brain, PostFilter(**{**flt.__dict__, "kb": kb}))
    offset = _offset(cursor)
    total = brain.archive.count(flt)
    posts = [post_json(p) for p in brain.archive.iter_posts(flt, order="asc", limit=limit, offset=offset)]
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
) -> dict:
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
