"""The Brain: one object that wires the pipeline for a data directory.

    sources -> archive -> index -> retrieve -> answer -> insights

Faces (CLI, web/API, MCP) open one Brain and call library functions with it. Each part is created on
first use, so `socialbrain stats` never loads an embedder and `search` without an LLM never touches one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .archive import SQLiteArchive
from .config import Settings

if TYPE_CHECKING:
    from .answer.llm import LLM
    from .index.embedders.base import Embedder
    from .index.stores.base import IndexStore


@dataclass
class Brain:
    settings: Settings
    overrides: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, data_dir: Path | str | None = None, **overrides: Any) -> Brain:
        """Open (creating if needed) the data directory. ``overrides`` replace settings for this process:
        ``embedder``, ``index_uri``, ``index_token``, ``llm_url``, ``llm_model``, ``llm_key``, ``llm_timeout``, ``llm_redact``, ``user``."""
        from . import localtime
        from .index import segment

        overrides = {k: v for k, v in overrides.items() if v is not None}
        settings = Settings.load(data_dir, overrides)
        segment.configure(settings)  # the user dictionary of this data directory, for search and reports alike
        localtime.configure(settings.time.timezone)  # the one zone every view shows and counts in
        return cls(settings, overrides)

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @cached_property
    def archive(self) -> SQLiteArchive:
        return SQLiteArchive(self.settings.archive_path)

    @cached_property
    def embedder(self) -> Embedder | None:
        """The configured embedder, or None when dense search is off (`SOCIALBRAIN_EMBEDDER=none`)."""
        from .index.embedders import load_embedder

        return load_embedder(None, self.settings)

    @cached_property
    def index(self) -> IndexStore:
        from .index.stores import open_index

        return open_index(self.settings)

    @cached_property
    def llm(self) -> LLM | None:
        """The configured LLM, or None for no-LLM mode."""
        from .services.llm import llm_from_settings

        return llm_from_settings(self.settings)

    def close(self) -> None:
        if "archive" in self.__dict__:
            self.archive.close()
        if "index" in self.__dict__:
            self.index.close()
