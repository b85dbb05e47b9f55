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
import urllib.parse
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
    import secrets

    if not is_loopback_host(host):
        host = "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    me = LocalServer(
        url=f"http://{shown}:{port}", key=secrets.token_urlsafe(32), pid=os.getpid(),
        search=search_signature(settings),
    )
    path = data_dir / SERVE_FILE
    tmp = path.with_name(f".{SERVE_FILE}.{me.pid}")
    try:  # a fresh home: serve may start before the first import made it; an unwritable one only hides us
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"pid": me.pid, "url": me.url, "key": me.key, "search": me.search}, f)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
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
    refused the key, not a socialbrain answer). Raises ServerError for a 4xx about the request itself.

    Plain ``http.client`` to the loopback address: no proxy settings apply, no redirect is followed."""
    import http.client

    parts = urllib.parse.urlsplit(server.url)
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None and v is not False})
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=TIMEOUT_SECONDS)
    try:
        conn.request(
            "GET", f"{path}?{query}",
            headers={"Authorization": f"Bearer {server.key}", "Accept": "application/json"},
        )
        resp = conn.getresponse()
        status, data = resp.status, resp.read()
    except (OSError, http.client.HTTPException):
        return None  # refused, timed out, cut off
    finally:
        conn.close()
    try:
        body = json.loads(data.decode("utf-8"))
    except ValueError:
        return None  # not a socialbrain answer
    if status == 200:
        return body if isinstance(body, dict) else None
    detail = body.get("detail") if isinstance(body, dict) else None
    if status in (400, 404, 409, 413, 422) and isinstance(detail, str) and detail:
        raise ServerError(detail)
    return None  # 401/403 (an old server, another one on the port), 5xx: search in process
