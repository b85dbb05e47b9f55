"""How a CLI finds the `serve` running for its data directory, and proves it may use it.

    <data dir>/serve.json     {"pid": 1234, "url": "http://127.0.0.1:8765", "key": "<random, per run>"}

`socialbrain serve` writes the file (mode 0600, like the archive next to it) just before it starts listening and
removes it when it stops. ``key`` is made fresh for each run; the server accepts it as ``Authorization: Bearer
<key>`` from loopback clients only (security.py), in place of ``--token`` — so the CLI never needs the user's
token and the token never touches the disk. A CLI command that can run remotely (``search``) reads the file,
checks the process is alive and the address is loopback, and asks the server (the archive, the index and the
encoder are loaded there already); anything unexpected (no file, a dead pid, connection refused, a timeout)
and it runs in its own process as before. Imports: stdlib only (a CLI start must stay cheap).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .security import is_loopback_host

if TYPE_CHECKING:
    from ..config import Settings

SERVE_FILE = "serve.json"
TIMEOUT_SECONDS = 60.0  # a dead port refuses at once; a live server on a busy machine may take a while


@dataclass(frozen=True)
class LocalServer:
    """A running `serve` for this data directory: where it listens and the key it accepts from this machine."""

    url: str
    key: str
    pid: int
    search: str = ""  # search_signature() of the server's settings: a CLI with other settings searches itself


class ServerError(Exception):
    """The server answered with an error for the request itself (a user mistake: a bad date, an unknown KB)."""


def search_signature(settings: Settings) -> str:
    """What decides a search's results besides the data directory: the embedder, the index, the time zone."""
    return json.dumps(
        [settings.embedder.spec, settings.index.uri or "sqlite", settings.index.user, settings.time.timezone]
    )


def announce(data_dir: Path, host: str, port: int, settings: Settings) -> LocalServer:
    """Write ``serve.json`` for a server about to listen on ``host:port`` (a loopback URL even when it listens on
    every address); returns what was written. The file is private to the user (0600) and replaced atomically."""
    if not is_loopback_host(host):
        host = "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    me = LocalServer(
        url=f"http://{shown}:{port}", key=secrets.token_urlsafe(32), pid=os.getpid(),
        search=search_signature(settings),
    )
    path = data_dir / SERVE_FILE
    tmp = path.with_name(f".{SERVE_FILE}.{me.pid}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"pid": me.pid, "url": me.url, "key": me.key, "search": me.search}, f)
    os.replace(tmp, path)
    return me


def withdraw(data_dir: Path, me: LocalServer) -> None:
    """Remove ``serve.json`` if it is still ours (a second server for the same directory may have replaced it)."""
    path = data_dir / SERVE_FILE
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text(encoding="utf-8")).get("key") == me.key:
            path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: not our server
        return False
    return True


def find(data_dir: Path) -> LocalServer | None:
    """The server announced in ``data_dir``, if its process is alive and its address loopback; else None."""
    try:
        raw = json.loads((data_dir / SERVE_FILE).read_text(encoding="utf-8"))
        me = LocalServer(
            url=str(raw["url"]), key=str(raw["key"]), pid=int(raw["pid"]), search=str(raw.get("search", ""))
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    host = urllib.parse.urlsplit(me.url).hostname or ""
    if not me.key or not is_loopback_host(host) or not _alive(me.pid):
        return None
    return me


def get_json(server: LocalServer, path: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """GET ``path`` on the server with the key; the JSON answer, None when the server cannot be used (unreachable,
    refused the key, not a socialbrain answer). Raises ServerError for a 4xx about the request itself."""
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None and v is not False})
    req = urllib.request.Request(
        f"{server.url}{path}?{query}",
        headers={"Authorization": f"Bearer {server.key}", "Accept": "application/json"},
    )
    try:
        with _opener().open(req, timeout=TIMEOUT_SECONDS) as resp:
            body = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        if e.code in (400, 404, 409, 413, 422):
            try:
                detail = json.loads(e.read().decode("utf-8")).get("detail")
            except (ValueError, AttributeError, OSError):
                detail = None
            if isinstance(detail, str) and detail:
                raise ServerError(detail) from None
        return None  # 401/403 (an old server, another one on the port), 5xx: search in process
    except (OSError, ValueError):
        return None  # refused, timed out, not JSON
    return body if isinstance(body, dict) else None


def _opener() -> urllib.request.OpenerDirector:
    """No proxies (a loopback request must never leave the machine, whatever HTTP_PROXY says), no redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())
