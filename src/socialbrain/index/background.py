"""The index's one background writer under ``serve``: applies archive changes and embeds pending units.

    indexer = BackgroundIndexer(data_dir, overrides); indexer.start() … indexer.stop()

It opens a Brain of its own (its own SQLite connections and embedder), so the searches of the server never wait for
it: they read the last committed state. Every second it looks whether the archive moved past ``applied_seq`` and
applies the changes (under the writer lock: a CLI import at the same time simply goes first or second), then runs
an embedding pass (under the embed lock: when ``socialbrain index embed`` runs elsewhere, it leaves the work to
it). A pass interrupted by a kill resumes here on the next start; ``stop()`` ends it after the batch in flight.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from ..errors import EmbedderUnavailable, IndexMismatchError, SocialbrainError

log = logging.getLogger("socialbrain.index")


class BackgroundIndexer:
    def __init__(self, data_dir: Path, overrides: dict[str, Any] | None = None, *, interval: float = 1.0):
        self.data_dir = Path(data_dir)
        self.overrides = dict(overrides or {})
        self.interval = interval
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True, name="socialbrain-indexer")
            self._thread.start()

    def wake(self) -> None:
        """Look for work now (after an import job, say) instead of at the next tick."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        from ..brain import Brain
        from .sync import apply_changes, embed_pass

        brain: Brain | None = None
        embed_off = False
        try:
            while not self._stop.is_set():
                try:
                    if brain is None:
                        brain = Brain.open(self.data_dir, **self.overrides)
                    if brain.archive.last_change_seq() > brain.index.applied_seq():
                        apply_changes(brain, wait=False)
                    if not embed_off and brain.index.pending():
                        embed_pass(brain, stop=self._stop, wait=False)
                    self.last_error = None
                except (EmbedderUnavailable, IndexMismatchError) as e:  # say it once, keep serving keyword search
                    log.warning("background embedding off: %s", e)
                    self.last_error = str(e)
                    embed_off = True  # applying changes goes on; embedding waits for a restart with a fix
                except SocialbrainError as e:
                    if self.last_error != str(e):
                        log.warning("background indexing: %s", e)
                    self.last_error = str(e)
                except Exception as e:  # noqa: BLE001 - the server outlives a failed pass; the next tick retries
                    self.last_error = f"{type(e).__name__}: {e}"
                    log.warning("background indexing failed: %s", self.last_error)
                self._wake.wait(self.interval)
                self._wake.clear()
        finally:
            if brain is not None:
                brain.close()


__all__ = ["BackgroundIndexer"]
