"""Copy an index to another backend without re-embedding: ``socialbrain index migrate --to URI``.

Units, their keyword tokens and their vectors are read from the current index a page at a time (in a stable
order) and written to the target. After every page a checkpoint file in ``<data dir>/index/`` records how far the
copy got, so an interrupted migration resumes where it stopped (a fresh one first clears this user's rows in the
target). At the end the target gets the source's applied seq and the counts of units and vectors are compared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ConfigError, SocialbrainError
from .stores.base import Unit

if TYPE_CHECKING:
    from ..brain import Brain
    from .stores.base import IndexStore

Progress = Callable[[str, int, int], None]
PAGE = 1000


@dataclass
class MigrateReport:
    source: str
    target: str
    units: int  # units copied in this run
    vectors: int  # vectors copied in this run
    resumed: bool
    counts: dict[str, int]  # the target's counts at the end


def identity(store: IndexStore) -> str:
    """Which index this is (not which collection it currently writes to): the checkpoint key."""
    if store.backend == "milvus":
        return f"milvus {getattr(store, 'uri', '')} user {getattr(store, 'user', '')}"
    return f"{store.backend} {getattr(store, 'path', '')}"


def describe(store: IndexStore) -> str:
    fn = getattr(store, "describe", None)
    if fn:
        d = fn()
        return f"milvus {d['uri']} (user {d['user']}, {d['collection']})"
    return f"{store.backend} {getattr(store, 'path', '')}".strip()


# -- reading pages from either backend ------------------------------------------------------------
Page = tuple[Any, list[Unit], list[np.ndarray | None]]  # (cursor after this page, units, vector per unit)


def _embedded_pages(store: Any, after: int | None, page: int) -> Iterator[Page]:
    cursor = int(after or 0)
    dim = store.dim
    while True:
        with store._lock:
            rows = store.conn.execute(
                "SELECT u.id, u.unit_id, u.post_ids, u.text, u.created_ts, u.platform, u.account, u.kind, u.likes, "
                "u.vector, f.tokens FROM units u LEFT JOIN units_fts f ON f.rowid = u.id "
                "WHERE u.id > ? ORDER BY u.id LIMIT ?",
                (cursor, page),
            ).fetchall()
        if not rows:
            return
        units = [
            Unit(
                unit_id=r[1],
                post_ids=json.loads(r[2]),
                text=r[3],
                created_ts=r[4],
                platform=r[5],
                account=r[6],
                kind=r[7],
                likes=r[8],
                tokens=(r[10] or "").split(" ") if r[10] else [],
            )
            for r in rows
        ]
        vectors = [
            np.frombuffer(r[9], dtype=np.float16).astype(np.float32) if r[9] is not None and dim else None
            for r in rows
        ]
        cursor = rows[-1][0]
        yield cursor, units, vectors


def _milvus_pages(store: Any, after: str | None, page: int) -> Iterator[Page]:
    name, dim = store._current()
    fields = ["unit_id", "post_ids", "text", "tokens", "created_ts", "platform", "account", "kind", "likes"]
    fields += ["has_vector"] + (["dense"] if dim else [])
    for rows in store.iter_rows(fields, after=after, name=name, page=page):
        units = [store._to_unit(r) for r in rows]
        vectors = [
            np.asarray(r["dense"], dtype=np.float32) if dim and r.get("has_vector") else None for r in rows
        ]
        yield rows[-1]["pk"], units, vectors


def pages(store: IndexStore, after: Any = None, page: int = PAGE) -> Iterator[Page]:
    """Every unit of ``store`` with its vector (None when it has none), in a resumable order."""
    if store.backend == "embedded":
        return _embedded_pages(store, after, page)
    if store.backend == "milvus":
        return _milvus_pages(store, after, page)
    raise ConfigError(f"index migrate: cannot read a {store.backend!r} index")


# -- writing --------------------------------------------------------------------------------------
def write_page(
    target: IndexStore, units: list[Unit], vectors: list[np.ndarray | None], model: str | None
) -> int:
    """Write one page to ``target``; returns how many vectors it carried."""
    with_vec = [i for i, v in enumerate(vectors) if v is not None]
    bulk = getattr(target, "add_units_with_vectors", None)
    if bulk and model and len(with_vec) == len(units):
        bulk(units, np.stack([vectors[i] for i in with_vec]), model)
        return len(units)
    target.add_units(units)
    if with_vec and model:
        target.set_vectors(
            [units[i].unit_id for i in with_vec], np.stack([vectors[i] for i in with_vec]), model
        )
    return len(with_vec)


def _checkpoint_path(brain: Brain, source: str, target: str) -> Path:
    key = hashlib.sha1(f"{source}\n{target}".encode()).hexdigest()[:16]
    return brain.settings.index_dir / f"migrate-{key}.json"


def migrate_index(
    brain: Brain,
    to_uri: str,
    *,
    token: str | None = None,
    user: str | None = None,
    progress: Progress | None = None,
    page_size: int = PAGE,
) -> MigrateReport:
    """Copy ``brain.index`` to the index at ``to_uri`` (same data directory and user unless given)."""
    from .stores import open_index

    source = brain.index
    target = open_index(brain.settings, to_uri, token=token, user=user or brain.overrides.get("user"))
    if identity(source) == identity(target):
        raise ConfigError(f"index migrate: {to_uri} is the index in use; give another --to")
    src_name, dst_name = describe(source), describe(target)
    checkpoint = _checkpoint_path(brain, identity(source), identity(target))
    state: dict[str, Any] = {}
    if checkpoint.exists():
        state = json.loads(checkpoint.read_text(encoding="utf-8"))
    resumed = bool(state)
    model = source.model
    if not resumed:
        target.clear()
    elif target.model not in (None, model):
        raise SocialbrainError(
            f"index migrate: the target now holds {target.model} vectors; delete {checkpoint} to start over"
        )
    total = source.counts().get("units", 0)
    done = int(state.get("done", 0))
    copied = vectors = 0
    for cursor, units, vecs in pages(source, state.get("cursor"), page_size):
        vectors += write_page(target, units, vecs, model)
        copied += len(units)
        done += len(units)
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        checkpoint.write_text(json.dumps({"cursor": cursor, "done": done}), encoding="utf-8")
        if progress:
            progress("migrate", min(done, total), total)
    target.set_applied_seq(source.applied_seq())
    want, got = source.counts(), target.counts()
    for key in ("units", "vectors"):
        if want.get(key, 0) != got.get(key, 0):
            raise SocialbrainError(
                f"index migrate: the target has {got.get(key, 0)} {key}, the source {want.get(key, 0)}; "
                "run the same command again to resume"
            )
    checkpoint.unlink(missing_ok=True)
    close = getattr(target, "close", None)
    if close:
        close()
    return MigrateReport(src_name, dst_name, copied, vectors, resumed, got)
