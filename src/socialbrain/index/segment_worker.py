"""Segmentation on a second core for big imports: one helper process that turns texts into BM25 token strings.

    SegmentWorker.start()         a child process (``python -m socialbrain.index.segment_worker``) with this
                                  process's segmenter configuration (version, user dictionaries); None when it
                                  cannot be started — the caller segments itself (``wanted`` decides whether
                                  to start one: size, a second core, SOCIALBRAIN_SEGMENT_WORKER)
    StartByVolume()               an import's ``on_parsed``: starts the worker once the parsed texts reach
                                  MIN_CHARS characters, and hands it the texts
    worker.presegment(posts)      texts sent ahead while an import parses and stores (``import_paths(on_parsed=)``)
    fill_tokens(chunks, worker)   the chunks of units with their tokens set, in order: from what was sent
                                  ahead, else sent to the worker while it keeps up, else segmented here (and
                                  always here before the worker is ready)

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
    from ..models import Post
    from .stores.base import Unit

#: imports indexing fewer posts than this segment in process (starting the child costs ~0.2 s of a core)
MIN_POSTS = 3000
#: an import starts the worker once the texts it parsed reach this many characters (``StartByVolume``): the
#: child's fixed ~0.2 s start pays off for ~6,000 17-character reposts, not for 3,000 (bench.ingest_index sizes)
MIN_CHARS = 100_000
#: texts of one import sent to the worker while parsing, at most (their tokens wait in memory for the index pass)
MAX_PRESEGMENTED = 100_000
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


class StartByVolume:
    """``import_paths(on_parsed=…)`` for an import: counts the parsed texts' characters and starts the worker when
    they reach MIN_CHARS (the texts seen until then are sent to it at once), so an import of short posts that
    would not repay the child's start never starts it. ``worker``: the started one (close it), else None;
    ``decided``: texts were seen and too few to start it (the index pass then segments in process too)."""

    def __init__(self, min_chars: int | None = None) -> None:
        if min_chars is None:  # SOCIALBRAIN_SEGMENT_WORKER=1 (tests): at the first text
            min_chars = 1 if os.environ.get(ENV, "").strip() == "1" else MIN_CHARS
        self.min_chars = min_chars
        self.chars = 0
        self.worker: SegmentWorker | None = None
        self._held: list[Post] = []
        self._gave_up = False  # the child could not be started: not tried again

    @property
    def decided(self) -> bool:
        return self.worker is None and not self._gave_up and 0 < self.chars < self.min_chars

    def __call__(self, posts: list[Post]) -> None:
        if self.worker is not None:
            self.worker.presegment(posts)
            return
        if self._gave_up:
            return
        from ..models import Kind  # (not at the top: the child never needs it)

        self.chars += sum(len(p.full_text) for p in posts if p.kind != Kind.CHAT)  # chats are segmented here
        self._held.extend(posts)
        if self.chars >= self.min_chars:
            held, self._held = self._held, []
            self.worker = SegmentWorker.start()
            if self.worker is None:
                self._gave_up = True
            else:
                self.worker.presegment(held)


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
        self._replies: queue.Queue[list[str] | None] = queue.Queue()  # from the reader thread, in order
        self._frames: collections.deque[list[str] | None] = collections.deque()  # sent, unanswered: texts if ahead
        self._chunks: collections.deque[list[str]] = collections.deque()  # answers to submit(), not yet taken
        self._ready_tokens: dict[str, str] = {}  # text sent ahead -> its token string
        self._known: set[str] = set()  # texts sent ahead
        self._sends: queue.Queue[bytes | None] = queue.Queue()
        self._ready = threading.Event()
        self.failed: str | None = None  # why the worker is not (or no longer) used
        self.in_flight = 0
        self.segmented = 0  # texts segmented by the child and used
        self.used_ahead = 0  # of those, sent ahead while parsing (``presegment``)
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
            elif hello[1] != self.expected:
                self.failed = f"the segmentation worker segments differently ({hello[1]} ≠ {self.expected})"
            else:
                self._ready.set()
            while (frame := _read_frame(self.proc.stdout)) is not None:
                if self.failed is not None:
                    continue  # drained, so the child never blocks on a full pipe before close() ends it
                reply = marshal.loads(frame)
                if not isinstance(reply, list):
                    self.failed = f"the segmentation worker failed: {reply!r}"
                    continue
                self._replies.put(reply)
            self.failed = self.failed or "the segmentation worker stopped"
        except (OSError, ValueError, EOFError, TypeError) as e:
            self.failed = f"the segmentation worker's output could not be read ({e})"
        finally:
            self._ready.set()
            self._replies.put(None)  # wakes a caller waiting for a reply that will not come

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

    # -- the caller's side (one thread) -----------------------------------------------------------------------
    def usable(self) -> bool:
        """Started, same segmentation, not failed."""
        return self._ready.is_set() and self.failed is None

    def _submit(self, texts: list[str], pre: bool) -> None:
        self._sends.put(marshal.dumps(texts))
        self._frames.append(texts if pre else None)

    def submit(self, texts: list[str]) -> None:
        """Send one chunk's texts; ``result()`` gives their token strings, in the order chunks were sent."""
        self._submit(texts, False)
        self.in_flight += 1

    def presegment(self, posts: Iterable[Post]) -> None:
        """Send the texts of freshly parsed posts ahead of the index pass (``import_paths(on_parsed=…)``): the child
        segments them while this process stores the posts; the index pass then finds their tokens ready. Only
        what will be one unit as it is (not chats, not long posts), at most MAX_PRESEGMENTED texts an import."""
        if self.failed is not None:
            return
        # imported here, not at the top: the child never needs them (units imports numpy: ~0.1 s of its start)
        from ..models import Kind
        from .units import LONG_POST_CHARS

        texts = []
        known = self._known
        for p in posts:
            if len(known) >= MAX_PRESEGMENTED:
                break
            if p.kind == Kind.CHAT:
                continue
            text = p.full_text
            if text and len(text) <= LONG_POST_CHARS and text not in known:
                known.add(text)
                texts.append(text)
        if texts:
            self._submit(texts, True)

    def knows(self, text: str) -> bool:
        """Sent ahead with ``presegment`` (its tokens are ready or on their way)."""
        return text in self._known

    def _take(self, block: bool) -> bool:
        """Take one reply from the child (waiting for it with ``block``) and file it; False when none came."""
        if not self._frames:
            return False
        try:
            reply = self._replies.get(block=block)
        except queue.Empty:
            return False
        if reply is None:  # the child failed: nothing more will come
            self._replies.put(None)
            self.failed = self.failed or "the segmentation worker stopped"
            return False
        texts = self._frames.popleft()
        if texts is None:
            self._chunks.append(reply)
        elif len(reply) == len(texts):
            self._ready_tokens.update(zip(texts, reply, strict=True))
        return True

    def has_result(self) -> bool:
        while self._take(block=False):
            pass
        return bool(self._chunks)

    def result(self) -> list[str] | None:
        """The token strings of the oldest submitted chunk (waits for it); None when the worker failed."""
        self.in_flight -= 1
        while not self._chunks:
            if not self._take(block=True):
                return None
        return self._chunks.popleft()

    def tokens_for(self, text: str) -> str | None:
        """The token string of a text sent ahead (waits for it); None when it was not sent or the worker failed."""
        while text not in self._ready_tokens:
            if text not in self._known or not self._take(block=True):
                return None
        return self._ready_tokens[text]

    def ready_for(self, units: list[Unit]) -> bool:
        """Every unit's text sent ahead has its tokens here (after taking what the child has answered)."""
        while self._take(block=False):
            pass
        return all(u.text in self._ready_tokens for u in units)

    def close(self) -> None:
        """Stop the child: close its stdin (it exits at once), or kill it when it still has texts nobody will read
        (a re-import that changed nothing does not wait for them); never leaves it running."""
        with contextlib.suppress(queue.Empty):
            while True:
                self._sends.get_nowait()
        self._sends.put(None)
        if self._frames and self.proc.poll() is None:
            self.proc.kill()  # its answers are not needed any more, and it holds nothing to save
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
        self._ready_tokens.clear()
        self._known.clear()

    def __enter__(self) -> SegmentWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _segment_here(chunk: list[Unit]) -> list[Unit]:
    for u in chunk:
        u.tokens = segment.tokenize(u.text)
        u.token_text = None
    return chunk


def _from_worker(u: Unit, joined: str) -> None:
    """The worker's space-joined tokens as they came: the FTS row is this string (``Unit.token_string``), so it is
    never split and joined again here (read the list with ``Unit.token_list``)."""
    u.tokens = []
    u.token_text = joined


def fill_tokens(chunks: Iterable[list[Unit]], worker: SegmentWorker | None) -> Iterator[list[Unit]]:
    """Set every unit's tokens (``segment.tokenize(unit.text)``), yielding the chunks in their order: the list in
    ``tokens`` when segmented here, the worker's space-joined string in ``token_text`` when it made them (read
    either with ``Unit.token_list()`` / ``Unit.token_string()``).

    Texts the worker got ahead (``presegment``) take its answer. The rest of a chunk goes to the worker while it
    has fewer than MAX_IN_FLIGHT chunks; otherwise (or before it is ready, or after it failed) it is segmented
    here — the two share the work. The worker's answers are checked (one token string per text); whatever a
    failed worker did not answer is segmented here."""
    if worker is None:
        for chunk in chunks:
            yield _segment_here(chunk)
        return
    # (chunk, its units not sent ahead, whether those went to the worker)
    pending: collections.deque[tuple[list[Unit], list[Unit], bool]] = collections.deque()

    def finish() -> list[Unit]:
        chunk, rest, remote = pending.popleft()
        if remote:
            joined = worker.result()
            if joined is None or len(joined) != len(rest):
                if joined is not None:
                    worker.failed = "the segmentation worker answered for the wrong number of texts"
                _segment_here(rest)
            else:
                for u, s in zip(rest, joined, strict=True):
                    _from_worker(u, s)
                worker.segmented += len(rest)
        if len(rest) < len(chunk):
            for u in chunk:
                if worker.knows(u.text):
                    got = worker.tokens_for(u.text)
                    if got is None:
                        _segment_here([u])
                    else:
                        _from_worker(u, got)
                        worker.segmented += 1
                        worker.used_ahead += 1
        return chunk

    def ready() -> bool:
        chunk, rest, remote = pending[0]
        if remote and not worker.has_result() and worker.failed is None:
            return False
        return len(rest) == len(chunk) or worker.failed is not None or worker.ready_for(
            [u for u in chunk if worker.knows(u.text)]
        )

    for chunk in chunks:
        rest = [u for u in chunk if not worker.knows(u.text)]
        if not rest:
            pending.append((chunk, rest, False))
        elif worker.usable() and worker.in_flight < MAX_IN_FLIGHT:
            worker.submit([u.text for u in rest])
            pending.append((chunk, rest, True))
        else:
            pending.append((chunk, _segment_here(rest), False))
        while pending and ready():
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
