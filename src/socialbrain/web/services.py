"""The library calls the web face makes, in one place: search, answers, knowledge bases, imports.

Each call goes to the shared library function named in the cross-team contract; the web layer never
re-implements them. A module missing from the build raises :class:`FeatureUnavailable` (HTTP 503).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..brain import Brain
from ..errors import ConfigError, NotFoundError, SocialbrainError
from ..models import Post, PostFilter
from ..timeparse import DEFAULT_ZONE, parse_user_date


class FeatureUnavailable(SocialbrainError):
    """A library module this endpoint needs is not installed in this build."""


def _contract(module: str, name: str) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(mod, name, None)


def _require(module: str, name: str, what: str) -> Callable[..., Any]:
    fn = _contract(module, name)
    if fn is None:
        raise FeatureUnavailable(f"{what} is not available in this build ({module}.{name} missing)")
    return fn


# -- rendering ----------------------------------------------------------------------------------------
def post_json(post: Post, *, full: bool = True) -> dict[str, Any]:
    """A post as the API returns it. URLs that are not http(s) are dropped (never a javascript: link)."""
    url = post.url if post.url and post.url.lower().startswith(("http://", "https://")) else None
    d: dict[str, Any] = {
        "id": post.id,
        "platform": post.platform,
        "account": post.account,
        "date": post.created_at.isoformat(),
        "kind": str(post.kind),
        "text": post.text,
        "ref_text": post.ref_text,
        "ref_author": post.ref_author,
        "url": url,
    }
    if full:
        d.update(
            likes=post.likes,
            reposts=post.reposts,
            comments=post.comments,
            location=post.location,
            media=post.media,
            source_tool=post.source_tool,
            author=post.author,
            conversation=post.conversation,
        )
    return d


# -- filters ------------------------------------------------------------------------------------------
def _date(value: str | None, field: str, *, end: bool) -> datetime | None:
    if not value:
        return None
    try:
        return parse_user_date(value, end=end)
    except ValueError as e:
        raise ConfigError(f"{field}={value!r}: {e}") from None


def build_filter(
    *,
    since: str | None = None,
    until: str | None = None,
    year: int | None = None,
    month: int | None = None,
    platform: str | None = None,
    kind: str | None = None,
    kb: str | None = None,
) -> PostFilter:
    """A PostFilter from query parameters: ``since``/``until`` as typed by users, or ``year``[/``month``]."""
    flt = PostFilter(since=_date(since, "since", end=False), until=_date(until, "until", end=True))
    if year is not None:
        if month is not None and not 1 <= month <= 12:
            raise ConfigError(f"month={month}: use 1 to 12")
        start = datetime(year, month or 1, 1, tzinfo=DEFAULT_ZONE)
        if month:
            end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=DEFAULT_ZONE)
        else:
            end = datetime(year + 1, 1, 1, tzinfo=DEFAULT_ZONE)
        flt.since = max(flt.since, start) if flt.since else start
        flt.until = min(flt.until, end) if flt.until else end
    if platform:
        flt.platforms = [p.strip() for p in platform.split(",") if p.strip()]
    if kind:
        flt.kinds = [k.strip() for k in kind.split(",") if k.strip()]
    if kb and kb != "all":
        flt.kb = kb
    return flt


def filter_json(flt: PostFilter | None) -> dict[str, Any]:
    if flt is None:
        return {}
    return {
        "since": flt.since.isoformat() if flt.since else None,
        "until": flt.until.isoformat() if flt.until else None,
        "platforms": flt.platforms,
        "kinds": flt.kinds,
        "kb": flt.kb,
    }


# -- timeline -----------------------------------------------------------------------------------------
def resolve(brain: Brain, flt: PostFilter) -> PostFilter:
    """The filter with its knowledge base replaced by what the KB means (its date filter, or its members)."""
    if not flt.kb or flt.kb == "all":
        return flt
    fn = _require("socialbrain.retrieve.filters", "resolve_kb", "knowledge bases")
    if flt.kb not in kb_names(brain):
        raise NotFoundError(f"no knowledge base named {flt.kb!r}: see GET /api/kbs")
    return fn(brain, flt)


def calendar(brain: Brain, kb: str | None = None) -> list[dict[str, Any]]:
    """Posts per year and month (in each post's own zone), newest year first."""
    from ..archive.sqlite import filter_sql

    where, params = filter_sql(resolve(brain, PostFilter(kb=kb if kb and kb != "all" else None)))
    rows = brain.archive.execute(
        f"SELECT substr(created_at, 1, 4), substr(created_at, 6, 2), COUNT(*) FROM posts WHERE {where} "
        "GROUP BY 1, 2 ORDER BY 1 DESC, 2 ASC",
        params,
    ).fetchall()
    years: dict[str, dict[str, Any]] = {}
    for y, m, n in rows:
        entry = years.setdefault(y, {"year": int(y), "posts": 0, "months": []})
        entry["posts"] += n
        entry["months"].append({"month": int(m), "posts": n})
    return list(years.values())


def timeline(brain: Brain, flt: PostFilter, *, page: int, per_page: int, order: str) -> dict[str, Any]:
    flt = resolve(brain, flt)
    total = brain.archive.count(flt)
    posts = brain.archive.iter_posts(flt, order=order, limit=per_page, offset=(page - 1) * per_page)
    return {"total": total, "page": page, "per_page": per_page, "posts": [post_json(p) for p in posts]}


# -- search -------------------------------------------------------------------------------------------
def search(
    brain: Brain,
    query: str,
    *,
    kb: str | None,
    flt: PostFilter,
    k: int,
    mode: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    fn = _require("socialbrain.retrieve.search", "search", "search")
    res = fn(brain, query, kb=kb, flt=flt, k=k, mode=mode, now=now)
    return {
        "query": res.query,
        "text_query": res.text_query,
        "since": res.since.isoformat() if res.since else None,
        "until": res.until.isoformat() if res.until else None,
        "time_expression": res.time_expression,
        "mode": res.mode,
        "notes": list(res.notes),
        "hits": [
            {
                "post": post_json(h.post, full=False),
                "score": h.score,
                "snippet": h.snippet,
                "text": h.text,
                "why": list(h.why),
                "duplicates": list(h.duplicates),
            }
            for h in res.hits
        ],
    }


# -- answers ------------------------------------------------------------------------------------------
def ask_stream(
    brain: Brain,
    question: str,
    *,
    kb: str | None,
    flt: PostFilter | None,
    history: list[dict] | None,
    mode: str,
    k: int,
    now: datetime | None = None,
    llm: Any = None,
) -> Iterator[dict]:
    fn = _require("socialbrain.answer.ask", "ask_stream", "answering")
    extra = {"llm": llm} if llm is not None else {}
    return fn(brain, question, kb=kb, flt=flt, history=history, mode=mode, k=k, now=now, **extra)


# -- knowledge bases ----------------------------------------------------------------------------------
_KB = "socialbrain.index.kb"


def list_kbs(brain: Brain) -> list[dict[str, Any]]:
    fn = _require(_KB, "list_kbs", "knowledge bases")
    out = []
    for info in fn(brain):
        f = info.filter
        out.append(
            {
                "name": info.name,
                "description": info.description,
                "posts": info.posts,
                "filter": filter_json(f) if isinstance(f, PostFilter) else (f or {}),
            }
        )
    return out


def kb_names(brain: Brain) -> list[str]:
    return [kb["name"] for kb in list_kbs(brain)]


def create_kb(brain: Brain, name: str, flt: PostFilter, description: str) -> None:
    _require(_KB, "create_kb", "knowledge bases")(brain, name, flt, description=description)


def delete_kb(brain: Brain, name: str) -> None:
    _require(_KB, "delete_kb", "knowledge bases")(brain, name)


def rebuild_kb(brain: Brain, name: str, progress: Callable[[str, int, int], None] | None) -> Any:
    return _require(_KB, "rebuild_kb", "knowledge bases")(brain, name, progress=progress)


def add_files_to_kb(
    brain: Brain, name: str, paths: list[Path], progress: Callable[[str, int, int], None] | None
) -> dict[str, Any]:
    report = _require(_KB, "add_files_to_kb", "knowledge bases")(brain, name, paths, progress=progress)
    return report_json(report)


# -- imports ------------------------------------------------------------------------------------------
def import_paths(brain: Brain, paths: list[Path], progress: Callable[[str, int, int], None] | None) -> dict:
    fn = _require("socialbrain.sources.ingest", "import_paths", "importing")
    return report_json(fn(brain.archive, paths, progress=progress))


def report_json(report: Any) -> dict[str, Any]:
    """An ImportReport as JSON: one entry per file, and the totals."""
    files = [{k: (str(v) if isinstance(v, Path) else v) for k, v in vars(f).items()} for f in report.files]
    return {"files": files, "totals": report.totals()}


def sync_index(brain: Brain, progress: Callable[[str, int, int], None] | None) -> dict:
    fn = _contract("socialbrain.index.sync", "sync_index")
    if fn is None:
        return {}
    report = fn(brain, progress=progress)
    return dict(vars(report)) if hasattr(report, "__dict__") else {}
