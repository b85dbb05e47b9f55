"""Segmentation on a second core for big imports: one helper process that turns texts into BM25 token strings.

    SegmentWorker.start()         a child process (``python -m socialbrain.index.segment_worker``) with this
                                  process's segmenter configuration (version, user dictionaries); None when a
                                  second core or the child is not available — the caller segments itself
    fill_tokens(chunks, worker)   the chunks of units with their ``tokens`` set, in order: sent to the worker
                                  while it keeps up, segmented here otherwise (and always before it is ready)

Segmentation is ~40% of an import's CPU for ~100-character posts; SQLite's FTS5 inserts run in the store's writer
thread without the GIL, and parsing/storing are Python, so the second core only helps if segmentation leaves the
process. Texts go over a pipe as ``marshal`` frames and come back as space-joined token strings (one string per
unit: pickling token lists cost ~10x more). The child's tokens are exactly ``tokenize()``'s here: it loads the same
user dictionaries and must report the same ``segment.signature()``, or it is not used.

Lifetime: the child ignores SIGINT (Ctrl-C reaches the whole process group; the parent decides) and exits when
its stdin closes — which the parent does in ``close()``, and the OS does when the parent dies (kill -9 included):
no orphan keeps running. If the child dies or misbehaves mid-import, the chunks it had are segmented here: the
result never depends on the worker.
"""

from __future__ import annotations

import collections
import contextlib
import json
import marshal
import os
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from . import segment

if TYPE_CHECKING:
    from .stores.base import Unit

#: imports indexing fewer posts than this segment in process (starting the child costs ~0.2 s of a core)
MIN_POSTS = 3000
#: inputs this large start the worker before parsing (~3,000 posts of a Weibo export; a zip holds more)
MIN_BYTES = 1_500_000
#: chunks in flight at the worker before this process segments the next one itself
MAX_IN_FLIGHT = 3
#: the environment switch: ``SOCIALBRAIN_SEGMENT_WORKER=0`` never starts the worker (``1``: for any size)
ENV = "SOCIALBRAIN_SEGMENT_WORKER"
_HEADER = struct.Struct("<I")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def wanted(posts: int) -> bool:
    """Whether indexing ``posts`` posts should use a worker: big enough, a second core, not switched off."""
    setting = os.environ.get(ENV, "").strip()
    if posts <= 0 or setting == "0":
        return False
    if setting == "1":
        return True
    return posts >= MIN_POSTS and _cores() >= 2


def wanted_for(paths: Iterable[Path]) -> bool:
    """Whether an import of these files is big enough to start the worker before parsing (MIN_BYTES on disk)."""
    total = 0
    for p in paths:
        try:
            files = (f for f in p.rglob("*") if f.is_file()) if p.is_dir() else iter([p])
            for f in files:
                total += f.stat().st_size
                if total >= MIN_BYTES:
                    return wanted(MIN_POSTS)
        except OSError:
            continue
    return wanted(1 if total else 0)


def _write_frame(out: IO[bytes], payload: bytes) -> None:
    out.write(_HEADER.pack(len(payload)))
    out.write(payload)
    out.flush()


def _read_frame(inp: IO[bytes]) -> bytes | None:
    head = inp.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (n,) = _HEADER.unpack(head)
    body = inp.read(n)
    return body if len(body) == n else None


class SegmentWorker:
    """The parent's handle on one segmentation child. Use ``start()``; always ``close()`` (or ``with``)."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.expected = segment.signature()
        self._results: queue.Queue[list[str] | None] = queue.Queue()
        self._sends: queue.Queue[bytes | None] = queue.Queue()
        self._ready = threading.Event()
        self.failed: str | None = None  # why the worker is not (or no longer) used
        self.in_flight = 0
        self.segmented = 0  # texts segmented by the child and used
        self._reader = threading.Thread(target=self._read, name="socialbrain-segment-reader", daemon=True)
        self._sender = threading.Thread(target=self._send, name="socialbrain-segment-sender", daemon=True)
        self._reader.start()
        self._sender.start()

    @classmethod
    def start(cls) -> SegmentWorker | None:
        """A running child with this process's segmenter configuration, or None when it cannot be started."""
        import socialbrain

        env = dict(os.environ)
        root = str(Path(socialbrain.__file__).resolve().parent.parent)  # the code running here, first on the path
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        dicts = [str(p) for p in segment.user_dicts()]
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "socialbrain.index.segment_worker", json.dumps(dicts)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError:
            return None
        return cls(proc)

    # -- the two pipe threads (blocking I/O without the GIL) -----------------------------------------------
    def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            first = _read_frame(self.proc.stdout)
            hello = marshal.loads(first) if first is not None else None
            if not (isinstance(hello, tuple) and hello[:1] == ("ready",)):
                self.failed = f"the segmentation worker did not start ({hello!r})"
                return
            if hello[1] != self.expected:
                self.failed = f"the segmentation worker segments differently ({hello[1]} ≠ {self.expected})"
                return
            self._ready.set()
            while (frame := _read_frame(self.proc.stdout)) is not None:
                reply = marshal.loads(frame)
                if not isinstance(reply, list):
                    self.failed = f"the segmentation worker failed: {reply!r}"
                    return
                self._results.put(reply)
            self.failed = self.failed or "the segmentation worker stopped"
        except (OSError, ValueError, EOFError, TypeError) as e:
            self.failed = f"the segmentation worker's output could not be read ({e})"
        finally:
            self._ready.set()
            self._results.put(None)  # wakes a caller waiting for a result that will not come

    def _send(self) -> None:
        assert self.proc.stdin is not None
        try:
            while (payload := self._sends.get()) is not None:
                _write_frame(self.proc.stdin, payload)
        except (OSError, ValueError):  # the child is gone: the reader notices and the caller falls back
            pass
        finally:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()  # EOF: the child exits

    # -- the caller's side -------------------------------------------------------------------------------
    def usable(self) -> bool:
        """Started, same segmentation, not failed."""
        return self._ready.is_set() and self.failed is None

    def submit(self, texts: list[str]) -> None:
        self._sends.put(marshal.dumps(texts))
        self.in_flight += 1

    def has_result(self) -> bool:
        return not self._results.empty()

    def result(self) -> list[str] | None:
        """The token strings of the oldest submitted chunk (waits for it); None when the worker failed."""
        self.in_flight -= 1
        if self.failed is not None and self._results.empty():
            return None
        got = self._results.get()
        if got is None:
            self._results.put(None)  # every later call sees the failure too
        return got

    def close(self) -> None:
        """Stop the child: close its stdin (it exits at once), kill it if it does not; never leaves it running."""
        self._sends.put(None)
        self._sender.join(timeout=5)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        finally:
            if self.proc.stdout is not None:
                self.proc.stdout.close()
        self._reader.join(timeout=5)

    def __enter__(self) -> SegmentWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _tokens(joined: str) -> list[str]:
    return joined.split(" ") if joined else []


def _segment_here(chunk: list[Unit]) -> list[Unit]:
    for u in chunk:
        u.tokens = segment.tokenize(u.text)
    return chunk


def fill_tokens(chunks: Iterable[list[Unit]], worker: SegmentWorker | None) -> Iterator[list[Unit]]:
    """Set every unit's ``tokens`` (``segment.tokenize(unit.text)``), yielding the chunks in their order.

    A chunk goes to the worker while it has fewer than MAX_IN_FLIGHT; otherwise (or before it is ready, or
    after it failed) it is segmented here — the two share the work. The worker's answers are checked (one token
    string per text); a failed worker's chunks are segmented here."""
    if worker is None:
        for chunk in chunks:
            yield _segment_here(chunk)
        return
    pending: collections.deque[tuple[list[Unit], bool]] = collections.deque()

    def finish() -> list[Unit]:
        chunk, remote = pending.popleft()
        if not remote:
            return chunk
        joined = worker.result()
        if joined is None or len(joined) != len(chunk):
            if joined is not None:
                worker.failed = "the segmentation worker answered for the wrong number of texts"
            return _segment_here(chunk)
        for u, s in zip(chunk, joined, strict=True):
            u.tokens = _tokens(s)
        worker.segmented += len(chunk)
        return chunk

    for chunk in chunks:
        if worker.usable() and worker.in_flight < MAX_IN_FLIGHT:
            worker.submit([u.text for u in chunk])
            pending.append((chunk, True))
        else:
            pending.append((_segment_here(chunk), False))
        while pending and (not pending[0][1] or worker.has_result() or worker.failed is not None):
            yield finish()
        while len(pending) > 4 * MAX_IN_FLIGHT:  # this side is ahead: wait for the worker's answers in order
            yield finish()
    while pending:
        yield finish()


# -- the child ----------------------------------------------------------------------------------------------
def main() -> None:
    """The worker: load the same user dictionaries, say ready with the signature, then segment until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it closes our stdin
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    try:
        for path in json.loads(sys.argv[1]) if len(sys.argv) > 1 else []:
            segment.load_user_dict(path)
        segment.tokenize("预热")  # the segmenter, stop words, traditional-character table: loaded before "ready"
        _write_frame(out, marshal.dumps(("ready", segment.signature())))
        while (frame := _read_frame(inp)) is not None:
            texts = marshal.loads(frame)
            _write_frame(out, marshal.dumps([" ".join(segment.tokenize(t)) for t in texts]))
    except BrokenPipeError:  # the parent is gone
        pass
    except Exception as e:  # noqa: BLE001 - told to the parent, which segments by itself instead
        with contextlib.suppress(OSError):
            _write_frame(out, marshal.dumps(("error", f"{type(e).__name__}: {e}")))


if __name__ == "__main__":
    main()
