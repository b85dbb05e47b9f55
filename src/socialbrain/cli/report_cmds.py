"""`socialbrain report year|portrait`: reviews and portraits as HTML, Markdown, JSON or a PNG share card."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ConfigError
from ..services import llm_gate
from .common import ProgressBar, console, err_console, get_brain, progress_bar, user_errors

report_app = typer.Typer(help="Yearly reviews and portraits.  年度回顾与个人画像。", no_args_is_help=True)

FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="html, story (a slide-style yearly review with the detailed view inside), md, json or png "
        "(a phone-sized share card).",
    ),
]
OutOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: report-<what>.<format>).")
]
KbOpt = Annotated[
    str | None, typer.Option("--kb", help="Knowledge base to review (default: the whole archive).")
]
PublicOpt = Annotated[
    bool,
    typer.Option(
        "--public",
        help="Public edition: PII and other people's names redacted, private and hidden posts left out.",
    ),
]
SectionsOpt = Annotated[
    str | None,
    typer.Option(
        "--sections",
        help="Comma-separated sections to include. year: overview, calendar, rhythm, highlights, words, topics, "
        "people, places, mood, narrative; portrait: aspects, personality, forgotten_voices.",
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="List every post and string that would be published; write nothing.")
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before sending posts to a remote LLM.")]
NoLlmOpt = Annotated[bool, typer.Option("--no-llm", help="Statistics and retrieval only, no LLM narrative.")]


def _progress() -> ProgressBar:
    return progress_bar(str, per_stage=False, title="统计 / statistics", clock="elapsed")


def _confirm_llm(brain: Any, cost: tuple[int, int, int], yes: bool) -> bool:
    """Ask before posts go to a non-loopback LLM; True when the narrative may use the LLM."""
    llm = brain.llm
    gate = llm_gate(llm, use_llm=True, confirmed=yes)
    if gate != "ask":
        return gate == "go"
    posts, calls, tokens = cost
    redacted = "redacted" if getattr(llm, "redact", False) else "NOT redacted"
    err_console.print(
        f"about to send {posts} posts in ~{calls} calls (~{tokens:,} prompt tokens, {redacted}) to {llm.name}"
    )
    return typer.confirm("continue? 继续？", default=False, err=True)


def _write(report: dict[str, Any], fmt: str, output: Path | None, default_name: str, dry_run: bool) -> None:
    from ..insights.publish import publication_items
    from ..insights.render import WRITE_FORMATS, write_report

    if dry_run:
        items = publication_items(report)
        console.print(f"[bold]{len(items['posts'])} posts would be published:[/bold]")
        for pid, line in sorted(items["posts"].items()):
            console.print(f"  #{pid} {line}", markup=False)
        console.print(f"[bold]{len(items['strings'])} strings would be published:[/bold]")
        for s in items["strings"]:
            console.print("  " + s.replace("\n", " "), markup=False)
        if items["replacements"]:
            console.print(f"[bold]{len(items['replacements'])} redactions:[/bold]")
            for old, new in items["replacements"]:
                console.print(f"  {old} → {new}", markup=False)
        console.print("dry run: nothing written")
        return
    if fmt not in WRITE_FORMATS:
        raise ConfigError(f"unknown --format {fmt!r}; choose one of {', '.join(WRITE_FORMATS)}")
    out = output or Path(f"{default_name}.{'html' if fmt == 'story' else fmt}")
    if fmt == "story" and output is None:
        out = Path(f"{default_name}-story.html")
    write_report(report, fmt, out)
    console.print(f"wrote {out}")
    if report.get("public"):
        removed = report.get("_replacements") or []
        console.print(f"public edition: {len(removed)} redactions; --dry-run lists every one", markup=False)


@report_app.command("year")
@user_errors
def year_cmd(
    year: Annotated[
        str | None,
        typer.Argument(
            help="YEAR, or `all` for one chapter per year (default: the last full year with posts)."
        ),
    ] = None,
    kb: KbOpt = None,
    fmt: FormatOpt = "html",
    output: OutOpt = None,
    public: PublicOpt = False,
    sections: SectionsOpt = None,
    dry_run: DryRunOpt = False,
    yes: YesOpt = False,
    no_llm: NoLlmOpt = False,
) -> None:
    """A year in review: counts, calendar, rhythm, records, words, topics, people, mood (+ LLM narrative)."""
    from ..insights.common import report_filter, years_with_posts
    from ..insights.narrative import available, year_llm_cost
    from ..insights.publish import parse_sections
    from ..insights.yearly import default_year, year_review

    chosen = parse_sections(sections)
    if year is not None and year.lower() not in ("all", "全部") and not year.isdigit():
        raise ConfigError(f"year must be a number like 2015 or `all`, got {year!r}")
    brain = get_brain()
    use_llm = False
    if not no_llm and brain.llm is not None and available():
        base = report_filter(kb, public=public)
        have = years_with_posts(brain, base)
        if year is not None and year.isdigit():
            years = [int(year)] if int(year) in have else []
        else:
            years = sorted(have) if year else ([default_year(have)] if have else [])
        use_llm = _confirm_llm(brain, year_llm_cost(brain, base, years, brain.llm), yes)
    with _progress() as update:
        report = year_review(
            brain, year, kb=kb, public=public, use_llm=use_llm, progress=update, sections=chosen
        )
    _write(report, fmt, output, f"report-{report['year']}", dry_run)


@report_app.command("portrait")
@user_errors
def portrait_cmd(
    kb: KbOpt = None,
    aspects: Annotated[
        str | None,
        typer.Option(
            "--aspects",
            help="Comma-separated aspects (default: 工作,健身,个人项目,学习总结,兴趣发展,人际关系).",
        ),
    ] = None,
    fmt: FormatOpt = "html",
    output: OutOpt = None,
    public: PublicOpt = False,
    sections: SectionsOpt = None,
    dry_run: DryRunOpt = False,
    yes: YesOpt = False,
    no_llm: NoLlmOpt = False,
    show_uncited: Annotated[
        bool,
        typer.Option(
            "--show-uncited",
            help="Keep LLM sentences without a valid citation, marked（未引用）, instead of dropping them.",
        ),
    ] = False,
) -> None:
    """A portrait across the years: per aspect a summary, timeline, quotes and suggestions; forgotten voices."""
    from ..insights.portrait import DEFAULT_ASPECTS, llm_cost, portrait
    from ..insights.publish import PORTRAIT_SECTIONS, parse_sections

    chosen = parse_sections(sections, PORTRAIT_SECTIONS)
    aspect_list = [a.strip() for a in aspects.split(",") if a.strip()] if aspects else None
    brain = get_brain()
    use_llm = False
    if not no_llm and brain.llm is not None:
        use_llm = _confirm_llm(brain, llm_cost(len(aspect_list or DEFAULT_ASPECTS)), yes)
    with _progress() as update:
        report = portrait(
            brain,
            kb=kb,
            aspects=aspect_list,
            public=public,
            use_llm=use_llm,
            progress=update,
            sections=chosen,
            show_uncited=show_uncited,
        )
    _write(report, fmt, output, "report-portrait", dry_run)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
