"""What one running server holds: the Brain, the thread that runs index/LLM work, background jobs, the token.

Threading: archive reads (timeline, posts, stats) run in FastAPI's thread pool (the archive is locked and
thread-safe). Everything that touches the index, the embedder or the LLM runs on one dedicated "brain" thread,
awaited asynchronously, so waiting requests never hold pool threads. Background jobs (imports, uploads,
rebuilds) open their own Brain, one job at a time; when one finishes the main Brain drops its index handle
and reopens it on next use, so searches see the new posts.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import Request

from ..brain import Brain
from .jobs import Job, JobRunner
from .security import DEFAULT_MAX_UPLOAD

if TYPE_CHECKING:
    from ..answer.llm import LLM

T = TypeVar("T")


@dataclass
class WebState:
    data_dir: Path
    overrides: dict[str, Any] = field(default_factory=dict)
    token: str | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    brain: Brain = field(init=False)
    executor: ThreadPoolExecutor = field(init=False)
    jobs: JobRunner = field(init=False)
    _model_llms: dict[str, LLM | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.brain = Brain.open(self.data_dir, **self.overrides)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brain")
        self.jobs = JobRunner(threading.Lock())

    # -- running work --------------------------------------------------------------------------
    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` on the brain thread and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))

    async def iterate(self, make: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
        """Drive a blocking generator on the brain thread, one item at a time."""
        it = await self.run(lambda: iter(make()))
        done = object()
        try:
            while True:
                item = await self.run(next, it, done)
                if item is done:
                    return
                yield item  # type: ignore[misc]
        finally:
            close = getattr(it, "close", None)
            if close:
                await self.run(close)

    def submit_job(self, kind: str, label: str, work: Callable[[Brain, Job], dict[str, Any]]) -> Job:
        """Run ``work(job_brain, job)`` in the background with a Brain of its own."""

        def wrapped(job: Job) -> dict[str, Any]:
            brain = Brain.open(self.data_dir, **self.overrides)
            try:
                return work(brain, job)
            finally:
                brain.close()
                self.executor.submit(self._reopen_index)

        return self.jobs.submit(kind, label, wrapped)

    def _reopen_index(self) -> None:
        b = self.brain
        if "index" in b.__dict__:
            close = getattr(b.index, "close", None)
            if close:
                close()
            del b.__dict__["index"]

    # -- models --------------------------------------------------------------------------------
    def llm_for_model(self, model: str | None) -> LLM | None:
        """The LLM to answer with: the configured one, or the same endpoint with another ``model``."""
        llm = self.brain.llm
        if llm is None or not model or model == getattr(llm, "model", None):
            return llm
        if model not in self._model_llms:
            from ..answer.llm import load_llm

            ov = self.brain.overrides
            self._model_llms[model] = load_llm(
                self.brain.settings,
                url=ov.get("llm_url"),
                model=model,
                key=ov.get("llm_key"),
                timeout=ov.get("llm_timeout"),
                redact=ov.get("llm_redact"),
            )
        return self._model_llms[model]

    def llm_info(self) -> dict[str, Any]:
        llm = self.brain.llm
        return {
            "available": llm is not None,
            "name": llm.name if llm else None,
            "model": getattr(llm, "model", None) if llm else None,
        }

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.brain.close()


def get_state(request: Request) -> WebState:
    return request.app.state.web
