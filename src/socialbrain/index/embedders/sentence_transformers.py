"""Local models through sentence-transformers (bge-small-zh-v1.5, bge-m3, e5, ...): ``st:/path/to/model``.

Nothing is downloaded: the path must be a model folder on disk (``HF_HUB_OFFLINE`` is forced). Query/passage
prefixes follow the model family: e5 → ``query: ``/``passage: ``; bge-*-zh → the bge retrieval instruction on queries.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...errors import EmbedderUnavailable, MissingExtra, require_extra
from .base import Vectors

_BGE_ZH_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："


def prefixes_for(model_name: str) -> tuple[str, str]:
    """(query prefix, passage prefix) that the model family was trained with."""
    n = model_name.lower()
    if "e5" in n:
        return "query: ", "passage: "
    if "bge" in n and "zh" in n:
        return _BGE_ZH_INSTRUCTION, ""
    return "", ""


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder."""

    def __init__(self, path: str | Path, *, batch_size: int = 32, device: str | None = None):
        p = Path(path).expanduser()
        if not p.is_dir():
            raise EmbedderUnavailable(
                f"{p}: no model folder there; give the path of a downloaded sentence-transformers model, "
                "e.g. --embedder st:/models/bge-small-zh-v1.5"
            )
        try:  # an embedder that cannot load is EmbedderUnavailable: search goes on with keywords
            SentenceTransformer = require_extra(  # noqa: N806
                "sentence_transformers", "st", "the st: embedder"
            ).SentenceTransformer
        except MissingExtra as e:
            raise EmbedderUnavailable(str(e)) from None
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            self._model = SentenceTransformer(str(p), device=device)
        except Exception as e:  # the library raises many kinds; all mean "cannot load this folder"
            raise EmbedderUnavailable(f"{p}: sentence-transformers cannot load this model ({e})") from e
        self.dim: int = int(self._model.get_sentence_embedding_dimension() or 0)
        self.batch_size = batch_size
        self.query_prefix, self.passage_prefix = prefixes_for(p.name)
        self.name = f"st:{p.name}"

    def _encode(self, texts: list[str]) -> Vectors:
        vecs = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> Vectors:
        return self._encode([self.query_prefix + text])[0, :]
