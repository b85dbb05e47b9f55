"""Who may talk to the server, and how.

The scheme (also in docs/web.md):

- **Bind**: loopback by default. Any other address needs an access token (``--token`` / ``SOCIALBRAIN_TOKEN``);
  :func:`check_bind` refuses to start without one.
- **Token**: when set, every request except the page shell, its static files and ``/api/auth``/``/api/login``
  must carry ``Authorization: Bearer <token>`` or the ``sb_token`` cookie that the UI's login form sets
  (HttpOnly, SameSite=Strict). Compared in constant time.
- **Host check** (no token, loopback): the ``Host`` header must name a loopback host, so a DNS-rebinding page
  cannot reach the server through a name of its own.
- **CSRF**: a state-changing request (POST/PUT/PATCH/DELETE) must carry either the custom header
  ``X-Socialbrain: 1`` or an ``Authorization`` header. Browsers only send custom headers cross-origin after a
  CORS preflight, which this server never grants, so a foreign page cannot forge one. When an ``Origin`` header is
  present it must match the ``Host``.
- **Bodies**: every request body is bounded: uploads (``POST /api/imports``, ``POST /api/kbs/{name}/files``) by
  ``max_upload``, everything else (/api JSON, /v1, /mcp) by ``max_body`` (socialbrain/limits.py). Too big: 413,
  by ``Content-Length`` before anything is read, or by counting while the body streams in (nothing past the
  limit is read).
- **The local CLI** (discovery.py): `serve` writes a fresh random key to ``<data dir>/serve.json`` (0600) and
  accepts ``Authorization: Bearer <key>`` in place of the token, from loopback clients only, so `socialbrain
  search` can use the running server without the user's token ever touching the disk.
- **Host parsing**: a ``Host`` header is ``name[:port]`` or ``[v6][:port]`` and nothing else; userinfo
  (``localhost:8765@evil.example``), paths or spaces make it invalid, never loopback.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import re
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..limits import DEFAULT_MAX_BODY

TOKEN_COOKIE = "sb_token"
CSRF_HEADER = "x-socialbrain"
DEFAULT_MAX_UPLOAD = 512 * 1024 * 1024  # bytes; exports with media can be large
OPEN_PATHS = ("/", "/index.html", "/api/auth", "/api/login", "/favicon.ico")
OPEN_PREFIXES = ("/static/",)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
UPLOAD_PATHS = re.compile(r"^/api/(imports|kbs/[^/]+/files)$")  # multipart uploads: the larger limit
MCP_PATH = (
    "/mcp"  # MCP over streamable HTTP (mcp_server.py); clients send JSON, never the X-Socialbrain header
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


_HOST_HEADER = re.compile(r"^(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9_.-]+))(?::(?P<port>[0-9]{1,5}))?$")


def host_name(host: str) -> str | None:
    """The host part of a ``Host`` header (``name[:port]``, ``[v6][:port]``, or a bare IPv6 address), lower-cased;
    None when it is anything else: userinfo (``a@b``), a path, spaces, an empty name."""
    h = host.strip().lower()
    m = _HOST_HEADER.match(h)
    if m:
        return m.group("v6") or m.group("name")
    if ":" in h and re.fullmatch(
        r"[0-9a-f:.]+", h
    ):  # a bare IPv6 address (a bind address, not a Host header)
        return h
    return None


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (with or without brackets/port); False for anything that is not
    a plain host (``localhost:8765@evil.example`` names evil.example)."""
    h = host_name(host)
    if h is None:
        return False
    if h in ("localhost", "localhost.", "ip6-localhost") or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def server_dirs(data_dir: Path) -> tuple[str, ...]:
    """The directories whose names a client has no business seeing: the data directory, the temp dir, home."""
    roots = {str(data_dir), str(data_dir.resolve()), tempfile.gettempdir(), str(Path.home())}
    return tuple(sorted((r.rstrip("/") for r in roots if r.strip("/")), key=len, reverse=True))


def strip_paths(value: Any, roots: tuple[str, ...]) -> Any:
    """``value`` (a string, or lists/dicts of them) with every path under one of ``roots`` reduced to its file
    name, so a job's error or result names ``export.json``, never where the server keeps its files. URLs and
    other paths (``/api/reports/…``) are left alone."""
    if not roots:
        return value
    pattern = re.compile("(?:" + "|".join(re.escape(r) for r in roots) + r")/(?:[^/\s:'\"]+/)*")
    return _strip(value, pattern)


def _strip(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub("", value)
    if isinstance(value, dict):
        return {k: _strip(v, pattern) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strip(v, pattern) for v in value]
    return value


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve on a non-loopback address without an access token."""
    if not is_loopback_host(host) and not token:
        raise ConfigError(
            f"refusing to listen on {host} without an access token: anyone on the network could read your "
            "archive. Pass --token SECRET (or set SOCIALBRAIN_TOKEN), or keep the default --host 127.0.0.1"
        )
    if token is not None and len(token) < 8:
        raise ConfigError(
            "the access token is too short: use at least 8 characters (e.g. `openssl rand -hex 16`)"
        )


def _mcp_call(path: str, method: str, headers: dict[str, str]) -> bool:
    """An MCP client's POST (JSON) or DELETE on /mcp: browsers only send these cross-origin after a CORS preflight,
    which this server never grants, so they need no X-Socialbrain header (the token and Origin rules still apply)."""
    if path != MCP_PATH:
        return False
    return (
        method == "DELETE"
        or headers.get("content-type", "").split(";")[0].strip().lower() == "application/json"
    )


def token_matches(given: str | None, token: str) -> bool:
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookie(headers: dict[str, str], name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        k, _, v = part.strip().partition("=")
        if k == name:
            return v
    return None


def _bearer(headers: dict[str, str]) -> str | None:
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return None


class SecurityMiddleware:
    """Pure ASGI middleware (so streamed responses pass through untouched)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        max_upload: int = DEFAULT_MAX_UPLOAD,
        max_body: int = DEFAULT_MAX_BODY,
        local_key: str | None = None,
    ):
        self.app = app
        self.token = token or None
        self.local_key = local_key or None
        self.max_upload = max_upload
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        path: str = scope.get("path", "/")
        method: str = scope.get("method", "GET").upper()
        host = headers.get("host", "")

        if not self.token and host and not is_loopback_host(host):
            await _deny(
                send, 403, f"host {host!r} is not a loopback name; open http://127.0.0.1 instead", path
            )
            return
        if self.token and not (path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)):
            given = _bearer(headers) or _cookie(headers, TOKEN_COOKIE)
            if not token_matches(given, self.token) and not self._local_cli(scope, headers):
                await _deny(
                    send, 401, "access token required: log in, or send Authorization: Bearer TOKEN", path
                )
                return
        if method in UNSAFE_METHODS:
            if (
                headers.get(CSRF_HEADER) != "1"
                and "authorization" not in headers
                and not _mcp_call(path, method, headers)
            ):
                await _deny(send, 403, "missing X-Socialbrain header (cross-site request refused)", path)
                return
            origin = headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc.lower() != host.lower():
                await _deny(send, 403, f"cross-origin request from {origin} refused", path)
                return
            if origin == "null":
                await _deny(send, 403, "request from an opaque origin refused", path)
                return
        upload = method == "POST" and bool(UPLOAD_PATHS.match(path))
        limit = self.max_upload if upload else self.max_body
        length = headers.get("content-length")
        if length is not None and length.strip().isdigit() and int(length) > limit:
            await _deny(send, 413, self._too_large(limit, upload), path)
            return
        # Count the body while it streams in. Past the limit: stop reading and answer 413 instead of
        # whatever the app says about the cut-off body.
        seen = 0
        over = False
        started = False

        async def limited_receive() -> Message:
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _deny(send, 413, self._too_large(limit, upload), path)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, limited_receive, guarded_send)
        if over and not started:
            await _deny(send, 413, self._too_large(limit, upload), path)

    def _local_cli(self, scope: Scope, headers: dict[str, str]) -> bool:
        """The CLI of this machine, with the key from serve.json (a Bearer header from a loopback client)."""
        if self.local_key is None:
            return False
        client = scope.get("client") or ("", 0)
        return is_loopback_host(str(client[0])) and token_matches(_bearer(headers), self.local_key)

    @staticmethod
    def _too_large(limit: int, upload: bool) -> str:
        if upload:
            return (
                f"upload too large: limit is {limit / (1024 * 1024):g} MB (serve --max-upload-mb to change)"
            )
        return (
            f"request body too large: limit is {limit // 1024:,} KB (config [serve] max_body_kb to change; "
            "files go through POST /api/imports)"
        )


async def _deny(send: Send, status: int, message: str, path: str) -> None:
    body: dict[str, Any]
    if path.startswith("/v1/"):
        body = {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "code": {401: "invalid_api_key", 413: "too_large"}.get(status, "forbidden"),
            }
        }
    else:
        body = {"detail": message}
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(data)).encode()),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
