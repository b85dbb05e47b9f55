"""Posts grouped by the file they were imported from (the knowledge-base page's file table), and removing posts
from a knowledge base's members. :class:`~socialbrain.archive.sqlite.SQLiteArchive` inherits these methods."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..models import PostFilter


class FileTables:
    """Mixin: needs ``conn``, ``_lock`` and ``transaction()`` (from SQLiteArchive)."""

    conn: sqlite3.Connection
    _lock: threading.RLock

    def files_summary(self, flt: PostFilter | None) -> list[dict[str, Any]]:
        """One row per source file among the posts under ``flt``: ``source_file`` (as stored: a path on the
        server, or ``archive.zip!member``), ``posts``, ``first``/``last`` post dates and ``imported_at`` (the
        latest), most recently imported first."""
        from .sqlite import filter_sql

        where, params = filter_sql(flt)
        with self._lock:
            rows = self.conn.execute(
                "SELECT COALESCE(source_file, ''), COUNT(*), MIN(created_at), MAX(created_at), MAX(updated_at)"
                f" FROM posts WHERE {where} GROUP BY COALESCE(source_file, '') ORDER BY MAX(updated_at) DESC",
                params,
            ).fetchall()
        return [
            {"source_file": r[0], "posts": r[1], "first": r[2], "last": r[3], "imported_at": r[4]} for r in rows
        ]

    def post_ids_from_file(self, flt: PostFilter | None, source_file: str) -> list[int]:
        """Ids of the posts under ``flt`` imported from ``source_file`` ('' = posts without one)."""
        from .sqlite import filter_sql

        where, params = filter_sql(flt)
        with self._lock:
            return [
                r[0]
                for r in self.conn.execute(
                    f"SELECT id FROM posts WHERE {where} AND COALESCE(source_file, '') = ? ORDER BY created_ts",
                    [*params, source_file],
                )
            ]

    def kb_remove_members(self, name: str, ids: Iterable[int]) -> int:
        """Take posts out of a knowledge base (they stay in the archive); returns the members left."""
        idl = list(ids)
        with self.transaction():  # type: ignore[attr-defined]
            self.conn.execute(
                "DELETE FROM kb_posts WHERE kb = ? AND post_id IN (SELECT value FROM json_each(?))",
                (name, json.dumps(idl)),
            )
            members = self.conn.execute("SELECT COUNT(*) FROM kb_posts WHERE kb=?", (name,)).fetchone()[0]
            row = self.conn.execute("SELECT filter FROM kbs WHERE name=?", (name,)).fetchone()
            stored = json.loads(row[0] or "{}") if row else {}
            stored["members"] = members
            self.conn.execute(
                "UPDATE kbs SET filter=?, updated_at=? WHERE name=?",
                (
                    json.dumps(stored, ensure_ascii=False),
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    name,
                ),
            )
        return int(members)
