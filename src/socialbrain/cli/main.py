"""`socialbrain`: the command-line entry point. Each area registers its commands from its own module."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from .. import __version__
from .common import set_data_dir, set_overrides

app = typer.Typer(
    name="socialbrain",
    help="Your own posts from Weibo, Twitter/X, Mastodon, Telegram, WeChat… in one private local archive: "
    "import, search, ask, review.  你的社交媒体历史，归档、检索、对话、回顾。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

# One module per area; each exposes register(app).
AREAS = ["archive_cmds", "search_cmds", "ask_cmds", "serve_cmds", "collect_cmds", "report_cmds", "mcp_cmds"]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"socialbrain {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    data_dir: Annotated[
        str | None,
        typer.Option("--data-dir", envvar="SOCIALBRAIN_HOME", help="Where the archive and indexes live."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    index_uri: Annotated[
        str | None,
        typer.Option(
            "--index-uri",
            envvar="SOCIALBRAIN_INDEX_URI",
            help="Index backend: 'sqlite' (embedded, default), a Milvus Lite file (*.db) or http://host:19530.",
        ),
    ] = None,
) -> None:
    set_data_dir(data_dir)
    set_overrides(index_uri=index_uri)


for _area in AREAS:
    importlib.import_module(f"{__package__}.{_area}").register(app)


if __name__ == "__main__":
    app()
