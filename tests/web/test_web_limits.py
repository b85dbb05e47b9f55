"""Bounds on every request (socialbrain/limits.py, web/security.py): body sizes on /api, /v1 and /mcp refused
with 413 before they are read, long messages refused, long histories trimmed; Host parsing; no /docs; upload
copies cleaned on start; job errors without server paths."""

from __future__ import annotations

import json
import socket
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from web_fixtures import LiveServer, seed

from socialbrain.limits import Limits
from socialbrain.web.security import host_name, is_loopback_host, server_dirs, strip_paths

H = {"X-Socialbrain": "1"}
V1 = {"Authorization": "Bearer sk-anything-on-loopback"}  # what OpenAI clients send
BODY_KB = 256  # this module's server: [serve] max_body_kb


@pytest.fixture(scope="module")
def bounded(tmp_path_factory: pytest.TempPathFactory, llm_server: object):
    d = tmp_path_factory.mktemp("bounded") / "home"
    seed(d)
    (d / "config.toml").write_text(
        f"[serve]\nmax_body_kb = {BODY_KB}\nmax_message_chars = 2000\nmax_history_messages = 4\n",
        encoding="utf-8",
    )
    stale = d / "uploads" / "0123456789ab"  # what a server killed mid-upload leaves behind
    stale.mkdir(parents=True)
    (stale / "export.json").write_text("{}", encoding="utf-8")
    with LiveServer(
        d,
        overrides={"embedder": "none", "llm_url": llm_server.url, "llm_model": "test-model"},  # type: ignore[attr-defined]
    ) as s:
        s.data_dir = d  # type: ignore[attr-defined]
        yield s


def raw_request(url: str, head: str, body_parts: list[bytes], *, timeout: float = 10.0) -> tuple[str, float]:
    """Send a request by hand (so nothing buffers it for us); returns (status line + body, seconds)."""
    port = int(url.rsplit(":", 1)[1])
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head.encode("latin-1"))
        for part in body_parts:
            try:
                s.sendall(part)
            except OSError:  # the server answered and closed: exactly what we want
                break
        data = b""
        while b"\r\n\r\n" not in data or not data.split(b"\r\n\r\n", 1)[1]:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data.decode("utf-8", "replace"), time.monotonic() - t0


def test_host_header_with_userinfo_is_not_loopback() -> None:
    assert not is_loopback_host("localhost:8765@evil.example")
    assert not is_loopback_host("127.0.0.1@evil.example")
    assert not is_loopback_host("localhost/evil")
    assert not is_loopback_host("localhost :8765")
    assert not is_loopback_host("")
    assert host_name("[::1]:8765") == "::1" and host_name("LOCALHOST:1") == "localhost"
    assert is_loopback_host("::1") and is_loopback_host("[::1]") and is_loopback_host("127.0.0.1:80")


def test_userinfo_host_is_refused_by_the_server(bounded: LiveServer) -> None:
    port = bounded.url.rsplit(":", 1)[1]
    r = httpx.get(bounded.url + "/api/posts", headers={"Host": f"localhost:{port}@evil.example"})
    assert r.status_code == 403 and "loopback" in r.json()["detail"]


def test_no_interactive_docs_and_csp_everywhere(bounded: LiveServer) -> None:
    assert httpx.get(bounded.url + "/docs").status_code == 404
    assert httpx.get(bounded.url + "/redoc").status_code == 404
    r = httpx.get(bounded.url + "/openapi.json")
    assert r.status_code == 200 and "/api/search" in r.json()["paths"]
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_100_mb_v1_message_is_refused_before_it_is_read(bounded: LiveServer) -> None:
    head = (
        "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-any\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {100 * 1024 * 1024}\r\n\r\n"
    )
    reply, seconds = raw_request(
        bounded.url, head, [b'{"model":"socialbrain-all","messages":[' + b" " * 65536]
    )
    assert reply.startswith("HTTP/1.1 413"), reply[:200]
    body = json.loads(reply.split("\r\n\r\n", 1)[1])
    assert body["error"]["code"] == "too_large" and f"{BODY_KB:,} KB" in body["error"]["message"]
    assert seconds < 5


def test_chunked_body_over_the_limit_is_cut_off(bounded: LiveServer) -> None:
    head = (
        "POST /api/kbs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Socialbrain: 1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"x" * 32768
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * (4 * BODY_KB // 32)  # 4× the limit, never ended
    reply, seconds = raw_request(bounded.url, head, parts)
    assert reply.startswith("HTTP/1.1 413") and "max_body_kb" in reply
    assert seconds < 5


def test_mcp_body_is_bounded_too(bounded: LiveServer) -> None:
    big = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": "x" * (BODY_KB * 1024)}})
    r = httpx.post(
        bounded.url + "/mcp",
        content=big,
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
    )
    assert r.status_code == 413


def test_long_v1_message_is_refused_in_one_line(bounded: LiveServer) -> None:
    body = {"model": "socialbrain-all", "messages": [{"role": "user", "content": "我" * 60_000}]}
    t0 = time.monotonic()
    r = httpx.post(
        bounded.url + "/v1/chat/completions",
        content=json.dumps(body, ensure_ascii=False).encode("utf-8"),  # 180 KB: under the body limit
        headers={**V1, "Content-Type": "application/json"},
        timeout=30,
    )
    assert r.status_code == 413
    err = r.json()["error"]
    assert "60,000 characters" in err["message"] and "2,000" in err["message"] and "\n" not in err["message"]
    assert time.monotonic() - t0 < 10


def test_long_api_chat_question_is_refused(bounded: LiveServer) -> None:
    r = httpx.post(bounded.url + "/api/chat", json={"question": "跑步" * 1500}, headers=H)
    assert r.status_code == 413 and "max_message_chars" in r.json()["detail"]


def test_long_history_is_trimmed_before_the_llm(bounded: LiveServer, llm_server: object) -> None:
    before = len(llm_server.chat_requests)  # type: ignore[attr-defined]
    history = []
    for i in range(12):
        history.append({"role": "user", "content": f"第{i}个问题 " + "长" * 2500})
        history.append({"role": "assistant", "content": f"第{i}个回答"})
    r = httpx.post(
        bounded.url + "/v1/chat/completions",
        content=json.dumps(
            {"model": "socialbrain-all", "messages": [*history, {"role": "user", "content": "跑步"}]},
            ensure_ascii=False,
        ).encode("utf-8"),
        headers={**V1, "Content-Type": "application/json"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    sent = [req.json for req in llm_server.chat_requests[before:]]  # type: ignore[attr-defined]
    assert sent
    for body in sent:
        text = json.dumps(body, ensure_ascii=False)
        assert "第0个问题" not in text  # only the last 4 turns travel
        assert "长" * 2001 not in text  # each cut to max_message_chars


def test_limits_from_settings_reject_nonsense(tmp_path: Path) -> None:
    from socialbrain.config import Settings
    from socialbrain.errors import ConfigError

    (tmp_path / "config.toml").write_text('[serve]\nmax_body_kb = "lots"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="max_body_kb"):
        Limits.from_settings(Settings.load(tmp_path))
    assert Limits().trim_history([{"role": "user", "content": "x" * 5000}]) == [
        {"role": "user", "content": "x" * 4000}
    ]


def test_stale_upload_copies_are_removed_on_start(bounded: LiveServer) -> None:
    assert not (bounded.data_dir / "uploads" / "0123456789ab").exists()  # type: ignore[attr-defined]


def test_upload_whose_only_file_failed_is_an_error_without_server_paths(bounded: LiveServer) -> None:
    with httpx.Client(base_url=bounded.url, timeout=30) as c:
        job = c.post(
            "/api/imports",
            headers=H,
            files={"files": ("broken.zip", b"PK\x03\x04 not a zip", "application/zip")},
        ).json()
        deadline = time.monotonic() + 30
        while (j := c.get(f"/api/jobs/{job['id']}").json())["status"] not in ("done", "error"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        log = c.get("/api/imports").json()
    assert j["status"] == "error", j
    assert "broken.zip" in j["message"]
    data_dir = str(bounded.data_dir)  # type: ignore[attr-defined]
    assert data_dir not in json.dumps(j, ensure_ascii=False)
    assert "/uploads/" not in json.dumps(j, ensure_ascii=False)
    assert data_dir not in json.dumps(log, ensure_ascii=False)


def test_strip_paths_keeps_file_names_and_urls() -> None:
    roots = server_dirs(Path("/home/u/.local/share/socialbrain"))
    msg = "/home/u/.local/share/socialbrain/uploads/ab12/微博.json: line 3: bad date; see http://127.0.0.1:8765/v1/models"
    assert strip_paths(msg, roots) == "微博.json: line 3: bad date; see http://127.0.0.1:8765/v1/models"
    tmp = tempfile.gettempdir()
    assert strip_paths({"files": [{"path": f"{tmp}/x/y.csv"}]}, roots) == {"files": [{"path": "y.csv"}]}
    url = {"files": {"html": {"url": "/api/reports/r1.html"}}}
    assert strip_paths(url, roots) == url
