"""The FastAPI application: REST under /api, the OpenAI-compatible face under /v1, the pages under /."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..brain import Brain
from ..errors import (
    ConfigError,
    IndexMismatchError,
    LLMError,
    LLMUnavailable,
    NotFoundError,
    SocialbrainError,
)
from ..limits import Limits, MessageTooLong
from ..mcp_server import mount_http
from . import api, conversation_api, openai_face, report_api
from .discovery import LocalServer, withdraw
from .security import DEFAULT_MAX_UPLOAD, ASGIApp, Message, Receive, Scope, SecurityMiddleware, Send
from .services import FeatureUnavailable
from .state import WebState

STATIC = Path(__file__).parent / "static"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def _status(e: SocialbrainError) -> int:
    for cls, status in (
        (MessageTooLong, 413),
        (NotFoundError, 404),
        (FeatureUnavailable, 503),
        (LLMUnavailable, 502),
        (LLMError, 502),
        (IndexMismatchError, 409),
        (ConfigError, 400),
    ):
        if isinstance(e, cls):
            return status
    return 400


def create_app(
    source: Path | str | Callable[[], Brain] | None = None,
    token: str | None = None,
    *,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    overrides: dict[str, Any] | None = None,
    limits: Limits | None = None,
    background_index: bool = False,
    local_server: LocalServer | None = None,
) -> FastAPI:
    """The app for a data directory (or a function returning a Brain, whose directory and overrides are used).

    ``token``: required on every request (Bearer header or the login cookie) when set.
    ``max_upload``: largest upload body in bytes. ``limits``: every other body and message (socialbrain/limits.py;
    default: the data directory's ``[serve]`` settings).

    No interactive API pages (``/docs``, ``/redoc``): FastAPI's load their scripts from a CDN, which the CSP
    (``script-src 'self'``) and "no network" both rule out. The schema is at ``/openapi.json``.
    ``background_index``: run the index's background writer (apply changes, embed pending units; `serve` does).
    ``local_server``: what `serve` announced in ``<data dir>/serve.json`` (web/discovery.py): its key is accepted
    from loopback clients in place of ``token``, and the file is withdrawn when the app shuts down (uvicorn re-raises
    SIGTERM after its shutdown, so the caller's ``finally`` would not run).
    """
    if callable(source):
        b = source()
        data_dir, ov = b.data_dir, {**b.overrides, **(overrides or {})}
        b.close()
    else:
        data_dir = Brain.open(source).data_dir if source is None else Path(source)
        ov = dict(overrides or {})
    state = WebState(
        data_dir=Path(data_dir), overrides=ov, token=token or None, max_upload=max_upload, limits=limits
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if background_index:
            state.start_indexer()
        async with mcp_sessions.run():  # MCP over streamable HTTP at /mcp (mcp_server.py)
            yield
        if local_server is not None:
            withdraw(Path(data_dir), local_server)
        state.close()

    app = FastAPI(
        title="socialbrain",
        version=__version__,
        description="Your own posts, searchable and askable. 你的社交媒体历史：检索、对话、回顾。",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.web = state

    @app.exception_handler(SocialbrainError)
    async def user_error(request: Request, exc: SocialbrainError) -> JSONResponse:
        status = _status(exc)
        if request.url.path.startswith("/v1/"):
            return openai_face.openai_error(status, str(exc), type(exc).__name__)
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid request')}"
        if request.url.path.startswith("/v1/"):
            return openai_face.openai_error(400, message, "invalid_request")
        return JSONResponse({"detail": message, "errors": [_plain(e) for e in errors]}, status_code=422)

    app.include_router(api.router)
    app.include_router(report_api.router)
    app.include_router(conversation_api.router)
    app.include_router(openai_face.router)
    mcp_sessions = mount_http(app, state.brain, runner=state.run)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    assert state.limits is not None
    app.add_middleware(_StaticGzip)
    app.add_middleware(
        SecurityMiddleware, token=state.token, max_upload=max_upload, max_body=state.limits.max_body,
        local_key=local_server.key if local_server else None,
    )
    app.add_middleware(_HeadersMiddleware)
    return app


def _plain(e: dict[str, Any]) -> dict[str, Any]:
    return {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")}


class _StaticGzip:
    """gzip for the page and its static files (scripts, styles) when the browser accepts it; API responses,
    streams and downloads pass through untouched."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=512, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/" or path.startswith("/static/"):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class _HeadersMiddleware:
    """Adds the security headers (CSP without inline scripts, nosniff, no framing) to every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}  # a route's own CSP/framing wins
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in SECURITY_HEADERS if h[0] not in have),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
