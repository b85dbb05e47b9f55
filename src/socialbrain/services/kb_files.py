"""A knowledge base's files, the same for every face: which files its posts came from (with counts and dates),
taking one file's posts out of it, and one file's posts as re-importable JSONL.

Files are named to clients by their plain file name and an opaque key, never by the server path they were
imported from."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, NotFoundError
from ..models import PostFilter

if TYPE_CHECKING:
    from ..brain import Brain


def display_name(source_file: str) -> str:
    """``/srv/uploads/3fa/旅行.txt`` → ``旅行.txt``; ``/x/archive.zip!data/tweets.js`` → ``archive.zip!data/tweets.js``."""
    if not source_file:
        return ""
    outer, sep, inner = source_file.partition("!")
    return outer.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] + (sep + inner if sep else "")


def file_key(source_file: str) -> str:
    return hashlib.sha1(source_file.encode("utf-8")).hexdigest()[:16]


def _kb_filter(brain: Brain, kb: str) -> PostFilter:
    from ..retrieve.filters import resolve_kb

    if kb != "all" and brain.archive.kb_row(kb) is None:
        raise NotFoundError(f"no knowledge base named {kb!r}: see GET /api/kbs")
    return resolve_kb(brain, PostFilter(kb=None if kb == "all" else kb))


def list_files(brain: Brain, kb: str) -> dict[str, Any]:
    """``{kb, members_only, files: [{key, name, posts, first, last, imported_at}]}``; ``members_only``: the KB
    holds only files added to it (so a file can be taken out of it)."""
    rows = brain.archive.files_summary(_kb_filter(brain, kb))
    return {
        "kb": kb,
        "members_only": _members_only(brain, kb),
        "files": [
            {
                "key": file_key(r["source_file"]),
                "name": display_name(r["source_file"]),
                "posts": r["posts"],
                "first": r["first"],
                "last": r["last"],
                "imported_at": r["imported_at"],
            }
            for r in rows
        ],
    }


def _members_only(brain: Brain, kb: str) -> bool:
    from ..index.kb import filter_from_json

    if kb == "all":
        return False
    row = brain.archive.kb_row(kb)
    return row is not None and filter_from_json(row[2]).is_empty()


def _source(brain: Brain, kb: str, key: str) -> tuple[PostFilter, str]:
    flt = _kb_filter(brain, kb)
    for r in brain.archive.files_summary(flt):
        if file_key(r["source_file"]) == key:
            return flt, r["source_file"]
    raise NotFoundError(f"no file {key!r} in the knowledge base {kb!r} (it may have been removed)")


def remove_file(brain: Brain, kb: str, key: str) -> dict[str, Any]:
    """Take one file's posts out of a knowledge base made of added files (the posts stay in the archive)."""
    if not _members_only(brain, kb):
        raise ConfigError(
            f"the knowledge base {kb!r} is defined by its dates or platforms, not by files: change those, or make"
            " a knowledge base without dates and add files to it"
        )
    flt, source = _source(brain, kb, key)
    ids = brain.archive.post_ids_from_file(flt, source)
    left = brain.archive.kb_remove_members(kb, ids)
    return {"removed": len(ids), "members": left, "name": display_name(source)}


def file_jsonl(brain: Brain, kb: str, key: str) -> tuple[str, Iterator[str]]:
    """(download name, lines): one file's posts in the knowledge base as re-importable JSONL."""
    flt, source = _source(brain, kb, key)
    ids = brain.archive.post_ids_from_file(flt, source)
    name = display_name(source) or "posts"

    def lines() -> Iterator[str]:
        for chunk in range(0, len(ids), 500):
            posts = brain.archive.get_many(ids[chunk : chunk + 500])
            for i in ids[chunk : chunk + 500]:
                p = posts.get(i)
                if p is not None:
                    p.source_file = name  # never the server's path
                    yield p.dumps() + "\n"

    return name.replace("!", "_").replace("/", "_") + ".jsonl", lines()
