"""Security: loopback by default, tokens, CSRF, host check, upload limits, zip traversal, filenames."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from web_fixtures import LiveServer, seed

from socialbrain.errors import ConfigError
from socialbrain.web.api import safe_filename
from socialbrain.web.security import check_bind, is_loopback_host

H = {"X-Socialbrain": "1"}
TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory):
    d = tmp_path_factory.mktemp("guarded") / "home"
    seed(d)
    with LiveServer(
        d, token=TOKEN, max_upload=64 * 1024, overrides={"embedder": "none", "llm_url": "none"}
    ) as s:
        yield s


def test_loopback_detection() -> None:
    for host in ("127.0.0.1", "localhost", "::1", "[::1]:8765", "127.0.0.1:8765", "127.1.2.3"):
        assert is_loopback_host(host), host
    for host in ("0.0.0.0", "192.168.1.5", "example.com", "[::]", "evil.com:8765"):
        assert not is_loopback_host(host), host


def test_non_loopback_bind_needs_a_token() -> None:
    with pytest.raises(ConfigError, match="--token"):
        check_bind("0.0.0.0", None)
    with pytest.raises(ConfigError, match="too short"):
        check_bind("0.0.0.0", "abc")
    check_bind("0.0.0.0", TOKEN)
    check_bind("127.0.0.1", None)


def test_serve_on_all_interfaces_without_token_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOCIALBRAIN_TOKEN"}
    env["SOCIALBRAIN_HOME"] = str(tmp_path / "home")
    r = subprocess.run(
        [str(Path(sys.executable).parent / "socialbrain"), "serve", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 2
    assert "error:" in r.stderr and "without an access token" in r.stderr and "Traceback" not in r.stderr


def test_token_required_by_bearer_or_login_cookie(guarded: LiveServer) -> None:
    with httpx.Client(base_url=guarded.url) as c:
        assert c.get("/").status_code == 200  # the page shell loads, then asks for the token
        assert c.get("/static/js/main.js").status_code == 200
        assert c.get("/api/auth").json() == {"required": True, "ok": False}
        assert c.get("/api/posts").status_code == 401
        assert c.get("/v1/models").json()["error"]["code"] == "invalid_api_key"
        assert c.get("/api/posts", headers={"Authorization": "Bearer wrong-token-x"}).status_code == 401
        assert c.get("/api/posts", headers={"Authorization": f"Bearer {TOKEN}"}).json()["total"] == 7
        assert c.post("/api/login", json={"token": "wrong"}, headers=H).status_code == 401
        r = c.post("/api/login", json={"token": TOKEN}, headers=H)
        assert r.status_code == 200
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert c.get("/api/posts").json()["total"] == 7  # the cookie now authorises
        assert c.get("/api/auth").json()["ok"] is True


def test_csrf_header_and_origin_checks(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url) as c:
        r = c.post("/api/kbs", json={"name": "csrf"})
        assert r.status_code == 403 and "X-Socialbrain" in r.json()["detail"]
        r = c.post("/api/kbs", json={"name": "csrf"}, headers={**H, "Origin": "https://evil.example"})
        assert r.status_code == 403 and "cross-origin" in r.json()["detail"]
        r = c.post("/api/kbs", json={"name": "csrf"}, headers={**H, "Origin": "null"})
        assert r.status_code == 403
        form = c.post("/api/imports", files={"files": ("a.txt", b"hello", "text/plain")})
        assert form.status_code == 403  # a plain cross-site form post cannot import
        assert "csrf" not in [kb["name"] for kb in c.get("/api/kbs").json()]
        ok = c.post("/api/kbs", json={"name": "csrf"}, headers={**H, "Origin": live.url})
        assert ok.status_code == 200
        assert c.delete("/api/kbs/csrf", headers=H).status_code == 200


def test_dns_rebinding_host_is_refused_without_token(live: LiveServer) -> None:
    r = httpx.get(live.url + "/api/posts", headers={"Host": "evil.example:8765"})
    assert r.status_code == 403 and "loopback" in r.json()["detail"]


def test_security_headers(live: LiveServer) -> None:
    r = httpx.get(live.url + "/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"


def test_upload_size_limit(guarded: LiveServer) -> None:
    auth = {**H, "Authorization": f"Bearer {TOKEN}"}
    big = b"x" * (80 * 1024)
    r = httpx.post(
        guarded.url + "/api/imports", headers=auth, files={"files": ("big.txt", big, "text/plain")}
    )
    assert r.status_code == 413 and "too large" in r.json()["detail"]

    def chunks():  # no Content-Length: the limit is counted while streaming
        yield b'--zz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
        for _ in range(20):
            yield b"y" * 8192

    r = httpx.post(
        guarded.url + "/api/imports",
        headers={**auth, "Content-Type": "multipart/form-data; boundary=zz"},
        content=chunks(),
    )
    assert r.status_code == 413


def test_zip_with_traversal_entries_writes_nothing_outside(live: LiveServer, tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ok.txt", "2020-02-02 10:00\n正常的帖子\n")
        z.writestr("../../../../../../tmp/socialbrain-evil.txt", "evil")
    evil = Path("/tmp/socialbrain-evil.txt")
    evil.unlink(missing_ok=True)
    with httpx.Client(base_url=live.url, timeout=30) as c:
        job = c.post(
            "/api/imports", headers=H, files={"files": ("export.zip", buf.getvalue(), "application/zip")}
        ).json()
        deadline = time.monotonic() + 30
        while (j := c.get(f"/api/jobs/{job['id']}").json())["status"] not in ("done", "error"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    files = j["result"]["files"] if j["status"] == "done" else []
    assert j["status"] == "error" or any(
        f["status"] == "failed" and "unsafe path" in (f["message"] or "") for f in files
    )
    assert not evil.exists()


def test_zip_bomb_is_refused(live: LiveServer) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.txt", b"0" * (20 * 1024 * 1024))
    with httpx.Client(base_url=live.url, timeout=30) as c:
        job = c.post(
            "/api/imports", headers=H, files={"files": ("bomb.zip", buf.getvalue(), "application/zip")}
        ).json()
        deadline = time.monotonic() + 30
        while (j := c.get(f"/api/jobs/{job['id']}").json())["status"] not in ("done", "error"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    # the only file failed: the job is an error (not "done"), and says why
    assert j["status"] == "error" and "zip bomb" in j["message"] and "bomb.zip" in j["message"]


def test_uploaded_file_names_never_become_paths() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\x\\微博.zip") == "微博.zip"
    assert safe_filename("/abs/..") == "upload"
    assert safe_filename(None) == "upload"
    assert "/" not in safe_filename("a/b\\c<script>.txt")
