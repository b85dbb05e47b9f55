"""Report pages: yearly reviews and portraits made by ``socialbrain.insights`` as background jobs, cached on disk.

A report is cached under an id derived from what it was asked for (kind, year, KB, public edition, sections,
aspects, LLM or not and which model) and the state of the archive (its last change seq, and what the KB means):
a new import, a forget or a hide changes the seq, so the next request makes a fresh report; the same request
otherwise reuses the cached one. HTML, Markdown and JSON are written when the report is made; the PNG share card
is rendered by headless Chromium on first download. Everything lives in ``<data dir>/reports/<id>/``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..brain import Brain
from ..errors import ConfigError, NotFoundError
from ..insights.portrait import DEFAULT_ASPECTS
from ..insights.publish import PORTRAIT_SECTIONS, SECTIONS, parse_sections
from ..insights.render import FORMATS, render_html, render_json, render_markdown
from ..localtime import local_zone
from ..services.reports import ReportOptions, available_years, build_report
from ..timeparse import DEFAULT_ZONE

REPORT_ID = re.compile(r"^[0-9a-f]{20}$")
KEEP_REPORTS = 40  # cached reports kept on disk (oldest removed first)
MAX_ASPECTS = 12
MAX_ASPECT_CHARS = 20
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "png": "image/png",
}
# The report page is self-contained (inline CSS and SVG, no scripts): allow exactly that, sandboxed, framable
# only by the app itself. Links to original posts may open in a new tab (popups), never run anything.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"
)


def options_info(brain: Brain, kb: str | None = None) -> dict[str, Any]:
    """What the report page offers: the years with posts, the default year, aspects, sections, the LLM."""
    from ..insights.yearly import default_year

    years = available_years(brain, kb)
    llm = brain.llm
    return {
        "years": [{"year": y, "posts": n} for y, n in sorted(years.items(), reverse=True)],
        "default_year": default_year(years) if years else None,
        "aspects": list(DEFAULT_ASPECTS),
        "year_sections": list(SECTIONS),
        "portrait_sections": list(PORTRAIT_SECTIONS),
        "formats": list(FORMATS),
        "llm": {
            "available": llm is not None,
            "name": getattr(llm, "name", None) if llm else None,
            "remote": bool(getattr(llm, "remote", True)) if llm else False,
        },
    }


def _kb(kb: str | None) -> str | None:
    return kb if kb and kb != "all" else None


def resolve_options(
    brain: Brain,
    *,
    kind: str,
    year: str | int | None,
    kb: str | None,
    public: bool,
    sections: list[str] | None,
    aspects: list[str] | None,
    use_llm: bool,
) -> ReportOptions:
    """Check a request (one-line errors naming the field) and resolve the default year and the LLM."""
    from ..insights.yearly import parse_year, review_years

    kb = _kb(kb)
    if kb:
        from .services import kb_names

        if kb not in kb_names(brain):
            raise NotFoundError(f"kb: no knowledge base named {kb!r}; see GET /api/kbs")
    llm = brain.llm if use_llm else None
    opts = ReportOptions(kind=kind, kb=kb, public=public)
    if kind == "year":
        years = available_years(brain, kb)
        if not years:
            raise NotFoundError(
                "no posts to review yet: import your exports first (知识库 / Knowledge bases)"
            )
        opts.year = "all" if parse_year(year) == "all" else review_years(years, year)[0]
        opts.sections = parse_sections(sections)
    elif kind == "portrait":
        opts.sections = parse_sections(sections, PORTRAIT_SECTIONS)
        clean = [a.strip() for a in aspects or [] if a and a.strip()]
        if len(clean) > MAX_ASPECTS:
            raise ConfigError(f"aspects: at most {MAX_ASPECTS}, got {len(clean)}")
        long = [a for a in clean if len(a) > MAX_ASPECT_CHARS]
        if long:
            raise ConfigError(f"aspects: {long[0]!r} is too long; use a word or a short phrase")
        opts.aspects = list(dict.fromkeys(clean)) or None
    else:
        raise ConfigError(f"kind: use 'year' or 'portrait', not {kind!r}")
    opts.use_llm = llm is not None
    opts.llm = getattr(llm, "name", "llm") if llm is not None else None
    return opts


def report_id(brain: Brain, opts: ReportOptions) -> str:
    """The cache key: the options, the archive's last change seq, what the KB means right now and the time zone
    the report counts in (a report of 2015 in Beijing is not the one in New York)."""
    kb_state: Any = None
    if opts.kb:
        from ..models import PostFilter
        from ..retrieve.filters import resolve_kb

        resolved = resolve_kb(brain, PostFilter(kb=opts.kb))
        kb_state = {k: (sorted(v) if k == "ids" and v else v) for k, v in vars(resolved).items()}
    key = {
        "options": opts.to_json(),
        "seq": brain.archive.last_change_seq(),
        "kb": kb_state,
        "version": __version__,
        "zone": str(local_zone()),
    }
    blob = json.dumps(key, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:20]


def file_name(meta: dict[str, Any], fmt: str) -> str:
    """A download name like ``report-2016.html``, ``report-portrait-public.png`` (ASCII only)."""
    what = "portrait" if meta.get("kind") == "portrait" else str(meta.get("year", "year"))
    kb = re.sub(r"[^A-Za-z0-9_-]+", "", meta.get("kb") or "")
    parts = [
        "report",
        what,
        *([kb] if kb and kb != "all" else []),
        *(["public"] if meta.get("public") else []),
    ]
    return "-".join(parts) + f".{fmt}"


@dataclass
class ReportStore:
    """Reports on disk: ``<root>/<id>/`` with report.html, .md, .json (and .png once asked for) and meta.json."""

    root: Path
    keep: int = KEEP_REPORTS
    _png_lock: threading.Lock = field(default_factory=threading.Lock)
    running: dict[str, str] = field(default_factory=dict)  # report id -> job id making it
    logs: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)  # job id -> its progress steps

    def progress_log(self, job_id: str) -> list[tuple[str, int, int]]:
        """The list a job's progress steps go to (every stage change is kept, for the event stream)."""
        if job_id not in self.logs:
            for old in list(self.logs)[: max(0, len(self.logs) - 2 * self.keep)]:
                del self.logs[old]
            self.logs[job_id] = []
        return self.logs[job_id]

    def folder(self, rid: str) -> Path:
        if not REPORT_ID.match(rid):
            raise NotFoundError(f"no report {rid!r}")
        return self.root / rid

    def meta(self, rid: str) -> dict[str, Any] | None:
        """The report's meta.json; None when there is none or it is unreadable (not JSON, not an object)."""
        try:
            meta = json.loads((self.folder(rid) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def list(self) -> list[dict[str, Any]]:
        out = []
        if self.root.is_dir():
            for d in self.root.iterdir():
                m = self.meta(d.name) if REPORT_ID.match(d.name) else None
                if m:
                    out.append(m)
        return sorted(out, key=lambda m: m.get("created_at", ""), reverse=True)

    def save(self, rid: str, report: dict[str, Any], opts: ReportOptions, seconds: float) -> dict[str, Any]:
        folder = self.folder(rid)
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        (tmp / "report.html").write_text(render_html(report), encoding="utf-8")
        (tmp / "report.md").write_text(render_markdown(report), encoding="utf-8")
        (tmp / "report.json").write_text(render_json(report), encoding="utf-8")
        meta = {
            "id": rid,
            "kind": report.get("kind", opts.kind),
            "year": report.get("year"),
            "title": report.get("title", ""),
            "kb": opts.kb or "all",
            "public": opts.public,
            "options": opts.to_json(),
            "post_count": report.get("post_count"),
            "redactions": report.get("redactions", 0),
            "narrative_by": report.get("narrative_by"),
            "created_at": datetime.now(DEFAULT_ZONE).isoformat(timespec="seconds"),
            "seconds": round(seconds, 2),
        }
        meta["files"] = {
            fmt: {"url": f"/api/reports/{rid}.{fmt}", "name": file_name(meta, fmt)} for fmt in FORMATS
        }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
        self.prune()
        return meta

    def prune(self) -> None:
        if not self.root.is_dir():
            return
        dirs = sorted(
            (d for d in self.root.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime, reverse=True
        )
        for d in dirs[self.keep :]:
            if d.name not in self.running:
                shutil.rmtree(d, ignore_errors=True)

    def file(self, rid: str, fmt: str) -> Path:
        """The report in ``fmt``; the PNG share card is rendered (headless Chromium) on first request."""
        if fmt not in FORMATS:
            raise NotFoundError(f"no format {fmt!r}; use one of {', '.join(FORMATS)}")
        folder = self.folder(rid)
        if self.meta(rid) is None:
            raise NotFoundError(f"no report {rid}: it was never made or was replaced by a newer one")
        path = folder / f"report.{fmt}"
        if fmt == "png" and not path.exists():
            from ..insights.render.png import card_html, render_png

            with self._png_lock:
                if not path.exists():
                    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
                    tmp = folder / "report.tmp.png"
                    render_png(card_html(report), tmp)
                    tmp.rename(path)
        return path


def make_report(
    brain: Brain,
    opts: ReportOptions,
    store: ReportStore,
    *,
    progress: Callable[[str, int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Make the report ``opts`` asks for with ``brain`` and store it; returns its meta (with the download URLs)."""
    from ..insights.common import check_stop

    started = time.monotonic()
    rid = report_id(brain, opts)  # the archive as this job sees it
    check_stop(should_stop)

    def tick(stage: str, done: int, total: int) -> None:
        # every progress tick is also a cancellation point, so a cancel lands between two LLM calls of the
        # map-reduce too (its per-period summaries are cached, nothing done is lost)
        if progress is not None:
            progress(stage, done, total)
        check_stop(should_stop)

    report = build_report(brain, opts, progress=tick, should_stop=should_stop)
    tick("render", 0, 1)
    meta = store.save(rid, report, opts, time.monotonic() - started)
    if progress is not None:
        progress("render", 1, 1)
    return meta
