"""Archive commands: import, stats, timeline, show, export, forget, hide/unhide, imports."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import SocialbrainError
from ..localtime import to_local
from ..services import ImportOutcome, build_filter, import_and_sync, thread
from .common import (
    STAGE_LABELS,
    AccountOpt,
    FilterOptions,
    PlatformOpt,
    SinceOpt,
    UntilOpt,
    console,
    err_console,
    fail,
    get_brain,
    option_groups,
    progress_bar,
    update_index,
    user_errors,
)


def _one_line(text: str, width: int = 80) -> str:
    t = " ".join(text.split())
    return t if len(t) <= width else t[: width - 1] + "…"


def _short(path: str) -> str:
    """A file as the summary shows it: the zip member, or the last two path parts."""
    if "!" in path:
        return path.rsplit("!", 1)[1]
    parts = Path(path).parts
    return "/".join(parts[-2:]) if len(parts) > 1 else path


def _print_import(outcome: ImportOutcome) -> None:
    """The import summary: a row per file, the totals, what was skipped and why, what failed, the index."""
    report = outcome.report
    table = Table(title="导入结果 import summary", show_lines=False)
    for col in ("file", "format", "new", "updated", "unchanged", "rejected", "forgotten"):
        if col in ("file", "format"):
            table.add_column(col, overflow="fold")
        else:
            table.add_column(col, justify="right")
    for f in report.files:
        if f.status == "imported":
            table.add_row(escape(_short(f.path)), f.importer or "", *(str(v) for v in f.counts.values()))
    totals = report.totals()
    table.add_row(
        "[bold]total[/bold]",
        f"{totals['files']} files",
        *(f"[bold]{totals[k]}[/bold]" for k in ("new", "updated", "unchanged", "rejected", "forgotten")),
    )
    if totals["files"]:
        console.print(table)
    for f in report.files:
        for line in f.rejections[:3]:
            console.print(f"[dim]skipped: {escape(line)}[/dim]", soft_wrap=True)
        if f.rejected > 3 and f.status == "imported":
            console.print(f"[dim]  … {f.rejected - 3} more skipped in {escape(_short(f.path))}[/dim]")
    reasons = report.reasons()
    if reasons:
        console.print(f"[dim]{totals['rejected']} record(s) skipped, by reason:[/dim]")
        for reason, n in list(reasons.items())[:8]:
            console.print(f"[dim]  {n:>6} × {escape(reason)}[/dim]", soft_wrap=True)
    if totals["skipped"]:
        console.print(f"[dim]{totals['skipped']} file(s) skipped: not a known export format[/dim]")
    for f in report.failed:
        err_console.print(f"[red]error:[/red] {escape(f.message or '')}", soft_wrap=True)
    if report.failed and totals["files"]:
        err_console.print(f"{len(report.failed)} file(s) failed, {totals['files']} imported")
    if outcome.index_error:
        err_console.print(f"[yellow]warning:[/yellow] {escape(outcome.index_error)}", soft_wrap=True)
    if outcome.index is not None:
        console.print("可以搜索了 (keyword search ready)")


def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or .zip archives to import.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=(
                "Importer name (default: detect each file by its content; see docs/importing.md): "
                "weibospider-txt, weibospider-csv, weibospider-json, weibo-crawler-csv, weibo-crawler-json, weibo-crawler-md, "
                "twitter, mastodon, telegram, wechat, socialbrain-jsonl, csv, jsonl, text."
            ),
        ),
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", help="Platform name for generic files.")
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="Account the posts belong to.")] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="FIELD=COLUMN for generic CSV/JSONL, e.g. text=正文,created_at=日期."),
    ] = None,
    tz: Annotated[
        str | None, typer.Option("--tz", help="Zone for dates without one (default Asia/Shanghai).")
    ] = None,
    per_file: Annotated[
        bool, typer.Option("--per-file", help="Plain text: one post per file, not per paragraph.")
    ] = False,
    no_index: Annotated[
        bool, typer.Option("--no-index", help="Do not update the search index afterwards.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="A record that cannot be read fails its whole file (default: skip it and report).",
        ),
    ] = False,
    no_embed: Annotated[
        bool,
        typer.Option(
            "--no-embed",
            help="Keyword index only; leave vectors for `socialbrain index embed` or `serve` (they resume there).",
        ),
    ] = False,
) -> None:
    """Import exports into the archive (auto-detects the format).  导入导出文件。

    The posts are keyword-searchable as soon as the import returns; then their vectors are computed with
    progress (Ctrl-C keeps what is done: `index embed`, the next import or `serve` resume it)."""
    from ..sources.generic import parse_map
    from ..sources.ingest import ImportOptions

    options = ImportOptions(
        format=fmt,
        platform=platform,
        account=account,
        mapping=parse_map(mapping),
        tz=tz,
        per_file=per_file,
        strict=strict,
    )
    brain = get_brain()
    with progress_bar(
        lambda stage: STAGE_LABELS.get(stage, f"导入 {stage}"),
        per_stage=False,
        title="导入 importing",
        clock="elapsed",
    ) as progress:
        outcome = import_and_sync(
            brain, paths, options=options, index=not no_index, progress=progress
        )  # no embedding
    _print_import(outcome)
    if not no_index and not no_embed:
        from .embed_progress import run_embedding

        run_embedding(brain)
    if outcome.report.failed:
        raise typer.Exit(2)
    if (empty := outcome.report.empty_message()) is not None:
        err_console.print(f"[red]error:[/red] {escape(empty)}", soft_wrap=True)
        raise typer.Exit(1)


@user_errors
def stats_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Posts per platform/account and per year.  统计。"""
    s = get_brain().archive.stats()
    if as_json:
        console.print_json(json.dumps(s, ensure_ascii=False))
        return
    title = f"共 {s['total']} 条 posts"
    if s.get("others"):  # chat exports keep others' messages as context
        title += f"（自己的 {s['own']} 条 own，他人的聊天消息 {s['others']} 条 others' messages）"
    t = Table(title=title)
    for col in ("platform", "account", "posts", "first", "last"):
        t.add_column(col, justify="right" if col == "posts" else "left")
    for p in s["platforms"]:
        t.add_row(
            escape(p["platform"]), escape(p["account"]), str(p["posts"]), p["first"][:10], p["last"][:10]
        )
    console.print(t)
    years: dict[str, dict[str, int]] = {}
    platforms = sorted({y["platform"] for y in s["years"]})
    for y in s["years"]:
        years.setdefault(y["year"], {})[y["platform"]] = y["posts"]
    ty = Table(title="按年 per year")
    ty.add_column("year")
    for p in platforms:
        ty.add_column(p, justify="right")
    ty.add_column("total", justify="right")
    for year, counts in sorted(years.items()):
        ty.add_row(year, *(str(counts.get(p, "")) for p in platforms), str(sum(counts.values())))
    console.print(ty)
    if s["kinds"]:
        console.print("kinds: " + ", ".join(f"{k} {n}" for k, n in sorted(s["kinds"].items())))
    try:
        from ..index.status import index_status

        console.print(index_status(get_brain()).line())
    except SocialbrainError as e:  # stats is about the archive: an unusable index is a note, not a failure
        console.print(f"[dim]index: {escape(str(e))}[/dim]")


@user_errors
@option_groups
def timeline_cmd(
    filters: FilterOptions,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many posts.")] = 50,
    desc: Annotated[bool, typer.Option("--desc", help="Newest first.")] = False,
) -> None:
    """Browse posts by date.  按时间浏览。"""
    flt = filters.build()
    archive = get_brain().archive
    t = Table(show_header=True, header_style="bold")
    for col in ("id", "date", "platform", "kind", "text", "♥"):
        t.add_column(col, justify="right" if col in ("id", "♥") else "left", overflow="fold")
    for p in archive.iter_posts(flt, order="desc" if desc else "asc", limit=limit):
        t.add_row(
            str(p.id),
            to_local(p.created_at).strftime("%Y-%m-%d %H:%M"),
            p.platform,
            str(p.kind),
            _one_line(p.full_text),
            "" if p.likes is None else str(p.likes),
        )
    total = archive.count(flt)
    console.print(t)
    console.print(f"[dim]{min(limit, total)} of {total} posts[/dim]")


@user_errors
def show_cmd(
    post_id: Annotated[int, typer.Argument(help="Archive id (see `timeline`).")],
    raw: Annotated[bool, typer.Option("--raw", help="Also print the original record.")] = False,
) -> None:
    """Every field of one post.  查看一条。"""
    p = get_brain().archive.get(post_id)
    t = Table(show_header=False, box=None)
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    for k, v in p.to_json().items():
        if k == "raw" or v in (None, [], "") or (k in ("private", "hidden") and not v):
            continue
        t.add_row(k, escape(", ".join(v) if isinstance(v, list) else str(v)))
    console.print(t)
    if raw and p.raw is not None:
        if isinstance(p.raw, str):
            console.print(p.raw, markup=False)
        else:
            console.print_json(json.dumps(p.raw, ensure_ascii=False))


@user_errors
def thread_cmd(
    post_id: Annotated[int, typer.Argument(help="Archive id (see `timeline` or `search`).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A post with its reply thread: the posts above it, its replies, chat neighbours.  查看对话串。"""
    record = thread(get_brain(), post_id)
    if as_json:
        console.print_json(json.dumps(record, ensure_ascii=False))
        return
    ctx = record["context"]

    def line(p: dict[str, Any], mark: str = " ") -> None:
        console.print(
            f"{mark} [cyan]{p['date'][:16].replace('T', ' ')}[/cyan] #{p['id']} {escape(_one_line(p['text']))}"
        )

    if ctx.get("replies_to_missing"):
        console.print(f"[dim]{escape(ctx['replies_to_missing'])}[/dim]")
    for p in ctx.get("replies_to", []) + ctx.get("conversation_before", []):
        line(p)
    line(record, ">")
    for p in ctx.get("conversation_after", []):
        line(p)
    for p in ctx.get("replies", []):
        line(p, "↳")


@user_errors
@option_groups
def export_cmd(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    *,
    filters: FilterOptions,
) -> None:
    """Export posts as JSONL, one post per line (re-importable, lossless).  导出。"""
    posts = get_brain().archive.iter_posts(filters.build(include_hidden=True))
    n = 0
    if output is None:
        for p in posts:
            sys.stdout.write(p.dumps() + "\n")
            n += 1
        sys.stdout.flush()
        return
    tmp = output.with_name(output.name + ".part")
    with open(tmp, "w", encoding="utf-8") as f:
        for p in posts:
            f.write(p.dumps() + "\n")
            n += 1
    tmp.replace(output)
    err_console.print(f"{n} posts → {output}")


@user_errors
def forget_cmd(
    platform: PlatformOpt = None,
    account: AccountOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    ids: Annotated[list[int] | None, typer.Option("--id", help="This archive id (repeatable).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete posts for good; a re-import will not bring them back.  永久删除。"""
    flt = build_filter(
        since=since, until=until, platforms=platform, accounts=account, ids=ids or None, include_hidden=True
    )
    if flt.is_empty():
        raise fail("name what to forget: --platform, --account, --since/--until or --id")
    archive = get_brain().archive
    n = archive.count(flt)
    if n == 0:
        console.print("nothing matches: no post forgotten")
        return
    if not yes and not typer.confirm(f"永久删除 forget {n} posts? This cannot be undone", default=False):
        raise typer.Exit(1)
    done = archive.forget(flt)
    console.print(f"forgot {done} posts (tombstones keep them from coming back on re-import)")
    update_index("the archive is saved", embed=False, show_progress=False)


@user_errors
def hide_cmd(post_id: Annotated[int, typer.Argument(help="Archive id.")]) -> None:
    """Hide a post from search, answers and reports (kept in the archive).  隐藏。"""
    get_brain().archive.set_hidden(post_id, True)
    console.print(f"post {post_id} hidden")
    update_index("the archive is saved", embed=False, show_progress=False)


@user_errors
def unhide_cmd(post_id: Annotated[int, typer.Argument(help="Archive id.")]) -> None:
    """Show a hidden post again.  取消隐藏。"""
    get_brain().archive.set_hidden(post_id, False)
    console.print(f"post {post_id} visible again")
    update_index("the archive is saved", embed=False, show_progress=False)


@user_errors
def imports_cmd(limit: Annotated[int, typer.Option("--limit", "-n", help="How many runs.")] = 30) -> None:
    """History of import runs.  导入记录。"""
    t = Table()
    for col in ("id", "started", "status", "format", "new", "updated", "unchanged", "rejected", "path"):
        t.add_column(col, overflow="fold")
    for r in get_brain().archive.imports(limit):
        t.add_row(
            str(r["id"]),
            r["started_at"][:19],
            r["status"],
            r["importer"],
            *(str(r[k] or 0) for k in ("new", "updated", "unchanged", "rejected")),
            r["path"],
        )
    console.print(t)


def register(app: typer.Typer) -> None:
    app.command("import")(user_errors(import_cmd))
    app.command("stats")(stats_cmd)
    app.command("timeline")(timeline_cmd)
    app.command("show")(show_cmd)
    app.command("thread")(thread_cmd)
    app.command("export")(export_cmd)
    app.command("forget")(forget_cmd)
    app.command("hide")(hide_cmd)
    app.command("unhide")(unhide_cmd)
    app.command("imports")(imports_cmd)


__all__ = ["register"]
