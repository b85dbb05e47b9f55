"""How far along the index is, for every face: ``index_status(brain)`` → IndexStatus, ``.line()`` → one line.

    向量索引 62%：6,200 / 10,000（正在向量化，约 3 分钟）

CLI ``index status`` / ``stats``, the web ``/api/index/status`` endpoint and the MCP ``index_status`` tool all call
this one function. It never loads the embedder and never writes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from . import segment
from .writer import embed_lock, writer_lock

if TYPE_CHECKING:
    from ..brain import Brain


@dataclass
class IndexStatus:
    backend: str
    units: int  # searchable by keyword
    vectors: int  # of those, embedded
    posts: int
    behind: int  # archive changes not applied yet (keyword search misses them until they are)
    model: str | None  # the embedder that built the vectors
    embedding: bool  # an embedding pass is running (in this or another process)
    applying: bool  # changes are being applied right now
    segmenter_stale: bool = False  # keyword tokens made by another segmentation: rebuild

    @property
    def pending(self) -> int:
        return max(0, self.units - self.vectors)

    @property
    def percent(self) -> int:
        """Share of units with a vector, rounded down (100 only when every unit has one)."""
        if self.units == 0:
            return 100
        return self.vectors * 100 // self.units

    def line(self) -> str:
        """One line in Chinese: ``向量索引 62%：6,200 / 10,000``, plus what is going on."""
        text = f"向量索引 {self.percent}%：{self.vectors:,} / {self.units:,}"
        extra = []
        if self.embedding:
            extra.append("正在向量化")
        elif self.pending:
            extra.append("待向量化，运行 socialbrain index embed")
        if self.behind:
            extra.append(f"{self.behind:,} 条改动待索引" + ("（正在索引）" if self.applying else ""))
        if self.segmenter_stale:
            extra.append("分词设置已变，运行 socialbrain index rebuild")
        return text + (f"（{'；'.join(extra)}）" if extra else "")

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(pending=self.pending, percent=self.percent, line=self.line())
        return d


def index_status(brain: Brain) -> IndexStatus:
    """The index's state right now (cheap: counts, no embedder)."""
    index = brain.index
    counts = index.counts()
    behind = max(0, brain.archive.last_change_seq() - index.applied_seq())
    return IndexStatus(
        backend=index.backend,
        units=int(counts.get("units", 0)),
        vectors=int(counts.get("vectors", 0)),
        posts=int(counts.get("posts", 0)),
        behind=behind,
        model=index.model,
        embedding=embed_lock(brain.data_dir).held_elsewhere(),
        applying=writer_lock(brain.data_dir).held_elsewhere() if behind else False,
        segmenter_stale=segment.stale_note(index.segmenter) is not None,
    )


__all__ = ["IndexStatus", "index_status"]
