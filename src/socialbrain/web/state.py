"""What one running server holds: the Brain, the thread that runs index/LLM work, background jobs, the token.

Threading: archive reads (timeline, posts, stats) run in FastAPI's thread pool (the archive and the index
store lock internally). Searches and KB calls run on a small "brain" pool, awaited asynchronously so waiting
requests hold no pool threads; each answer stream runs in a thread of its own, so a slow LLM holds only that
thread. Background jobs (imports, uploads, rebuilds) open their own Brain, one job at a time; when one
finishes, the main Brain drops its index handle and reopens it on next use, so searches see the new posts.
"""

from __future__ import annotations

import asyncio
import functools
import shutil
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import Request

from ..brain import Brain
from ..errors import SocialbrainError
from ..limits import Limits
from ..services import llm_from_settings, llm_info
from .jobs import Job, JobRunner
from .reports import ReportStore
from .security import DEFAULT_MAX_UPLOAD, server_dirs, strip_paths

if TYPE_CHECKING:
    from ..answer.llm import LLM
    from ..index.background import BackgroundIndexer

T = TypeVar("T")
# searches at once: they are CPU-bound under the GIL, so first come first served gives the best latencies
BRAIN_THREADS = 2


@dataclass
class WebState:
    data_dir: Path
    overrides: dict[str, Any] = field(default_factory=dict)
    token: str | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    limits: Limits | None = None  # None: from the data directory's settings ([serve] in config.toml)
    brain: Brain = field(init=False)
    executor: ThreadPoolExecutor = field(init=False)
    jobs: JobRunner = field(init=False)
    reports: ReportStore = field(init=False)
    _model_llms: dict[str, LLM | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.brain = Brain.open(self.data_dir, **self.overrides)
        if self.limits is None:
            self.limits = Limits.from_settings(self.brain.settings)
        clean_uploads(self.data_dir)
        if self.brain.settings.archive_path.exists():  # rows of imports a killed server left `running` become `interrupted`
            self.brain.archive.close_stale_imports()
        self.executor = ThreadPoolExecutor(max_workers=BRAIN_THREADS, thread_name_prefix="brain")
        self.jobs = JobRunner(threading.Lock(), scrub=self.strip_paths)
        self.reports = ReportStore(self.data_dir / "reports")  # web/reports.py: cached report pages
        self._init_lock = threading.Lock()
        self.indexer: BackgroundIndexer | None = None

    def start_indexer(self) -> None:
        """The index's one background writer: applies archive changes, embeds pending units (index/background.py)."""
        from ..index.background import BackgroundIndexer

        if self.indexer is None:
            self.indexer = BackgroundIndexer(self.data_dir, self.overrides)
            self.indexer.start()

    def strip_paths(self, value: T) -> T:
        """``value`` with the server's directories removed from every path in it (job messages, import logs)."""
        stripped: T = strip_paths(value, server_dirs(self.data_dir))  # the same shape, paths shortened
        return stripped

    # -- running work --------------------------------------------------------------------------
    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` on the brain pool and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.executor, functools.partial(self._warm_then, fn, *args, **kwargs)
        )

    def _warm_then(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        # open the index and embedder once, under a lock, before threads race to create them
        if not self.brain.has("index") or not self.brain.has("embedder"):
            with self._init_lock:
                try:
                    self.brain.index  # noqa: B018
                    self.brain.embedder  # noqa: B018
                except SocialbrainError:
                    pass  # the call itself raises it again, with its own context
        return fn(*args, **kwargs)

    async def iterate(self, make: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
        """Drive a blocking generator (an answer stream) in a thread of its own, yielding its items here.

        A slow LLM then holds only its own thread, never the pool that searches run on. When the client goes
        away, the generator is closed after its current item."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        stop = threading.Event()

        def produce() -> None:
            try:
                it = iter(self._warm_then(make))
                try:
                    for item in it:
                        loop.call_soon_threadsafe(queue.put_nowait, ("item", item))
                        if stop.is_set():
                            break
                finally:
                    close = getattr(it, "close", None)
                    if close:
                        close()
                loop.call_soon_threadsafe(queue.put_nowait, ("end", None))
            except BaseException as e:  # handed to the consumer, which re-raises it
                loop.call_soon_threadsafe(queue.put_nowait, ("error", e))

        threading.Thread(target=produce, daemon=True, name="socialbrain-stream").start()
        try:
            while True:
                kind, value = await queue.get()
                if kind == "item":
                    yield value
                elif kind == "error":
                    raise value
                else:
                    return
        finally:
            stop.set()

    def submit_job(self, kind: str, label: str, work: Callable[[Brain, Job], dict[str, Any]]) -> Job:
        """Run ``work(job_brain, job)`` in the background with a Brain of its own."""

        def wrapped(job: Job) -> dict[str, Any]:
            brain = Brain.open(self.data_dir, **self.overrides)
            try:
                return work(brain, job)
            finally:
                brain.close()
                self._reopen_index()
                if self.indexer is not None:
                    self.indexer.wake()  # embed what the job brought in

        return self.jobs.submit(kind, label, wrapped)

    def _reopen_index(self) -> None:
        # drop the handle (requests still using it keep their reference); the next request opens it afresh
        self.brain.reopen_index()

    # -- models --------------------------------------------------------------------------------
    def llm_for_model(self, model: str | None) -> LLM | None:
        """The LLM to answer with: the configured one, or the same endpoint with another ``model``."""
        llm = self.brain.llm
        if llm is None or not model or model == getattr(llm, "model", None):
            return llm
        if model not in self._model_llms:
            self._model_llms[model] = llm_from_settings(self.brain.settings, model=model)
        return self._model_llms[model]

    def llm_info(self) -> dict[str, Any]:
        return llm_info(self.brain.llm)

    def close(self) -> None:
        if self.indexer is not None:
            self.indexer.stop()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.brain.close()


def clean_uploads(data_dir: Path) -> int:
    """Remove upload copies a killed server left in ``<data dir>/uploads/`` (a finished job removes its own);
    returns how many folders went. Run once when a server starts, before it accepts uploads."""
    root = data_dir / "uploads"
    if not root.is_dir():
        return 0
    gone = 0
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
        gone += 1
    return gone


def get_state(request: Request) -> WebState:
    web: WebState = request.app.state.web  # set once by create_app; Starlette's state is untyped
    return web
