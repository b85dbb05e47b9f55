"""Report jobs for every face: the request, whether it may use the LLM, what the LLM would cost, the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..answer.llm import LLM
    from ..brain import Brain

Gate = Literal["off", "go", "ask"]


@dataclass
class ReportOptions:
    """A report request (the web resolves ``year`` to a number or "all"; the CLI may leave it None: the last
    full year with posts)."""

    kind: str = "year"  # year / portrait
    year: int | str | None = None
    kb: str | None = None
    public: bool = False
    sections: list[str] | None = None
    aspects: list[str] | None = None
    use_llm: bool = False
    llm: str | None = None  # the model that writes the narrative (part of the web's cache key)

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


def llm_gate(llm: LLM | None, *, use_llm: bool, confirmed: bool) -> Gate:
    """``off``: no LLM (none configured, or not wanted); ``go``: use it (a loopback endpoint, or the user
    confirmed); ``ask``: posts would go to a non-loopback endpoint, so show the cost and ask first."""
    if llm is None or not use_llm:
        return "off"
    if not getattr(llm, "remote", True) or confirmed:
        return "go"
    return "ask"


def available_years(brain: Brain, kb: str | None = None, *, public: bool = False) -> dict[int, int]:
    """{year: posts} a report may use (never hidden posts; in a public edition never private ones)."""
    from ..insights.common import report_filter, years_with_posts

    return years_with_posts(brain, report_filter(kb if kb and kb != "all" else None, public=public))


def llm_cost(brain: Brain, opts: ReportOptions) -> dict[str, int]:
    """What the report would send to the LLM: {posts, calls, tokens} (estimates, cached summaries are free)."""
    if opts.kind == "portrait":
        from ..insights.portrait import DEFAULT_ASPECTS
        from ..insights.portrait import llm_cost as portrait_cost

        posts, calls, tokens = portrait_cost(len(opts.aspects or DEFAULT_ASPECTS))
    else:
        from ..insights.common import report_filter
        from ..insights.narrative import year_llm_cost
        from ..insights.yearly import review_years

        have = available_years(brain, opts.kb, public=opts.public)
        years = review_years(have, opts.year) if have else []
        posts, calls, tokens = year_llm_cost(
            brain, report_filter(opts.kb, public=opts.public), years, brain.llm
        )
    return {"posts": posts, "calls": calls, "tokens": tokens}


def build_report(
    brain: Brain,
    opts: ReportOptions,
    *,
    progress: Callable[[str, int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    show_uncited: bool = False,
) -> dict[str, Any]:
    """The report ``opts`` asks for (a year review or a portrait), made now."""
    common: dict[str, Any] = dict(
        kb=opts.kb,
        public=opts.public,
        use_llm=opts.use_llm,
        progress=progress,
        should_stop=should_stop,
        sections=opts.sections,
    )
    if opts.kind == "portrait":
        from ..insights.portrait import portrait

        return portrait(brain, aspects=opts.aspects, show_uncited=show_uncited, **common)
    from ..insights.yearly import year_review

    return year_review(brain, opts.year, **common)
