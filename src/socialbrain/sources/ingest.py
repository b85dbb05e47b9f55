"""Import files into the archive: detect, parse a whole file, then store it in ONE transaction.

A file that cannot be read imports nothing (its error names file, line or field); records an importer skips on
purpose are counted as ``rejected``; importing the same file again changes nothing (``unchanged``); posts the
user forgot stay forgotten. Every file gets a row in ``imports`` (path, sha256, counts, status).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from ..archive.sqlite import SQLiteArchive
from ..errors import ImportFormatError
from ..models import Post
from .base import Importer, ImportOptions, Rejected, detect, get_importer, read_head
from .files import InputFile, iter_input_files, sha256_file

Progress = Callable[[str, int, int], None]
COUNTS = ("new", "updated", "unchanged", "rejected", "forgotten")
BATCH = 2000


@dataclass
class FileResult:
    path: str
    importer: str | None
    status: str  # "imported" | "failed" | "skipped"
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    forgotten: int = 0
    message: str | None = None
    rejections: list[str] = field(default_factory=list)  # the first few reasons, for the summary

    @property
    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in COUNTS}


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        out = {k: sum(getattr(f, k) for f in self.files) for k in COUNTS}
        out["files"] = sum(f.status == "imported" for f in self.files)
        out["failed"] = sum(f.status == "failed" for f in self.files)
        out["skipped"] = sum(f.status == "skipped" for f in self.files)
        return out

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]


def import_paths(
    archive: SQLiteArchive,
    paths: list[Path],
    *,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import files, folders and .zip archives; one FileResult per file considered."""
    options = options or ImportOptions()
    options.zone  # noqa: B018 - a bad --tz fails before any work
    forced = get_importer(options.format) if options.format else None
    report = ImportReport()
    with tempfile.TemporaryDirectory(prefix="socialbrain-import-") as tmp:
        for i, raw in enumerate(paths):
            try:
                inputs = list(iter_input_files([Path(raw)], Path(tmp) / str(i)))
            except ImportFormatError as e:
                report.files.append(FileResult(str(raw), None, "failed", message=str(e)))
                continue
            for f in inputs:
                report.files.append(import_file(archive, f, options, forced=forced, progress=progress))
    return report


def _choose(f: InputFile, forced: Importer | None) -> Importer:
    if forced is None:
        return detect(f.path)
    if f.explicit or forced.sniff(f.path, read_head(f.path)) > 0:
        return forced
    raise ImportFormatError(f.shown, f"not a {forced.name} file")


def _shown_error(e: Exception, f: InputFile) -> str:
    msg = str(e)
    if isinstance(e, ImportFormatError):
        return msg.replace(str(f.path), f.shown, 1) if f.shown != str(f.path) else msg
    return f"{f.shown}: unexpected shape for this format ({type(e).__name__}: {e})"


def import_file(
    archive: SQLiteArchive,
    f: InputFile | Path,
    options: ImportOptions | None = None,
    *,
    forced: Importer | None = None,
    progress: Progress | None = None,
) -> FileResult:
    """Import one file (not a folder or zip): all of it, or nothing."""
    if isinstance(f, Path):
        f = InputFile(f, str(f), explicit=True)
    options = options or ImportOptions()
    try:
        imp = _choose(f, forced)
    except ImportFormatError as e:
        if f.explicit:
            return FileResult(f.shown, None, "failed", message=_shown_error(e, f))
        return FileResult(f.shown, None, "skipped", message="not a known export format")
    opts = (
        options
        if options.now
        else replace(
            options, now=datetime.fromtimestamp(f.path.stat().st_mtime, UTC).astimezone(options.zone)
        )
    )
    import_id = archive.start_import(f.shown, sha256_file(f.path), imp.name)
    result = FileResult(f.shown, imp.name, "imported")
    try:
        items = list(imp.parse(f.path, opts))  # everything parsed before anything is stored
    except (ImportFormatError, KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
        result.status, result.message = "failed", _shown_error(e, f)
        archive.finish_import(import_id, {}, "failed", result.message)
        return result
    posts: list[Post] = []
    for item in items:
        if isinstance(item, Rejected):
            result.rejected += 1
            if len(result.rejections) < 5:
                result.rejections.append(
                    f"{f.shown}:{item.line}: {item.reason}" if item.line else item.reason
                )
        else:
            if item.source_file is None:
                item.source_file = f.shown
            posts.append(item)
    del items
    # the same key twice in one file: keep the last record, so a re-import finds every post unchanged
    last: dict[tuple[str, str, str], int] = {}
    for i, post in enumerate(posts):
        last[(post.platform, post.account, post.key())] = i
    if len(last) < len(posts):
        keep = set(last.values())
        dropped = len(posts) - len(keep)
        result.rejected += dropped
        result.rejections.append(
            f"{dropped} record(s) repeat the id of a later record in the file (the later kept)"
        )
        posts = [p for i, p in enumerate(posts) if i in keep]
    label = Path(f.shown).name
    with archive.transaction():
        for start in range(0, len(posts), BATCH):
            batch = posts[start : start + BATCH]
            for post, outcome in zip(batch, archive.upsert_many(batch, import_id=import_id), strict=True):
                setattr(result, outcome, getattr(result, outcome) + 1)
                if post.hidden and outcome == "new" and post.id is not None:
                    archive.set_hidden(post.id, True)
            if progress:
                progress(label, min(start + BATCH, len(posts)), len(posts))
        archive.finish_import(import_id, result.counts, "done", "; ".join(result.rejections) or None)
    if progress and not posts:
        progress(label, 0, 0)
    return result


__all__ = ["FileResult", "ImportOptions", "ImportReport", "import_file", "import_paths"]
