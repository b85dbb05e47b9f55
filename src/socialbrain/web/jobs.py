"""Long work (imports, knowledge-base uploads, rebuilds, reports) runs in a background thread; the UI polls its
progress (or follows it over server-sent events). A job can be asked to stop: work that checks
``job.should_stop()`` ends early and the job's status becomes ``cancelled``."""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import SocialbrainError


@dataclass
class Job:
    id: str
    kind: str
    label: str
    status: str = "queued"  # queued / running / done / error / cancelled
    stage: str = ""
    done: int = 0
    total: int = 0
    message: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    finished: float | None = None
    cancel_requested: bool = False

    def cancel(self) -> None:
        """Ask the work to stop at its next check (``should_stop``)."""
        if self.status in ("queued", "running"):
            self.cancel_requested = True

    def should_stop(self) -> bool:
        return self.cancel_requested

    def progress(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = stage, done, total

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class JobRunner:
    """Runs one job at a time (writes to the archive and index are serialised) in a worker thread."""

    def __init__(
        self,
        write_lock: threading.Lock,
        keep: int = 100,
        scrub: Callable[[Any], Any] = lambda v: v,
    ):
        self.jobs: dict[str, Job] = {}
        self.write_lock = write_lock
        self.keep = keep
        self.scrub = scrub  # applied to every message and result shown to clients (e.g. strip server paths)

    def submit(self, kind: str, label: str, work: Callable[[Job], dict[str, Any]]) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], kind=kind, label=label)
        self.jobs[job.id] = job
        if len(self.jobs) > self.keep:
            for old in list(self.jobs)[: len(self.jobs) - self.keep]:
                if self.jobs[old].status in ("done", "error", "cancelled"):
                    del self.jobs[old]
        threading.Thread(target=self._run, args=(job, work), daemon=True, name=f"job-{job.id}").start()
        return job

    def _run(self, job: Job, work: Callable[[Job], dict[str, Any]]) -> None:
        with self.write_lock:
            job.status = "running"
            try:
                result = self.scrub(work(job) or {})
                job.result = result
                # work that ran to the end but achieved nothing (every uploaded file failed) says so
                job.status = "error" if result.get("error") else "done"
                job.message = str(result.get("error") or result.get("warning") or "")
            except SocialbrainError as e:
                job.status = "cancelled" if job.cancel_requested else "error"
                job.message = self.scrub(str(e))
            except Exception as e:  # a bug: keep the server alive and show it
                job.status = "error"
                job.message = self.scrub(f"internal error: {e.__class__.__name__}: {e}")
                traceback.print_exc()
            finally:
                job.finished = time.time()

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def list(self) -> list[Job]:
        return sorted(self.jobs.values(), key=lambda j: j.started, reverse=True)
