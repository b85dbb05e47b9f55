"""Optional rerankers: score (query, text) pairs again with a cross-encoder, after fusion.

Spec: ``--reranker`` / ``$SOCIALBRAIN_RERANKER`` / config ``[rerank] spec``:

    st:/path/to/model                    a local sentence-transformers CrossEncoder (e.g. bge-reranker-base)
    http:MODEL@http://host:port/v1       a Jina/Cohere-style ``POST /v1/rerank`` (llama.cpp server, Xinference, TEI…)

``[rerank] key`` / ``$SOCIALBRAIN_RERANKER_KEY`` is sent as a bearer token; ``[rerank] timeout`` (s, default 30).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ..errors import ConfigError, EmbedderUnavailable, MissingExtra, require_extra

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["Reranker", "CrossEncoderReranker", "HTTPReranker", "load_reranker"]

_MODEL_AT_URL = re.compile(r"^(?P<model>[^@]*)@(?P<url>https?://\S+)$")


@runtime_checkable
class Reranker(Protocol):
    name: str

    def rerank(self, query: str, texts: list[str]) -> list[float]:
        """One relevance score per text (higher is more relevant), in the order given."""
        ...


class CrossEncoderReranker:
    """A local sentence-transformers CrossEncoder folder."""

    def __init__(self, path: str, *, batch_size: int = 16):
        try:  # a reranker that cannot load is EmbedderUnavailable: search goes on without reranking
            CrossEncoder = require_extra("sentence_transformers", "st", f"reranker st:{path}").CrossEncoder  # noqa: N806
        except MissingExtra as e:
            raise EmbedderUnavailable(str(e)) from None
        try:
            self.model = CrossEncoder(path)
        except Exception as e:  # noqa: BLE001 - any loading failure is the user's model folder
            raise EmbedderUnavailable(f"reranker st:{path}: cannot load the model ({e})") from None
        self.name = f"st:{path}"
        self.batch_size = batch_size

    def rerank(self, query: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        scores = self.model.predict([(query, t) for t in texts], batch_size=self.batch_size)
        return [float(s) for s in scores]


class HTTPReranker:
    """``POST {base}/rerank`` with ``{"model", "query", "documents", "top_n"}``; reads ``results[].index`` and
    ``relevance_score`` (or ``score``)."""

    def __init__(self, model: str, base_url: str, *, key: str | None = None, timeout: float = 30.0):
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout = timeout
        self.name = f"http:{model}@{self.base_url}"

    def rerank(self, query: str, texts: list[str]) -> list[float]:
        import httpx

        if not texts:
            return []
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        body = {"model": self.model, "query": query, "documents": texts, "top_n": len(texts)}
        url = self.base_url + "/rerank"
        try:
            r = httpx.post(url, json=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as e:
            raise EmbedderUnavailable(f"reranker {url}: cannot reach it ({e.__class__.__name__})") from None
        if r.status_code != 200:
            raise EmbedderUnavailable(f"reranker {url}: HTTP {r.status_code}: {r.text[:200]}")
        try:
            results = r.json()["results"]
            scores = [float("-inf")] * len(texts)
            for item in results:
                score = item.get("relevance_score", item.get("score"))
                scores[int(item["index"])] = float(score)
        except (ValueError, KeyError, TypeError, IndexError) as e:
            raise EmbedderUnavailable(f"reranker {url}: unexpected answer ({e!r})") from None
        return scores


def load_reranker(settings: Settings, spec: str | None = None) -> Reranker | None:
    """The configured reranker, or None when none is set."""
    value = spec if spec is not None else settings.rerank.spec
    value = str(value or "").strip()
    if not value or value.lower() in ("none", "off"):
        return None
    kind, _, rest = value.partition(":")
    if kind == "st" and rest:
        return CrossEncoderReranker(rest)
    if kind == "http":
        m = _MODEL_AT_URL.match(rest)
        if not m:
            raise ConfigError(f"reranker {value!r}: use http:MODEL@http://host:port/v1")
        return HTTPReranker(
            m.group("model"),
            m.group("url"),
            key=settings.rerank.key,
            timeout=settings.rerank.timeout,
        )
    raise ConfigError(f"unknown reranker {value!r}: use st:/path/to/model or http:MODEL@http://host:port/v1")
