"""Import files into the archive: detect, parse a whole file, then store it in ONE transaction.

A record that cannot be read (a bad date, no text) is skipped and reported (``file:line [field]: reason —
«first chars»``) and the rest of the file imports; with ``strict`` any skipped record fails the file. A file
that cannot be read at all imports nothing and gets one line naming file, line or field — whatever went wrong,
never a traceback, and a folder run goes on with the next file. Importing the same file again changes nothing
(``unchanged``); posts the user forgot stay forgotten. Every file gets a row in ``imports`` (path, sha256,
counts, status ``done``/``failed``/``interrupted``), closed on every exit path; rows left ``running`` by a
killed process are marked ``interrupted`` by the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..archive.sqlite import SQLiteArchive
from ..errors import ImportFormatError, NotThisFormat
from ..models import Post
from ..processes import pid_alive
from .base import Importer, ImportOptions, Rejected, detect, get_importer, read_head
from .files import InputFile, iter_input_files, sha256_file

Progress = Callable[[str, int, int], None]
COUNTS = ("new", "updated", "unchanged", "rejected", "forgotten")
BATCH = 2000
PARSED_BATCH = 512  # posts handed to import_paths(on_parsed=…) at a time
MAX_LISTED = 5  # skipped records listed one by one per file (all are counted and grouped by reason)
MAX_FILE_BYTES = 2 * 1024**3  # one export file; bigger ones are split by every exporter we know


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
    rejections: list[str] = field(default_factory=list)  # the first few skipped records, one line each
    reasons: dict[str, int] = field(default_factory=dict)  # why records were skipped → how many
    posts: int = 0  # posts the file held (new + updated + unchanged + forgotten)

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

    @property
    def posts(self) -> int:
        """Posts found in all files (a re-import whose posts are all unchanged still counts them)."""
        return sum(f.posts for f in self.files)

    def reasons(self) -> dict[str, int]:
        """Why records were skipped, over all files, most frequent first."""
        out: dict[str, int] = {}
        for f in self.files:
            for r, n in f.reasons.items():
                out[r] = out.get(r, 0) + n
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def empty_message(self) -> str | None:
        """One plain line when the run found no post at all (and no file failed to say why), else None."""
        if self.posts or self.failed:
            return None
        imported = [f for f in self.files if f.status == "imported"]
        if not imported:
            unknown = len(self.files)
            if unknown:
                return f"no posts found: none of the {unknown} file(s) looked at is a known export format"
            return "no files to import were found"
        skipped = sum(f.rejected for f in imported)
        if skipped:
            return f"no posts imported: all {skipped} record(s) were skipped (see the reasons above)"
        return "no posts found in " + ("the file" if len(imported) == 1 else f"any of the {len(imported)} files")


#: the folder beside the archive where zips are unpacked while they import (``<data dir>/tmp/import-<pid>-…``)
SCRATCH_DIR = "tmp"


def scratch_root(archive: SQLiteArchive) -> Path:
    """``<data dir>/tmp``, after removing what imports killed before they could clean up left there.

    Zips unpack beside the archive, not in the system's /tmp: the same disk as the data, and a ``kill -9`` (or a
    power cut) in the middle of a big export leaves its unpacked copy where the next import finds and removes it.
    A folder is abandoned when the pid in its name no longer runs."""
    root = archive.path.parent / SCRATCH_DIR
    root.mkdir(parents=True, exist_ok=True)
    for left in root.glob("import-*"):
        pid = left.name.split("-")[1]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(left, ignore_errors=True)
    return root


def import_paths(
    archive: SQLiteArchive,
    paths: list[Path],
    *,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    on_parsed: Callable[[list[Post]], None] | None = None,
) -> ImportReport:
    """Import files, folders and .zip archives; one FileResult per file considered.

    ``on_parsed`` sees the posts as they are parsed, in batches, before anything is stored (the index uses it to
    segment them on another core meanwhile); it must not change them."""
    options = options or ImportOptions()
    options.zone  # noqa: B018 - a bad --tz fails before any work
    forced = get_importer(options.format) if options.format else None
    report = ImportReport()
    archive.close_stale_imports()
    with tempfile.TemporaryDirectory(prefix=f"import-{os.getpid()}-", dir=scratch_root(archive)) as tmp:
        for i, raw in enumerate(paths):
            try:
                inputs = iter_input_files([Path(raw)], Path(tmp) / str(i))
                for f in inputs:
                    report.files.append(
                        import_file(archive, f, options, forced=forced, progress=progress, on_parsed=on_parsed)
                    )
            except ImportFormatError as e:
                report.files.append(FileResult(str(raw), None, "failed", message=str(e)))
            except Exception as e:  # any other failure reading the input: one line, and on to the next path
                report.files.append(FileResult(str(raw), None, "failed", message=_oneline(str(raw), e)))
    return report


def _oneline(shown: str, e: BaseException) -> str:
    """Any error while reading a file as one line naming the file (never a traceback)."""
    if isinstance(e, ImportFormatError):
        return str(e)
    if isinstance(e, RecursionError):
        return f"{shown}: nested too deeply to read (over {sys.getrecursionlimit()} levels): not an export"
    if isinstance(e, MemoryError):
        return f"{shown}: too large to read into memory"
    if isinstance(e, PermissionError):
        return f"{shown}: cannot read the file (permission denied)"
    if isinstance(e, IsADirectoryError):
        return f"{shown}: is a folder"
    if isinstance(e, zipfile.BadZipFile | zlib.error | EOFError):
        return f"{shown}: a damaged zip (bad CRC or compressed data): {_short_msg(e)}"
    if isinstance(e, OSError):
        return f"{shown}: cannot read the file ({e.strerror or type(e).__name__})"
    if isinstance(e, UnicodeError):
        return f"{shown}: text that is not valid Unicode ({_short_msg(e)})"
    return f"{shown}: unexpected shape for this format ({type(e).__name__}: {_short_msg(e)})"


def _short_msg(e: BaseException, width: int = 120) -> str:
    t = " ".join(str(e).split())
    return t if len(t) <= width else t[: width - 1] + "…"


def _choose(f: InputFile, forced: Importer | None) -> Importer:
    if forced is None:
        return detect(f.path)
    if f.explicit or forced.sniff(f.path, read_head(f.path)) > 0:
        return forced
    raise ImportFormatError(f.shown, f"not a {forced.name} file")


def _shown_error(e: BaseException, f: InputFile) -> str:
    msg = _oneline(f.shown, e)
    return msg.replace(str(f.path), f.shown) if f.shown != str(f.path) else msg


def import_file(
    archive: SQLiteArchive,
    f: InputFile | Path,
    options: ImportOptions | None = None,
    *,
    forced: Importer | None = None,
    progress: Progress | None = None,
    on_parsed: Callable[[list[Post]], None] | None = None,
) -> FileResult:
    """Import one file (not a folder or zip): every readable record of it, or nothing; never raises for input."""
    if isinstance(f, Path):
        f = InputFile(f, str(f), explicit=True)
    options = options or ImportOptions()
    if f.error:
        return FileResult(f.shown, None, "failed", message=f.error)
    try:
        refuse_special(f.path, f.shown)  # a FIFO, device or broken link in a folder is reported, not skipped
    except ImportFormatError as e:
        return FileResult(f.shown, None, "failed", message=_shown_error(e, f))
    try:
        imp = _choose(f, forced)
    except ImportFormatError as e:
        if f.explicit or not (forced is not None or _quiet_skip(e)):
            return FileResult(f.shown, None, "failed", message=_shown_error(e, f))
        return FileResult(f.shown, None, "skipped", message="not a known export format")
    except (OSError, RecursionError, MemoryError, UnicodeError) as e:
        return FileResult(f.shown, None, "failed", message=_shown_error(e, f))
    result = FileResult(f.shown, imp.name, "imported")
    import_id: int | None = None
    try:
        opts = (
            options
            if options.now
            else replace(
                options, now=datetime.fromtimestamp(f.path.stat().st_mtime, UTC).astimezone(options.zone)
            )
        )
        import_id = archive.start_import(f.shown, sha256_file(f.path), imp.name)
        posts = _parse(imp, f, opts, result, on_parsed)
        if options.strict and result.rejected:
            first = result.rejections[0] if result.rejections else ""
            raise ImportFormatError(
                f.shown, f"{result.rejected} record(s) could not be read (--strict imports nothing): {first}"
            )
        _store(archive, posts, result, import_id, f, progress)
    except BaseException as e:
        interrupted = isinstance(e, KeyboardInterrupt | SystemExit | GeneratorExit)
        result.status = "interrupted" if interrupted else "failed"
        if isinstance(e, NotThisFormat) and not f.explicit and forced is None:
            result.status = "skipped"  # a look-alike found in a folder (a README that quotes the format)
        result.message = "interrupted" if interrupted else _shown_error(e, f)
        for k in ("new", "updated", "unchanged", "forgotten"):
            setattr(result, k, 0)
        result.posts = 0
        if import_id is not None:
            # if the archive itself is gone/locked, the row is closed as stale by the next run
            with contextlib.suppress(Exception):
                archive.finish_import(import_id, {}, result.status, result.message)
        if interrupted or not isinstance(e, Exception):
            raise
    return result


def _quiet_skip(e: ImportFormatError) -> bool:
    """Inside a folder an unknown file is skipped quietly; an unreadable or special one is reported."""
    return "no importer recognises" in str(e) or "the file is empty" in str(e)


def refuse_special(path: Path, shown: str) -> None:
    """Only regular files are read: a FIFO would block forever, a device (/dev/zero) never ends."""
    try:
        st = path.stat()
    except OSError as e:
        if path.is_symlink():
            raise ImportFormatError(shown, "is a symbolic link that leads nowhere (broken or a loop)") from None
        raise ImportFormatError(shown, f"cannot read the file ({e.strerror or type(e).__name__})") from None
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode)
            else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a socket" if stat.S_ISSOCK(st.st_mode)
            else "a folder" if stat.S_ISDIR(st.st_mode)
            else "not a regular file"
        )
        raise ImportFormatError(shown, f"is {kind}, not a file: refusing to read it")
    if st.st_size > MAX_FILE_BYTES:
        raise ImportFormatError(
            shown, f"is {st.st_size / 1024**3:.1f} GB, over the {MAX_FILE_BYTES // 1024**3} GB limit for one file"
        )


def number_repeats(posts: Iterable[Post]) -> None:
    """Records without an id that repeat an earlier one of the same export (same account, time and text) are
    separate posts (the same words posted twice in a minute): number them (``Post.occurrence``), in file order,
    so each keeps its own key and a re-import of the file finds the same keys. Importers whose files can hold a
    later crawl appended to an earlier one (weiboSpider .txt) number within each crawl themselves
    (``numbers_repeats = True``): there a repeat across crawls is the same post."""
    seen: dict[tuple[Any, ...], int] = {}
    for p in posts:
        if not p.post_id:
            k = p.repeat_parts()
            p.occurrence = seen.get(k, 0)
            seen[k] = p.occurrence + 1


def _parse(
    imp: Importer,
    f: InputFile,
    opts: ImportOptions,
    result: FileResult,
    on_parsed: Callable[[list[Post]], None] | None = None,
) -> list[Post]:
    """Every post of the file (all parsed before anything is stored); skipped records counted in ``result``."""
    posts: list[Post] = []
    told = 0
    for item in imp.parse(f.path, opts):
        if on_parsed is not None and len(posts) - told >= PARSED_BATCH:
            on_parsed(posts[told:])
            told = len(posts)
        if isinstance(item, Rejected):
            result.rejected += 1
            result.reasons[item.reason] = result.reasons.get(item.reason, 0) + 1
            if len(result.rejections) < MAX_LISTED:
                result.rejections.append(item.describe(f.shown))
        else:
            if item.source_file is None:
                item.source_file = f.shown
            posts.append(item)
    if on_parsed is not None and len(posts) > told:
        on_parsed(posts[told:])
    if not getattr(imp, "numbers_repeats", False):
        number_repeats(posts)
    # the same key twice in one file: keep the last record, so a re-import finds every post unchanged
    last: dict[tuple[str, str, str], int] = {}
    for i, post in enumerate(posts):
        last[(post.platform, post.account, post.key())] = i
    if len(last) < len(posts):
        keep = set(last.values())
        for keyed in (True, False):
            dropped = sum(1 for i, p in enumerate(posts) if i not in keep and bool(p.post_id) == keyed)
            if not dropped:
                continue
            reason = (
                "repeats the id of a later record in the file (the later kept)"
                if keyed
                else "the same post again in a later crawl appended to the file (the later kept)"
            )
            result.rejected += dropped
            result.reasons[reason] = result.reasons.get(reason, 0) + dropped
            result.rejections.append(f"{f.shown}: {dropped} record(s): {reason}")
        posts = [p for i, p in enumerate(posts) if i in keep]
    return posts


def _store(
    archive: SQLiteArchive,
    posts: list[Post],
    result: FileResult,
    import_id: int,
    f: InputFile,
    progress: Progress | None,
) -> None:
    label = Path(f.shown).name
    try:
        _store_once(archive, posts, result, import_id, label, progress)
    except UnicodeEncodeError:  # a lone surrogate (JSON "\ud800") cannot be stored: replace it and retry
        for k in ("new", "updated", "unchanged", "forgotten"):
            setattr(result, k, 0)
        for p in posts:
            _scrub(p)
        _store_once(archive, posts, result, import_id, label, progress)
    result.posts = result.new + result.updated + result.unchanged + result.forgotten


def _store_once(
    archive: SQLiteArchive,
    posts: list[Post],
    result: FileResult,
    import_id: int,
    label: str,
    progress: Progress | None,
) -> None:
    with archive.transaction():
        for start in range(0, len(posts), BATCH):
            batch = posts[start : start + BATCH]
            for post, outcome in zip(batch, archive.upsert_many(batch, import_id=import_id), strict=True):
                setattr(result, outcome, getattr(result, outcome) + 1)
                if post.hidden and outcome == "new" and post.id is not None:
                    archive.set_hidden(post.id, True)
            if progress:
                progress(label, min(start + BATCH, len(posts)), len(posts))
        summary = "; ".join(f"{n}× {r}" for r, n in result.reasons.items()) or None
        archive.finish_import(import_id, result.counts, "done", summary)
    if progress and not posts:
        progress(label, 0, 0)


def _fix(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_fix(v) for v in value]
    if isinstance(value, dict):
        return {_fix(k): _fix(v) for k, v in value.items()}
    return value


def _scrub(post: Post) -> None:
    """Replace lone surrogates (unencodable) in every text field of a post with ``?``."""
    for name in ("text", "ref_text", "ref_author", "url", "location", "source_tool", "source_file",
                 "conversation", "author", "reply_to", "post_id", "account", "raw", "media"):
        setattr(post, name, _fix(getattr(post, name)))


__all__ = ["FileResult", "ImportOptions", "ImportReport", "import_file", "import_paths"]
