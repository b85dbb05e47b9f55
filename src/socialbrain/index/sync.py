"""Keep the index in step with the archive: apply changes since the last seq, then embed what lacks a vector.

    sync_index(brain)             every import, forget and hide reaches the index this way (any backend)
    embed_pending(index, embedder) fill in vectors in committed batches (interrupt-safe, resumable)

Keyword search works as soon as the changes are applied; vectors follow (``embed=False`` leaves them for
``socialbrain index embed``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import IndexMismatchError
from ..models import Kind, Post
from .units import conversation_key, post_units, units_for_posts

if TYPE_CHECKING:
    from ..archive.sqlite import SQLiteArchive
    from ..brain import Brain
    from .embedders.base import Embedder
    from .stores.base import IndexStore

Progress = Callable[[str, int, int], None]

CHANGE_BATCH = 2000
EMBED_BATCH = 64


@dataclass
class SyncReport:
    changes: int = 0  # archive changes applied
    indexed_posts: int = 0  # posts (re)indexed
    removed_posts: int = 0  # posts taken out (deleted, forgotten, hidden)
    units: int = 0  # units written
    embedded: int = 0  # vectors computed now
    pending: int = 0  # units still without a vector
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _unit_ids_for_posts(index: IndexStore, post_ids: list[int]) -> list[str]:
    fn = getattr(index, "unit_ids_for_posts", None)
    return fn(post_ids) if fn else []


def _conversation_posts(archive: SQLiteArchive, key: tuple[str, str, str]) -> list[int]:
    platform, account, conversation = key
    rows = archive.execute(
        "SELECT id FROM posts WHERE platform=? AND account=? AND COALESCE(conversation, '')=? AND kind=? "
        "AND hidden=0",
        (platform, account, conversation, str(Kind.CHAT)),
    ).fetchall()
    return [r[0] for r in rows]


def apply_post_ids(
    archive: SQLiteArchive, index: IndexStore, post_ids: list[int], report: SyncReport
) -> None:
    """(Re)index these posts from the archive: gone or hidden ones leave the index, others get fresh units."""
    if not post_ids:
        return
    # a chat window holds several posts: when one changes, its neighbours are re-windowed too
    neighbours: set[int] = set()
    for unit in index.get_units(_unit_ids_for_posts(index, post_ids)):
        if len(unit.post_ids) > 1:
            neighbours.update(unit.post_ids)
    wanted = set(post_ids) | neighbours
    posts = archive.get_many(wanted)
    live: list[Post] = [p for p in posts.values() if not p.hidden]
    gone = [i for i in wanted if i not in posts or posts[i].hidden]
    report.removed_posts += len([i for i in post_ids if i in gone])

    conversations = {conversation_key(p) for p in live if p.kind == Kind.CHAT}
    chat_ids: set[int] = set()
    for key in conversations:
        chat_ids.update(_conversation_posts(archive, key))
    extra = archive.get_many(chat_ids - set(posts))
    chat_posts = [p for p in (*live, *extra.values()) if p.kind == Kind.CHAT and not p.hidden]
    others = [p for p in live if p.kind != Kind.CHAT]

    index.delete_posts(sorted(wanted | chat_ids))
    units = [u for p in others for u in post_units(p)] + units_for_posts(chat_posts)
    index.add_units(units)
    report.units += len(units)
    report.indexed_posts += len(others) + len(chat_posts)


def apply_changes(
    brain: Brain, progress: Progress | None = None, report: SyncReport | None = None
) -> SyncReport:
    """Apply archive changes since ``index.applied_seq()``, committing seq after each batch."""
    report = report or SyncReport()
    archive, index = brain.archive, brain.index
    changes = archive.changes_since(index.applied_seq())
    total = len(changes)
    for start in range(0, total, CHANGE_BATCH):
        batch = changes[start : start + CHANGE_BATCH]
        ids = sorted({c.post_id for c in batch})
        apply_post_ids(archive, index, ids, report)
        index.set_applied_seq(batch[-1].seq)
        report.changes += len(batch)
        if progress:
            progress("index", min(start + CHANGE_BATCH, total), total)
    return report


def embed_pending(
    index: IndexStore,
    embedder: Embedder,
    *,
    batch_size: int = EMBED_BATCH,
    progress: Progress | None = None,
    limit: int | None = None,
) -> int:
    """Embed units without vectors, one committed batch at a time; returns how many were embedded.

    Raises IndexMismatchError when the index holds vectors of another model."""
    check = getattr(index, "check_model", None)
    if check:
        check(embedder.name)
    elif index.model is not None and index.model != embedder.name:
        raise IndexMismatchError(
            f"index built with {index.model}, configured {embedder.name}: run `socialbrain index rebuild`"
        )
    total = index.counts().get("pending", 0)
    if limit is not None:
        total = min(total, limit)
    done = 0
    while done < total:
        units = index.units_without_vectors(min(batch_size, total - done))
        if not units:
            break
        vectors = embedder.embed_documents([u.text for u in units])
        index.set_vectors([u.unit_id for u in units], vectors, embedder.name)
        done += len(units)
        if progress:
            progress("embed", done, total)
    return done


def sync_index(brain: Brain, *, embed: bool = True, progress: Progress | None = None) -> SyncReport:
    """Apply archive changes to the index, then (``embed=True``) embed units lacking vectors.

    An index built with another embedder is not touched by embedding: the report says to rebuild."""
    started = time.perf_counter()
    report = apply_changes(brain, progress)
    if embed:
        embedder = brain.embedder
        if embedder is None:
            report.notes.append("no embedder configured: keyword search only")
        else:
            try:
                report.embedded = embed_pending(brain.index, embedder, progress=progress)
            except IndexMismatchError as e:
                report.notes.append(str(e))
    report.pending = brain.index.counts().get("pending", 0)
    report.seconds = time.perf_counter() - started
    return report


def rebuild_index(brain: Brain, *, embed: bool = True, progress: Progress | None = None) -> SyncReport:
    """Drop the whole index and build it again from the archive (the way to switch embedders)."""
    brain.index.clear()
    return sync_index(brain, embed=embed, progress=progress)
