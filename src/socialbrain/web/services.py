"""The web face's translation to the service layer (`socialbrain.services`): query parameters in, JSON out.

Filters, search, records, imports and the LLM are the service layer's; what is here is web-only (pages of the
timeline, knowledge-base listings in the shape the pages want).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..brain import Brain
from ..errors import MissingExtra, NotFoundError
from ..index import kb as kbs
from ..models import PostFilter
from ..services import calendar as _calendar
from ..services import filter_record, post_record, report_record

if TYPE_CHECKING:
    from ..index.sync import SyncReport

#: a feature this endpoint needs is not installed in this build (its extra is missing): HTTP 503
FeatureUnavailable = MissingExtra


# -- timeline -----------------------------------------------------------------------------------------
def resolve(brain: Brain, flt: PostFilter) -> PostFilter:
    """The filter with its knowledge base replaced by what the KB means (its date filter, or its members)."""
    if not flt.kb or flt.kb == "all":
        return flt
    from ..retrieve.filters import resolve_kb

    if flt.kb not in kb_names(brain):
        raise NotFoundError(f"no knowledge base named {flt.kb!r}: see GET /api/kbs")
    return resolve_kb(brain, flt)


def calendar(brain: Brain, kb: str | None = None, *, own_only: bool = False) -> list[dict[str, Any]]:
    """Posts per year and month (in each post's own zone), newest year first; ``own_only``: only what the
    archive's owner wrote."""
    return _calendar(brain, resolve(brain, PostFilter(kb=kb if kb and kb != "all" else None, own_only=own_only)))


def timeline(brain: Brain, flt: PostFilter, *, page: int, per_page: int, order: str) -> dict[str, Any]:
    flt = resolve(brain, flt)
    total = brain.archive.count(flt)
    posts = brain.archive.iter_posts(flt, order=order, limit=per_page, offset=(page - 1) * per_page)
    records = [post_record(p, full=True) for p in posts]
    return {"total": total, "page": page, "per_page": per_page, "posts": records}


# -- answers ------------------------------------------------------------------------------------------
def ask_stream(
    brain: Brain,
    question: str,
    *,
    kb: str | None,
    flt: PostFilter | None,
    history: list[dict[str, str]] | None,
    mode: str,
    k: int,
    now: datetime | None = None,
    llm: Any = None,
    all_years: bool = False,
) -> Iterator[dict[str, Any]]:
    from ..answer.ask import ask_stream as fn

    extra = {"llm": llm} if llm is not None else {}
    return fn(
        brain, question, kb=kb, flt=flt, history=history, mode=mode, k=k, now=now, all_years=all_years, **extra
    )


# -- knowledge bases ----------------------------------------------------------------------------------
def list_kbs(brain: Brain) -> list[dict[str, Any]]:
    out = []
    for info in kbs.list_kbs(brain):
        f = info.filter
        out.append(
            {
                "name": info.name,
                "description": info.description,
                "posts": info.posts,
                "filter": filter_record(f) if isinstance(f, PostFilter) else (f or {}),
            }
        )
    return out


def kb_names(brain: Brain) -> list[str]:
    return [kb["name"] for kb in list_kbs(brain)]


def create_kb(brain: Brain, name: str, flt: PostFilter, description: str) -> None:
    kbs.create_kb(brain, name, flt, description=description)


def delete_kb(brain: Brain, name: str) -> None:
    kbs.delete_kb(brain, name)


def rebuild_kb(brain: Brain, name: str, progress: Callable[[str, int, int], None] | None) -> SyncReport:
    return kbs.rebuild_kb(brain, name, progress=progress)


def add_files_to_kb(
    brain: Brain, name: str, paths: list[Path], progress: Callable[[str, int, int], None] | None
) -> dict[str, Any]:
    report = kbs.add_files_to_kb(brain, name, paths, progress=progress)
    return report_record(report)


