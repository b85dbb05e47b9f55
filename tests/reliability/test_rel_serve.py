"""`socialbrain serve` under oversized requests and kill -9: refused quickly with bounded memory; after a kill the
next start cleans the upload copies, closes the killed import's row, and a re-upload imports everything once."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import httpx
import psutil
from rel_helpers import archive_rows, cli, found, kill9, marker, running_imports, serve, write_jsonl

H = {"X-Socialbrain": "1"}
V1 = {"Authorization": "Bearer sk-anything", "Content-Type": "application/json"}


def raw_post(url: str, head: str, parts: list[bytes]) -> tuple[str, float]:
    port = int(url.rsplit(":", 1)[1])
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(head.encode("latin-1"))
        for part in parts:
            try:
                s.sendall(part)
            except OSError:
                break
        data = b""
        while b"\r\n\r\n" not in data or not data.split(b"\r\n\r\n", 1)[1]:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data.decode("utf-8", "replace"), time.monotonic() - t0


def test_oversized_requests_are_refused_quickly_with_bounded_memory(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli(home, "import", str(write_jsonl(tmp_path / "p.jsonl", 200, "s"))).returncode == 0
    with serve(home) as (url, proc):
        assert found(url, marker("s", 7))
        server = psutil.Process(proc.pid)
        rss0 = server.memory_info().rss

        head = (
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-x\r\n"
            f"Content-Type: application/json\r\nContent-Length: {100 * 1024 * 1024}\r\n\r\n"
        )
        reply, seconds = raw_post(url, head, [b'{"model":"socialbrain-all","messages":[' + b" " * (1 << 20)])
        assert reply.startswith("HTTP/1.1 413") and seconds < 5, (reply[:300], seconds)

        head = (
            "POST /api/kbs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Socialbrain: 1\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 65536
        reply, seconds = raw_post(url, head, [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * 320)  # 20 MB, unended
        assert reply.startswith("HTTP/1.1 413") and seconds < 10, (reply[:300], seconds)

        # 1 MB of question: under the body limit, over the message limit; refused at once, not answered in a minute
        body = {
            "model": "socialbrain-all",
            "messages": [{"role": "user", "content": "跑步 " * 150_000}],
        }  # 1 MB UTF-8
        t0 = time.monotonic()
        r = httpx.post(
            url + "/v1/chat/completions",
            content=json.dumps(body, ensure_ascii=False).encode(),
            headers=V1,
            timeout=60,
        )
        assert r.status_code == 413 and "too long" in r.json()["error"]["message"]
        assert time.monotonic() - t0 < 10

        mcp = {"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": "x" * (5 << 20)}}
        r = httpx.post(
            url + "/mcp",
            content=json.dumps(mcp),
            headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
            timeout=60,
        )
        assert r.status_code == 413

        assert server.memory_info().rss - rss0 < 100 * 1024 * 1024  # never the 100 MB, let alone 5 GB
        assert found(url, marker("s", 150))  # and it still answers


def test_kill9_during_an_upload_import_then_restart(tmp_path: Path) -> None:
    home = tmp_path / "home"
    n = 30_000
    data = write_jsonl(tmp_path / "big.jsonl", n, "u").read_bytes()
    with serve(home) as (url, proc):
        r = httpx.post(
            url + "/api/imports",
            headers=H,
            files={"files": ("big.jsonl", data, "application/x-ndjson")},
            timeout=60,
        )
        assert r.status_code == 200
        deadline = time.monotonic() + 60
        while not running_imports(home):
            assert time.monotonic() < deadline, "the import never started"
            time.sleep(0.05)
        kill9(proc)
    leftovers = list((home / "uploads").iterdir())
    assert leftovers, "the kill came after the job had already cleaned up: nothing was tested"
    assert archive_rows(home, "PRAGMA integrity_check") == [("ok",)]
    stored = archive_rows(home, "SELECT count(*) FROM posts")[0][0]
    assert stored in (0, n)  # one transaction per file: all or nothing, never half

    with serve(home) as (url, _):
        assert not (home / "uploads").exists() or not list((home / "uploads").iterdir())
        statuses = [row["status"] for row in httpx.get(url + "/api/imports", timeout=30).json()]
        assert "running" not in statuses and "interrupted" in statuses
        job = httpx.post(
            url + "/api/imports",
            headers=H,
            files={"files": ("big.jsonl", data, "application/x-ndjson")},
            timeout=60,
        ).json()
        deadline = time.monotonic() + 240
        while (j := httpx.get(f"{url}/api/jobs/{job['id']}", timeout=30).json())["status"] not in (
            "done",
            "error",
        ):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert j["status"] == "done", j
        assert archive_rows(home, "SELECT count(*) FROM posts")[0][0] == n  # everything, once
        deadline = time.monotonic() + 120
        while not found(url, marker("u", n - 1)):  # the index catches up (in the background, or on search)
            assert time.monotonic() < deadline
            time.sleep(0.5)
        assert found(url, marker("u", 0))
