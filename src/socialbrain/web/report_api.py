"""Report pages' API: start a yearly review or portrait (a background job), follow it over server-sent events,
cancel it, download it as HTML, Markdown, JSON or a PNG share card. Reports are cached (``web/reports.py``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, Field

from ..brain import Brain
from ..errors import NotFoundError
from ..services import llm_gate
from ..services.reports import llm_cost
from .api import sse
from .jobs import Job
from .reports import MEDIA_TYPES, REPORT_CSP, ReportStore, make_report, options_info, report_id
from .reports import resolve_options as resolve
from .state import WebState, get_state

router = APIRouter(prefix="/api/reports", tags=["reports"])

POLL_SECONDS = 0.15  # how often the event stream looks at the job
FINAL = ("done", "error", "cancelled")


class ReportRequest(BaseModel):
    kind: str = Field(default="year", pattern="^(year|portrait)$")
    year: str | int | None = Field(default=None, description="2016, 'all', or empty for the last full year")
    kb: str | None = None
    public: bool = False
    sections: list[str] | None = Field(default=None, description="keep only these sections")
    aspects: list[str] | None = Field(default=None, description="portrait aspects (words or short phrases)")
    use_llm: bool = True
    confirm: bool = Field(
        default=False, description="send posts to a non-loopback LLM (otherwise the answer asks first)"
    )


def store_of(st: WebState) -> ReportStore:
    return st.reports


def _job(st: WebState, job_id: str) -> Job:
    job = st.jobs.get(job_id)
    if job is None or job.kind != "report":
        raise NotFoundError(f"no report job {job_id}")
    return job


@router.get("/options")
async def report_options(request: Request, kb: str | None = None) -> dict[str, Any]:
    """Years with posts (newest first), the default year, aspects, sections, formats and the LLM."""
    st = get_state(request)
    return await st.run(options_info, st.brain, kb)


@router.get("")
def list_reports(request: Request) -> list[dict[str, Any]]:
    """Cached reports, newest first."""
    return store_of(get_state(request)).list()


@router.post("")
async def start_report(body: ReportRequest, request: Request) -> dict[str, Any]:
    """Start making a report: ``{cached: true, report}`` when an identical one exists for the archive as it is
    now, else ``{cached: false, job}`` (follow ``/api/reports/{job}/events``). For a non-loopback LLM without
    ``confirm``: ``{needs_confirm: true, cost: {posts, calls, tokens}, llm}`` and nothing starts."""
    st = get_state(request)
    store = store_of(st)

    def prepare() -> tuple[Any, str, dict[str, Any] | None]:
        opts = resolve(
            st.brain,
            kind=body.kind,
            year=body.year,
            kb=body.kb,
            public=body.public,
            sections=body.sections,
            aspects=body.aspects,
            use_llm=body.use_llm,
        )
        cost = None
        if llm_gate(st.brain.llm, use_llm=opts.use_llm, confirmed=body.confirm) == "ask":
            cost = llm_cost(st.brain, opts)
        return opts, report_id(st.brain, opts), cost

    opts, rid, cost = await st.run(prepare)
    if cost is not None:
        return {"needs_confirm": True, "cost": cost, "llm": opts.llm, "cached": False}
    meta = store.meta(rid)
    if meta is not None:
        return {"cached": True, "report": meta, "job": None}
    running = st.jobs.get(store.running.get(rid, ""))
    if running is not None and running.status in ("queued", "running"):
        return {"cached": False, "report": None, "job": running.to_json()}

    def work(brain: Brain, job: Job) -> dict[str, Any]:
        log = store.progress_log(job.id)
        last = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            job.progress(stage, done, total)
            now = time.monotonic()
            # every new stage and the end of each, else at most ~10 steps a second
            if not log or log[-1][0] != stage or done >= total or now - last[0] > 0.1:
                log.append((stage, done, total))
                last[0] = now

        try:
            return {"report": make_report(brain, opts, store, progress=progress, should_stop=job.should_stop)}
        finally:
            store.running.pop(rid, None)

    label = f"{opts.kind} {opts.year or ''}".strip()
    job = st.submit_job("report", label, work)
    store.running[rid] = job.id
    return {"cached": False, "report": None, "job": job.to_json()}


@router.get("/{job_id}/events")
async def report_events(job_id: str, request: Request) -> StreamingResponse:
    """Server-sent events: ``progress`` {status, stage, done, total} whenever it changes, then one of ``done``
    {report}, ``error`` {message} or ``cancelled`` {message}. One JSON object per ``data:`` line."""
    st = get_state(request)
    job = _job(st, job_id)
    store = store_of(st)

    async def events() -> AsyncIterator[str]:
        log = store.progress_log(job.id)
        sent = 0
        yield sse({"type": "progress", "status": job.status, "stage": "", "done": 0, "total": 0})
        while True:
            final = job.status in FINAL  # read before the log, so no step logged before the end is missed
            while sent < len(log):
                stage, done, total = log[sent]
                sent += 1
                yield sse(
                    {"type": "progress", "status": "running", "stage": stage, "done": done, "total": total}
                )
            if final:
                if job.status == "done":
                    yield sse({"type": "done", "report": job.result.get("report")})
                else:
                    yield sse({"type": job.status, "message": job.message})
                return
            if await request.is_disconnected():
                return
            await asyncio.sleep(POLL_SECONDS)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/{job_id}/cancel")
def cancel_report(job_id: str, request: Request) -> dict[str, Any]:
    """Ask a report job to stop; it ends as ``cancelled`` at its next check (nothing is cached)."""
    job = _job(get_state(request), job_id)
    job.cancel()
    return {"ok": True, "job": job.to_json()}


@router.get("/{rid}.{fmt}")
async def report_file(
    rid: str, fmt: str, request: Request, download: Annotated[bool, Query()] = False
) -> FileResponse:
    """The report as html (shown in the page's sandboxed frame), md, json or png (the phone-sized share card)."""
    store = store_of(get_state(request))
    path = await run_in_threadpool(store.file, rid, fmt)
    meta = store.meta(rid) or {}
    headers = {"Cache-Control": "private, max-age=3600"}
    if fmt == "html":
        headers |= {"Content-Security-Policy": REPORT_CSP, "X-Frame-Options": "SAMEORIGIN"}
    name = meta.get("files", {}).get(fmt, {}).get("name", f"report.{fmt}")
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[fmt],
        headers=headers,
        filename=name,
        content_disposition_type="attachment" if download else "inline",
    )


@router.get("/{rid}")
def report_meta(rid: str, request: Request) -> dict[str, Any]:
    meta = store_of(get_state(request)).meta(rid)
    if meta is None:
        raise NotFoundError(f"no report {rid}")
    return meta
