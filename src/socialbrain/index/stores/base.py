"""The index-store seam: keyword data and vectors for units, searched under a filter.

The embedded default (`stores/embedded.py`) and Milvus (`stores/milvus.py`) both implement it, so every
caller (retrieve, kb, CLI, web, MCP) works unchanged on either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ...errors import IndexMismatchError


@dataclass
class Unit:
    """What is searched: one post, a piece of a long post, or a window of chat messages."""

    unit_id: str  # "p{post_id}" / "p{post_id}.{n}" for pieces / "c{first_post_id}" for chat windows
    post_ids: list[int]
    text: str
    created_ts: float
    platform: str
    account: str
    kind: str
    likes: int = 0
    tokens: list[str] = field(default_factory=list)  # segmented text for BM25


@dataclass
class IndexFilter:
    """Filters every backend applies inside the engine (never after the fact)."""

    since_ts: float | None = None
    until_ts: float | None = None
    platforms: list[str] | None = None
    accounts: list[str] | None = None
    kinds: list[str] | None = None
    min_likes: int | None = None
    post_ids: list[int] | None = None  # allow-list, e.g. a knowledge base built from files


@dataclass
class ScoredUnit:
    unit_id: str
    score: float


class IndexStore(Protocol):
    backend: str  # "embedded" / "milvus"

    @property
    def model(self) -> str | None:
        """The embedder name that built the vectors (None until the first vector)."""
        ...

    def add_units(self, units: list[Unit]) -> None: ...
    def delete_posts(self, post_ids: list[int]) -> None: ...
    def set_vectors(self, unit_ids: list[str], vectors: np.ndarray, model: str) -> None: ...
    def units_without_vectors(self, limit: int) -> list[Unit]: ...
    def get_units(self, unit_ids: list[str]) -> list[Unit]: ...
    def keyword_search(self, tokens: list[str], flt: IndexFilter, k: int) -> list[ScoredUnit]: ...
    def vector_search(self, vector: np.ndarray, flt: IndexFilter, k: int) -> list[ScoredUnit]: ...
    def applied_seq(self) -> int: ...
    def set_applied_seq(self, seq: int) -> None: ...
    def counts(self) -> dict[str, int]: ...  # {"units": n, "vectors": m}; the embedded store adds posts, pending
    def clear(self) -> None: ...

    # Optional extras callers look up with getattr (the embedded store has them; a backend may too):
    #   check_model(name) -> None                       raise IndexMismatchError when vectors are from another model
    #   unit_ids_for_posts(post_ids) -> list[str]       units holding these posts (sync re-windows chat neighbours)
    #   units_without_vector_among(unit_ids) -> list[str]  keyword hits not embedded yet (fair fusion)
    #   close() -> None


def ensure_same_model(built: str | None, configured: str) -> None:
    """Every backend's ``check_model``: refuse vectors from another embedder than the one that built the index."""
    if built is not None and built != configured:
        raise IndexMismatchError(
            f"index built with {built}, configured {configured}: run `socialbrain index rebuild` "
            "(or set the embedder back)"
        )
