"""`socialbrain search`, `socialbrain kb …`, `socialbrain index …`: parse options, call the library, render."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ..services import search
from .common import (
    AllYearsOpt,
    FilterOptions,
    KindOpt,
    PlatformOpt,
    SinceOpt,
    UntilOpt,
    console,
    err_console,
    get_brain,
    option_groups,
    progress_bar,
    user_errors,
    via_server,
)

kb_app = typer.Typer(
    help="Knowledge bases: named parts of the archive to search in.  知识库。", no_args_is_help=True
)
index_app = typer.Typer(
    help="The search index: status, embedding, rebuild.  检索索引。", no_args_is_help=True
)


@user_errors
def search_cmd(
    query: Annotated[
        str, typer.Argument(help="What to look for; time phrases (2016年, 去年, in 2015) filter dates.")
    ],
    kb: Annotated[str | None, typer.Option("--kb", help="Search only this knowledge base.")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    platform: PlatformOpt = None,
    kind: KindOpt = None,
    min_likes: Annotated[
        int | None, typer.Option("--min-likes", help="Only posts with this many likes.")
    ] = None,
    k: Annotated[int, typer.Option("-k", help="How many results.")] = 10,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, keyword or dense.")] = "hybrid",
    rerank: Annotated[bool, typer.Option("--rerank", help="Rerank with the configured reranker.")] = False,
    all_years: AllYearsOpt = False,
    own_only: Annotated[
        bool, typer.Option("--own-only", help="Only what you wrote: others' messages in chats are left out.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a list.")] = False,
    local: Annotated[
        bool,
        typer.Option(
            "--local", help="Search in this process even when `serve` runs for this data directory."
        ),
    ] = False,
) -> None:
    """Search your posts: keywords + meaning, with dates, snippets and why each matched.  检索。

    When `socialbrain serve` runs for the same data directory, the search is asked of it (its index and encoder
    are loaded already); otherwise, or with --local, it runs here."""
    result = None
    if not local and not rerank and min_likes is None:  # what GET /api/search takes
        result = via_server(
            "/api/search",
            {
                "q": query,
                "kb": kb,
                "since": since,
                "until": until,
                "k": k,
                "mode": mode,
                "platform": ",".join(platform) if platform else None,
                "kind": ",".join(kind) if kind else None,
                "all_years": "true" if all_years else None,
                "own_only": "true" if own_only else None,
            },
        )
    result = result or search(
        get_brain(),
        query,
        since=since,
        until=until,
        platforms=platform,
        kinds=kind,
        min_likes=min_likes,
        kb=kb,
        k=k,
        mode=mode,
        rerank=rerank,
        all_years=all_years,
        own_only=own_only,
    )
    if as_json:
        console.print_json(json.dumps(result, ensure_ascii=False))
        return
    empty = result["empty_message"]
    for note in result["notes"]:
        if note != empty:
            err_console.print(f"[dim]{escape(note)}[/dim]")
    if result["time_filter"] == "applied":
        err_console.print(
            f"[dim]时间: {escape(result['time_expression'])} → "
            f"{(result['since'] or '…')[:10]} – {(result['until'] or '…')[:10]}[/dim]"
        )
    if empty:
        console.print(escape(empty) + ("；以下是几条弱相关的：" if result["hits"] else "。"))
        if not result["hits"]:
            return
    for n, hit in enumerate(result["hits"], start=1):
        date = hit["date"][:16].replace("T", " ")
        extra = f"  [dim](+{len(hit['duplicates'])} 条相同)[/dim]" if hit["duplicates"] else ""
        console.print(f"[bold]{n}.[/bold] [cyan]{date}[/cyan] {escape(hit['platform'])} #{hit['id']}{extra}")
        text = escape(hit["snippet"]).replace("【", "[bold yellow]【").replace("】", "】[/bold yellow]")
        console.print("   " + text, soft_wrap=True)
        if hit["why"]:
            console.print("   [dim]" + escape(" · ".join(hit["why"])) + "[/dim]")


# -- kb ---------------------------------------------------------------------------------------
@user_errors
@option_groups
def kb_create(
    name: Annotated[str, typer.Argument(help="Name, e.g. 跑步 or work.")],
    filters: FilterOptions,
    description: Annotated[str, typer.Option("--description", help="What this KB is for.")] = "",
) -> None:
    """Create a knowledge base from a filter (or empty, for `kb add`).  新建知识库。"""
    from ..index.kb import create_kb

    info = create_kb(get_brain(), name, filters.build(), description)
    console.print(f"created knowledge base [bold]{escape(info.name)}[/bold]: {info.posts} posts")


@user_errors
def kb_add(
    name: Annotated[str, typer.Argument(help="Knowledge base (created if missing).")],
    files: Annotated[list[Path], typer.Argument(help="Files or folders to import into it.")],
) -> None:
    """Import files into the archive and add their posts to a knowledge base.  导入文件到知识库。"""
    from ..index.kb import add_files_to_kb, kb_info

    brain = get_brain()
    with progress_bar() as progress:
        report = add_files_to_kb(brain, name, files, progress=progress)
    for failed in report.failed:
        err_console.print(f"[red]failed:[/red] {escape(failed.message or failed.path)}")
    totals = report.totals()
    info = kb_info(brain, name)
    console.print(
        f"{escape(name)}: {info.posts} posts now ("
        + ", ".join(f"{k} {v}" for k, v in totals.items() if v)
        + ")"
    )


@user_errors
def kb_list() -> None:
    """List knowledge bases.  列出知识库。"""
    from ..index.kb import list_kbs

    table = Table("name", "posts", "filter", "description")
    for info in list_kbs(get_brain()):
        table.add_row(
            escape(info.name),
            str(info.posts),
            escape(json.dumps(info.filter, ensure_ascii=False)),
            escape(info.description),
        )
    console.print(table)


@user_errors
def kb_delete(
    name: str,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete a knowledge base (its posts stay in the archive).  删除知识库。"""
    from ..index.kb import delete_kb

    if not yes and not typer.confirm(f"delete knowledge base {name!r}? (posts stay in the archive)"):
        raise typer.Exit(1)
    delete_kb(get_brain(), name)
    console.print(f"deleted knowledge base {escape(name)}")


@user_errors
def kb_rebuild(name: str) -> None:
    """Index a knowledge base's posts again (`all`: the whole index).  重建知识库索引。"""
    from ..index.kb import rebuild_kb

    with progress_bar() as progress:
        report = rebuild_kb(get_brain(), name, progress=progress)
    console.print(
        f"{escape(name)}: {report.units} units, {report.embedded} embedded, {report.pending} pending"
    )


# -- index ------------------------------------------------------------------------------------
@user_errors
def index_status_cmd() -> None:
    """Backend, model, counts and what is pending.  索引状态。"""
    from ..index.status import index_status

    brain = get_brain()
    status = index_status(brain)
    try:
        embedder = brain.embedder
        configured = embedder.name if embedder else "none (keyword only)"
    except Exception as e:  # noqa: BLE001 - status shows what is wrong instead of failing
        embedder, configured = None, f"unavailable: {e}"
    table = Table(show_header=False)
    for key, value in (
        ("backend", status.backend),
        *brain.index.describe().items(),  # embedded: path; Milvus: uri, user, collection, dim
        ("vectors built with", status.model or "—"),
        ("embedder configured", configured),
        ("units", status.units),
        ("posts", status.posts),
        ("vectors", status.vectors),
        ("pending embedding", status.pending),
        ("archive changes not yet indexed", status.behind),
    ):
        table.add_row(key, escape(str(value)))
    console.print(table)
    console.print(status.line())
    if status.model and embedder and status.model != embedder.name:
        err_console.print("[yellow]the configured embedder differs: run `socialbrain index rebuild`[/yellow]")


@user_errors
def index_embed() -> None:
    """Embed units that have no vector yet, with progress (resumable: Ctrl-C keeps what is done).  补全向量。

    If `serve` or another `index embed` is embedding this data directory, follows its progress until it ends,
    then embeds whatever it left."""
    from ..index.status import index_status
    from ..index.sync import apply_changes
    from .embed_progress import run_embedding

    brain = get_brain()
    with progress_bar() as progress:
        apply_changes(brain, progress)
    if brain.embedder is None:
        console.print("no embedder configured (SOCIALBRAIN_EMBEDDER=none): nothing to embed")
        return
    status = index_status(brain)
    if status.pending == 0:
        console.print(f"{status.line()}：nothing to embed")
        return
    run_embedding(brain, quiet_when_done=False, follow=True)


@user_errors
def index_rebuild(yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False) -> None:
    """Drop the index and build it again from the archive (e.g. after changing the embedder).  重建索引。"""
    from ..index.sync import rebuild_index

    if not yes and not typer.confirm("drop the index and build it again (embedding can take a while)?"):
        raise typer.Exit(1)
    with progress_bar() as progress:
        report = rebuild_index(get_brain(), progress=progress)
    console.print(
        f"index rebuilt: {report.units} units, {report.embedded} embedded, {report.pending} pending"
    )
    for note in report.notes:
        err_console.print(f"[dim]{escape(note)}[/dim]")


@user_errors
def index_migrate(
    to: Annotated[
        str, typer.Option("--to", help="Target index: 'sqlite', a Milvus Lite *.db or http://host:19530.")
    ],
    token: Annotated[
        str | None,
        typer.Option("--token", envvar="SOCIALBRAIN_INDEX_TOKEN", help="Milvus token (user:password)."),
    ] = None,
) -> None:
    """Copy the index (units, keyword data, vectors) to another backend without re-embedding; resumable.  迁移索引。"""
    from ..index.migrate import migrate_index

    progress_ctx = progress_bar()
    with progress_ctx as progress:
        report = migrate_index(get_brain(), to, token=token, progress=progress)
    console.print(
        f"{'resumed and ' if report.resumed else ''}copied {report.units} units ({report.vectors} vectors) "
        f"from {escape(report.source)} to {escape(report.target)}; counts match: "
        f"{report.counts.get('units', 0)} units, {report.counts.get('vectors', 0)} vectors"
    )
    console.print(
        f"use it with --index-uri {escape(to)} (or SOCIALBRAIN_INDEX_URI / config {escape('[index]')} uri)"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(kb_app, name="kb")
    app.add_typer(index_app, name="index")
    app.command("search")(search_cmd)
    kb_app.command("create")(kb_create)
    kb_app.command("add")(kb_add)
    kb_app.command("list")(kb_list)
    kb_app.command("delete")(kb_delete)
    kb_app.command("rebuild")(kb_rebuild)
    index_app.command("status")(index_status_cmd)
    index_app.command("embed")(index_embed)
    index_app.command("rebuild")(index_rebuild)
    index_app.command("migrate")(index_migrate)
