"""The Brain: one object that wires the pipeline for a data directory.

    sources -> archive -> index -> retrieve -> answer -> insights

Faces (CLI, web/API, MCP) open one Brain and call library functions with it. Each part is created on
first use, so `socialbrain stats` never loads an embedder and `search` without an LLM never touches one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Unpack

from .archive import SQLiteArchive
from .config import Settings

if TYPE_CHECKING:
    from .answer.events import Answer
    from .answer.llm import LLM
    from .index.embedders.base import Embedder
    from .index.stores.base import IndexStore
    from .retrieve.types import SearchResult
    from .services.imports import ImportOutcome
    from .services.search import SearchOptions


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


T = TypeVar("T")
UNSET: Any = _Unset()  # a part not given: built from the settings on first use


@dataclass(frozen=True)
class Parts:
    """Parts given to a Brain instead of the ones its settings would build (tests, benches, a second Brain that
    shares a loaded model). ``embedder=None`` / ``llm=None`` are real choices: no dense search, no LLM."""

    archive: SQLiteArchive | Any = UNSET
    embedder: Embedder | None | Any = UNSET
    index: IndexStore | Any = UNSET
    llm: LLM | None | Any = UNSET


class _Part(Generic[T]):
    """A Brain part read as an attribute: the given one, else built from the settings on first use."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, brain: Brain, owner: type | None = None) -> T:
        part: T = brain._part(self.name)  # what Brain._build_<name> returned, or the part given for it
        return part


class Brain:
    """The pipeline of one data directory, built from explicit parts: archive, embedder, index store, LLM
    (the segmenter is configured from the same settings on open). Each part is built on first use unless given,
    so `socialbrain stats` never loads an embedder and `search` without an LLM never touches one."""

    def __init__(self, settings: Settings, overrides: dict[str, Any] | None = None, parts: Parts = Parts()):
        self.settings = settings
        self.overrides = dict(overrides or {})  # the flags the settings were loaded with (to open another Brain)
        self._parts: dict[str, Any] = {f.name: getattr(parts, f.name) for f in fields(Parts)}
        self._owned = {name for name, part in self._parts.items() if part is UNSET}  # closed by close()
        self._lock = threading.RLock()

    @classmethod
    def open(cls, data_dir: Path | str | None = None, *, parts: Parts = Parts(), **overrides: Any) -> Brain:
        """Open (creating if needed) the data directory. ``overrides`` replace settings for this process
        (see docs/settings.md): ``embedder``, ``index_uri``, ``index_token``, ``llm_url``, ``llm_model``,
        ``llm_key``, ``llm_timeout``, ``llm_redact``, ``user``. ``parts`` are used as they are."""
        from . import localtime
        from .index import segment

        overrides = {k: v for k, v in overrides.items() if v is not None}
        settings = Settings.load(data_dir, overrides)
        segment.configure(settings)  # the user dictionary of this data directory, for search and reports alike
        localtime.configure(settings.time.timezone)  # the one zone every view shows and counts in
        return cls(settings, overrides, parts)

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    def _part(self, name: str) -> Any:
        part = self._parts[name]
        if part is UNSET:
            with self._lock:
                part = self._parts[name]
                if part is UNSET:
                    part = self._parts[name] = getattr(self, f"_build_{name}")()
        return part

    def has(self, name: str) -> bool:
        """Whether the part ``name`` is built (or was given)."""
        return self._parts[name] is not UNSET

    def reopen_index(self) -> None:
        """Forget the index handle (holders keep theirs); the next use opens it afresh and sees new writes."""
        with self._lock:
            if "index" in self._owned:
                self._parts["index"] = UNSET

    # -- the parts: archive, embedder (None: keyword search only), index store, llm (None: no-LLM mode) ------
    archive: _Part[SQLiteArchive] = _Part()
    embedder: _Part[Embedder | None] = _Part()
    index: _Part[IndexStore] = _Part()
    llm: _Part[LLM | None] = _Part()

    def _build_archive(self) -> SQLiteArchive:
        return SQLiteArchive(self.settings.archive_path)

    def _build_embedder(self) -> Embedder | None:
        from .index.embedders import load_embedder
        from .index.embedders.query_cache import with_query_cache

        # query vectors persist in <data dir>/index/query_cache.db: a question asked before never loads the encoder
        return with_query_cache(load_embedder(None, self.settings), self.settings.index_dir / "query_cache.db")

    def _build_index(self) -> IndexStore:
        from .index.stores import open_index

        return open_index(self.settings)

    def _build_llm(self) -> LLM | None:
        from .services.llm import llm_from_settings

        return llm_from_settings(self.settings)

    # -- the public API: what a script does with its archive ------------------------------------------
    def search(self, query: str, **opts: Unpack[SearchOptions]) -> SearchResult:
        """Hybrid, time-aware search of your posts (a time phrase such as "2016年" becomes a date range).

        ``opts`` (see :class:`~socialbrain.services.search.SearchOptions`): ``since``/``until`` as people type
        dates (``2016``, ``2016-05``; ``until`` is inclusive), ``platforms``, ``kinds``, ``kb``, ``k``, ``mode``,
        ``own_only`` (only what you wrote).
        Hits come best first, each with its post, a snippet with the matched words in 【】 and why it matched."""
        from .services.search import run

        return run(self, query, **opts)

    def ask(
        self,
        question: str,
        *,
        since: str | None = None,
        until: str | None = None,
        kb: str | None = None,
        k: int = 8,
        use_llm: bool = True,
    ) -> Answer:
        """A cited answer from your posts: written by the configured LLM, or (none, or ``use_llm=False``) made of
        the retrieved posts themselves. ``answer.sources`` are the posts, ``answer.citations`` their ids."""
        from .answer.ask import ask
        from .services import build_filter

        flt = build_filter(since=since, until=until)
        return ask(self, question, kb=kb, flt=flt if (flt.since or flt.until) else None, k=k,
                   mode="auto" if use_llm else "retrieval")

    def import_paths(self, paths: list[Path | str], *, index: bool = True) -> ImportOutcome:
        """Import exports (files, folders, .zip) into the archive, then bring the search index up to date.
        ``outcome.report.totals()`` counts new, updated, unchanged and rejected posts."""
        from .services import import_and_sync

        return import_and_sync(self, [Path(p) for p in paths], index=index)

    def __enter__(self) -> Brain:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close what this Brain built itself (given parts belong to whoever gave them)."""
        for name in ("archive", "index"):
            part = self._parts[name]
            if name in self._owned and part is not UNSET:
                part.close()
