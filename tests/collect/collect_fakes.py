"""Real HTTP servers on 127.0.0.1 that replay m.weibo.cn, weibo.cn and Mastodon shapes (written from their
public descriptions and from what weibo-crawler / weiboSpider parse). Tests script failures per endpoint.

Hostile behaviours (tests/collect/test_collect_hostile.py, tests/reliability/): the actions ``("trickle", body,
seconds)`` (one byte every ``seconds``), ``("gzip_bomb", megabytes)`` (a small gzip that expands to that many MB of
zeros), ``("hang",)``; the flags ``FakeState.same_page`` (every page number serves page 1) and
``FakeState.link_loop`` (Mastodon's next link always points back to the same page)."""

from __future__ import annotations

import contextlib
import functools
import json
import threading
import time
import zlib
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

CN = timezone(timedelta(hours=8))
UID = "1669879400"


def weibo_date(dt: datetime) -> str:
    return dt.astimezone(CN).strftime("%a %b %d %H:%M:%S +0800 %Y")


def make_mblog(n: int, when: datetime, **extra: Any) -> dict[str, Any]:
    mid = str(4_500_000_000_000_000 + n)
    mb = {
        "id": mid,
        "mid": mid,
        "bid": f"B{n:08d}",
        "text": f'第{n}条微博：今天天气不错 post {n} <span class="url-icon"><img alt="[哈哈]" src="//h5.sinaimg.cn/x.png"></span>',
        "created_at": weibo_date(when),
        "source": "iPhone客户端",
        "user": {"id": int(UID), "screen_name": "我自己"},
        "attitudes_count": n,
        "comments_count": "3",
        "reposts_count": 0,
        "isLongText": False,
        "mblogtype": 0,
        "pic_num": 0,
    }
    mb.update(extra)
    return mb


class FakeState:
    """What the fake sites serve, and a log of every request (path, query, headers)."""

    def __init__(self) -> None:
        self.mblogs: list[dict[str, Any]] = []  # newest first, as the profile shows them
        self.page_size = 4
        self.long_texts: dict[str, str] = {}
        self.statuses: list[dict[str, Any]] = []  # Mastodon, newest first
        self.mastodon_limit_default = 20
        self.cn_pages: dict[int, str] = {}
        self.cn_comment_pages: dict[str, str] = {}
        # "path" or "path?page=N" -> actions used once each, in order (None: answer normally)
        self.script: dict[str, list[Any]] = defaultdict(list)
        self.log: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        self.hold = threading.Event()  # "hang" actions wait on this
        self.same_page = False  # m.weibo.cn: every page number serves page 1
        self.link_loop = False  # Mastodon: rel="next" always says max_id = the second status
        self.lock = threading.Lock()

    def next_action(self, key: str) -> Any:
        with self.lock:
            actions = self.script.get(key)
            return actions.pop(0) if actions else None

    def requests_to(self, path: str) -> list[dict[str, list[str]]]:
        return [q for p, q, _ in self.log if p == path]


def _handler(state: FakeState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = (
            True  # headers and body go out as separate writes: no 40 ms delayed-ACK stalls
        )

        def log_message(self, *args: Any) -> None:
            pass

        def _send(
            self,
            code: int,
            body: str | bytes,
            ctype: str = "application/json; charset=utf-8",
            headers: dict[str, str] | None = None,
        ) -> None:
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _json(self, obj: Any, headers: dict[str, str] | None = None) -> None:
            self._send(200, json.dumps(obj, ensure_ascii=False), headers=headers)

        def do_GET(self) -> None:  # noqa: N802
            u = urlparse(self.path)
            q = parse_qs(u.query)
            state.log.append((u.path, q, dict(self.headers.items())))
            key = u.path + ("?page=" + q["page"][0] if "page" in q else "")
            action = state.next_action(key)
            if action is None and key != u.path:
                action = state.next_action(u.path)
            if action is not None and self._act(action):
                return
            self._route(u.path, q)

        def _act(self, action: Any) -> bool:
            kind = action[0]
            if kind == "status":
                _, code, headers = action
                self._send(code, json.dumps({"ok": 0, "msg": "slow down"}), headers=headers)
            elif kind == "body":
                self._send(200, action[1])
            elif kind == "json":
                self._json(action[1])
            elif kind == "redirect":
                self._send(302, "", headers={"Location": action[1]})
            elif kind == "hang":
                state.hold.wait(30)
                return False
            elif kind == "trickle":
                _, body, seconds = action
                data = body.encode("utf-8") if isinstance(body, str) else body
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    for i in range(len(data)):
                        self.wfile.write(data[i : i + 1])
                        self.wfile.flush()
                        if state.hold.wait(seconds):
                            break
                except OSError:  # the client gave up: that is the point
                    pass
                self.close_connection = True
            elif kind == "gzip_bomb":
                data = gzip_zeros(action[1])
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client stopped reading: that is the point
                    self.wfile.write(data)
                self.close_connection = True
            else:
                raise AssertionError(kind)
            return True

        def _route(self, path: str, q: dict[str, list[str]]) -> None:
            if path == "/api/container/getIndex":
                page = 1 if state.same_page else int(q.get("page", ["1"])[0])
                size = state.page_size
                chunk = state.mblogs[(page - 1) * size : page * size]
                info = {"containerid": q["containerid"][0], "page": page + 1, "total": len(state.mblogs)}
                if q["containerid"][0].startswith("230413"):  # the newer form pages by since_id
                    ids = [m["id"] for m in state.mblogs]
                    start = ids.index(q["since_id"][0]) + 1 if "since_id" in q else 0
                    chunk = state.mblogs[start : start + size]
                    if chunk:
                        info["since_id"] = int(chunk[-1]["id"])
                if not chunk:
                    self._json({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
                    return
                cards = [
                    {"card_type": 9, "itemid": f"1076031669879400_-_{m['id']}", "scheme": "", "mblog": m}
                    for m in chunk
                ]
                self._json(
                    {
                        "ok": 1,
                        "data": {
                            "cardlistInfo": info,
                            "cards": cards,
                        },
                    }
                )
            elif path == "/statuses/extend":
                mid = q["id"][0]
                if mid in state.long_texts:
                    self._json(
                        {
                            "ok": 1,
                            "data": {
                                "ok": 1,
                                "longTextContent": state.long_texts[mid],
                                "reposts_count": 0,
                                "comments_count": 1,
                                "attitudes_count": 2,
                            },
                        }
                    )
                else:
                    self._json({"ok": 0, "msg": "not found"})
            elif path.startswith("/detail/"):
                mid = path.rsplit("/", 1)[1]
                status = {"id": mid, "text": state.long_texts.get(mid, ""), "isLongText": False}
                page = (
                    '<html><body><script>var $render_data = [{"status": '
                    + json.dumps(status, ensure_ascii=False)
                    + ', "call": "1", "hotScheme": "sinaweibo://"}][0] || {};</script></body></html>'
                )
                self._send(200, page, "text/html; charset=utf-8")
            elif path in ("/login", "/signin/login"):
                self._send(
                    200,
                    "<html><head><title>登录 - 新浪微博</title></head><body>请登录</body></html>",
                    "text/html; charset=utf-8",
                )
            elif path == f"/{UID}" or path == f"/u/{UID}":
                page = int(q.get("page", ["1"])[0])
                html = state.cn_pages.get(
                    page,
                    state.cn_pages.get(0, '<html><body><div class="c">还没发过微博.</div></body></html>'),
                )
                self._send(200, html, "text/html; charset=utf-8")
            elif path.startswith("/comment/"):
                bid = path.rsplit("/", 1)[1]
                self._send(200, state.cn_comment_pages.get(bid, "<html></html>"), "text/html; charset=utf-8")
            elif path == "/api/v1/accounts/verify_credentials" or path == "/api/v1/accounts/lookup":
                if path.endswith("lookup") and q.get("acct", [""])[0] != "alice":
                    self._send(404, json.dumps({"error": "Record not found"}))
                    return
                self._json(
                    {"id": "109", "username": "alice", "acct": "alice", "display_name": "Alice 爱丽丝"}
                )
            elif path == "/api/v1/accounts/109/statuses":
                self._statuses(q)
            elif path.startswith("/media/"):
                self._send(200, b"\xff\xd8fakejpeg\xff\xd9", "image/jpeg")
            else:
                self._send(404, json.dumps({"error": "not found"}))

        def _statuses(self, q: dict[str, list[str]]) -> None:
            limit = int(q.get("limit", [str(state.mastodon_limit_default)])[0])
            rows = state.statuses
            if "max_id" in q:
                rows = [s for s in rows if int(s["id"]) < int(q["max_id"][0])]
            if "since_id" in q:
                rows = [s for s in rows if int(s["id"]) > int(q["since_id"][0])]
            rows = rows[:limit]
            headers = {}
            if rows:
                base = f"http://{self.headers['Host']}/api/v1/accounts/109/statuses"
                nxt = state.statuses[1]["id"] if state.link_loop else rows[-1]["id"]
                headers["Link"] = (
                    f'<{base}?limit={limit}&max_id={nxt}>; rel="next", '
                    f'<{base}?limit={limit}&min_id={rows[0]["id"]}>; rel="prev"'
                )
            self._json(rows, headers=headers)

    return Handler


class FakeServer:
    def __init__(self) -> None:
        self.state = FakeState()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.state.hold.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def mastodon_status(n: int, when: datetime, **extra: Any) -> dict[str, Any]:
    sid = str(110_000_000_000_000_000 + n)
    st = {
        "id": sid,
        "created_at": when.astimezone(UTC).isoformat().replace("+00:00", ".000Z"),
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "zh",
        "uri": f"https://social.example/users/alice/statuses/{sid}",
        "url": f"https://social.example/@alice/{sid}",
        "replies_count": 0,
        "reblogs_count": 1,
        "favourites_count": n,
        "edited_at": None,
        "content": f"<p>嘟文 {n}：你好 <b>world</b></p>",
        "reblog": None,
        "application": {"name": "Web", "website": None},
        "account": {"id": "109", "username": "alice", "acct": "alice"},
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }
    st.update(extra)
    return st


@functools.cache
def gzip_zeros(megabytes: int) -> bytes:
    """A gzip body that expands to ``megabytes`` MB of zeros (800 MB → about 800 KB; built once per process)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    return b"".join([*(c.compress(block) for _ in range(megabytes)), c.flush()])


def now_ts() -> float:
    return time.time()
