"""The page and its static files are gzipped for browsers that accept it; API answers and streams are not."""

from __future__ import annotations

import gzip

import httpx
from test_web_api import H
from web_fixtures import LiveServer

STATIC = ["/", "/static/style.css", "/static/js/main.js", "/static/js/chat.js", "/static/js/i18n.js"]


def test_static_files_are_gzipped(live: LiveServer) -> None:
    total_plain = total_gz = 0
    with httpx.Client(base_url=live.url) as c:
        for path in STATIC:
            plain = c.get(path, headers={"Accept-Encoding": "identity"})
            raw = c.build_request("GET", path, headers={"Accept-Encoding": "gzip"})
            resp = c.send(raw, stream=True)
            body = resp.read()  # httpx decodes; compare with the raw bytes below
            resp.close()
            assert resp.headers.get("content-encoding") == "gzip", path
            assert body == plain.content
            assert "content-security-policy" in resp.headers  # the security headers stay
            total_plain += len(plain.content)
            total_gz += len(gzip.compress(plain.content))
        assert total_gz < total_plain / 2
        api = c.get("/api/kbs", headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in api.headers
        chat = c.post("/api/chat", json={"question": "跑步", "mode": "retrieval"}, headers={**H, "Accept-Encoding": "gzip"})
        assert "content-encoding" not in chat.headers and chat.text.startswith("data: ")
