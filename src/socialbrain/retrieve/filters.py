"""PostFilter arithmetic and its translation into the index's IndexFilter (knowledge bases resolved)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..index.stores.base import IndexFilter
from ..models import PostFilter

if TYPE_CHECKING:
    from ..brain import Brain


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _both(a: list[str] | None, b: list[str] | None) -> list[str] | None:
    if a is None or (not a and b):
        return b
    if b is None or not b:
        return a
    keep = set(b)
    return [x for x in a if x in keep]


def _ids(a: list[int] | None, b: list[int] | None) -> list[int] | None:
    if a is None:
        return b
    if b is None:
        return a
    keep = set(b)
    return [i for i in a if i in keep]


def combine(a: PostFilter | None, b: PostFilter | None) -> PostFilter:
    """Posts matching both filters (kb is taken from whichever names one; resolve KBs before combining two)."""
    a = a or PostFilter()
    b = b or PostFilter()
    min_likes = [m for m in (a.min_likes, b.min_likes) if m is not None]
    return PostFilter(
        since=_later(a.since, b.since),
        until=_earlier(a.until, b.until),
        platforms=_both(a.platforms, b.platforms),
        accounts=_both(a.accounts, b.accounts),
        kinds=_both(a.kinds, b.kinds),
        min_likes=max(min_likes) if min_likes else None,
        kb=a.kb or b.kb,
        ids=_ids(a.ids, b.ids),
        include_hidden=a.include_hidden and b.include_hidden,
        include_private=a.include_private and b.include_private,
        own_only=a.own_only or b.own_only,
    )


def resolve_kb(brain: Brain, flt: PostFilter) -> PostFilter:
    """The filter with its knowledge base replaced by what the KB means (filter fields, or member ids)."""
    from ..index.kb import DEFAULT_KB, _members, kb_filter

    if not flt.kb or flt.kb == DEFAULT_KB:
        return replace(flt, kb=None)
    kb = kb_filter(brain, flt.kb)
    if kb.kb:  # members only
        kb = PostFilter(ids=_members(brain, kb.kb))
    return combine(replace(flt, kb=None), kb)


def to_index_filter(flt: PostFilter) -> IndexFilter:
    """A resolved PostFilter (no kb) as the index's filter."""
    return IndexFilter(
        since_ts=flt.since.timestamp() if flt.since else None,
        until_ts=flt.until.timestamp() if flt.until else None,
        platforms=flt.platforms or None,
        accounts=flt.accounts or None,
        kinds=flt.kinds or None,
        min_likes=flt.min_likes,
        post_ids=list(flt.ids) if flt.ids is not None else None,
    )
