"""Pick the index store: ``sqlite`` (embedded, default) or a Milvus URI (``*.db`` = Milvus Lite, ``http(s)://``).

``uri``: the ``--index`` option / ``$SOCIALBRAIN_INDEX_URI`` / config ``[index] uri``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import ConfigError
from .base import IndexFilter, IndexStore, ScoredUnit, Unit

if TYPE_CHECKING:
    from ...config import Settings

__all__ = ["IndexFilter", "IndexStore", "ScoredUnit", "Unit", "open_index"]


def open_index(
    settings: Settings, uri: str | None = None, token: str | None = None, user: str | None = None
) -> IndexStore:
    """The index for this data directory. ``uri`` None/"sqlite"/"embedded" → the embedded store in ``index/``."""
    value = uri if uri is not None else settings.index.uri
    value = str(value or "").strip()
    if value in ("", "sqlite", "embedded"):
        from .embedded import EmbeddedIndex

        return EmbeddedIndex(settings.index_dir)
    if value.startswith(("http://", "https://", "milvus", "tcp://")) or value.endswith(".db"):
        from .milvus import open_milvus  # pymilvus itself is imported (or named as the extra) on connect

        return open_milvus(settings, value, token=token, user=user)
    raise ConfigError(
        f"index {value!r}: use 'sqlite' (embedded, default) or a Milvus URI like http://host:19530"
    )
