"""Collector checkpoints: one JSON state per (platform, account) in the archive's ``collect_state`` table.

Saved in the same transaction as the page it describes, so the checkpoint and the stored posts always agree.
"""

from __future__ import annotations

from typing import Any

from ..archive.sqlite import SQLiteArchive


def load_state(archive: SQLiteArchive, platform: str, account: str) -> dict[str, Any]:
    return archive.collect_state(platform, account)


def save_state(archive: SQLiteArchive, platform: str, account: str, state: dict[str, Any]) -> None:
    """Write the state (joins the caller's transaction when there is one)."""
    archive.save_collect_state(platform, account, state)


def all_states(archive: SQLiteArchive) -> list[dict[str, Any]]:
    return archive.collect_states()
