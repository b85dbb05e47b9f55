"""`socialbrain collect weibo|mastodon|status`: your own posts straight from the platform into the archive."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from ..services.collect import mastodon_token, politeness, weibo_cookie
from .common import (
    console,
    date_option,
    err_console,
    get_brain,
    option_groups,
    progress_bar,
    update_index,
    user_errors,
)

if TYPE_CHECKING:  # the collectors (httpx) load when a collect command runs, not for every CLI call
    from ..collect.engine import CollectReport
    from ..config import Settings

collect_app = typer.Typer(
    help="Collect your own posts from Weibo or Mastodon into the archive (resumable, polite).  抓取自己的微博/嘟文。",
    no_args_is_help=True,
)

_COLUMNS = ("pages", "new", "updated", "unchanged", "skipped", "truncated", "media", "requests")


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """How far back and how far a collect run goes, how fast, what it fetches and what it does after: the same
    for every collector."""

    since: Annotated[
        str | None, typer.Option("--since", help="Only posts from this date on (2019, 2019-05, 2019-05-04).")
    ] = None
    media: Annotated[
        bool,
        typer.Option("--media", help="Also download pictures, videos and attachments into <data-dir>/media/<platform>/."),
    ] = False
    full: Annotated[
        bool, typer.Option("--full", help="Walk every page even if an earlier run stored them.")
    ] = False
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", help="Stop after this many pages (resumable).")
    ] = None
    delay: Annotated[
        float | None,
        typer.Option(
            "--delay",
            help="Seconds between requests (±50% jitter). Default 3 for Weibo, 1 for Mastodon, or config "
            "collect.delay.",
        ),
    ] = None
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Stop the run after this many minutes (resumable). Default 360, or config collect.time_limit.",
        ),
    ] = None
    no_sync: Annotated[bool, typer.Option("--no-sync", help="Do not update the search index afterwards.")] = (
        False
    )

    def limits(self, settings: Settings, default_delay: float, default_backoff: float) -> dict[str, Any]:
        """What every collector's options take from these flags: ``since``, ``media``, ``full``, ``max_pages``
        and the pace."""
        pace = politeness(settings, self.delay, default_delay, default_backoff, self.time_limit)
        return {
            "since": date_option(self.since),
            "media": self.media,
            "full": self.full,
            "max_pages": self.max_pages,
            "politeness": pace,
        }


def _on_wait(seconds: float, reason: str) -> None:
    if reason.startswith("HTTP "):  # 418/403/429/5xx: the only answers that mean "slow down"
        err_console.print(
            f"[yellow]{reason}[/yellow]: the site asks us to slow down, waiting {seconds:.0f}s …"
        )
    else:  # a timeout or a network error: say so, not "slow down"
        err_console.print(f"[yellow]{reason}[/yellow]: trying again in {seconds:.0f}s …")


def _collect(label: str, fn: Callable[..., CollectReport], no_sync: bool) -> None:
    """Run a collector (``fn(progress=…, on_wait=…)``) under a spinner, print its summary, update the index."""
    report = _run_with_progress(label, lambda progress: fn(progress=progress, on_wait=_on_wait))
    _summary(report)
    if not no_sync and (report.new or report.updated):
        update_index("collected")


def _run_with_progress(
    label: str, fn: Callable[[Callable[[CollectReport], None]], CollectReport]
) -> CollectReport:
    with progress_bar(str, per_stage=False, title=label, clock="elapsed", spinner=True) as bar:

        def progress(r: CollectReport) -> None:
            bar(f"{label}: {r.pages} pages, {r.new} new, {r.updated} updated, {r.unchanged} unchanged", 0, 0)

        return fn(progress)


def _summary(report: CollectReport) -> None:
    t = Table(title=f"{report.platform} · {report.account}", show_header=True, header_style="bold")
    for col in _COLUMNS:
        t.add_column(col, justify="right")
    t.add_row(*(str(getattr(report, c)) for c in _COLUMNS))
    console.print(t)
    if report.resumed:
        console.print("resumed the run that stopped earlier  已从上次中断处继续")
    if report.finished:
        console.print(f"done: {report.stop_reason}  完成")
    else:
        console.print(
            f"stopped: {report.stop_reason}; run the same command to continue  未完成，再次运行即可继续"
        )
    if report.truncated:
        console.print(
            f"[yellow]{report.truncated} long posts kept their truncated text (全文 unreachable); "
            "`--full` later retries them[/yellow]"
        )
    if report.media_failed:
        console.print(
            f"[yellow]{report.media_failed} media files failed to download; a later --media run retries[/yellow]"
        )
    forgotten = report.forgotten
    if forgotten:
        console.print(f"{forgotten} posts you had forgotten were not brought back")


@collect_app.command("weibo")
@user_errors
@option_groups
def weibo_cmd(
    uid: Annotated[str, typer.Option("--uid", help="Your numeric user id (weibo.com/u/<uid>).")],
    cookie_file: Annotated[
        str | None,
        typer.Option(
            "--cookie-file", help="File with your m.weibo.cn Cookie header (or cookies.txt / JSON export)."
        ),
    ] = None,
    save_cookie: Annotated[
        bool,
        typer.Option("--save-cookie", help="Keep the cookie in <data-dir>/secrets/ (0600) for later runs."),
    ] = False,
    originals_only: Annotated[bool, typer.Option("--originals-only", help="Leave reposts out.")] = False,
    api_base: Annotated[
        str | None,
        typer.Option(
            "--api-base",
            help="API address (default https://m.weibo.cn, or https://weibo.cn with --via weibo.cn).",
        ),
    ] = None,
    via: Annotated[
        str, typer.Option("--via", help="api (m.weibo.cn JSON) or weibo.cn (HTML pages, as weiboSpider).")
    ] = "api",
    *,
    run: RunOptions,
) -> None:
    """Collect your own Weibo posts (m.weibo.cn API, or weibo.cn pages) into the archive.  抓取自己的微博。

    Resumes an interrupted run; later runs fetch only what is new. The cookie is never logged or archived.
    """
    from ..collect.weibo import DEFAULT_API_BASE, DEFAULT_CN_BASE, WeiboOptions, collect_weibo

    brain = get_brain()
    cookie, saved = weibo_cookie(brain.settings, uid, cookie_file, save=save_cookie)
    if saved:
        err_console.print(f"cookie saved to {saved} (readable by you only)")
    if not cookie:
        err_console.print(
            "[yellow]no cookie: collecting what the public view shows (often only recent posts); "
            "see docs/collect.md for --cookie-file[/yellow]"
        )
    opts = WeiboOptions(
        uid=uid,
        cookie=cookie,
        originals_only=originals_only,
        api_base=api_base or (DEFAULT_CN_BASE if via == "weibo.cn" else DEFAULT_API_BASE),
        via=via,
        **run.limits(brain.settings, 3.0, 60.0),
    )
    _collect(f"weibo {uid}", functools.partial(collect_weibo, brain, opts), run.no_sync)


@collect_app.command("mastodon")
@user_errors
@option_groups
def mastodon_cmd(
    instance: Annotated[str, typer.Option("--instance", help="Your server, e.g. https://mastodon.social")],
    token: Annotated[
        str | None,
        typer.Option(
            "--token", help="Access token (read scope); prefer --token-file or $SOCIALBRAIN_MASTODON_TOKEN."
        ),
    ] = None,
    token_file: Annotated[
        str | None, typer.Option("--token-file", help="File holding the access token.")
    ] = None,
    save_token: Annotated[
        bool, typer.Option("--save-token", help="Keep the token in <data-dir>/secrets/ (0600).")
    ] = False,
    account: Annotated[
        str | None,
        typer.Option("--account", help="@name to collect (public posts); default: the token's own account."),
    ] = None,
    no_boosts: Annotated[bool, typer.Option("--no-boosts", help="Leave boosts out.")] = False,
    *,
    run: RunOptions,
) -> None:
    """Collect your own Mastodon statuses (boosts, replies, private ones with a token) into the archive.  抓取嘟文。"""
    from ..collect.mastodon import MastodonOptions, collect_mastodon

    brain = get_brain()
    host = instance.split("://")[-1].strip("/")
    token, saved = mastodon_token(brain.settings, host, token, token_file, account=account, save=save_token)
    if saved:
        err_console.print(f"token saved to {saved} (readable by you only)")
    opts = MastodonOptions(
        instance=instance,
        token=token,
        account=account,
        originals_only=no_boosts,
        **run.limits(brain.settings, 1.0, 10.0),
    )
    _collect(f"mastodon {host}", functools.partial(collect_mastodon, brain, opts), run.no_sync)


@collect_app.command("status")
@user_errors
def status_cmd() -> None:
    """Where each collector stands: newest post stored, unfinished runs.  查看抓取进度。"""
    from ..collect.state import all_states

    rows = all_states(get_brain().archive)
    if not rows:
        console.print("nothing collected yet: try `socialbrain collect weibo --uid …`")
        return
    t = Table(show_header=True, header_style="bold")
    for col in ("platform", "account", "newest post", "unfinished run", "last finished"):
        t.add_column(col)
    for r in rows:
        s = r["state"]
        run = s.get("run")
        t.add_row(
            r["platform"],
            r["account"],
            (s.get("newest") or {}).get("at", "-"),
            f"at {run['cursor']} after {run.get('pages', 0)} pages" if run else "-",
            s.get("last_finished", "-"),
        )
    console.print(t)


def register(app: typer.Typer) -> None:
    app.add_typer(collect_app, name="collect")
