"""The index-store seam: keyword data and vectors for units, searched under a filter.

The embedded default (`stores/embedded.py`) and Milvus (`stores/milvus.py`) both implement it, so every
caller (retrieve, kb, CLI, web, MCP) works unchanged on either.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...errors import IndexMismatchError
from ..embedders.base import Vectors


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
    # the same tokens space-joined, as the segmentation worker sends them (then ``tokens`` stays empty: the
    # keyword row is this string as it came, never split and re-joined); read both through the two methods below
    token_text: str | None = field(default=None, compare=False, repr=False)

    def token_string(self) -> str:
        """The tokens space-joined: the keyword (FTS) row."""
        return self.token_text if self.token_text is not None else " ".join(self.tokens)

    def token_list(self) -> list[str]:
        """The tokens as a list, whichever way they were set."""
        if self.token_text is None:
            return self.tokens
        return self.token_text.split(" ") if self.token_text else []


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


#: one page of an index export: (cursor after this page, units, each unit's vector or None)
Page = tuple[Any, list[Unit], list[Vectors | None]]


class IndexStore(Protocol):
    """Every method every backend has: callers never probe with getattr nor dispatch on ``backend``."""

    backend: str  # "embedded" / "milvus"

    @property
    def model(self) -> str | None:
        """The embedder name that built the vectors (None until the first vector)."""
        ...

    @property
    def dim(self) -> int | None:
        """The vectors' size (None until the first vector)."""
        ...

    def identity(self) -> str:
        """Which index this is (a file, or a server and user), the same however it is opened."""
        ...

    def describe(self) -> dict[str, Any]:
        """What `index status` shows about where the index lives (path, or uri/user/collection/dim)."""
        ...

    def transaction(self) -> AbstractContextManager[Any]:
        """One all-or-nothing write where the backend has transactions (a no-op context elsewhere)."""
        ...

    def check_model(self, name: str) -> None:
        """Raise IndexMismatchError when the vectors were built by another embedder than ``name``."""
        ...

    @property
    def segmenter(self) -> str | None:
        """The signature of the segmentation that made the keyword tokens (None until recorded)."""
        ...

    def set_segmenter(self, signature: str) -> None: ...

    def add_units_with_vectors(self, units: list[Unit], vectors: Vectors, model: str) -> None: ...
    def set_vectors_if_unchanged(
        self, unit_ids: list[str], vectors: Vectors, model: str, texts: list[str]
    ) -> int:
        """Store vectors only for units whose text is still ``texts``; returns how many were stored."""
        ...

    def unit_ids_for_posts(self, post_ids: list[int]) -> list[str]: ...
    def units_without_vector_among(self, unit_ids: list[str]) -> list[str]: ...
    def pending(self) -> int:
        """Units without a vector (cheaper than ``counts()``)."""
        ...

    def pages(self, after: Any = None, page: int = 1000) -> Iterator[Page]:
        """Every unit with its vector, a page at a time in a stable order; ``after`` resumes after a cursor."""
        ...

    def close(self) -> None: ...

    def add_units(self, units: list[Unit]) -> None: ...
    def add_units_pipelined(self, chunks: Iterable[list[Unit]]) -> int:
        """``add_units`` for units made while they are consumed (chunks), in one write; returns units added. The
        embedded store overlaps the caller's segmentation with its SQLite inserts."""
        ...

    def delete_posts(self, post_ids: list[int]) -> None: ...
    def set_vectors(self, unit_ids: list[str], vectors: Vectors, model: str) -> None: ...
    def units_without_vectors(self, limit: int) -> list[Unit]: ...
    def get_units(self, unit_ids: list[str]) -> list[Unit]: ...
    def keyword_search(self, tokens: list[str], flt: IndexFilter, k: int) -> list[ScoredUnit]: ...
    def vector_search(self, vector: Vectors, flt: IndexFilter, k: int) -> list[ScoredUnit]: ...
    def applied_seq(self) -> int: ...
    def set_applied_seq(self, seq: int) -> None: ...
    def counts(self) -> dict[str, int]: ...  # {"units": n, "vectors": m}; the embedded store adds posts, pending
    def clear(self) -> None: ...


class ModelMeta:
    """What both backends share about the model that built the vectors: kept as ``model``/``dim`` metadata."""

    def _meta(self, key: str) -> str | None:
        raise NotImplementedError

    @property
    def model(self) -> str | None:
        return self._meta("model")

    @property
    def dim(self) -> int | None:
        v = self._meta("dim")
        return int(v) if v else None

    def check_model(self, name: str) -> None:
        """Raise IndexMismatchError when vectors in the index come from another model than ``name``."""
        ensure_same_model(self.model, name)

    @property
    def segmenter(self) -> str | None:
        """The signature of the segmentation that made the keyword tokens (None: not recorded yet)."""
        return self._meta("segmenter")


def ensure_same_model(built: str | None, configured: str) -> None:
    """Every backend's ``check_model``: refuse vectors from another embedder than the one that built the index."""
    if built is not None and built != configured:
        raise IndexMismatchError(
            f"index built with {built}, configured {configured}: run `socialbrain index rebuild` "
            "(or set the embedder back)"
        )
