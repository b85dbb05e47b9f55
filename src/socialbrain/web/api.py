"""REST API under /api: timeline, posts, search, knowledge bases, chat (server-sent events), imports, stats."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.concurrency import iterate_in_threadpool, run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from ..brain import Brain
from ..errors import ConfigError, NotFoundError, SocialbrainError
from ..limits import Limits
from ..services import (
    build_filter,
    conversations,
    import_and_sync,
    list_models,
    post_record,
    sync,
    thread,
    visible_post,
)
from ..services import kb_files as kb_files_service
from ..services import search as search_service
from . import services
from .jobs import Job
from .security import TOKEN_COOKIE, token_matches
from .state import WebState, get_state

router = APIRouter(prefix="/api")

_SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def safe_filename(name: str | None) -> str:
    """The last path component of an uploaded file's name, with anything odd replaced: never a path."""
    base = (name or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    base = _SAFE_NAME.sub("_", base).strip("._") or "upload"
    return base[:120]


def sse(event: dict[str, Any]) -> str:
    return f"data: {json.dumps(event, ensure_ascii=False)}\n\n"


# -- auth ---------------------------------------------------------------------------------------------
class Login(BaseModel):
    token: str


@router.get("/auth")
def auth_status(request: Request) -> dict[str, Any]:
    st = get_state(request)
    if not st.token:
        return {"required": False, "ok": True}
    given = request.cookies.get(TOKEN_COOKIE)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        given = auth[7:].strip()
    return {"required": True, "ok": token_matches(given, st.token)}


@router.post("/login")
def login(body: Login, request: Request) -> JSONResponse:
    st = get_state(request)
    if st.token and not token_matches(body.token, st.token):
        return JSONResponse({"detail": "wrong access token / 访问令牌不对"}, status_code=401)
    resp = JSONResponse({"ok": True})
    if st.token:
        resp.set_cookie(
            TOKEN_COOKIE,
            st.token,
            httponly=True,
            samesite="strict",
            max_age=30 * 86400,
            secure=request.url.scheme == "https",
        )
    return resp


@router.post("/logout")
def logout() -> JSONResponse:
    resp = JSONResponse({"ok": True})
    resp.delete_cookie(TOKEN_COOKIE)
    return resp


# -- archive ------------------------------------------------------------------------------------------
@router.get("/stats")
def stats(request: Request) -> dict[str, Any]:
    st = get_state(request)
    out = st.brain.archive.stats()
    out["calendar"] = services.calendar(st.brain)
    out["llm"] = st.llm_info()
    return out


@router.get("/index/status")
def index_status(request: Request) -> dict[str, Any]:
    """How far the index is: units, vectors, percent, pending, changes not applied; ``line`` for display."""
    from ..index.status import index_status as status

    st = get_state(request)
    out = status(st.brain).to_json()
    out["background_error"] = st.indexer.last_error if st.indexer is not None else None
    return out


@router.get("/calendar")
def calendar(request: Request, kb: str | None = None, own_only: bool = False) -> list[dict[str, Any]]:
    return services.calendar(get_state(request).brain, kb, own_only=own_only)


@router.get("/posts")
def posts(
    request: Request,
    year: int | None = None,
    month: int | None = None,
    since: str | None = None,
    until: str | None = None,
    platform: str | None = None,
    kind: str | None = None,
    kb: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
    own_only: bool = False,
) -> dict[str, Any]:
    flt = build_filter(
        since=since, until=until, year=year, month=month, platforms=platform, kinds=kind, kb=kb, own_only=own_only
    )
    return services.timeline(get_state(request).brain, flt, page=page, per_page=per_page, order=order)


@router.get("/posts/{post_id}")
def post(request: Request, post_id: int) -> dict[str, Any]:
    return post_record(visible_post(get_state(request).brain, post_id), full=True)


@router.get("/posts/{post_id}/thread")
def post_thread(request: Request, post_id: int) -> dict[str, Any]:
    """The post with its context: the reply chain above it (root first), its replies, chat neighbours."""
    return thread(get_state(request).brain, post_id)


@router.get("/search")
async def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    kb: str | None = None,
    since: str | None = None,
    until: str | None = None,
    platform: str | None = None,
    kind: str | None = None,
    k: Annotated[int, Query(ge=1, le=100)] = 20,
    mode: Annotated[str, Query(pattern="^(hybrid|keyword|dense)$")] = "hybrid",
    all_years: bool = False,
    own_only: bool = False,
) -> dict[str, Any]:
    st = get_state(request)
    return await st.run(
        search_service, st.brain, q, since=since, until=until, platforms=platform, kinds=kind, kb=kb, k=k,
        mode=mode, all_years=all_years, own_only=own_only,
    )


# -- chat ---------------------------------------------------------------------------------------------
class ChatRequest(BaseModel):
    question: str = Field(min_length=1)  # length: [serve] max_message_chars (413 above it)
    kb: str | None = None
    since: str | None = None
    until: str | None = None
    history: list[dict[str, str]] | None = None
    mode: str = Field(default="auto", pattern="^(auto|llm|retrieval)$")
    k: int = Field(default=8, ge=1, le=30)
    model: str | None = None
    all_years: bool = False  # ignore time phrases in the question (the "search all years" button)
    #: save the turn in a stored conversation: "new" starts one, an id continues it (its stored turns are the
    #: history unless ``history`` is given); None saves nothing
    conversation: str | None = Field(default=None, max_length=64)


@router.post("/chat")
async def chat(body: ChatRequest, request: Request) -> StreamingResponse:
    """Server-sent events: meta, delta…, sources, done (or error). One JSON object per `data:` line."""
    st = get_state(request)
    limits = st.limits or Limits()
    question = limits.check_message(body.question)
    history = limits.trim_history(body.history)
    flt = build_filter(since=body.since, until=body.until, kb=body.kb)
    kb = body.kb if body.kb and body.kb != "all" else None
    llm = st.llm_for_model(body.model) if body.mode != "retrieval" else None
    conv: dict[str, Any] | None = None
    if body.conversation:
        conv = await st.run(conversations.open_or_start, st.brain.archive, body.conversation, question, kb)
        if body.history is None:
            history = limits.trim_history(conversations.history(conv))

    def events() -> Iterator[dict[str, Any]]:
        stream = services.ask_stream(
            st.brain, question, kb=kb, flt=flt, history=history, mode=body.mode, k=body.k, llm=llm,
            all_years=body.all_years,
        )
        if conv is None:
            return stream
        tag = {"id": conv["id"], "title": conv["title"]}
        saved = conversations.record(st.brain.archive, conv["id"], question, stream)
        return ({**ev, "conversation": tag} if ev.get("type") in ("meta", "done") else ev for ev in saved)

    return StreamingResponse(
        _guarded(st, events),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _guarded(st: WebState, events: Callable[[], Iterator[dict[str, Any]]]) -> AsyncIterator[str]:
    try:
        async for ev in st.iterate(events):
            yield sse(ev)
    except SocialbrainError as e:
        yield sse({"type": "error", "message": str(e)})


@router.get("/llm")
def llm(request: Request) -> dict[str, Any]:
    """Whether an LLM is configured, and the models its endpoint lists (for the chat page's model picker)."""
    st = get_state(request)
    info = st.llm_info()
    info["models"] = list_models(st.brain.llm)
    return info


# -- knowledge bases ----------------------------------------------------------------------------------
class KBCreate(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    description: str = ""
    since: str | None = None
    until: str | None = None
    platform: str | None = None
    kind: str | None = None


@router.get("/kbs")
async def kbs(request: Request) -> list[dict[str, Any]]:
    st = get_state(request)
    return await st.run(services.list_kbs, st.brain)


@router.post("/kbs")
async def create_kb(body: KBCreate, request: Request) -> dict[str, Any]:
    st = get_state(request)
    flt = build_filter(since=body.since, until=body.until, platforms=body.platform, kinds=body.kind)
    await st.run(services.create_kb, st.brain, body.name, flt, body.description)
    return {"ok": True, "name": body.name}


@router.delete("/kbs/{name}")
async def delete_kb(name: str, request: Request) -> dict[str, Any]:
    st = get_state(request)
    if name == "all":
        raise ConfigError("the knowledge base 'all' is the whole archive and cannot be deleted")
    await st.run(services.delete_kb, st.brain, name)
    return {"ok": True}


@router.get("/kbs/{name}/files")
async def kb_files(name: str, request: Request) -> dict[str, Any]:
    """The files a knowledge base's posts came from: ``{kb, members_only, files: [{key, name, posts, first, last,
    imported_at}]}`` (plain file names, never server paths)."""
    st = get_state(request)
    return await st.run(kb_files_service.list_files, st.brain, name)


@router.delete("/kbs/{name}/files/{key}")
async def remove_kb_file(name: str, key: str, request: Request) -> dict[str, Any]:
    """Take one file's posts out of a knowledge base made of added files (they stay in the archive)."""
    st = get_state(request)
    return await st.run(kb_files_service.remove_file, st.brain, name, key)


@router.get("/kbs/{name}/files/{key}.jsonl")
async def download_kb_file(name: str, key: str, request: Request) -> StreamingResponse:
    """One file's posts in the knowledge base as re-importable JSONL (a download)."""
    st = get_state(request)
    filename, lines = await st.run(kb_files_service.file_jsonl, st.brain, name, key)
    return StreamingResponse(
        iterate_in_threadpool(lines),
        media_type="application/x-ndjson; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


@router.post("/kbs/{name}/rebuild")
def rebuild_kb(name: str, request: Request) -> dict[str, Any]:
    st = get_state(request)
    job = st.submit_job(
        "rebuild", name, lambda brain, job: _as_dict(services.rebuild_kb(brain, name, job.progress))
    )
    return job.to_json()


@router.post("/kbs/{name}/files")
async def upload_to_kb(
    name: str, request: Request, files: Annotated[list[UploadFile], File()]
) -> dict[str, Any]:
    st = get_state(request)
    if name != "all" and name not in await st.run(services.kb_names, st.brain):
        raise NotFoundError(f"no knowledge base named {name!r}: create it first")
    paths = await run_in_threadpool(_save_uploads, st, files)

    def work(brain: Brain, job: Job) -> dict[str, Any]:
        try:
            if name == "all":
                result = import_and_sync(brain, paths, progress=job.progress).to_json()
            else:
                result = services.add_files_to_kb(brain, name, paths, job.progress)
                result["index"] = vars(sync(brain, embed=False, progress=job.progress)).copy()  # vectors: background
            return _flag_nothing_imported(result)
        finally:
            shutil.rmtree(paths[0].parent, ignore_errors=True)

    return st.submit_job("upload", name, work).to_json()


# -- imports ------------------------------------------------------------------------------------------
@router.get("/imports")
def imports(request: Request) -> list[dict[str, Any]]:
    # file names only: where the server keeps its (upload) files is nobody's business
    st = get_state(request)
    return st.strip_paths(st.brain.archive.imports())


@router.post("/imports")
async def upload_import(request: Request, files: Annotated[list[UploadFile], File()]) -> dict[str, Any]:
    st = get_state(request)
    paths = await run_in_threadpool(_save_uploads, st, files)

    def work(brain: Brain, job: Job) -> dict[str, Any]:
        try:
            result = _without_upload_dir(
                import_and_sync(brain, paths, progress=job.progress).to_json(), paths[0].parent
            )
            result = _flag_nothing_imported(result)
            failed = [f for f in result["files"] if f.get("status") == "failed"]
            if failed and not result.get("error"):  # some files imported, some failed: say which
                result["warning"] = f"{len(failed)} 个文件导入失败 / file(s) failed: " + "; ".join(
                    str(f.get("message") or f["path"]) for f in failed[:3]
                )
            return result
        finally:
            shutil.rmtree(paths[0].parent, ignore_errors=True)

    return st.submit_job("import", ", ".join(p.name for p in paths), work).to_json()


def _without_upload_dir(result: dict[str, Any], upload_dir: Path) -> dict[str, Any]:
    """Import results name files as the user uploaded them, never by the server's temporary path."""
    prefix = str(upload_dir) + "/"
    for f in result.get("files", []):
        for k in ("path", "message"):
            if isinstance(f.get(k), str):
                f[k] = f[k].replace(prefix, "")
        f["rejections"] = [r.replace(prefix, "") for r in f.get("rejections") or []]
    return result


@router.get("/jobs")
def jobs(request: Request) -> list[dict[str, Any]]:
    return [j.to_json() for j in get_state(request).jobs.list()]


@router.get("/jobs/{job_id}")
def job(job_id: str, request: Request) -> dict[str, Any]:
    j = get_state(request).jobs.get(job_id)
    if j is None:
        raise NotFoundError(f"no job {job_id}")
    return j.to_json()


def _flag_nothing_imported(result: dict[str, Any]) -> dict[str, Any]:
    """An upload whose every file failed is a failed job (status ``error``), not ``done``: ``result["error"]``
    names the files and why (the job runner strips server paths)."""
    files = result.get("files") or []
    failed = [f for f in files if f.get("status") == "failed"]
    if failed and not any(f.get("status") == "imported" for f in files):
        why = "; ".join(
            str(f.get("message") or Path(str(f.get("path", "?"))).name + ": failed") for f in failed[:3]
        )
        more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
        result["error"] = f"nothing imported: {why}{more}"
    return result


def _save_uploads(st: WebState, files: list[UploadFile]) -> list[Path]:
    """Copy uploads into a fresh folder under the data directory, each under a sanitised plain file name."""
    folder = st.brain.data_dir / "uploads" / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for f in files:
        name = safe_filename(f.filename)
        target = folder / name
        n = 1
        while target.exists():
            target = folder / f"{n}-{name}"
            n += 1
        with target.open("wb") as out:
            shutil.copyfileobj(f.file, out, 1024 * 1024)
        paths.append(target)
    return paths


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    if hasattr(value, "__dict__"):
        return {
            k: v if isinstance(v, (int, float, str, bool, list, dict, type(None))) else str(v)
            for k, v in vars(value).items()
        }
    return {"result": str(value)}
