"""Collector checkpoints: one JSON state per (platform, account) in the archive's ``collect_state`` table.

Saved in the same transaction as the page it describes, so the checkpoint and the stored posts always agree.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ..archive.sqlite import SQLiteArchive


def load_state(archive: SQLiteArchive, platform: str, account: str) -> dict[str, Any]:
    row = archive.execute(
        "SELECT state FROM collect_state WHERE platform=? AND account=?", (platform, account)
    ).fetchone()
    return json.loads(row[0]) if row else {}


def save_state(archive: SQLiteArchive, platform: str, account: str, state: dict[str, Any]) -> None:
    """Write the state (joins the caller's transaction when there is one)."""
    with archive.transaction():
        archive.execute(
            "INSERT INTO collect_state (platform, account, state, updated_at) VALUES (?,?,?,?) "
            "ON CONFLICT (platform, account) DO UPDATE SET state=excluded.state, updated_at=excluded.updated_at",
            (
                platform,
                account,
                json.dumps(state, ensure_ascii=False, sort_keys=True),
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )


def all_states(archive: SQLiteArchive) -> list[dict[str, Any]]:
    rows = archive.execute("SELECT platform, account, state, updated_at FROM collect_state ORDER BY 1, 2")
    return [{"platform": p, "account": a, "state": json.loads(s), "updated_at": u} for p, a, s, u in rows]
