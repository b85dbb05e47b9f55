"""`socialbrain report year|portrait`: reviews and portraits as HTML, Markdown, JSON or a PNG share card."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import typer

from ..config import split_list
from ..errors import ConfigError
from ..services.reports import ReportOptions, build_report, llm_cost, llm_gate
from .common import console, err_console, get_brain, option_groups, progress_bar, user_errors

report_app = typer.Typer(help="Yearly reviews and portraits.  年度回顾与个人画像。", no_args_is_help=True)


@dataclasses.dataclass(frozen=True)
class ReportFlags:
    """What `report year` and `report portrait` share."""

    kb: Annotated[
        str | None, typer.Option("--kb", help="Knowledge base to review (default: the whole archive).")
    ] = None
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="html, story (a slide-style yearly review with the detailed view inside), md, json or png "
            "(a phone-sized share card).",
        ),
    ] = "html"
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: report-<what>.<format>).")
    ] = None
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Public edition: PII and other people's names redacted, private and hidden posts left out.",
        ),
    ] = False
    sections: Annotated[
        str | None,
        typer.Option(
            "--sections",
            help="Comma-separated sections to include. year: overview, calendar, rhythm, highlights, words, topics, "
            "people, places, mood, narrative; portrait: aspects, personality, forgotten_voices.",
        ),
    ] = None
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="List every post and string that would be published; write nothing."),
    ] = False
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask before sending posts to a remote LLM.")
    ] = False
    no_llm: Annotated[
        bool, typer.Option("--no-llm", help="Statistics and retrieval only, no LLM narrative.")
    ] = False

    def make(self, opts: ReportOptions, default_name: str, *, show_uncited: bool = False) -> None:
        """Ask before posts go to a remote LLM, make the report with progress, write it (or list it)."""
        brain = get_brain()
        if opts.use_llm:
            opts.use_llm = _confirm_llm(brain, llm_cost(brain, opts), self.yes)
        with progress_bar(str, per_stage=False, title="统计 / statistics", clock="elapsed") as update:
            report = build_report(brain, opts, progress=update, show_uncited=show_uncited)
        _write(report, self.fmt, self.output, default_name.format(**report), self.dry_run)

    def request(self, kind: str, **more: Any) -> ReportOptions:
        """The report request, with ``use_llm`` when an LLM is configured and not turned off."""
        llm = None if self.no_llm else get_brain().llm
        return ReportOptions(kind=kind, kb=self.kb, public=self.public, use_llm=llm is not None, **more)


def _confirm_llm(brain: Any, cost: dict[str, int], yes: bool) -> bool:
    """Ask before posts go to a non-loopback LLM; True when the narrative may use the LLM."""
    llm = brain.llm
    gate = llm_gate(llm, use_llm=True, confirmed=yes)
    if gate != "ask":
        return gate == "go"
    redacted = "redacted" if getattr(llm, "redact", False) else "NOT redacted"
    err_console.print(
        f"about to send {cost['posts']} posts in ~{cost['calls']} calls (~{cost['tokens']:,} prompt tokens, "
        f"{redacted}) to {llm.name}"
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
@option_groups
def year_cmd(
    year: Annotated[
        str | None,
        typer.Argument(
            help="YEAR, or `all` for one chapter per year (default: the last full year with posts)."
        ),
    ] = None,
    *,
    flags: ReportFlags,
) -> None:
    """A year in review: counts, calendar, rhythm, records, words, topics, people, mood (+ LLM narrative)."""
    from ..insights.publish import parse_sections
    from ..insights.yearly import parse_year

    chosen = parse_sections(flags.sections)
    parse_year(year)  # before anything is computed or sent: the same check and message as the web's
    opts = flags.request("year", year=year, sections=chosen)
    flags.make(opts, "report-{year}")


@report_app.command("portrait")
@user_errors
@option_groups
def portrait_cmd(
    flags: ReportFlags,
    aspects: Annotated[
        str | None,
        typer.Option(
            "--aspects",
            help="Comma-separated aspects (default: 工作,健身,个人项目,学习总结,兴趣发展,人际关系).",
        ),
    ] = None,
    show_uncited: Annotated[
        bool,
        typer.Option(
            "--show-uncited",
            help="Keep LLM sentences without a valid citation, marked（未引用）, instead of dropping them.",
        ),
    ] = False,
) -> None:
    """A portrait across the years: per aspect a summary, timeline, quotes and suggestions; forgotten voices."""
    from ..insights.publish import PORTRAIT_SECTIONS, parse_sections

    chosen = parse_sections(flags.sections, PORTRAIT_SECTIONS)
    opts = flags.request("portrait", aspects=split_list(aspects) or None, sections=chosen)
    flags.make(opts, "report-portrait", show_uncited=show_uncited)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
