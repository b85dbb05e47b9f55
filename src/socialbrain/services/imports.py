"""Import files into the archive, then bring the search index up to date: one sequence for every face."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SocialbrainError

if TYPE_CHECKING:
    from ..brain import Brain
    from ..index.sync import SyncReport
    from ..sources.ingest import ImportOptions, ImportReport

Progress = Callable[[str, int, int], None]


@dataclass
class ImportOutcome:
    report: ImportReport
    index: SyncReport | None = None  # None: nothing changed, or the index was not asked for
    index_error: str | None = None  # the archive change is committed whatever the index does
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out = report_record(self.report)
        out["index"] = vars(self.index).copy() if self.index is not None else {}
        if self.index_error:
            out["index_error"] = self.index_error
        return out


def report_record(report: ImportReport) -> dict[str, Any]:
    """An ImportReport as JSON: one entry per file, and the totals."""
    files = [{k: (str(v) if isinstance(v, Path) else v) for k, v in vars(f).items()} for f in report.files]
    return {"files": files, "totals": report.totals()}


def sync(brain: Brain, *, embed: bool = True, progress: Progress | None = None) -> SyncReport:
    """Apply archive changes to the index (and embed what lacks a vector); a big batch of changes segments on a
    second core (index/segment_worker.py)."""
    from ..index.sync import sync_index

    return sync_index(brain, embed=embed, progress=progress)


def _index_behind(brain: Brain) -> bool:
    try:
        return brain.archive.last_change_seq() > brain.index.applied_seq()
    except SocialbrainError:  # an unusable index is reported by the sync that would run, not here
        return False


def import_and_sync(
    brain: Brain,
    paths: list[Path],
    *,
    options: ImportOptions | None = None,
    index: bool = True,
    embed: bool = False,
    progress: Progress | None = None,
    index_progress: Progress | None = None,
) -> ImportOutcome:
    """Import ``paths``; when posts were added or changed (or the index is behind) and ``index`` is on, apply the
    changes to the index.

    The posts are keyword-searchable when this returns. Vectors are not computed here unless ``embed=True``: the
    faces run the resumable embedding pass afterwards (CLI import with progress, serve's background indexer).
    A failing index never undoes the import: the outcome carries the error to show.

    Imports with enough text start the segmentation worker (index/segment_worker.py) while parsing, once the
    parsed texts reach ``segment_worker.MIN_CHARS`` characters: its ~0.2 s start overlaps the parse, and it
    segments the parsed posts' texts on another core while they are stored, so the index pass finds most tokens
    ready. Fewer characters (a few thousand short reposts) would not repay its start: no worker then, neither
    here nor in the index pass. It is closed when this returns, whatever happens."""
    from ..index import segment_worker
    from ..index.sync import sync_index
    from ..sources.ingest import import_paths

    gate = segment_worker.StartByVolume() if index and segment_worker.wanted(segment_worker.MIN_POSTS) else None
    try:
        report = import_paths(
            brain.archive,
            paths,
            options=options,
            progress=progress,
            on_parsed=gate,  # counts the texts; with the worker started, segmented while the posts are stored
        )
        outcome = ImportOutcome(report)
        totals = report.totals()
        # also when nothing changed now but an earlier run stopped before its changes reached the index (Ctrl-C)
        if index and (totals.get("new") or totals.get("updated") or _index_behind(brain)):
            try:
                outcome.index = sync_index(
                    brain,
                    embed=embed,
                    progress=index_progress or progress,
                    worker=gate.worker if gate is not None else None,
                    start_worker=not (gate is not None and gate.decided),
                )
            except SocialbrainError as e:
                outcome.index_error = f"the archive is saved, but the search index was not updated: {e}"
        return outcome
    finally:
        if gate is not None and gate.worker is not None:
            gate.worker.close()
