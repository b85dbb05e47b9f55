"""Copy an index to another backend without re-embedding: ``socialbrain index migrate --to URI``.

Units, their keyword tokens and their vectors are read from the current index a page at a time (in a stable
order) and written to the target. After every page a checkpoint file in ``<data dir>/index/`` records how far the
copy got, so an interrupted migration resumes where it stopped (a fresh one first clears this user's rows in the
target). At the end the target gets the source's applied seq and the counts of units and vectors are compared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ConfigError, SocialbrainError
from .embedders.base import Vectors
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


def describe(store: IndexStore) -> str:
    """Where an index lives, for messages: "embedded /path/index.db" or "milvus URI (user u, collection c)"."""
    d = store.describe()
    if "uri" in d:
        return f"milvus {d['uri']} (user {d['user']}, {d['collection']})"
    return f"{store.backend} {d.get('path', '')}".strip()


# -- writing --------------------------------------------------------------------------------------
def write_page(
    target: IndexStore, units: list[Unit], vectors: list[Vectors | None], model: str | None
) -> int:
    """Write one page to ``target``; returns how many vectors it carried."""
    with_vec = [(i, v) for i, v in enumerate(vectors) if v is not None]
    if model and with_vec and len(with_vec) == len(units):
        target.add_units_with_vectors(units, np.stack([v for _, v in with_vec]), model)
        return len(units)
    target.add_units(units)
    if with_vec and model:
        target.set_vectors([units[i].unit_id for i, _ in with_vec], np.stack([v for _, v in with_vec]), model)
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
    target = open_index(brain.settings, to_uri, token=token, user=user or brain.settings.index.user)
    if source.identity() == target.identity():
        raise ConfigError(f"index migrate: {to_uri} is the index in use; give another --to")
    src_name, dst_name = describe(source), describe(target)
    checkpoint = _checkpoint_path(brain, source.identity(), target.identity())
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
    for cursor, units, vecs in source.pages(state.get("cursor"), page_size):
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
    target.close()
    return MigrateReport(src_name, dst_name, copied, vectors, resumed, got)
