"""Knowledge bases: named views of the archive that search, ask and reports can be limited to.

A knowledge base is a filter (platforms, accounts, date range, kinds, min likes) stored in the archive's ``kbs``
table, and/or explicit members (``kb_posts``): the posts of files added straight to it with ``kb add``. Its posts
are those the filter matches plus its members (a KB with members and no filter holds only its members). The index
is shared by all knowledge bases; a KB search applies the KB as a filter inside the index. ``all`` always exists
and is the whole archive.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import checked_name
from ..errors import ConfigError, NotFoundError
from ..models import PostFilter

if TYPE_CHECKING:
    from ..brain import Brain
    from ..sources.base import Importer, ImportOptions
    from ..sources.files import InputFile
    from ..sources.ingest import ImportReport
    from .sync import SyncReport

DEFAULT_KB = "all"
_NAME = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.-]{0,63}$")
_FILTER_FIELDS = ("since", "until", "platforms", "accounts", "kinds", "min_likes")


@dataclass
class KBInfo:
    name: str
    description: str
    posts: int
    filter: dict[str, Any]  # the stored filter (JSON form); "members": n when files were added


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def filter_to_json(flt: PostFilter) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for name in _FILTER_FIELDS:
        v = getattr(flt, name)
        if v is None or v == []:
            continue
        d[name] = v.isoformat() if isinstance(v, datetime) else v
    return d


def filter_from_json(d: dict[str, Any]) -> PostFilter:
    kw: dict[str, Any] = {}
    for name in _FILTER_FIELDS:
        if name in d and d[name] is not None:
            v = d[name]
            kw[name] = datetime.fromisoformat(v) if name in ("since", "until") else v
    return PostFilter(**kw)


def _check_name(name: str) -> str:
    rule = "use letters, digits, Chinese, '-', '_' or '.' (up to 64), e.g. 跑步"
    return checked_name(name, _NAME, "knowledge base name", rule)


def _row(brain: Brain, name: str) -> tuple[str, str, dict[str, Any]] | None:
    return brain.archive.kb_row(name)


def _require(brain: Brain, name: str) -> tuple[str, str, dict[str, Any]]:
    row = _row(brain, name)
    if row is None:
        known = ", ".join([DEFAULT_KB, *(k.name for k in list_kbs(brain)[1:])])
        raise NotFoundError(
            f"no knowledge base named {name!r} (have: {known}); create it with `socialbrain kb create`"
        )
    return row


def _members(brain: Brain, name: str) -> list[int]:
    return brain.archive.kb_members(name)


def create_kb(brain: Brain, name: str, flt: PostFilter | None = None, description: str = "") -> KBInfo:
    """A new knowledge base from a filter (an empty filter makes a KB for files added with `kb add`)."""
    name = _check_name(name)
    if name == DEFAULT_KB:
        raise ConfigError(
            f"{DEFAULT_KB!r} is the built-in knowledge base of the whole archive; pick another name"
        )
    if _row(brain, name) is not None:
        raise ConfigError(
            f"knowledge base {name!r} exists already: `socialbrain kb delete {name}` first, or pick another name"
        )
    brain.archive.kb_create(name, description, filter_to_json(flt or PostFilter()))
    return kb_info(brain, name)


def kb_filter(brain: Brain, name: str | None) -> PostFilter:
    """The PostFilter of a knowledge base, usable with the archive (iter_posts, count) and the index."""
    if not name or name == DEFAULT_KB:
        return PostFilter()
    _, _, stored = _require(brain, name)
    flt = filter_from_json(stored)
    if flt.is_empty():
        # no filter: only the files added to it (none yet = an empty KB, never the whole archive)
        return PostFilter(kb=name)  # members only: filter_sql reads kb_posts
    if not stored.get("members"):
        return flt
    # a filter plus members: the union, as an explicit id list
    ids = set(brain.archive.ids(flt))
    ids.update(_members(brain, name))
    return PostFilter(ids=sorted(ids))


def kb_info(brain: Brain, name: str) -> KBInfo:
    if name == DEFAULT_KB:
        return KBInfo(DEFAULT_KB, "整个归档 / the whole archive", brain.archive.count(), {})
    row_name, description, stored = _require(brain, name)
    return KBInfo(row_name, description, brain.archive.count(kb_filter(brain, name)), stored)


def list_kbs(brain: Brain) -> list[KBInfo]:
    """Every knowledge base, ``all`` first."""
    names = brain.archive.kb_names(exclude=DEFAULT_KB)
    return [kb_info(brain, DEFAULT_KB), *(kb_info(brain, n) for n in names)]


def delete_kb(brain: Brain, name: str) -> None:
    """Delete a knowledge base (its posts stay in the archive and the index)."""
    if name == DEFAULT_KB:
        raise ConfigError(f"{DEFAULT_KB!r} is the whole archive and cannot be deleted")
    _require(brain, name)
    brain.archive.kb_delete(name)


def _file_post_ids(brain: Brain, f: InputFile, options: ImportOptions, forced: Importer | None) -> list[int]:
    """The archive ids of the posts in one imported file (parsed again: unchanged posts count too)."""
    from dataclasses import replace

    from ..models import Post
    from ..sources.base import detect

    try:
        importer = forced or detect(f.path)
    except Exception:  # noqa: BLE001 - a file the import skipped (not a known format)
        return []
    opts = (
        options
        if options.now
        else replace(
            options, now=datetime.fromtimestamp(f.path.stat().st_mtime, UTC).astimezone(options.zone)
        )
    )
    ids: list[int] = []
    for item in importer.parse(f.path, opts):
        if isinstance(item, Post):
            found = brain.archive.find_by_key(item.platform, item.account, item.key())
            if found is not None and found.id is not None:
                ids.append(found.id)
    return ids


def add_files_to_kb(
    brain: Brain,
    name: str,
    paths: list[Path],
    progress: Callable[[str, int, int], None] | None = None,
    *,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Import files (as `socialbrain import` does: folders and zips too) and make their posts members of the KB.

    Creates the KB when it does not exist yet. Returns the ImportReport."""
    import tempfile

    from ..sources.base import ImportOptions, get_importer
    from ..sources.files import iter_input_files
    from ..sources.ingest import ImportReport, import_file

    name = _check_name(name)
    if name == DEFAULT_KB:
        raise ConfigError(f"every import goes into {DEFAULT_KB!r}: use `socialbrain import FILE` instead")
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise NotFoundError(f"{p}: no such file or folder")
    if _row(brain, name) is None:
        create_kb(brain, name)
    options = options or ImportOptions()
    forced = get_importer(options.format) if options.format else None
    report = ImportReport()
    ids: list[int] = []
    with tempfile.TemporaryDirectory(prefix="socialbrain-kb-") as tmp:
        for i, raw in enumerate(paths):
            for f in iter_input_files([raw], Path(tmp) / str(i)):
                result = import_file(brain.archive, f, options, forced=forced, progress=progress)
                report.files.append(result)
                if result.status == "imported":
                    ids.extend(_file_post_ids(brain, f, options, forced))
    _require(brain, name)
    brain.archive.kb_add_members(name, ids)
    from .sync import sync_index

    sync_index(brain, embed=False)
    return report


def rebuild_kb(
    brain: Brain, name: str, progress: Callable[[str, int, int], None] | None = None
) -> SyncReport:
    """Index the knowledge base's posts again from the archive, then embed them. ``all`` rebuilds the whole index.

    Returns the SyncReport."""
    from .sync import _index_transaction, apply_changes, apply_post_ids, embed_pass, rebuild_index
    from .writer import writer_lock

    if name == DEFAULT_KB:
        return rebuild_index(brain, progress=progress)
    flt = kb_filter(brain, name)
    report = apply_changes(brain, progress)
    ids = [p.id for p in brain.archive.iter_posts(flt) if p.id is not None]
    chunk = 2000
    with writer_lock(brain.data_dir).hold():  # the one index writer (see index/writer.py)
        for start in range(0, len(ids), chunk):
            with _index_transaction(brain.index):
                apply_post_ids(brain.archive, brain.index, ids[start : start + chunk], report)
            if progress:
                progress("index", min(start + chunk, len(ids)), len(ids))
    if brain.embedder is not None:
        report.embedded = embed_pass(brain, progress=progress, wait=True) or 0
    report.pending = brain.index.counts().get("pending", 0)
    return report
