"""The embedding pass as the CLI runs it (``import``, ``index embed``): progress with an ETA on a terminal, one
line every few seconds otherwise (logs, CI, pipes), and an honest message when it is interrupted."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.markup import escape

from ..errors import IndexMismatchError
from .common import console, err_console, progress_bar

if TYPE_CHECKING:
    from ..brain import Brain
    from ..index.sync import EmbedProgress

#: seconds between progress lines when stderr is not a terminal ($SOCIALBRAIN_PROGRESS_SECONDS)
LINE_EVERY = float(os.environ.get("SOCIALBRAIN_PROGRESS_SECONDS") or 10)

RESUME_HINT = "已完成的向量已保存；运行 `socialbrain index embed` 继续（下次 import 或 serve 也会自动继续）"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


class _Lines:
    """One line every LINE_EVERY seconds: 向量索引 45%：4,500 / 10,000 · 35 条/s · 剩余约 2m40s."""

    def __init__(self, vectors0: int, units: int):
        self.vectors0, self.units = vectors0, units
        self.last = time.monotonic()

    def __call__(self, p: EmbedProgress) -> None:
        now = time.monotonic()
        if now - self.last < LINE_EVERY and p.done < p.total:
            return
        self.last = now
        have = self.vectors0 + p.done
        pct = have * 100 // self.units if self.units else 100
        print(
            f"向量索引 {pct}%：{have:,} / {self.units:,} · {p.rate:.0f} 条/s · 剩余约 {_duration(p.eta_seconds)}",
            file=sys.stderr,
            flush=True,
        )


FOLLOWING = (
    "另一个进程正在向量化（例如 serve）：等它完成，这里显示进度；Ctrl-C 只停止等待，不影响那个进程 "
    "(another process is embedding: following it until it ends; Ctrl-C stops following, not that pass)"
)


class _Follow:
    """While another process embeds: its progress from the index's counts, as a bar on a terminal or one line
    every LINE_EVERY seconds (向量索引 45%：4,500 / 10,000（正在向量化） · 35 条/s · 剩余约 2m40s)."""

    def __init__(self, brain: Brain, bar: Callable[[str, int, int], None] | None):
        from ..index.status import index_status

        self.brain, self.bar, self.status = brain, bar, index_status
        first = index_status(brain)
        self.start, self.started = first.vectors, time.monotonic()
        self.last = 0.0

    def __call__(self) -> None:
        s = self.status(self.brain)
        now = time.monotonic()
        rate = (s.vectors - self.start) / (now - self.started) if now > self.started else 0.0
        eta = s.pending / rate if rate > 0 else None
        if self.bar is not None:
            self.bar(f"向量 embedding（另一个进程）{rate:.0f}/s", s.vectors, s.units)
        elif now - self.last >= LINE_EVERY:
            self.last = now
            print(f"{s.line()} · {rate:.0f} 条/s · 剩余约 {_duration(eta)}", file=sys.stderr, flush=True)


def run_embedding(brain: Brain, *, quiet_when_done: bool = False, follow: bool = False) -> int | None:
    """Embed what lacks a vector, with progress. Returns units embedded, None when another pass is running.

    ``follow``: when another pass is running (serve's, another ``index embed``), wait for it with its progress,
    then embed what it left, instead of returning None. Ctrl-C stops after the batch in flight (everything before
    it is kept) and exits 130 with how to resume."""
    from ..index.status import index_status
    from ..index.sync import embed_pass

    status = index_status(brain)
    if status.pending == 0:
        return 0
    if status.embedding and not follow:
        console.print(f"{status.line()}：另一个进程正在向量化 (another process is embedding)")
        return None  # (``follow`` waits for it in embed_pass below)
    try:
        embedder = brain.embedder
    except Exception as e:  # noqa: BLE001 - keyword search works without it; say why dense does not
        err_console.print(f"[yellow]向量化跳过 (embedding skipped):[/yellow] {escape(str(e))}")
        return 0
    if embedder is None:
        return 0
    started = time.perf_counter()
    following = False  # waiting for another pass (``follow``): said once, then its progress
    lines = _Lines(status.vectors, status.units)

    def waiting(show: _Follow) -> Callable[[], None]:
        def tick() -> None:
            nonlocal following
            if not following:
                following = True
                err_console.print(FOLLOWING)
            show()

        return tick

    waited_for_other = False

    def locked() -> None:  # this pass holds the lock now: what another pass left is embedded here
        nonlocal following, started, lines, waited_for_other
        if following:
            following, started, waited_for_other = False, time.perf_counter(), True
            now = index_status(brain)
            lines = _Lines(now.vectors, now.units)

    try:
        if err_console.is_terminal:
            with progress_bar(str, per_stage=False, title="向量 embedding") as bar:
                done = embed_pass(
                    brain,
                    on_batch=lambda p: bar(f"向量 embedding {p.rate:.0f}/s", p.done, p.total),
                    wait=follow,
                    on_wait=waiting(_Follow(brain, bar)) if follow else None,
                    on_lock=locked,
                )
        else:
            done = embed_pass(
                brain,
                on_batch=lambda p: lines(p),
                wait=follow,
                on_wait=waiting(_Follow(brain, None)) if follow else None,
                on_lock=locked,
            )
    except KeyboardInterrupt:
        if following:
            err_console.print(f"\n停止等待 (stopped following)：{index_status(brain).line()}；另一个进程仍在向量化")
        else:
            err_console.print(f"\n向量化已中断 (interrupted)：{index_status(brain).line()}。{RESUME_HINT}")
        raise SystemExit(130) from None
    except IndexMismatchError as e:
        err_console.print(f"[yellow]向量化跳过 (embedding skipped):[/yellow] {escape(str(e))}")
        return 0
    if done is None:
        console.print("另一个进程正在向量化 (another process is embedding)")
        return None
    seconds = time.perf_counter() - started
    if not quiet_when_done:
        rate = f"，{done / seconds:.0f} 条/s" if seconds > 0 and done else ""
        by_other = "；其余由另一个进程完成 the rest by the other process" if waited_for_other else ""
        console.print(f"{index_status(brain).line()}（本次 {done:,} 个{rate}，{_duration(seconds)}{by_other}）")
    return done
