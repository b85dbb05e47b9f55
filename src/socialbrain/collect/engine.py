"""The paging loop every collector shares: fetch a page, store it and its checkpoint in one transaction,
decide whether to go on. Resume, incremental runs and ``--since`` live here, not in each platform.

Loops are caught here too, for every platform: a site that serves the same posts for every page number (two pages
in a row with nothing but posts this run has already seen), or a next-page cursor that points back to a page
already fetched, stops the run with :class:`PagingLoop` (one line; the posts stored so far stay, the unfinished run
is dropped so the next run does not resume into the loop).

State kept per (platform, account) (see :mod:`.state`):

    run        the run in progress: {"cursor", "high_water", "since", "originals_only", "pages"};
               present only while a run is unfinished, so the next call resumes it
    newest     {"at", "id"}: the newest post ever stored
    covered    {"since", "originals_only"}: what a finished full walk has seen (enables incremental runs)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..archive.sqlite import SQLiteArchive
from ..errors import CollectError
from ..models import Kind, Post
from .media import download_media
from .state import load_state, save_state

if TYPE_CHECKING:
    from ..brain import Brain
    from .http import PoliteClient


REPEATED_PAGES = 2  # this many pages in a row with only posts already seen this run: the site is looping


class PagingLoop(CollectError):
    """The site served the same page again, or its next-page cursor loops back."""


def _cursor_key(cursor: dict[str, Any]) -> str:
    return json.dumps(cursor, sort_keys=True, default=str)


@dataclass
class PageItem:
    post: Post
    pinned: bool = False


@dataclass
class Page:
    items: list[PageItem]
    next_cursor: dict[str, Any] | None  # None: this was the last page


class Source(Protocol):
    platform: str
    account: str

    def first_cursor(self, newest_id: str | None) -> dict[str, Any]:
        """Where a run starts; ``newest_id`` is set for incremental runs (a source may ask only for newer)."""
        ...

    def resume_cursor(self, cursor: dict[str, Any]) -> dict[str, Any]: ...

    def fetch(self, cursor: dict[str, Any]) -> Page:
        """One page, fully fetched (long texts expanded) before anything is stored; raises CollectError."""
        ...


@dataclass
class CollectReport:
    platform: str
    account: str
    pages: int = 0
    requests: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    forgotten: int = 0
    skipped: int = 0  # reposts with --originals-only, posts older than --since
    truncated: int = 0  # long posts whose full text could not be fetched
    media: int = 0
    media_failed: int = 0
    resumed: bool = False
    finished: bool = False
    stop_reason: str = ""

    def totals(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if isinstance(v, int) and not isinstance(v, bool)}


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def _dt(s: str | None) -> datetime | None:
    return datetime.fromisoformat(s) if s else None


def _incremental_allowed(state: dict[str, Any], since: datetime | None, originals_only: bool) -> bool:
    cov = state.get("covered")
    if not cov or not state.get("newest"):
        return False
    if cov.get("originals_only") and not originals_only:
        return False
    cs = _dt(cov.get("since"))
    return cs is None or (since is not None and since >= cs)


def _merge_covered(
    old: dict[str, Any] | None, since: datetime | None, originals_only: bool
) -> dict[str, Any]:
    if not old:
        return {"since": _iso(since), "originals_only": originals_only}
    os_ = _dt(old.get("since"))
    merged_since = None if (os_ is None or since is None) else min(os_, since)
    return {"since": _iso(merged_since), "originals_only": bool(old.get("originals_only")) and originals_only}


class Collector:
    """Runs a :class:`Source` into the archive with checkpoints."""

    def __init__(
        self,
        archive: SQLiteArchive,
        source: Source,
        *,
        since: datetime | None = None,
        originals_only: bool = False,
        full: bool = False,
        max_pages: int | None = None,
        progress: Callable[[CollectReport], None] | None = None,
        after_page: Callable[[list[Post], CollectReport], None] | None = None,
    ):
        self.archive = archive
        self.source = source
        self.since = since
        self.originals_only = originals_only
        self.full = full
        self.max_pages = max_pages
        self.progress = progress
        self.after_page = after_page
        self.report = CollectReport(source.platform, source.account)

    # -- public -----------------------------------------------------------------------------------
    def run(self) -> CollectReport:
        state = self._state()
        if state.get("run"):
            self.report.resumed = True
            run = state["run"]
            run["cursor"] = self.source.resume_cursor(run["cursor"])
            if not self._walk(run):
                return self.report
            # posts written while the interrupted run was paused sit above it: one pass from the top
            state = self._state()
            if not _incremental_allowed(
                state, run_since := _dt(run.get("since")), bool(run.get("originals_only"))
            ):
                return self.report
            self._walk(self._new_run(state, incremental=True, since=run_since))
            return self.report
        incremental = not self.full and _incremental_allowed(state, self.since, self.originals_only)
        self._walk(self._new_run(state, incremental=incremental, since=self.since))
        return self.report

    # -- internals --------------------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        return load_state(self.archive, self.source.platform, self.source.account)

    def _drop_run(self) -> None:
        """Forget the unfinished run (a looping site would trap every resume in the same loop)."""
        state = self._state()
        if state.pop("run", None) is not None:
            save_state(self.archive, self.source.platform, self.source.account, state)

    def _new_run(self, state: dict[str, Any], *, incremental: bool, since: datetime | None) -> dict[str, Any]:
        newest = state.get("newest") or {}
        return {
            "cursor": self.source.first_cursor(newest.get("id") if incremental else None),
            "high_water": newest.get("at") if incremental else None,
            "since": _iso(since),
            "originals_only": self.originals_only,
            "pages": 0,
        }

    def _walk(self, run: dict[str, Any]) -> bool:
        """Page until done; True when the run finished (False: stopped by --max-pages, resumable)."""
        high = _dt(run.get("high_water"))
        since = _dt(run.get("since"))
        originals_only = bool(run.get("originals_only"))
        seen_cursors: set[str] = set()
        seen_posts: set[str] = set()
        repeats = 0
        while True:
            if self.max_pages is not None and self.report.pages >= self.max_pages:
                self.report.stop_reason = "page limit (run again to continue)"
                return False
            seen_cursors.add(_cursor_key(run["cursor"]))
            page = self.source.fetch(run["cursor"])
            keys = {item.post.key() for item in page.items}
            repeats = repeats + 1 if keys and keys <= seen_posts else 0
            seen_posts |= keys
            if repeats >= REPEATED_PAGES:
                self._drop_run()
                raise PagingLoop(
                    f"{self.source.platform}: the site served the same posts again for {repeats} pages in a row "
                    f"(at {run['cursor']}): stopped after {self.report.pages} pages; what was new is stored, "
                    "run the same command later to try again"
                )
            if page.next_cursor is not None and _cursor_key(page.next_cursor) in seen_cursors:
                self._drop_run()
                raise PagingLoop(
                    f"{self.source.platform}: the site's next-page link loops back to a page already fetched "
                    f"({page.next_cursor}): stopped after {self.report.pages} pages; what was new is stored"
                )
            to_store: list[Post] = []
            reached_since = False
            caught_up = bool(page.items) and high is not None
            known_candidates: list[tuple[Post, bool]] = []
            for item in page.items:
                p = item.post
                if since is not None and p.created_at < since:
                    if not item.pinned:
                        reached_since = True
                    self.report.skipped += 1
                    continue
                if originals_only and p.kind == Kind.REPOST:
                    self.report.skipped += 1
                    if not item.pinned and high is not None and p.created_at > high:
                        caught_up = False
                    continue
                to_store.append(p)
                known_candidates.append((p, item.pinned))
            new_posts: list[Post] = []
            with self.archive.transaction():
                for p in to_store:
                    result = self.archive.upsert(p)
                    setattr(self.report, result, getattr(self.report, result) + 1)
                    if result == "new":
                        new_posts.append(p)
                new_keys = {p.key() for p in new_posts}
                for p, pinned in known_candidates:
                    if not pinned and (p.key() in new_keys or high is None or p.created_at > high):
                        caught_up = False
                run["pages"] = int(run.get("pages", 0)) + 1
                done_reason = (
                    "end of the timeline"
                    if page.next_cursor is None
                    else f"reached --since {since.date()}"
                    if reached_since and since
                    else "caught up with posts already stored"
                    if caught_up
                    else ""
                )
                state = self._state()
                if to_store:
                    top = max(to_store, key=lambda q: q.created_at)
                    old = state.get("newest") or {}
                    if not old.get("at") or top.created_at > datetime.fromisoformat(old["at"]):
                        state["newest"] = {"at": top.created_at.isoformat(), "id": top.post_id}
                if done_reason:
                    state.pop("run", None)
                    if run.get("high_water") is None:  # a full walk (not an incremental one) finished
                        state["covered"] = _merge_covered(
                            state.get("covered"),
                            since if reached_since else None,  # older posts were skipped, not seen
                            originals_only,
                        )
                    state["last_finished"] = datetime.now().astimezone().isoformat(timespec="seconds")
                else:
                    run["cursor"] = page.next_cursor
                    state["run"] = run
                save_state(self.archive, self.source.platform, self.source.account, state)
            if page.items:
                self.report.pages += 1
            if self.after_page:
                self.after_page(new_posts, self.report)
            if self.progress:
                self.progress(self.report)
            if done_reason:
                self.report.finished = True
                self.report.stop_reason = done_reason
                return True


def collect_source(
    brain: Brain,
    source: Source,
    opts: Any,
    *,
    client: PoliteClient,
    media_client: PoliteClient,
    progress: Callable[[CollectReport], None] | None = None,
) -> CollectReport:
    """Run ``source`` into ``brain.archive`` with the options every platform shares (``opts.since``,
    ``originals_only``, ``full``, ``max_pages``, ``media``): media of each page's new posts is fetched with
    ``media_client``; the report counts ``client``'s requests and the source's truncated long texts."""

    def fetch_media(new_posts: list[Post], report: CollectReport) -> None:
        got, failed = download_media(media_client, brain.data_dir, new_posts)
        report.media += got
        report.media_failed += failed

    collector = Collector(
        brain.archive,
        source,
        since=opts.since,
        originals_only=opts.originals_only,
        full=opts.full,
        max_pages=opts.max_pages,
        progress=progress,
        after_page=fetch_media if opts.media else None,
    )
    try:
        return collector.run()
    finally:
        collector.report.requests = client.requests
        collector.report.truncated = getattr(source, "truncated", 0)
