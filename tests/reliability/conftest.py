"""The reliability suite (issue #19): kill -9 during serve and import, concurrency during an import, hostile
collector servers, oversized requests. Real processes, real SQLite files, real HTTP on 127.0.0.1; each test has a
hard time limit of its own. Runs with the rest: ``pytest tests/reliability``."""

from __future__ import annotations

import sys
from pathlib import Path

# the hostile collector servers live with the collector tests
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "collect"))
