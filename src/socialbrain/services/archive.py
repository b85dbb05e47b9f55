"""Reading the archive the way every face does: the archive must exist, hidden posts are never shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ArchiveError, ConfigError, NotFoundError
from ..models import Post, PostFilter
from .records import post_record

if TYPE_CHECKING:
    from ..brain import Brain

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


def check_platforms(brain: Brain, flt: PostFilter) -> None:
    """Refuse a platform the archive has no posts from (a typo would otherwise look like 'no results')."""
    if not flt.platforms:
        return
    have = brain.archive.platforms()
    unknown = [p for p in flt.platforms if p not in have]
    if unknown:
        raise ConfigError(f"platform={unknown[0]!r}: the archive has {', '.join(have) or 'no posts yet'}")


def visible_post(brain: Brain, post_id: int) -> Post:
    require_archive(brain)
    post = brain.archive.get_many([post_id]).get(post_id)
    if post is None or post.hidden:
        raise NotFoundError(
            f"no post with id {post_id} (never imported, hidden or forgotten): find ids with search or timeline"
        )
    return post


def _visible(brain: Brain, ids: list[int]) -> list[Post]:
    posts = brain.archive.get_many(ids)
    return [posts[i] for i in ids if i in posts and not posts[i].hidden]


def thread(brain: Brain, post_id: int) -> dict[str, Any]:
    """One post with its context: the reply chain above it (root first), its replies, chat neighbours."""
    post = visible_post(brain, post_id)
    out = post_record(post, full=True)
    context: dict[str, Any] = {}
    if post.reply_to:
        chain: list[Post] = []
        current = post
        missing = None
        while current.reply_to and len(chain) < THREAD_DEPTH:
            pid = brain.archive.parent_id(current)
            if pid is None or pid == post.id or any(p.id == pid for p in chain):
                missing = current.reply_to if pid is None else None
                break
            current = brain.archive.get(pid)
            chain.append(current)
        context["replies_to"] = [post_record(p) for p in reversed(chain)]
        if missing:
            context["replies_to_missing"] = f"{post.platform} post {missing} is not in the archive"
    replies = brain.archive.reply_ids(post, MAX_REPLIES)
    if replies:
        context["replies"] = [post_record(p) for p in _visible(brain, replies)]
    if post.conversation:
        before, after = brain.archive.conversation_ids(post, CONVERSATION_SPAN)
        context["conversation_before"] = [post_record(p) for p in _visible(brain, before)]
        context["conversation_after"] = [post_record(p) for p in _visible(brain, after)]
    out["context"] = context
    return out


def calendar(brain: Brain, flt: PostFilter | None = None) -> list[dict[str, Any]]:
    """Posts per local year and month (socialbrain.localtime), newest year first."""
    years: dict[int, dict[str, Any]] = {}
    for y, m, n in brain.archive.month_counts(flt):
        entry = years.setdefault(y, {"year": y, "posts": 0, "months": []})
        entry["posts"] += n
        entry["months"].append({"month": m, "posts": n})
    return list(years.values())
