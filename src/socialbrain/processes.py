"""Is a process still running? (the archive's import rows and the import scratch folders record their pid)."""

from __future__ import annotations

import os


def pid_alive(pid: int | None) -> bool:
    """Whether process ``pid`` runs on this machine; this process counts as alive, and so does one we may not
    signal (another user's: never treat its files as abandoned)."""
    if not pid:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError included: it exists
        return True
    return True
